// population_exposure on hand-made grids with known answers.
#include <algorithm>
#include <cmath>

#include "plugin_harness.hpp"

using namespace minerisk;
using namespace minerisk::test;

namespace {

const std::map<std::string, std::string> kTypes = {
    {"id", "text"}, {"name", "text"}, {"population", "number"}, {"returnee", "boolean"}};

// Where parameters come from, for error messages (a plain test location).
Location here() {
    Location l;
    l.file = "test";
    return l;
}

// The quartic kernel of the formula, written out here independently: 1 at the settlement, 0 at the radius.
double kernel(double d, double radius) {
    if (d >= radius) return 0;
    const double k = 1 - d * d / (radius * radius);
    return k * k;
}

// 100 x 100 cells of 10 m, north-west corner (0, 1000): the centre of cell (c, r) is (10c + 5, 995 - 10r).
struct Fixture {
    GridSpec grid = make_grid(100, 100, 10, 0, 1000);
    Inputs inputs;
    LoadedPlugin plugin = load_builtin("population_exposure");
    void settlements(const std::vector<HandFeature>& f) {
        inputs.layers.clear();
        inputs.layers.push_back(make_layer("settlements", f, kTypes));
    }
    PluginRun run(const std::vector<ParamText>& params = {}, std::int64_t tile = 0) {
        return run_plugin(plugin, inputs, grid, params, 0, tile);
    }
    float at(const std::vector<float>& v, int col, int row) const { return v[static_cast<size_t>(row * grid.width + col)]; }
    // Distance from the centre of cell (col, row) to (x, y).
    static double dist(int col, int row, double x, double y) { return std::hypot(10.0 * col + 5 - x, 995.0 - 10.0 * row - y); }
};

// A settlement at the centre of cell (49, 49).
const char* kCentre = "POINT (495 505)";

TEST(PopulationExposure, SingleSettlementGivesTheKernelShapeAndItsPeak) {
    Fixture f;
    f.settlements({{kCentre, {{"population", "400"}}}});
    const auto r = f.run({param("radius", "200"), param("normalise_people", "400")});
    ASSERT_EQ(r.error, "");
    // Peak: the whole village is within reach of its own cell: 400 people, score 400 / 400 = 1.
    EXPECT_FLOAT_EQ(f.at(r.score, 49, 49), 1.0f);
    EXPECT_FLOAT_EQ(f.at(r.extras[0], 49, 49), 400.0f);
    for (int c = 50; c < 70; ++c) {
        const double k = kernel(10.0 * (c - 49), 200);
        EXPECT_NEAR(f.at(r.score, c, 49), k, 1e-6) << "column " << c;
        EXPECT_NEAR(f.at(r.extras[0], c, 49), 400 * k, 1e-3) << "column " << c;
    }
    // Off the axis: cell (61, 40) is 120 m east and 90 m north, 150 m away.
    EXPECT_NEAR(f.at(r.score, 61, 40), kernel(150, 200), 1e-6);
    EXPECT_NEAR(f.at(r.score, 61, 40), std::pow(1 - 150.0 * 150 / (200 * 200), 2), 1e-6);
    // Strictly falling away from the settlement.
    for (int c = 49; c < 68; ++c) EXPECT_GT(f.at(r.score, c, 49), f.at(r.score, c + 1, 49)) << "column " << c;
}

TEST(PopulationExposure, ZeroEverywhereBeyondTheRadius) {
    Fixture f;
    f.settlements({{kCentre, {{"population", "1000"}}}});
    const auto r = f.run({param("radius", "150"), param("normalise_people", "500")});
    ASSERT_EQ(r.error, "");
    int inside = 0;
    for (int row = 0; row < 100; ++row)
        for (int col = 0; col < 100; ++col) {
            const double d = Fixture::dist(col, row, 495, 505);
            if (d >= 150) {
                ASSERT_EQ(f.at(r.score, col, row), 0.0f) << col << "," << row;
                ASSERT_EQ(f.at(r.extras[0], col, row), 0.0f) << col << "," << row;
            } else {
                ++inside;
                ASSERT_GT(f.at(r.extras[0], col, row), 0.0f) << col << "," << row;
                // Saturates at 1 near the centre (1000 people > 500), K * 2 further out.
                ASSERT_NEAR(f.at(r.score, col, row), std::min(1.0, 2 * kernel(d, 150)), 1e-5) << col << "," << row;
            }
        }
    EXPECT_GT(inside, 200);
}

TEST(PopulationExposure, ReachIsTheRadius) {
    const LoadedPlugin p = load_builtin("population_exposure");
    Fixture f;
    f.settlements({{kCentre, {{"population", "10"}}}});
    Host host(f.inputs, f.grid);
    ParamSet ps = resolve_params(*p.api, {param("radius", "1234")}, here());
    void* state = nullptr;
    char err[256] = "";
    ASSERT_EQ(p.api->prepare(host.table(), host.grid(), ps.data(), ps.size(), &state, err, sizeof err), MR_OK) << err;
    EXPECT_EQ(p.api->reach(state), 1234.0);
    p.api->release(state);
}

TEST(PopulationExposure, ReturneeSettlementsWeighedByReturneeWeightButNotInPeopleBand) {
    Fixture f;
    // Two villages of 200 people 600 m apart (radius 200: their kernels do not overlap); the east one returnee.
    f.settlements({{"POINT (195 505)", {{"population", "200"}, {"returnee", "false"}}},
                   {"POINT (795 505)", {{"population", "200"}, {"returnee", "true"}}}});
    const auto r = f.run({param("radius", "200"), param("returnee_weight", "2.5"), param("normalise_people", "1000")});
    ASSERT_EQ(r.error, "");
    EXPECT_NEAR(f.at(r.score, 19, 49), 200.0 / 1000, 1e-6);
    EXPECT_NEAR(f.at(r.score, 79, 49), 2.5 * 200 / 1000, 1e-6);
    EXPECT_NEAR(f.at(r.score, 84, 49), 2.5 * 200 * kernel(50, 200) / 1000, 1e-6);
    // The people band counts people, not weights.
    EXPECT_FLOAT_EQ(f.at(r.extras[0], 19, 49), 200.0f);
    EXPECT_FLOAT_EQ(f.at(r.extras[0], 79, 49), 200.0f);
    // Default weight 1.5.
    const auto d = f.run({param("radius", "200"), param("normalise_people", "1000")});
    EXPECT_NEAR(f.at(d.score, 79, 49), 1.5 * 200 / 1000, 1e-6);
}

TEST(PopulationExposure, OverlappingSettlementsAddUp) {
    Fixture f;
    f.settlements({{"POINT (395 505)", {{"population", "100"}}}, {"POINT (595 505)", {{"population", "300"}}}});
    const auto r = f.run({param("radius", "250"), param("normalise_people", "1000")});
    ASSERT_EQ(r.error, "");
    for (int c = 30; c < 70; ++c) {
        const double people = 100 * kernel(Fixture::dist(c, 45, 395, 505), 250) + 300 * kernel(Fixture::dist(c, 45, 595, 505), 250);
        EXPECT_NEAR(f.at(r.extras[0], c, 45), people, 1e-3) << "column " << c;
        EXPECT_NEAR(f.at(r.score, c, 45), people / 1000, 1e-6) << "column " << c;
    }
}

TEST(PopulationExposure, PercentileNormalisation) {
    Fixture f;
    f.settlements({{kCentre, {{"population", "400"}}}});
    // The positive values of the formula over the grid, sorted, and their percentile as documented
    // (the k-th smallest, k = floor(p/100 (n-1))). This grid is small enough to be its own coarse copy.
    std::vector<double> positive;
    for (int row = 0; row < 100; ++row)
        for (int col = 0; col < 100; ++col) {
            const double v = 400 * kernel(Fixture::dist(col, row, 495, 505), 100);
            if (v > 0) positive.push_back(v);
        }
    std::sort(positive.begin(), positive.end());
    auto percentile = [&](double p) { return positive[static_cast<size_t>(std::floor(p / 100 * (positive.size() - 1)))]; };
    for (double pct : {100.0, 99.0, 50.0}) {
        const double norm = percentile(pct);
        const auto r = pct == 99 ? f.run({param("radius", "100")})  // 99 is the default
                                 : f.run({param("radius", "100"), param("normalise_percentile", std::to_string(pct))});
        ASSERT_EQ(r.error, "");
        EXPECT_EQ(f.at(r.score, 49, 49), 1.0f) << pct;
        for (int c = 49; c < 60; ++c)
            EXPECT_NEAR(f.at(r.score, c, 49), std::min(1.0, 400 * kernel(10.0 * (c - 49), 100) / norm), 1e-5)
                << "percentile " << pct << ", column " << c;
        EXPECT_NEAR(f.at(r.score, 50, 50), std::min(1.0, 400 * kernel(10 * std::sqrt(2.0), 100) / norm), 1e-5) << pct;
    }
    // 100: the largest cell maps to 1 and the rest follow the kernel exactly.
    const auto top = f.run({param("radius", "100"), param("normalise_percentile", "100")});
    EXPECT_NEAR(f.at(top.score, 52, 49), kernel(30, 100), 1e-6);
    EXPECT_LT(f.at(top.score, 50, 49), 1.0f);
    // 50: the median saturates the inner half of the disc; cells further out stay below 1.
    const auto half = f.run({param("radius", "100"), param("normalise_percentile", "50")});
    EXPECT_EQ(f.at(half.score, 50, 49), 1.0f);
    EXPECT_LT(f.at(half.score, 57, 49), 1.0f);
    EXPECT_GT(f.at(half.score, 57, 49), 0.0f);
}

TEST(PopulationExposure, MissingPopulationCountsAsTheMedianOrTheDefaultWithAWarning) {
    Fixture f;
    f.settlements({{"POINT (195 505)", {{"population", "100"}}},
                   {"POINT (495 505)", {{"population", "300"}}},
                   {"POINT (795 505)", {}}});
    const auto r = f.run({param("radius", "100"), param("normalise_people", "1000")});
    ASSERT_EQ(r.error, "");
    EXPECT_FLOAT_EQ(f.at(r.extras[0], 79, 49), 200.0f);  // median of 100 and 300
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_NE(r.warnings[0].find("1 of 3 settlement(s) have no population"), std::string::npos) << r.warnings[0];
    const auto d = f.run({param("radius", "100"), param("normalise_people", "1000"), param("default_population", "50")});
    EXPECT_FLOAT_EQ(f.at(d.extras[0], 79, 49), 50.0f);
    EXPECT_FLOAT_EQ(f.at(d.extras[0], 19, 49), 100.0f);
    EXPECT_NEAR(f.at(d.score, 79, 49), 0.05, 1e-6);
    // No warning when every settlement has a population.
    f.settlements({{"POINT (195 505)", {{"population", "100"}}}});
    EXPECT_TRUE(f.run({param("radius", "100")}).warnings.empty());
}

TEST(PopulationExposure, PolygonSettlementCountsFromItsBoundingBoxCentre) {
    Fixture f;
    // An L-shaped village: bounding box 300..500 x 300..500, centre (400, 400) = centre of cell (39.5, 59.5):
    // its four nearest cells (39..40, 59..60) are all 5*sqrt(2) m away. The centroid (~383, 383) is elsewhere.
    f.settlements({{"POLYGON ((300 300,500 300,500 360,360 360,360 500,300 500,300 300))", {{"population", "100"}}}});
    const auto r = f.run({param("radius", "300"), param("normalise_people", "100")});
    ASSERT_EQ(r.error, "");
    const double peak = kernel(5 * std::sqrt(2.0), 300);
    for (int c : {39, 40})
        for (int row : {59, 60}) EXPECT_NEAR(f.at(r.score, c, row), peak, 1e-6) << c << "," << row;
    EXPECT_NEAR(f.at(r.score, 50, 59), kernel(Fixture::dist(50, 59, 400, 400), 300), 1e-6);
    EXPECT_LT(f.at(r.score, 38, 61), f.at(r.score, 39, 60));
}

TEST(PopulationExposure, SameResultWhateverTheTiling) {
    Fixture f;
    f.settlements({{"POINT (123 877)", {{"population", "420"}, {"returnee", "true"}}},
                   {"POINT (480 530)", {{"population", "1500"}}},
                   {"POINT (610 455)", {{"population", "90"}, {"returnee", "true"}}},
                   {"POLYGON ((800 100,950 120,900 260,800 100))", {{"population", "700"}}},
                   {"POINT (1050 500)", {{"population", "300"}}}});  // outside the grid, reaching into it
    const std::vector<ParamText> ps = {param("radius", "260")};
    const auto whole = f.run(ps);
    const auto tiled = f.run(ps, 17);
    ASSERT_EQ(whole.error, "");
    ASSERT_EQ(tiled.error, "");
    EXPECT_GT(f.at(whole.score, 99, 50), 0.0f);  // the settlement east of the grid reaches in
    for (size_t i = 0; i < whole.score.size(); ++i) {
        ASSERT_EQ(whole.score[i], tiled.score[i]) << "cell " << i;
        ASSERT_EQ(whole.extras[0][i], tiled.extras[0][i]) << "cell " << i;
        ASSERT_GE(whole.score[i], 0.0f);
        ASSERT_LE(whole.score[i], 1.0f);
    }
}

TEST(PopulationExposure, BitIdenticalWhateverTheTilingOnALargerGrid) {
    // 600 x 600 cells of 20 m at UTM coordinates, a 3 km radius and a dozen scattered villages, as in the
    // demo. Where an isolated village's kernel fades out (values ~1e-9 of its population) any rounding that
    // depends on the block shows: in the kernel sum computed per block, or from a village that reaches the
    // chunk a block starts in but not the block itself. Each of these layouts differed in 1 to 4 cells before
    // both were handled; every cell must have the same bits whatever the block it falls in.
    for (std::uint32_t layout : {2u, 14u, 17u, 22u}) {
        Fixture f;
        f.grid = make_grid(600, 600, 20, 637000, 4445000);
        std::vector<HandFeature> villages;
        std::uint32_t seed = layout;
        auto next = [&] { seed = seed * 1664525u + 1013904223u; return (seed >> 8) / double(1u << 24); };
        for (int i = 0; i < 12; ++i) {
            const double x = 636000 + 14000 * next(), y = 4432000 + 14000 * next();
            const int population = static_cast<int>(50 + 5000 * next());
            villages.push_back({"POINT (" + std::to_string(x) + " " + std::to_string(y) + ")",
                                {{"population", std::to_string(population)}, {"returnee", next() < 0.4 ? "true" : "false"}}});
        }
        f.settlements(villages);
        const auto whole = f.run();
        ASSERT_EQ(whole.error, "");
        for (std::int64_t tile : {300, 256, 100, 77}) {
            const auto tiled = f.run({}, tile);
            ASSERT_EQ(tiled.error, "");
            size_t differ = 0;
            for (size_t i = 0; i < whole.score.size(); ++i)
                differ += whole.score[i] != tiled.score[i] || whole.extras[0][i] != tiled.extras[0][i];
            EXPECT_EQ(differ, 0u) << "cells that differ, layout " << layout << ", tile " << tile;
        }
    }
}

TEST(PopulationExposure, NoPeopleGivesZeroAndAWarning) {
    Fixture f;
    f.settlements({{kCentre, {{"population", "0"}}}});
    const auto r = f.run();
    ASSERT_EQ(r.error, "");
    for (float v : r.score) ASSERT_EQ(v, 0.0f);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_NE(r.warnings[0].find("0 everywhere"), std::string::npos) << r.warnings[0];
}

TEST(PopulationExposure, RejectsInvalidParameters) {
    const LoadedPlugin p = load_builtin("population_exposure");
    EXPECT_THROW(resolve_params(*p.api, {param("radius", "-5")}, here()), Error);
    EXPECT_THROW(resolve_params(*p.api, {param("returnee_weight", "-1")}, here()), Error);
    EXPECT_THROW(resolve_params(*p.api, {param("normalise_percentile", "20")}, here()), Error);
    EXPECT_THROW(resolve_params(*p.api, {param("normalise_people", "0")}, here()), Error);
    EXPECT_THROW(resolve_params(*p.api, {param("radious", "3000")}, here()), Error);
    EXPECT_NO_THROW(resolve_params(*p.api, {param("radius", "3000")}, here()));
}

}  // namespace
