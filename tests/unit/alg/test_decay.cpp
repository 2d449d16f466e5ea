// weight x 0.5^(d / half_distance) around groups of features (alg/decay.hpp): checked against a direct sum
// over every feature cell, whatever block the group is computed in.
#include "minerisk/alg/decay.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace {

using minerisk::alg::CellRect;
using minerisk::alg::DecayScratch;
using minerisk::alg::DistanceDecay;

struct Group {
    double weight;
    std::vector<std::pair<std::int64_t, std::int64_t>> cells;  // (col, row) in grid cells
    CellRect box() const {
        CellRect b;
        for (auto [c, r] : cells) b = b.hull(CellRect{c, r, 1, 1});
        return b;
    }
};

// The direct definition: max over groups and their cells of weight * 0.5^(d/h), 0 beyond the reach.
float direct(const std::vector<Group>& groups, std::int64_t col, std::int64_t row, double cell, double half, double reach_m) {
    double best = 0;
    for (const auto& g : groups)
        for (auto [c, r] : g.cells) {
            const double d = std::hypot(double(c - col), double(r - row)) * cell;
            if (d <= reach_m) best = std::max(best, g.weight * std::exp(-std::log(2.0) * d / half));
        }
    return static_cast<float>(best);
}

std::vector<float> by_blocks(const std::vector<Group>& groups, std::int64_t width, std::int64_t height, std::int64_t tile,
                             const DistanceDecay& decay) {
    std::vector<float> out(static_cast<size_t>(width * height), -1.0f);
    DecayScratch scratch;
    for (std::int64_t r0 = 0; r0 < height; r0 += tile)
        for (std::int64_t c0 = 0; c0 < width; c0 += tile) {
            const CellRect block{c0, r0, std::min(tile, width - c0), std::min(tile, height - r0)};
            std::vector<float> score(static_cast<size_t>(block.cells()), 0.0f);
            for (const auto& g : groups) {
                const auto burn = [&](const CellRect& win, float* burned) {
                    for (auto [c, r] : g.cells)
                        if (c >= win.col0 && c < win.col0 + win.width && r >= win.row0 && r < win.row0 + win.height)
                            burned[(r - win.row0) * win.width + (c - win.col0)] = 1.0f;
                };
                minerisk::alg::add_decayed_group(decay, g.weight, g.box(), block, burn, scratch, score.data());
            }
            for (std::int64_t r = 0; r < block.height; ++r)
                for (std::int64_t c = 0; c < block.width; ++c)
                    out[static_cast<size_t>((r0 + r) * width + c0 + c)] = score[static_cast<size_t>(r * block.width + c)];
        }
    return out;
}

TEST(DecayedGroups, MatchDirectMaximumWhateverTheBlocks) {
    std::mt19937_64 rng(7);
    const std::int64_t W = 61, H = 47;
    const double cell = 10, half = 25, reach = 13.3 * half;
    std::vector<Group> groups;
    for (double w : {1.0, 0.7, 0.35, 0.9}) {
        Group g{w, {}};
        const int n = 1 + static_cast<int>(rng() % 6);
        // Some features lie outside the grid: they still count for the cells within their reach.
        for (int i = 0; i < n; ++i)
            g.cells.emplace_back(static_cast<std::int64_t>(rng() % (W + 20)) - 10, static_cast<std::int64_t>(rng() % (H + 20)) - 10);
        groups.push_back(g);
    }
    const DistanceDecay decay(cell, half, reach);
    std::vector<float> want(static_cast<size_t>(W * H));
    for (std::int64_t r = 0; r < H; ++r)
        for (std::int64_t c = 0; c < W; ++c) want[static_cast<size_t>(r * W + c)] = direct(groups, c, r, cell, half, reach);
    for (std::int64_t tile : {5, 16, 23, 64}) {
        const auto got = by_blocks(groups, W, H, tile, decay);
        for (size_t i = 0; i < want.size(); ++i)
            ASSERT_NEAR(got[i], want[i], 2e-7) << "tile " << tile << " cell " << i % W << "," << i / W;
        EXPECT_EQ(got, by_blocks(groups, W, H, 64, decay)) << "tile " << tile << ": not bit-identical to one block";
    }
}

TEST(DecayedGroups, AGroupThatCannotRaiseAnyCellIsSkipped) {
    const DistanceDecay decay(1, 2, 26.6);
    const CellRect block{0, 0, 8, 8};
    std::vector<float> score(64, 1.0f);  // already at the top everywhere
    DecayScratch s;
    int burns = 0;
    const auto burn = [&](const CellRect&, float*) { ++burns; };
    EXPECT_FALSE(minerisk::alg::add_decayed_group(decay, 0.5, CellRect{3, 3, 1, 1}, block, burn, s, score.data()));
    EXPECT_EQ(burns, 0);
    // A group far beyond the reach of the block does nothing either.
    std::fill(score.begin(), score.end(), 0.0f);
    EXPECT_FALSE(minerisk::alg::add_decayed_group(decay, 1.0, CellRect{500, 500, 1, 1}, block, burn, s, score.data()));
    EXPECT_EQ(burns, 0);
}

TEST(DistanceDecayTable, EqualsTheFormula) {
    const DistanceDecay decay(10, 250, 3325);
    for (double d2 : {0.0, 1.0, 2.0, 1000.0, 110000.0}) EXPECT_FLOAT_EQ(decay(d2), std::exp(-std::log(2.0) * std::sqrt(d2) * 10 / 250));
    EXPECT_EQ(decay(332.5 * 332.5 + 1), 0.0f);
    EXPECT_EQ(decay(INFINITY), 0.0f);
}

}  // namespace

// A group is computed only where it can still raise the score (the cells below weight x decay of their distance
// to the group's box): the result is bit-identical to computing every cell in reach (what the variant with a
// distance band does), and the distance transforms cover less.
TEST(DecayedGroups, OnlyCellsAGroupCanRaiseAreComputedAndTheResultIsTheSame) {
    std::mt19937_64 rng(11);
    const std::int64_t W = 300, H = 240;
    const DistanceDecay decay(10, 25, 13.3 * 25);
    std::vector<Group> groups;
    for (int k = 0; k < 40; ++k) {  // largest weight first, as the plugins go
        Group g{1.0 - 0.02 * k, {}};
        const std::int64_t c = static_cast<std::int64_t>(rng() % W), r = static_cast<std::int64_t>(rng() % H);
        for (int i = 0; i < 3; ++i) g.cells.emplace_back(c + static_cast<std::int64_t>(rng() % 5), r + static_cast<std::int64_t>(rng() % 5));
        groups.push_back(g);
    }
    const CellRect block{0, 0, W, H};
    std::vector<float> pruned(static_cast<size_t>(W * H), 0.0f), full = pruned;
    std::vector<float> nearest(pruned.size(), INFINITY);
    DecayScratch s;
    std::int64_t pruned_cells = 0, full_cells = 0;
    for (const auto& g : groups) {
        const auto burn_counting = [&](std::int64_t& cells) {
            return [&g, &cells](const CellRect& win, float* burned) {
                cells += win.cells();
                for (auto [c, r] : g.cells)
                    if (c >= win.col0 && c < win.col0 + win.width && r >= win.row0 && r < win.row0 + win.height)
                        burned[(r - win.row0) * win.width + (c - win.col0)] = 1.0f;
            };
        };
        minerisk::alg::add_decayed_group(decay, g.weight, g.box(), block, burn_counting(pruned_cells), s, pruned.data());
        minerisk::alg::add_decayed_group(decay, g.weight, g.box(), block, burn_counting(full_cells), s, full.data(), nearest.data());
    }
    EXPECT_EQ(pruned, full);
    EXPECT_LT(pruned_cells * 5, full_cells * 4) << "the groups' transforms were not narrowed to where they matter";
}
