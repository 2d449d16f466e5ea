// Exact Euclidean distance transform: checked against a brute-force reference that measures every cell
// against every feature cell, so its answer does not depend on any property of the fast algorithm.
#include "minerisk/alg/distance.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

using minerisk::alg::distance_transform;
using minerisk::alg::squared_distance_transform;

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Grid {
    std::int64_t width;
    std::int64_t height;
    std::vector<std::uint8_t> mask;
};

// Each cell is a feature with probability `density`; mask values other than 1 are used on purpose
// because the contract is "non-zero", not "equal to 1".
Grid random_grid(std::int64_t width, std::int64_t height, double density, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::bernoulli_distribution feature(density);
    std::uniform_int_distribution<int> value(1, 255);
    Grid g{width, height, std::vector<std::uint8_t>(static_cast<std::size_t>(width * height), 0)};
    for (auto& m : g.mask)
        if (feature(rng)) m = static_cast<std::uint8_t>(value(rng));
    return g;
}

// O(cells x features): squared distance in cells to the nearest feature, +inf when there is none.
std::vector<double> brute_force_squared(const Grid& g) {
    std::vector<std::pair<std::int64_t, std::int64_t>> features;
    for (std::int64_t r = 0; r < g.height; ++r)
        for (std::int64_t c = 0; c < g.width; ++c)
            if (g.mask[static_cast<std::size_t>(r * g.width + c)]) features.emplace_back(r, c);
    std::vector<double> out(g.mask.size(), kInf);
    for (std::int64_t r = 0; r < g.height; ++r) {
        for (std::int64_t c = 0; c < g.width; ++c) {
            double best = kInf;
            for (const auto& [fr, fc] : features) {
                const double dr = static_cast<double>(r - fr);
                const double dc = static_cast<double>(c - fc);
                best = std::min(best, dr * dr + dc * dc);
            }
            out[static_cast<std::size_t>(r * g.width + c)] = best;
        }
    }
    return out;
}

std::vector<double> fast_squared(const Grid& g, unsigned threads = 1) {
    std::vector<double> out(g.mask.size(), -1.0);
    squared_distance_transform(g.mask.data(), g.width, g.height, out.data(), threads);
    return out;
}

std::vector<float> fast_distance(const Grid& g, double cell_size, unsigned threads = 1) {
    std::vector<float> out(g.mask.size(), -1.0f);
    distance_transform(g.mask.data(), g.width, g.height, cell_size, out.data(), threads);
    return out;
}

// Counts cells that differ and reports the first few, so one failure does not print thousands of lines.
template <class T>
void expect_equal_grids(const Grid& g, const std::vector<T>& expected, const std::vector<T>& actual,
                        const std::string& what) {
    ASSERT_EQ(expected.size(), actual.size());
    std::int64_t mismatches = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        if (expected[i] == actual[i]) continue;
        if (++mismatches <= 5) {
            ADD_FAILURE() << what << ": cell (row " << static_cast<std::int64_t>(i) / g.width << ", col "
                          << static_cast<std::int64_t>(i) % g.width << ") expected " << expected[i] << ", got "
                          << actual[i];
        }
    }
    EXPECT_EQ(mismatches, 0) << what << ": cells differing from the reference";
}

struct Shape {
    std::int64_t width;
    std::int64_t height;
};

const Shape kShapes[] = {{1, 1}, {1, 200}, {200, 1}, {37, 53}, {53, 37}, {128, 96}, {3, 257}};
const double kDensities[] = {0.002, 0.02, 0.2, 0.7};

TEST(DistanceTransform, SquaredEqualsBruteForceExactlyOnRandomMasks) {
    std::uint64_t seed = 1;
    for (const Shape& s : kShapes) {
        for (double density : kDensities) {
            for (int rep = 0; rep < 3; ++rep) {
                const Grid g = random_grid(s.width, s.height, density, seed++);
                expect_equal_grids(g, brute_force_squared(g), fast_squared(g),
                                   std::to_string(s.width) + "x" + std::to_string(s.height) +
                                       " density " + std::to_string(density));
            }
        }
    }
}

TEST(DistanceTransform, EmptyMaskGivesInfinityInBothOutputs) {
    for (const Shape& s : kShapes) {
        const Grid g = random_grid(s.width, s.height, 0.0, 7);
        for (double d2 : fast_squared(g)) ASSERT_EQ(d2, kInf);
        for (float d : fast_distance(g, 10.0)) ASSERT_EQ(d, std::numeric_limits<float>::infinity());
        for (float d : fast_distance(g, 0.0)) ASSERT_EQ(d, std::numeric_limits<float>::infinity());
    }
}

TEST(DistanceTransform, FullMaskGivesZero) {
    for (const Shape& s : kShapes) {
        const Grid g = random_grid(s.width, s.height, 1.0, 8);
        for (double d2 : fast_squared(g)) ASSERT_EQ(d2, 0.0);
        for (float d : fast_distance(g, 30.0)) ASSERT_EQ(d, 0.0f);
    }
}

// Columns (and rows) without any feature are the case where pass 1 yields +inf and pass 2 must skip them.
TEST(DistanceTransform, SingleFeatureGivesItsOwnDistanceEverywhere) {
    const std::int64_t width = 301, height = 7;
    for (const auto& [fr, fc] : {std::pair<std::int64_t, std::int64_t>{0, 0}, {6, 300}, {3, 150}, {0, 299}}) {
        Grid g{width, height, std::vector<std::uint8_t>(width * height, 0)};
        g.mask[static_cast<std::size_t>(fr * width + fc)] = 1;
        const std::vector<double> d2 = fast_squared(g);
        for (std::int64_t r = 0; r < height; ++r)
            for (std::int64_t c = 0; c < width; ++c)
                ASSERT_EQ(d2[static_cast<std::size_t>(r * width + c)],
                          static_cast<double>((r - fr) * (r - fr) + (c - fc) * (c - fc)))
                    << "feature (" << fr << ", " << fc << "), cell (" << r << ", " << c << ")";
    }
}

TEST(DistanceTransform, DistanceIsRootOfSquaredTimesCellSize) {
    const Grid g = random_grid(128, 96, 0.01, 11);
    const std::vector<double> ref = brute_force_squared(g);
    for (double cell : {1.0, 0.5, 30.0, 12.345}) {
        const std::vector<float> d = fast_distance(g, cell);
        for (std::size_t i = 0; i < ref.size(); ++i)
            ASSERT_FLOAT_EQ(d[i], static_cast<float>(std::sqrt(ref[i]) * cell)) << "cell size " << cell << " index " << i;
    }
}

TEST(DistanceTransform, CellSizeScalesDistances) {
    const Grid g = random_grid(37, 53, 0.03, 12);
    const std::vector<float> unit = fast_distance(g, 1.0);
    const std::vector<float> scaled = fast_distance(g, 25.0);
    for (std::size_t i = 0; i < unit.size(); ++i) ASSERT_FLOAT_EQ(scaled[i], unit[i] * 25.0f) << "index " << i;
}

TEST(DistanceTransform, ThreadsGiveBitIdenticalOutput) {
    const Shape shapes[] = {{1, 1}, {1, 500}, {500, 1}, {17, 3}, {37, 53}, {517, 389}};
    std::uint64_t seed = 100;
    for (const Shape& s : shapes) {
        for (double density : {0.0, 0.001, 0.05, 0.6}) {
            const Grid g = random_grid(s.width, s.height, density, seed++);
            const std::vector<double> sq1 = fast_squared(g, 1);
            const std::vector<float> d1 = fast_distance(g, 2.0, 1);
            for (unsigned threads : {0u, 2u, 3u, 8u}) {
                const std::vector<double> sqn = fast_squared(g, threads);
                const std::vector<float> dn = fast_distance(g, 2.0, threads);
                EXPECT_EQ(std::memcmp(sq1.data(), sqn.data(), sq1.size() * sizeof(double)), 0)
                    << s.width << "x" << s.height << " density " << density << " threads " << threads;
                EXPECT_EQ(std::memcmp(d1.data(), dn.data(), d1.size() * sizeof(float)), 0)
                    << s.width << "x" << s.height << " density " << density << " threads " << threads;
            }
        }
    }
}

// A long row and a long column with features only at their ends: squared distances around 10^12, exact
// only if indices and squares are carried in 64-bit integers and doubles throughout.
TEST(DistanceTransform, LongLinesAreExact) {
    const std::int64_t n = 3'000'001;
    for (bool row : {true, false}) {
        Grid g{row ? n : 1, row ? 1 : n, std::vector<std::uint8_t>(static_cast<std::size_t>(n), 0)};
        g.mask.front() = 1;
        g.mask.back() = 1;
        const std::vector<double> d2 = fast_squared(g, 2);
        for (std::int64_t i = 0; i < n; ++i) {
            const std::int64_t d = std::min(i, n - 1 - i);
            ASSERT_EQ(d2[static_cast<std::size_t>(i)], static_cast<double>(d * d)) << "index " << i;
        }
    }
}

// Taller than 2^24 rows: vertical distances no longer fit a float exactly, so the float output must not be
// used as pass-1 storage. The far end is 2^24 + 2 rows from the only feature (representable in float,
// whereas counting up in float would stall at 2^24).
TEST(DistanceTransform, FloatOutputStaysExactBeyondTwoToThe24Rows) {
    const std::int64_t height = (std::int64_t{1} << 24) + 3;
    std::vector<std::uint8_t> mask(static_cast<std::size_t>(height), 0);
    mask[0] = 1;
    std::vector<float> out(static_cast<std::size_t>(height));
    distance_transform(mask.data(), 1, height, 1.0, out.data(), 2);
    EXPECT_EQ(out[static_cast<std::size_t>(height - 1)], 16777218.0f);
    EXPECT_EQ(out[static_cast<std::size_t>(height - 3)], 16777216.0f);
    EXPECT_EQ(out[1], 1.0f);
}

TEST(DistanceTransform, EmptyExtentWritesNothing) {
    float out = 42.0f;
    double sq = 42.0;
    const std::uint8_t mask = 1;
    distance_transform(&mask, 0, 5, 1.0, &out);
    squared_distance_transform(&mask, 5, 0, &sq);
    EXPECT_EQ(out, 42.0f);
    EXPECT_EQ(sq, 42.0);
}

}  // namespace

// ---- squared_distance_rows: a rectangle of a mask, cut at a reach ------------------------------------------

namespace {

using minerisk::alg::DistanceScratch;
using minerisk::alg::squared_distance_rows;

// Brute force over the rectangle, cut at the reach like the contract says.
std::vector<double> brute_force_rect(const Grid& g, std::int64_t row0, std::int64_t rows, std::int64_t col0,
                                     std::int64_t cols, double reach) {
    const auto all = brute_force_squared(g);
    std::vector<double> out;
    for (std::int64_t r = row0; r < row0 + rows; ++r)
        for (std::int64_t c = col0; c < col0 + cols; ++c) {
            const double d2 = all[static_cast<std::size_t>(r * g.width + c)];
            out.push_back(d2 <= reach * reach ? d2 : kInf);
        }
    return out;
}

std::vector<double> rows_of(const Grid& g, std::int64_t row0, std::int64_t rows, std::int64_t col0, std::int64_t cols,
                            double reach, DistanceScratch& scratch) {
    std::vector<double> out(static_cast<std::size_t>(rows * cols), -1.0);
    squared_distance_rows(g.mask.data(), g.width, g.height, row0, rows, col0, cols, reach, scratch,
                          [&](std::int64_t r, const double* d2) {
                              std::copy(d2, d2 + cols, out.begin() + r * cols);
                          });
    return out;
}

}  // namespace

TEST(DistanceRows, MatchesBruteForceOnEveryRectangleAndReach) {
    DistanceScratch scratch;  // reused on purpose: stale contents must not leak into the next call
    int cases = 0;
    for (std::uint64_t seed = 1; seed <= 12; ++seed) {
        const std::int64_t w = 7 + static_cast<std::int64_t>(seed * 5 % 31), h = 5 + static_cast<std::int64_t>(seed * 7 % 29);
        const Grid g = random_grid(w, h, seed % 3 == 0 ? 0.002 : 0.03, seed);
        std::mt19937_64 rng(seed * 977);
        for (int k = 0; k < 6; ++k) {
            const std::int64_t r0 = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(h));
            const std::int64_t c0 = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(w));
            const std::int64_t rows = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(h - r0));
            const std::int64_t cols = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(w - c0));
            for (double reach : {0.0, 1.0, 2.5, 7.0, 1e9}) {
                const auto want = brute_force_rect(g, r0, rows, c0, cols, reach);
                const auto got = rows_of(g, r0, rows, c0, cols, reach, scratch);
                ASSERT_EQ(got, want) << "seed " << seed << " rect rows " << r0 << "+" << rows << " cols " << c0 << "+"
                                     << cols << " reach " << reach;
                ++cases;
            }
        }
    }
    EXPECT_EQ(cases, 12 * 6 * 5);
}

TEST(DistanceRows, FeaturesOutsideTheReachDoNotCount) {
    // One feature 10 cells above the only output row: within a reach of 10 it counts, within 9.9 not.
    Grid g{3, 11, std::vector<std::uint8_t>(33, 0)};
    g.mask[1] = 1;  // row 0, column 1
    DistanceScratch s;
    EXPECT_EQ(rows_of(g, 10, 1, 0, 3, 10.0, s), (std::vector<double>{kInf, 100.0, kInf}));
    EXPECT_EQ(rows_of(g, 10, 1, 0, 3, 10.04, s), (std::vector<double>{kInf, 100.0, kInf}));  // sqrt(101) = 10.0499
    EXPECT_EQ(rows_of(g, 10, 1, 0, 3, 10.05, s), (std::vector<double>{101.0, 100.0, 101.0}));
    EXPECT_EQ(rows_of(g, 10, 1, 0, 3, 9.99, s), (std::vector<double>{kInf, kInf, kInf}));
}
