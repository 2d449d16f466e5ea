// The area of interest as a mask over the grid, block by block: which cells a run scores. A cell is inside
// when its centre lies inside one of the area's polygons (GDAL's rasterize rule, as plugins burn polygons), so
// the mask of a cell does not depend on the block it is computed in, and results do not depend on tiling.
#pragma once
#include <cstdint>
#include <vector>

#include "minerisk/grid.hpp"
#include "minerisk/layer.hpp"

namespace minerisk {

class AreaMask {
public:
    // `area`: polygons in the grid's CRS; empty (no feature): every cell is inside. Keeps references.
    AreaMask(const FeatureLayer& area, const GridSpec& grid) : area_(area), grid_(grid) {}
    bool everywhere() const { return area_.size() == 0; }

    // 1 for the cells of `w` inside the area, 0 outside (w.width x w.height, row-major). Thread-safe.
    // Cost: the polygons' edges that cross the block's rows, once per block (GDAL's scanline fill).
    std::vector<std::uint8_t> inside(const Window& w) const;

    // Sets every cell of `w` outside the area to NaN in each band of `bands` (nullptr bands are skipped).
    // Returns the cells inside.
    std::int64_t clear_outside(const Window& w, const std::vector<float*>& bands) const;

private:
    const FeatureLayer& area_;
    const GridSpec& grid_;
};

}  // namespace minerisk
