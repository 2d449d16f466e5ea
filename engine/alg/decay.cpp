#include "minerisk/alg/decay.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace minerisk::alg {

CellRect CellRect::intersect(const CellRect& o) const {
    const std::int64_t c0 = std::max(col0, o.col0), r0 = std::max(row0, o.row0);
    const std::int64_t c1 = std::min(col0 + width, o.col0 + o.width), r1 = std::min(row0 + height, o.row0 + o.height);
    return {c0, r0, std::max<std::int64_t>(0, c1 - c0), std::max<std::int64_t>(0, r1 - r0)};
}

CellRect CellRect::hull(const CellRect& o) const {
    if (o.empty()) return *this;
    if (empty()) return o;
    const std::int64_t c0 = std::min(col0, o.col0), r0 = std::min(row0, o.row0);
    const std::int64_t c1 = std::max(col0 + width, o.col0 + o.width), r1 = std::max(row0 + height, o.row0 + o.height);
    return {c0, r0, c1 - c0, r1 - r0};
}

CellRect CellRect::around(const double box[4], double west, double north, double cell_size) {
    const auto c0 = static_cast<std::int64_t>(std::floor((box[0] - west) / cell_size)) - 1;
    const auto c1 = static_cast<std::int64_t>(std::ceil((box[2] - west) / cell_size)) + 1;
    const auto r0 = static_cast<std::int64_t>(std::floor((north - box[3]) / cell_size)) - 1;
    const auto r1 = static_cast<std::int64_t>(std::ceil((north - box[1]) / cell_size)) + 1;
    return {c0, r0, c1 - c0, r1 - r0};
}

namespace {
// Tables up to this many entries (16 MB); a larger reach in cells computes each value.
constexpr double kMaxTable = 4.0 * 1024 * 1024;
}  // namespace

DistanceDecay::DistanceDecay(double cell_size, double half_distance, double reach_m)
    : cell_(cell_size),
      k_(std::log(2.0) / half_distance),
      reach_cells_(reach_m / cell_size),
      reach2_(reach_cells_ * reach_cells_),
      halo_(static_cast<std::int64_t>(std::ceil(reach_cells_))) {
    const double n = std::floor(reach2_) + 1;
    if (n <= kMaxTable) {
        table_.resize(static_cast<std::size_t>(n));
        for (std::size_t i = 0; i < table_.size(); ++i) table_[i] = direct(static_cast<double>(i));
    }
}

float DistanceDecay::direct(double d2) const {
    return static_cast<float>(std::exp(-k_ * std::sqrt(d2) * cell_));
}

namespace {

// The smallest rectangle of `out` holding every cell the group might raise: a cell whose score is below
// cap x decay(its squared distance to the features' box). That distance is a lower bound of the distance to
// any of the group's cells (they all lie in the box), and decay never grows with distance, so the bound is
// at least what the group gives the cell: where the score is not below it, max(score, group) is the score,
// bit for bit. Groups far from where they matter (a lower share beside a higher one) are mostly skipped this
// way: for a cost of a few loads a cell, against a distance transform's tens.
CellRect raisable_part(const DistanceDecay& decay, float cap, const CellRect& box, const CellRect& out, const CellRect& block,
                       const float* score) {
    std::int64_t r_min = -1, r_max = -1, c_min = out.col0 + out.width, c_max = -1;
    const std::int64_t box_c1 = box.col0 + box.width - 1, box_r1 = box.row0 + box.height - 1;
    for (std::int64_t r = out.row0; r < out.row0 + out.height; ++r) {
        const std::int64_t dy = std::max<std::int64_t>({box.row0 - r, 0, r - box_r1});
        const float* row = score + (r - block.row0) * block.width - block.col0;
        const auto raisable = [&](std::int64_t c) {
            const std::int64_t dx = std::max<std::int64_t>({box.col0 - c, 0, c - box_c1});
            return cap * decay(static_cast<double>(dx * dx + dy * dy)) > row[c];
        };
        std::int64_t first = out.col0;
        const std::int64_t end = out.col0 + out.width;
        while (first < end && !raisable(first)) ++first;
        if (first == end) continue;
        std::int64_t last = end - 1;
        while (last > first && !raisable(last)) --last;
        if (r_min < 0) r_min = r;
        r_max = r;
        c_min = std::min(c_min, first);
        c_max = std::max(c_max, last);
    }
    if (r_min < 0) return {out.col0, out.row0, 0, 0};
    return {c_min, r_min, c_max - c_min + 1, r_max - r_min + 1};
}

}  // namespace

bool add_decayed_group(const DistanceDecay& decay, double weight, const CellRect& features_box, const CellRect& block,
                       const std::function<void(const CellRect&, float*)>& burn, DecayScratch& s, float* score,
                       float* nearest_d2, float* weight_band) {
    const std::int64_t halo = decay.halo();
    // The part of the block the group can reach, and the mask that decides it.
    CellRect out = features_box.grown(halo).intersect(block);
    if (out.empty()) return false;
    const float cap = static_cast<float>(weight);
    if (!nearest_d2 && !weight_band) {
        // Only the cells the group can still raise need its distances: every other cell keeps its score.
        out = raisable_part(decay, cap, features_box, out, block, score);
        if (out.empty()) return false;
    }
    const CellRect m = out.hull(out.grown(halo).intersect(features_box));
    const std::size_t mcells = static_cast<std::size_t>(m.cells());
    s.burned.assign(mcells, 0.0f);
    burn(m, s.burned.data());
    s.mask.resize(mcells);
    for (std::size_t i = 0; i < mcells; ++i) s.mask[i] = s.burned[i] > 0.0f;

    if (weight_band) {
        const CellRect in = m.intersect(block);
        for (std::int64_t r = 0; r < in.height; ++r) {
            const std::uint8_t* mk = s.mask.data() + (in.row0 - m.row0 + r) * m.width + (in.col0 - m.col0);
            float* wb = weight_band + (in.row0 - block.row0 + r) * block.width + (in.col0 - block.col0);
            for (std::int64_t c = 0; c < in.width; ++c)
                if (mk[c] && cap > wb[c]) wb[c] = cap;
        }
    }
    squared_distance_rows(s.mask.data(), m.width, m.height, out.row0 - m.row0, out.height, out.col0 - m.col0, out.width,
                          decay.reach_cells(), s.distance, [&](std::int64_t r, const double* d2) {
                              const std::size_t at = static_cast<std::size_t>((out.row0 - block.row0 + r) * block.width +
                                                                              (out.col0 - block.col0));
                              float* sc = score + at;
                              for (std::int64_t c = 0; c < out.width; ++c) {
                                  const float v = cap * decay(d2[c]);
                                  sc[c] = v > sc[c] ? v : sc[c];
                              }
                              if (nearest_d2) {
                                  float* nd = nearest_d2 + at;
                                  for (std::int64_t c = 0; c < out.width; ++c) {
                                      const float d = static_cast<float>(d2[c]);
                                      nd[c] = d < nd[c] ? d : nd[c];
                                  }
                              }
                          });
    return true;
}

}  // namespace minerisk::alg
