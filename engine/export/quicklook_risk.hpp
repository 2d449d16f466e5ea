// What the engine's pictures (quicklook.png, the report's zone maps) draw from: the combined risk read from the
// run's scored tiles or, without them, from the risk raster; the risk averaged into map pixels; the zones'
// geometries and outlines.
#pragma once
#include <ogr_geometry.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "minerisk/exports.hpp"

class GDALDataset;

namespace minerisk::quicklook {

// The combined risk, cell by cell: band 0 of the run's scored tiles, or band 1 of the risk raster (its nodata
// value read as NaN) when the context has no scored tiles.
class RiskSource {
public:
    explicit RiskSource(const ExportContext& ctx);  // Error when there is no risk to read
    ~RiskSource();
    RiskSource(const RiskSource&) = delete;
    RiskSource& operator=(const RiskSource&) = delete;

    int width() const { return width_; }
    int height() const { return height_; }
    const double* geotransform() const { return gt_; }
    // Cells [col0, col0 + w) x [row0, row0 + h), which must lie inside the grid, row-major into `out`; NaN for no data.
    void read(int col0, int row0, int w, int h, float* out) const;

private:
    const ExportContext& ctx_;
    std::string path_;  // the raster's, when read from one
    GDALDataset* raster_ = nullptr;
    double nodata_ = 0;
    bool nodata_is_value_ = false;
    int width_ = 0, height_ = 0;
    double gt_[6] = {0, 1, 0, 0, 0, -1};
};

// A window of the grid's cells that may reach beyond the grid (cells outside are no data).
struct CellWindow {
    std::int64_t col0 = 0, row0 = 0, width = 1, height = 1;
};

// The risk averaged into map_w x map_h pixels over `win`: each pixel the mean of the non-NaN cells it covers (NaN if
// none); when the window has fewer cells than pixels, each cell becomes a block of pixels. Reads a few rows of the
// window at a time.
std::vector<float> sample_risk(const RiskSource& src, const CellWindow& win, int map_w, int map_h);

// The zone's polygon (from its WKB), or null when it has none.
std::unique_ptr<OGRGeometry> zone_geometry(const Zone& z);

// A mask (map_w x map_h, 1 = outline) of the boundaries of `geoms` over a map of geotransform `map_gt`, `width`
// pixels wide (1 or more).
std::vector<unsigned char> outline_mask(const std::vector<const OGRGeometry*>& geoms, const double* map_gt, int map_w,
                                        int map_h, int width = 2);

}  // namespace minerisk::quicklook
