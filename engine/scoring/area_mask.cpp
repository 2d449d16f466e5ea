#include "scoring/area_mask.hpp"

#include <gdal_alg.h>
#include <gdal_priv.h>

#include <cmath>
#include <memory>
#include <string>

#include "minerisk/error.hpp"

namespace minerisk {

std::vector<std::uint8_t> AreaMask::inside(const Window& w) const {
    const size_t cells = static_cast<size_t>(w.width * w.height);
    if (everywhere()) return std::vector<std::uint8_t>(cells, 1);
    std::vector<std::uint8_t> mask(cells, 0);
    // Only the polygons whose bounds meet the block: a country's outline is cut into thousands of blocks.
    const double x0 = grid_.origin_x + w.col0 * grid_.cell_size, x1 = x0 + w.width * grid_.cell_size;
    const double y1 = grid_.origin_y - w.row0 * grid_.cell_size, y0 = y1 - w.height * grid_.cell_size;
    std::vector<OGRGeometryH> geoms;
    for (std::int64_t f = 0; f < area_.size(); ++f) {
        const Extent& b = area_.bounds[static_cast<size_t>(f)];
        if (b.xmax < x0 || b.xmin > x1 || b.ymax < y0 || b.ymin > y1) continue;
        geoms.push_back(OGRGeometry::ToHandle(area_.geometry[static_cast<size_t>(f)].get()));
    }
    if (geoms.empty()) return mask;
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    if (!mem) throw Error("GDAL's MEM driver is not available, so the area of interest cannot be drawn on the grid");
    // GDAL burns straight into our buffer (DATAPOINTER), as Host::rasterize does.
    std::unique_ptr<GDALDataset> ds(mem->Create("", static_cast<int>(w.width), static_cast<int>(w.height), 0, GDT_Byte, nullptr));
    char pointer[64] = "";
    const int np = CPLPrintPointer(pointer, mask.data(), sizeof pointer - 1);
    pointer[np] = '\0';
    CPLStringList band_options;
    band_options.SetNameValue("DATAPOINTER", pointer);
    if (!ds || ds->AddBand(GDT_Byte, band_options.List()) != CE_None)
        throw Error("cannot draw the area of interest on a block of " + std::to_string(w.width) + " x " + std::to_string(w.height) +
                    " cells");
    double gt[6] = {x0, grid_.cell_size, 0, y1, 0, -grid_.cell_size};
    ds->SetGeoTransform(gt);
    int bands[1] = {1};
    std::vector<double> burn(geoms.size(), 1.0);
    const CPLErr e = GDALRasterizeGeometries(GDALDataset::ToHandle(ds.get()), 1, bands, static_cast<int>(geoms.size()),
                                             geoms.data(), nullptr, nullptr, burn.data(), nullptr, nullptr, nullptr);
    ds.reset();
    if (e != CE_None) throw Error(std::string("drawing the area of interest on the grid failed: ") + CPLGetLastErrorMsg());
    return mask;
}

std::int64_t AreaMask::clear_outside(const Window& w, const std::vector<float*>& bands) const {
    if (everywhere()) return w.cells();
    const std::vector<std::uint8_t> mask = inside(w);
    std::int64_t in = 0;
    const float nan = std::nanf("");
    for (size_t i = 0; i < mask.size(); ++i) {
        if (mask[i]) {
            ++in;
            continue;
        }
        for (float* b : bands)
            if (b) b[i] = nan;
    }
    return in;
}

}  // namespace minerisk
