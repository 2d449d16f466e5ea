#include "export/qgis_rasters.hpp"

#include <gdal_priv.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <vector>

namespace minerisk::qgis {

double described_sentinel(const std::string& description, std::string& word) {
    static const std::regex pattern(R"((\d+(?:\.\d+)?)\s*=\s*([A-Za-z][A-Za-z -]*[A-Za-z]))");
    std::smatch m;
    if (!std::regex_search(description, m, pattern)) return NAN;
    word = m[2].str();
    return std::strtod(m[1].str().c_str(), nullptr);
}

bool max_below(const std::string& path, double sentinel, double& max) {
    CPLPushErrorHandler(CPLQuietErrorHandler);
    auto* ds = static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    bool found = false;
    if (ds && ds->GetRasterCount() >= 1) {
        GDALRasterBand* band = ds->GetRasterBand(1);
        int has_nodata = 0;
        const double nodata = band->GetNoDataValue(&has_nodata);
        const int w = band->GetXSize(), h = band->GetYSize();
        std::vector<double> row(static_cast<size_t>(w));
        // Row by row: a grid of a few million cells is read in well under a second, once per run.
        for (int y = 0; y < h; ++y) {
            if (band->RasterIO(GF_Read, 0, y, w, 1, row.data(), w, 1, GDT_Float64, 0, 0) != CE_None) break;
            for (double v : row) {
                if (!std::isfinite(v) || (has_nodata && v == nodata) || v >= sentinel) continue;
                if (!found || v > max) max = v, found = true;
            }
        }
    }
    if (ds) GDALClose(ds);
    CPLPopErrorHandler();
    return found;
}

}  // namespace minerisk::qgis
