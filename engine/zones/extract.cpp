// Reading the risk raster, choosing the threshold and marking the candidate cells.
#include <gdal_priv.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "minerisk/error.hpp"
#include "zones/zones_internal.hpp"

namespace minerisk::zones {
namespace {

Location file_location(const std::string& path) {
    Location l;
    l.file = path;
    return l;
}

}  // namespace

RiskGrid read_risk(const std::string& path, const GridSpec& expected, const Progress& progress) {
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);  // the Error says it; no GDAL message on the terminal
    std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(GDALOpen(path.c_str(), GA_ReadOnly)));
    CPLPopErrorHandler();
    if (!ds || ds->GetRasterCount() < 1)
        throw Error("cannot read the risk raster: " + std::string(CPLGetLastErrorMsg()), file_location(path),
                    "run the scoring stage first; the zone stage reads its risk.tif");
    RiskGrid out;
    double gt[6] = {0, 1, 0, 0, 0, -1};
    const bool has_gt = ds->GetGeoTransform(gt) == CE_None;
    const std::int64_t w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
    if (expected.width > 0) {
        out.grid = expected;
        const double tol = 1e-3 * expected.cell_size;  // a thousandth of a cell
        const auto eg = expected.geotransform();
        bool same = w == expected.width && h == expected.height && has_gt;
        for (int i = 0; same && i < 6; ++i) same = std::fabs(gt[i] - eg[i]) <= tol;
        if (!same)
            throw Error("the risk raster is " + std::to_string(w) + " x " + std::to_string(h) +
                            " cells and does not lie on the run's grid (" + expected.describe() + ")",
                        file_location(path), "give the zone stage the risk.tif written by the same run");
    } else {
        if (!has_gt || gt[2] != 0 || gt[4] != 0 || std::fabs(gt[1] + gt[5]) > 1e-9 * std::fabs(gt[1]) || !(gt[1] > 0))
            throw Error("the risk raster is not a north-up grid of square cells", file_location(path),
                        "give the zone stage the risk.tif written by minerisk");
        out.grid.width = w;
        out.grid.height = h;
        out.grid.cell_size = gt[1];
        out.grid.origin_x = gt[0];
        out.grid.origin_y = gt[3];
        if (const char* wkt = ds->GetProjectionRef()) out.grid.crs_wkt = wkt;
    }
    GDALRasterBand* band = ds->GetRasterBand(1);
    int has_nodata = 0;
    const double nodata = band->GetNoDataValue(&has_nodata);
    out.risk.resize(static_cast<size_t>(w * h));
    const std::int64_t step = 256;
    for (std::int64_t r0 = 0; r0 < h; r0 += step) {
        const std::int64_t n = std::min(step, h - r0);
        if (band->RasterIO(GF_Read, 0, static_cast<int>(r0), static_cast<int>(w), static_cast<int>(n),
                           out.risk.data() + r0 * w, static_cast<int>(w), static_cast<int>(n), GDT_Float32, 0, 0) != CE_None)
            throw Error("reading the risk raster failed: " + std::string(CPLGetLastErrorMsg()), file_location(path));
        if (!progress.report(double(r0 + n) / double(h), "reading risk")) throw Error("cancelled");
    }
    if (has_nodata && !std::isnan(nodata)) {
        const float nd = static_cast<float>(nodata);
        for (float& v : out.risk)
            if (v == nd) v = NAN;
    }
    return out;
}

namespace {

// Order-preserving map of a float's bits onto an unsigned integer (larger float, larger key).
inline std::uint32_t key_of(float v) {
    std::uint32_t b;
    std::memcpy(&b, &v, sizeof b);
    return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}
inline float float_of(std::uint32_t k) {
    const std::uint32_t b = (k & 0x80000000u) ? (k & 0x7FFFFFFFu) : ~k;
    float v;
    std::memcpy(&v, &b, sizeof v);
    return v;
}

}  // namespace

float top_percent_threshold(const std::vector<float>& risk, double percent, std::int64_t* valid_out) {
    std::vector<std::int64_t> hist(65536, 0);
    std::int64_t valid = 0;
    for (float v : risk)
        if (!std::isnan(v)) ++hist[key_of(v) >> 16], ++valid;
    if (valid_out) *valid_out = valid;
    if (valid == 0) return NAN;
    std::int64_t k = static_cast<std::int64_t>(std::ceil(percent / 100.0 * static_cast<double>(valid) - 1e-9));
    k = std::clamp<std::int64_t>(k, 1, valid);
    // The high 16 bits of the k-th largest key.
    std::uint32_t high = 0;
    for (std::int64_t b = 65535; b >= 0; --b) {
        if (hist[static_cast<size_t>(b)] >= k) {
            high = static_cast<std::uint32_t>(b);
            break;
        }
        k -= hist[static_cast<size_t>(b)];
    }
    std::fill(hist.begin(), hist.end(), 0);
    for (float v : risk)
        if (!std::isnan(v)) {
            const std::uint32_t key = key_of(v);
            if ((key >> 16) == high) ++hist[key & 0xFFFFu];
        }
    std::uint32_t low = 0;
    for (std::int64_t b = 65535; b >= 0; --b) {
        if (hist[static_cast<size_t>(b)] >= k) {
            low = static_cast<std::uint32_t>(b);
            break;
        }
        k -= hist[static_cast<size_t>(b)];
    }
    return float_of((high << 16) | low);
}

std::vector<std::uint8_t> candidate_mask(const std::vector<float>& risk, float threshold, std::int64_t* candidates) {
    std::vector<std::uint8_t> mask(risk.size());
    std::int64_t n = 0;
    for (size_t i = 0; i < risk.size(); ++i) {
        const float v = risk[i];
        if (std::isnan(v)) mask[i] = kNoData;
        else if (v >= threshold) mask[i] = kCandidate, ++n;
        else mask[i] = kBackground;
    }
    if (candidates) *candidates = n;
    return mask;
}

}  // namespace minerisk::zones
