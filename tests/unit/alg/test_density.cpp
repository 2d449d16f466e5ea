// Quartic kernel density: the difference-array evaluation against the direct cell-by-cell sum, plus
// properties that do not depend on either implementation (closed-form values, exact zeros, symmetry).
//
// Tolerance for fast vs direct: |fast - direct| <= 1e-6 * max|direct| over the block. Both results are
// float; rounding each cell's double sum to float moves it by up to 2^-24 ~ 6e-8 of its value, so two exact
// sums can already differ by one float ulp of the peak (~1.2e-7 relative). The chunked polynomial
// evaluation itself is accurate to ~1e-12 of the peak in double (measured; the bound in density.cpp is
// ~2e4 x 2^-53 per overlapping point at h = 1.5), so it adds nothing visible. 1e-6 therefore leaves a ~8x
// margin over the float quantisation, while a wrong coefficient, run or chunk split shows up as an error of
// the order of the kernel itself. Exact zeros where no kernel reaches are tested separately.
#include "minerisk/alg/density.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using minerisk::alg::KernelPoint;
using minerisk::alg::quartic_density;
using minerisk::alg::quartic_density_direct;

constexpr double kRelTolerance = 1e-6;

struct Case {
    std::int64_t width;
    std::int64_t height;
    double radius;
    std::size_t points;
};

std::string name(const Case& c) {
    return std::to_string(c.width) + "x" + std::to_string(c.height) + " r=" + std::to_string(c.radius) + " n=" +
           std::to_string(c.points);
}

// Points spread over the block and a margin of radius + 3 cells around it, so that some lie outside and
// reach in, some lie outside and do not, and weights vary by a factor of 50.
std::vector<KernelPoint> random_points(const Case& c, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    const double margin = c.radius + 3.0;
    std::uniform_real_distribution<double> col(-margin, static_cast<double>(c.width) + margin);
    std::uniform_real_distribution<double> row(-margin, static_cast<double>(c.height) + margin);
    std::uniform_real_distribution<double> weight(0.1, 5.0);
    std::vector<KernelPoint> pts(c.points);
    for (auto& p : pts) p = KernelPoint{col(rng), row(rng), weight(rng)};
    return pts;
}

std::vector<float> fast(const std::vector<KernelPoint>& pts, std::int64_t w, std::int64_t h, double radius) {
    std::vector<float> out(static_cast<std::size_t>(w * h), -1.0f);
    quartic_density(pts.data(), pts.size(), w, h, radius, out.data());
    return out;
}

std::vector<float> direct(const std::vector<KernelPoint>& pts, std::int64_t w, std::int64_t h, double radius) {
    std::vector<float> out(static_cast<std::size_t>(w * h), -1.0f);
    quartic_density_direct(pts.data(), pts.size(), w, h, radius, out.data());
    return out;
}

double max_abs(const std::vector<float>& v) {
    double m = 0.0;
    for (float x : v) m = std::max(m, static_cast<double>(std::fabs(x)));
    return m;
}

// Independent of both implementations: is cell (c, r)'s centre strictly within radius of any point?
bool reached(const std::vector<KernelPoint>& pts, std::int64_t c, std::int64_t r, double radius) {
    for (const auto& p : pts) {
        const double dx = static_cast<double>(c) + 0.5 - p.col;
        const double dy = static_cast<double>(r) + 0.5 - p.row;
        if (dx * dx + dy * dy < radius * radius) return true;
    }
    return false;
}

// Radii from 1.5 to 300 cells, widths up to 10,000 (the widest small-radius rows are where cancellation
// would show), and point counts that overlap kernels heavily.
const Case kCases[] = {
    {64, 48, 1.5, 300},     {300, 200, 7.3, 400},  {1000, 50, 40.0, 120},  {257, 263, 100.7, 60},
    {3000, 40, 300.0, 40},  {3000, 30, 2.2, 2000}, {10000, 6, 1.5, 4000},  {10000, 8, 500.0, 30},
    {1, 40, 3.0, 20},       {40, 1, 3.0, 20},      {2999, 17, 63.9, 300},  {500, 500, 16.0, 1500},
    // Rows densely covered end to end, so that no cell is free of kernels: rounding residue from runs that
    // ended must not accumulate along the row.
    {10000, 4, 4.0, 30000}, {10000, 3, 1.5, 60000}, {6000, 5, 37.0, 3000},
};

TEST(QuarticDensity, MatchesDirectSumWithinFloatPrecision) {
    std::uint64_t seed = 1;
    for (const Case& c : kCases) {
        const std::vector<KernelPoint> pts = random_points(c, seed++);
        const std::vector<float> ref = direct(pts, c.width, c.height, c.radius);
        const std::vector<float> got = fast(pts, c.width, c.height, c.radius);
        const double peak = max_abs(ref);
        ASSERT_GT(peak, 0.0) << name(c) << ": test case reaches no cell";
        double worst = 0.0;
        std::size_t worst_at = 0;
        for (std::size_t i = 0; i < ref.size(); ++i) {
            const double d = std::fabs(static_cast<double>(got[i]) - static_cast<double>(ref[i]));
            if (d > worst) worst = d, worst_at = i;
        }
        EXPECT_LE(worst, kRelTolerance * peak)
            << name(c) << ": worst at index " << worst_at << " fast " << got[worst_at] << " direct " << ref[worst_at];
        std::ostringstream rel;
        rel << name(c) << ": " << std::scientific << worst / peak;
        RecordProperty("worst_relative_error_case_" + std::to_string(seed - 1), rel.str());
    }
}

TEST(QuarticDensity, CellsOutsideEveryKernelAreExactlyZero) {
    std::uint64_t seed = 50;
    for (const Case& c : {Case{300, 200, 7.3, 60}, Case{2000, 20, 1.5, 300}, Case{400, 60, 45.5, 8}}) {
        const std::vector<KernelPoint> pts = random_points(c, seed++);
        const std::vector<float> got = fast(pts, c.width, c.height, c.radius);
        std::int64_t zeros = 0;
        for (std::int64_t r = 0; r < c.height; ++r) {
            for (std::int64_t col = 0; col < c.width; ++col) {
                if (reached(pts, col, r, c.radius)) continue;
                ++zeros;
                ASSERT_EQ(got[static_cast<std::size_t>(r * c.width + col)], 0.0f)
                    << name(c) << ": cell (" << r << ", " << col << ") is outside every kernel";
            }
        }
        EXPECT_GT(zeros, 0) << name(c) << ": test case has no cell outside the kernels";
    }
}

TEST(QuarticDensity, SinglePointPeakEqualsItsWeight) {
    // Weights exactly representable in float, so the stored peak can equal them exactly.
    struct Peak {
        std::int64_t width, height, col, row;
        double radius, weight;
    };
    const Peak peaks[] = {{11, 11, 5, 5, 1.5, 1.0},       {600, 9, 517, 4, 7.0, 2.5},
                          {3000, 3, 2999, 1, 300.0, 0.75}, {10000, 1, 9876, 0, 1.5, 3.0},
                          {10000, 2, 4321, 1, 500.0, 8.0}, {1, 1, 0, 0, 0.6, 1.25}};
    for (const Peak& p : peaks) {
        const std::vector<KernelPoint> pts{
            {static_cast<double>(p.col) + 0.5, static_cast<double>(p.row) + 0.5, p.weight}};
        const std::vector<float> got = fast(pts, p.width, p.height, p.radius);
        EXPECT_EQ(got[static_cast<std::size_t>(p.row * p.width + p.col)], static_cast<float>(p.weight))
            << "point at cell (" << p.row << ", " << p.col << ") radius " << p.radius;
    }
}

// Closed-form values around one point, including a point outside the block whose kernel reaches in.
TEST(QuarticDensity, SinglePointFollowsTheQuarticFormula) {
    const double radius = 5.0, weight = 2.0;
    for (const KernelPoint p : {KernelPoint{-3.2, 10.5, weight}, KernelPoint{7.3, 4.9, weight},
                                KernelPoint{20.0, -2.0, weight}}) {
        const std::vector<KernelPoint> pts{p};
        const std::int64_t w = 20, h = 15;
        const std::vector<float> got = fast(pts, w, h, radius);
        for (std::int64_t r = 0; r < h; ++r) {
            for (std::int64_t c = 0; c < w; ++c) {
                const double dx = static_cast<double>(c) + 0.5 - p.col;
                const double dy = static_cast<double>(r) + 0.5 - p.row;
                const double d2 = dx * dx + dy * dy;
                const double k = d2 < radius * radius ? 1.0 - d2 / (radius * radius) : 0.0;
                EXPECT_NEAR(got[static_cast<std::size_t>(r * w + c)], weight * k * k, 1e-6 * weight)
                    << "point (" << p.col << ", " << p.row << "), cell (" << r << ", " << c << ")";
            }
        }
    }
}

// Mirroring the points mirrors the result. Across the width the mirror also moves every run to a different
// position relative to the chunk origins, so this checks the re-basing as much as the kernel.
TEST(QuarticDensity, MirroredPointsGiveMirroredDensity) {
    const Case c{701, 37, 23.4, 200};
    const std::vector<KernelPoint> pts = random_points(c, 77);
    std::vector<KernelPoint> flip_x = pts, flip_y = pts;
    for (auto& p : flip_x) p.col = static_cast<double>(c.width) - p.col;
    for (auto& p : flip_y) p.row = static_cast<double>(c.height) - p.row;
    const std::vector<float> base = fast(pts, c.width, c.height, c.radius);
    const std::vector<float> fx = fast(flip_x, c.width, c.height, c.radius);
    const std::vector<float> fy = fast(flip_y, c.width, c.height, c.radius);
    const double tol = kRelTolerance * max_abs(base);
    for (std::int64_t r = 0; r < c.height; ++r) {
        for (std::int64_t col = 0; col < c.width; ++col) {
            const float v = base[static_cast<std::size_t>(r * c.width + col)];
            ASSERT_NEAR(v, fx[static_cast<std::size_t>(r * c.width + (c.width - 1 - col))], tol)
                << "horizontal mirror, cell (" << r << ", " << col << ")";
            ASSERT_NEAR(v, fy[static_cast<std::size_t>((c.height - 1 - r) * c.width + col)], tol)
                << "vertical mirror, cell (" << r << ", " << col << ")";
        }
    }
}

// A point at a cell centre: the kernel is symmetric under both mirrors and the diagonal transpose.
TEST(QuarticDensity, SinglePointIsRadiallySymmetric) {
    const std::int64_t n = 241, centre = 120;
    const std::vector<KernelPoint> pts{{centre + 0.5, centre + 0.5, 1.0}};
    const std::vector<float> got = fast(pts, n, n, 97.3);
    auto at = [&](std::int64_t r, std::int64_t c) { return got[static_cast<std::size_t>(r * n + c)]; };
    for (std::int64_t dy = 0; dy <= centre; ++dy) {
        for (std::int64_t dx = 0; dx <= centre; ++dx) {
            const float v = at(centre + dy, centre + dx);
            ASSERT_NEAR(v, at(centre - dy, centre + dx), kRelTolerance) << dy << ", " << dx;
            ASSERT_NEAR(v, at(centre + dy, centre - dx), kRelTolerance) << dy << ", " << dx;
            ASSERT_NEAR(v, at(centre - dy, centre - dx), kRelTolerance) << dy << ", " << dx;
            ASSERT_NEAR(v, at(centre + dx, centre + dy), kRelTolerance) << dy << ", " << dx;
        }
    }
}

TEST(QuarticDensity, NoPointsOrNonPositiveRadiusGiveZero) {
    const std::vector<KernelPoint> none;
    for (float v : fast(none, 30, 20, 5.0)) ASSERT_EQ(v, 0.0f);
    const std::vector<KernelPoint> one{{10.5, 10.5, 1.0}};
    for (double radius : {0.0, -3.0}) {
        for (float v : fast(one, 30, 20, radius)) ASSERT_EQ(v, 0.0f);
        for (float v : direct(one, 30, 20, radius)) ASSERT_EQ(v, 0.0f);
    }
}

// Non-finite points are ignored and far-away ones reach nothing; neither may disturb the finite points.
TEST(QuarticDensity, NonFiniteAndFarPointsAreIgnored) {
    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::vector<KernelPoint> clean{{10.5, 7.5, 2.0}};
    std::vector<KernelPoint> noisy = clean;
    noisy.insert(noisy.end(), {{nan, 5.0, 1.0}, {5.0, inf, 1.0}, {5.0, 5.0, nan}, {-inf, -inf, 1.0},
                               {1e300, 5.0, 1.0}, {5.0, -1e300, 1.0}, {-40.0, 5.0, 1.0}});
    const std::vector<float> want = fast(clean, 30, 20, 6.0);
    EXPECT_EQ(fast(noisy, 30, 20, 6.0), want);
    EXPECT_EQ(direct(noisy, 30, 20, 6.0), direct(clean, 30, 20, 6.0));
}

}  // namespace

// A cell's value is bit-for-bit the same whatever block of a larger grid it is computed in.
TEST(QuarticDensity, SameBitsWhateverTheBlock) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(-20.0, 320.0);
    std::vector<minerisk::alg::KernelPoint> pts;
    for (int i = 0; i < 400; ++i) pts.push_back({u(rng), u(rng), 1.0 + i % 3});
    const std::int64_t W = 300, H = 300;
    for (double h : {1.5, 7.3, 40.0}) {
        std::vector<float> whole(W * H);
        minerisk::alg::quartic_density(pts.data(), pts.size(), W, H, h, whole.data());
        for (std::int64_t tile : {37, 64, 100}) {
            for (std::int64_t r0 = 0; r0 < H; r0 += tile)
                for (std::int64_t c0 = 0; c0 < W; c0 += tile) {
                    const std::int64_t w = std::min(tile, W - c0), hh = std::min(tile, H - r0);
                    std::vector<float> block(w * hh);
                    minerisk::alg::quartic_density(pts.data(), pts.size(), w, hh, h, block.data(), c0, r0);
                    for (std::int64_t r = 0; r < hh; ++r)
                        for (std::int64_t c = 0; c < w; ++c)
                            ASSERT_EQ(block[r * w + c], whole[(r0 + r) * W + c0 + c])
                                << "h " << h << " tile " << tile << " cell " << c0 + c << "," << r0 + r;
                }
        }
    }
}

// Points chosen per block (those within radius + context of it) still give the same bits as the whole.
TEST(QuarticDensity, SameBitsWithPointsChosenPerBlock) {
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> u(0.0, 400.0);
    std::vector<minerisk::alg::KernelPoint> pts;
    for (int i = 0; i < 600; ++i) pts.push_back({u(rng), u(rng), 1.0});
    const std::int64_t W = 400, H = 400;
    const double h = 23.7;
    std::vector<float> whole(W * H);
    minerisk::alg::quartic_density(pts.data(), pts.size(), W, H, h, whole.data());
    const double reach = h + minerisk::alg::quartic_density_context(h);
    for (std::int64_t tile : {50, 128}) {
        for (std::int64_t r0 = 0; r0 < H; r0 += tile)
            for (std::int64_t c0 = 0; c0 < W; c0 += tile) {
                const std::int64_t w = std::min(tile, W - c0), hh = std::min(tile, H - r0);
                std::vector<minerisk::alg::KernelPoint> near;
                for (const auto& p : pts)
                    if (p.col > c0 - reach && p.col < c0 + w + reach && p.row > r0 - reach && p.row < r0 + hh + reach) near.push_back(p);
                std::vector<float> block(w * hh);
                minerisk::alg::quartic_density(near.data(), near.size(), w, hh, h, block.data(), c0, r0);
                for (std::int64_t r = 0; r < hh; ++r)
                    for (std::int64_t c = 0; c < w; ++c)
                        ASSERT_EQ(block[r * w + c], whole[(r0 + r) * W + c0 + c]) << "tile " << tile << " cell " << c0 + c << "," << r0 + r;
            }
    }
}
