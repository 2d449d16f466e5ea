// The backtest's metrics on hand-made cases with known answers: a surface that ranks the later incidents' cells
// first scores AUC 1, one independent of them about 0.5, and the capture rate equals a direct count. Ties, NaN,
// the capture curve and the seeded bootstrap are checked against brute-force computations written here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "analysis/metrics_internal.hpp"
#include "core/random.hpp"
#include "minerisk/backtest.hpp"

using namespace minerisk::backtest;
using minerisk::Random;

namespace {

// The AUC by its definition: over every (incident, cell without an incident) pair, 1 when the incident's cell
// scores higher, 1/2 when tied; NaN scores lowest.
double brute_auc(const std::vector<float>& s, const std::vector<std::int64_t>& inc) {
    std::vector<char> has(s.size(), 0);
    for (auto c : inc) has[static_cast<size_t>(c)] = 1;
    auto v = [&](size_t i) { return std::isnan(s[i]) ? -INFINITY : static_cast<double>(s[i]); };
    double sum = 0, pairs = 0;
    for (auto c : inc)
        for (size_t j = 0; j < s.size(); ++j) {
            if (has[j]) continue;
            const double a = v(static_cast<size_t>(c)), b = v(j);
            sum += a > b ? 1.0 : a == b ? 0.5 : 0.0;
            pairs += 1;
        }
    return sum / pairs;
}

// Capture in the k cells with the highest scores when all scores differ: a direct count.
double direct_capture(const std::vector<float>& s, const std::vector<std::int64_t>& inc, size_t k) {
    std::vector<size_t> order(s.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return s[a] > s[b]; });
    std::vector<char> top(s.size(), 0);
    for (size_t i = 0; i < k; ++i) top[order[i]] = 1;
    double n = 0;
    for (auto c : inc) n += top[static_cast<size_t>(c)];
    return n / static_cast<double>(inc.size());
}

// levels > 0: integer scores 0 .. levels - 1 (many ties); else a random order of n distinct scores.
std::vector<float> random_scores(size_t n, std::uint32_t seed, int levels = 0) {
    std::mt19937 g(seed);
    std::vector<float> s(n);
    if (levels > 0) {
        std::uniform_int_distribution<int> u(0, levels - 1);
        for (auto& x : s) x = static_cast<float>(u(g));
        return s;
    }
    for (size_t i = 0; i < n; ++i) s[i] = static_cast<float>(i) / static_cast<float>(n);
    std::shuffle(s.begin(), s.end(), g);
    return s;
}

std::vector<std::int64_t> random_cells(size_t n, size_t cells, std::uint32_t seed) {
    std::mt19937 g(seed);
    std::uniform_int_distribution<std::int64_t> u(0, static_cast<std::int64_t>(cells) - 1);
    std::vector<std::int64_t> c(n);
    for (auto& x : c) x = u(g);
    return c;
}

}  // namespace

TEST(BacktestMetrics, SurfaceRankingLaterIncidentsFirstScoresAucOne) {
    // 100 cells; the later incidents are in cells 3, 17, 17 and 42, which the surface ranks above all others.
    std::vector<float> s(100);
    for (size_t i = 0; i < s.size(); ++i) s[i] = 0.001f * static_cast<float>(i);
    const std::vector<std::int64_t> inc{3, 17, 17, 42};
    for (auto c : inc) s[static_cast<size_t>(c)] = 5.0f + static_cast<float>(c);
    EXPECT_DOUBLE_EQ(auc(s, inc), 1.0);
    // Four incidents in three cells: the top 3 % of the area (3 cells) holds them all, the top 1 % the highest (42).
    EXPECT_DOUBLE_EQ(capture_rate(s, inc, 3), 1.0);
    EXPECT_DOUBLE_EQ(capture_rate(s, inc, 1), 0.25);
    // Ranked last instead: AUC 0.
    for (auto c : inc) s[static_cast<size_t>(c)] = -1.0f;
    EXPECT_DOUBLE_EQ(auc(s, inc), 0.0);
    EXPECT_DOUBLE_EQ(capture_rate(s, inc, 50), 0.0);
}

TEST(BacktestMetrics, SurfaceIndependentOfIncidentsScoresAboutOneHalf) {
    const size_t n = 20000;
    for (std::uint32_t seed : {1u, 2u, 3u}) {
        const auto s = random_scores(n, seed);
        const auto inc = random_cells(2000, n, seed + 100);
        const double a = auc(s, inc);
        EXPECT_NEAR(a, 0.5, 0.02) << "seed " << seed;
        // And the capture rate of such a surface is about the share of the area.
        EXPECT_NEAR(capture_rate(s, inc, 10), 0.10, 0.02);
        EXPECT_NEAR(capture_rate(s, inc, 20), 0.20, 0.03);
    }
    // A constant surface is exactly one half, and captures exactly the share of the area (pro-rata ties).
    const std::vector<float> flat(1000, 0.3f);
    const auto inc = random_cells(57, 1000, 9);
    EXPECT_DOUBLE_EQ(auc(flat, inc), 0.5);
    for (double p : {1.0, 5.0, 10.0, 20.0, 33.3}) EXPECT_NEAR(capture_rate(flat, inc, p), p / 100, 1e-12) << p;
}

TEST(BacktestMetrics, CaptureRateMatchesADirectCount) {
    const size_t n = 5000;
    const auto s = random_scores(n, 7);  // all distinct (with probability 1; checked)
    {
        auto t = s;
        std::sort(t.begin(), t.end());
        ASSERT_EQ(std::adjacent_find(t.begin(), t.end()), t.end());
    }
    const auto inc = random_cells(300, n, 8);
    for (double p : {1.0, 5.0, 10.0, 20.0}) {
        const size_t k = static_cast<size_t>(std::llround(p / 100 * n));
        EXPECT_DOUBLE_EQ(capture_rate(s, inc, p), direct_capture(s, inc, k)) << p;
    }
}

TEST(BacktestMetrics, AucWithTiesIsTheAverageRankAndMatchesTheDefinition) {
    for (std::uint32_t seed : {11u, 12u, 13u}) {
        auto s = random_scores(400, seed, 7);   // 7 levels: many ties
        s[5] = NAN;                            // no data: lowest
        s[6] = NAN;
        auto inc = random_cells(40, 400, seed + 1);
        inc.push_back(5);
        EXPECT_NEAR(auc(s, inc), brute_auc(s, inc), 1e-12) << seed;
    }
    // By hand: cells {0: 2, 1: 1, 2: 1, 3: 0}, one incident in cell 1. Negatives 0, 2, 3: above, tied, below.
    EXPECT_DOUBLE_EQ(auc({2, 1, 1, 0}, {1}), (0 + 0.5 + 1) / 3.0);
}

TEST(BacktestMetrics, CaptureTakesTiedCellsAtTheCutProRata) {
    // Scores 3, 2, 2, 1: the top 50 % (2 cells) holds the 3 whole and half of the two cells tied at 2.
    const std::vector<float> s{3, 2, 2, 1};
    EXPECT_DOUBLE_EQ(capture_rate(s, {1}, 50), 0.5);
    EXPECT_DOUBLE_EQ(capture_rate(s, {0}, 50), 1.0);
    EXPECT_DOUBLE_EQ(capture_rate(s, {3}, 50), 0.0);
    EXPECT_DOUBLE_EQ(capture_rate(s, {0, 1, 2, 3}, 50), (1 + 0.5 + 0.5 + 0) / 4);
    // The top 25 % is exactly the cell scoring 3; 75 % takes both tied cells whole.
    EXPECT_DOUBLE_EQ(capture_rate(s, {1}, 25), 0.0);
    EXPECT_DOUBLE_EQ(capture_rate(s, {1}, 75), 1.0);
    // A fractional area: 10 % of 4 cells is 0.4 cell, taken from the top cell pro rata: 0.4 of its incidents.
    EXPECT_DOUBLE_EQ(capture_rate(s, {0}, 10), 0.4);
    // NaN ranks lowest: with NaN everywhere but one cell, that cell is the top.
    const std::vector<float> n{NAN, NAN, 0.1f, NAN};
    EXPECT_DOUBLE_EQ(capture_rate(n, {2}, 25), 1.0);
    EXPECT_DOUBLE_EQ(auc(n, {2}), 1.0);
    // Nothing to score: NaN, not 0.
    EXPECT_TRUE(std::isnan(capture_rate(s, {}, 10)));
    EXPECT_TRUE(std::isnan(auc(s, {})));
    // Every cell holds an incident: no negative, no AUC.
    EXPECT_TRUE(std::isnan(auc(s, {0, 1, 2, 3})));
}

TEST(BacktestMetrics, CaptureCurveRunsFromZeroToOneAndAgreesWithTheCaptureRate) {
    const size_t n = 3000;
    const auto s = random_scores(n, 21, 50);
    const auto inc = random_cells(200, n, 22);
    const auto curve = capture_curve(s, inc);
    ASSERT_GE(curve.size(), 2u);
    EXPECT_DOUBLE_EQ(curve.front().area, 0.0);
    EXPECT_DOUBLE_EQ(curve.front().captured, 0.0);
    EXPECT_DOUBLE_EQ(curve.back().area, 1.0);
    EXPECT_DOUBLE_EQ(curve.back().captured, 1.0);
    for (size_t i = 1; i < curve.size(); ++i) {
        EXPECT_GE(curve[i].area, curve[i - 1].area);
        EXPECT_GE(curve[i].captured, curve[i - 1].captured);
    }
    // The curve is linear across tied cells, which is the pro-rata rule: interpolating it at p gives capture(p).
    for (double p : {1.0, 5.0, 10.0, 20.0, 50.0}) {
        const double x = p / 100;
        auto hi = std::lower_bound(curve.begin(), curve.end(), x, [](const CurvePoint& c, double v) { return c.area < v; });
        ASSERT_NE(hi, curve.end());
        double y = hi->captured;
        if (hi != curve.begin() && hi->area > x) {
            const auto lo = hi - 1;
            y = lo->captured + (x - lo->area) / (hi->area - lo->area) * (hi->captured - lo->captured);
        }
        EXPECT_NEAR(y, capture_rate(s, inc, p), 1e-9) << p;
    }
    // Thinned to at most about max_points vertices.
    const auto distinct = random_scores(50000, 23);
    EXPECT_LE(capture_curve(distinct, random_cells(500, 50000, 24), 200).size(), 420u);
}

TEST(BacktestMetrics, PercentileIsType7) {
    const std::vector<double> v{1, 2, 3, 4};
    EXPECT_DOUBLE_EQ(percentile_sorted(v, 0.0), 1);
    EXPECT_DOUBLE_EQ(percentile_sorted(v, 1.0), 4);
    EXPECT_DOUBLE_EQ(percentile_sorted(v, 0.5), 2.5);
    EXPECT_DOUBLE_EQ(percentile_sorted(v, 0.025), 1.075);  // R: quantile(1:4, 0.025)
    EXPECT_TRUE(std::isnan(percentile_sorted({}, 0.5)));
}

TEST(BacktestMetrics, BootstrapIsSeededAndBracketsTheEstimate) {
    const size_t n = 4000;
    const auto s = random_scores(n, 31);
    const auto inc = random_cells(150, n, 32);
    const std::vector<double> pc{1, 5, 10, 20};
    const auto a = score_surface(s, inc, pc, 500, 99);
    const auto b = score_surface(s, inc, pc, 500, 99);
    const auto c = score_surface(s, inc, pc, 500, 100);
    EXPECT_EQ(a.auc.ci_low, b.auc.ci_low);
    EXPECT_EQ(a.auc.ci_high, b.auc.ci_high);
    EXPECT_NE(a.auc.ci_low, c.auc.ci_low);
    EXPECT_DOUBLE_EQ(a.auc.value, auc(s, inc));
    EXPECT_LE(a.auc.ci_low, a.auc.value);
    EXPECT_GE(a.auc.ci_high, a.auc.value);
    ASSERT_EQ(a.capture.size(), pc.size());
    for (size_t k = 0; k < pc.size(); ++k) {
        EXPECT_DOUBLE_EQ(a.capture[k].value, capture_rate(s, inc, pc[k]));
        EXPECT_LE(a.capture[k].ci_low, a.capture[k].value + 1e-12);
        EXPECT_GE(a.capture[k].ci_high, a.capture[k].value - 1e-12);
    }
    // About the width the binomial gives for the capture at 20 % with 150 incidents: 2 x 1.96 x sqrt(.2 x .8 / 150).
    const double width = a.capture[3].ci_high - a.capture[3].ci_low;
    EXPECT_NEAR(width, 2 * 1.96 * std::sqrt(0.2 * 0.8 / 150), 0.04);
    EXPECT_EQ(a.incidents, 150);
    EXPECT_EQ(a.cells, static_cast<std::int64_t>(n));
    // No resamples: no interval.
    const auto z = score_surface(s, inc, pc, 0, 99);
    EXPECT_TRUE(std::isnan(z.auc.ci_low));
    EXPECT_DOUBLE_EQ(z.auc.value, a.auc.value);
}

TEST(BacktestMetrics, RandomIsSplitMix64) {
    // SplitMix64 from state 0: the reference sequence (Vigna's splitmix64.c).
    Random r(0);
    EXPECT_EQ(r.next(), 0xE220A8397B1DCDAFull);
    EXPECT_EQ(r.next(), 0x6E789E6AA1B965F4ull);
    Random q(5);
    for (int i = 0; i < 1000; ++i) EXPECT_LT(q.below(7), 7u);
}
