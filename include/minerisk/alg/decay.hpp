// Scores that fall off with the distance to groups of features: weight x 0.5 ^ (d / half_distance), the
// largest over the groups. hazard_proximity and marking_gap are both of this form.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "minerisk/alg/distance.hpp"

namespace minerisk::alg {

// A rectangle of grid cells: columns [col0, col0 + width), rows [row0, row0 + height).
struct CellRect {
    std::int64_t col0 = 0, row0 = 0, width = 0, height = 0;

    bool empty() const { return width <= 0 || height <= 0; }
    std::int64_t cells() const { return empty() ? 0 : width * height; }
    CellRect grown(std::int64_t by) const { return {col0 - by, row0 - by, width + 2 * by, height + 2 * by}; }
    CellRect intersect(const CellRect& o) const;
    CellRect hull(const CellRect& o) const;  // the smallest rectangle holding both (an empty one is ignored)
    // The cells a map box [xmin, ymin, xmax, ymax] touches on a north-up grid whose top-left corner is
    // (west, north), with one cell to spare on each side.
    static CellRect around(const double box[4], double west, double north, double cell_size);
};

// 0.5 ^ (d / half_distance) by squared distance in cells, 0 beyond the reach. A table for the exact
// integers an exact distance transform gives, so that a cell costs a load rather than a sqrt and an exp.
class DistanceDecay {
public:
    DistanceDecay(double cell_size, double half_distance, double reach_m);
    double reach_cells() const { return reach_cells_; }
    std::int64_t halo() const { return halo_; }
    float operator()(double d2) const {
        if (!(d2 <= reach2_)) return 0.0f;
        const auto i = static_cast<std::size_t>(d2);
        return i < table_.size() ? table_[i] : direct(d2);
    }
    float direct(double d2) const;

private:
    double cell_, k_, reach_cells_, reach2_;
    std::int64_t halo_;
    std::vector<float> table_;
};

// Per-thread working memory, kept from block to block.
struct DecayScratch {
    std::vector<float> burned;
    std::vector<std::uint8_t> mask;
    DistanceScratch distance;
};

// Raises `score` over `block` to weight x decay(distance to the group's features) wherever that is larger.
//   features_box  the cells the group's features may cover (their bounding box, grid cells);
//   burn(window, out)  rasterizes the group's features into window (grid cells) as values > 0, into a buffer
//                      of window.cells() floats that holds 0 on entry;
//   nearest_d2    optional, block-sized: min-accumulates the squared distance in cells (+inf beyond reach);
//   weight_band   optional, block-sized: max-accumulates the weight on cells the group covers.
// Only the part of the block within the reach of the features is computed, from a mask no larger than the
// features' box and that part, so that small groups cost little. Returns false when the group could not
// raise any cell (every cell within its reach already at or above its weight) and was skipped.
bool add_decayed_group(const DistanceDecay& decay, double weight, const CellRect& features_box, const CellRect& block,
                       const std::function<void(const CellRect&, float*)>& burn, DecayScratch& scratch, float* score,
                       float* nearest_d2 = nullptr, float* weight_band = nullptr);

}  // namespace minerisk::alg
