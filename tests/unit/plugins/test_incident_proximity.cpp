// incident_proximity on hand-made grids with known answers, and against the direct maximum over incidents.
#include <cmath>
#include <cstring>

#include "minerisk/dates.hpp"
#include "plugin_harness.hpp"

using namespace minerisk;
using namespace minerisk::test;

namespace {

const std::map<std::string, std::string> kTypes = {
    {"date", "date"}, {"killed", "number"}, {"injured", "number"}, {"casualties", "number"}};

// 200 x 200 cells of 10 m, north-west corner (0, 2000). Cell (c, r) has its centre at (10c + 5, 2000 - 10r - 5).
struct Fixture {
    GridSpec grid = make_grid(200, 200, 10, 0, 2000);
    Inputs inputs;
    LoadedPlugin plugin = load_builtin("incident_proximity");
    double as_of = days_from_civil(2026, 1, 1);
    void incidents(const std::vector<HandFeature>& f) {
        inputs.layers.clear();
        inputs.layers.push_back(make_layer("incidents", f, kTypes));
    }
    PluginRun run(const std::vector<ParamText>& params = {}, std::int64_t tile = 0) {
        return run_plugin(plugin, inputs, grid, params, as_of, tile);
    }
    float at(const std::vector<float>& v, int col, int row) const { return v[static_cast<size_t>(row * grid.width + col)]; }
    static std::string centre(int col, int row) {
        return "POINT(" + std::to_string(10 * col + 5) + " " + std::to_string(2000 - 10 * row - 5) + ")";
    }
    std::string days_ago(double days) const { return date_to_string(as_of - days); }
};

TEST(IncidentProximity, OneAtAFreshHeavyIncidentAndHalvesEveryHalfDistance) {
    Fixture f;
    f.incidents({{Fixture::centre(100, 100), {{"killed", "1"}, {"injured", "2"}, {"date", f.days_ago(0)}}}});
    const auto r = f.run({param("half_distance", "50")});
    ASSERT_EQ(r.error, "");
    EXPECT_FLOAT_EQ(f.at(r.score, 100, 100), 1.0f);  // 3 casualties >= full_weight 2, no age
    // 6 cells (60 m) east, 10 cells (100 m) west, and a 6-8-10 diagonal (100 m), centre to centre.
    EXPECT_NEAR(f.at(r.score, 106, 100), std::pow(0.5, 60.0 / 50.0), 1e-6);
    EXPECT_NEAR(f.at(r.score, 90, 100), 0.25, 1e-6);
    EXPECT_NEAR(f.at(r.score, 106, 108), 0.25, 1e-6);
    for (int c = 100; c < 160; ++c) EXPECT_GT(f.at(r.score, c, 100), f.at(r.score, c + 1, 100)) << "column " << c;
    EXPECT_FLOAT_EQ(f.at(r.extras[0], 100, 100), 0.0f);
    EXPECT_FLOAT_EQ(f.at(r.extras[0], 106, 108), 100.0f);
}

TEST(IncidentProximity, ALighterIncidentScoresItsShareOfFullWeight) {
    Fixture f;
    f.incidents({{Fixture::centre(40, 40), {{"injured", "1"}}},
                 {Fixture::centre(160, 40), {{"killed", "0"}, {"injured", "0"}}},
                 {Fixture::centre(40, 160), {{"killed", "2"}}},
                 {Fixture::centre(160, 160), {{"casualties", "4"}}}});
    auto r = f.run({param("half_distance", "20"), param("half_life", "0")});
    ASSERT_EQ(r.error, "");
    EXPECT_NEAR(f.at(r.score, 40, 40), 0.5, 1e-6);     // 1 of 2
    EXPECT_NEAR(f.at(r.score, 160, 40), 0.25, 1e-6);   // no casualty: min_weight 0.5 of 2
    EXPECT_NEAR(f.at(r.score, 40, 160), 1.0, 1e-6);    // 2 of 2
    EXPECT_NEAR(f.at(r.score, 160, 160), 1.0, 1e-6);   // 4 casualties: capped at 1
    r = f.run({param("half_distance", "20"), param("half_life", "0"), param("full_weight", "8"), param("killed_weight", "2")});
    EXPECT_NEAR(f.at(r.score, 40, 160), 0.5, 1e-6);    // 2 killed x 2 = 4 of 8
    EXPECT_NEAR(f.at(r.score, 40, 40), 0.125, 1e-6);   // 1 injured of 8
    EXPECT_NEAR(f.at(r.score, 160, 160), 0.75, 1e-6);  // 4 casualties at the mean weight 1.5 = 6 of 8
}

TEST(IncidentProximity, AnOlderIncidentScoresLessByHalfLife) {
    Fixture f;
    f.incidents({{Fixture::centre(50, 50), {{"killed", "2"}, {"date", f.days_ago(0)}}},
                 {Fixture::centre(150, 150), {{"killed", "2"}, {"date", f.days_ago(730)}}}});
    const auto r = f.run({param("half_distance", "100"), param("half_life", "365")});
    ASSERT_EQ(r.error, "");
    EXPECT_NEAR(f.at(r.score, 50, 50), 1.0, 1e-6);
    EXPECT_NEAR(f.at(r.score, 150, 150), 0.25, 1e-6);  // two half-lives
    EXPECT_NEAR(f.at(r.score, 150, 160), 0.25 * 0.5, 1e-6);
    const auto ageless = f.run({param("half_distance", "100"), param("half_life", "0")});
    EXPECT_NEAR(f.at(ageless.score, 150, 150), 1.0, 1e-6);
}

// The largest, not the sum: incidents in one cell score as the heaviest; elsewhere the heavier decay wins.
TEST(IncidentProximity, TheHeaviestIncidentWinsIncidentsDoNotAddUp) {
    Fixture f;
    f.incidents({{Fixture::centre(60, 100), {{"injured", "1"}}}, {Fixture::centre(60, 100), {{"injured", "1"}}},
                 {Fixture::centre(60, 100), {{"injured", "1"}}}, {Fixture::centre(80, 100), {{"killed", "3"}}}});
    const auto r = f.run({param("half_distance", "50"), param("half_life", "0")});
    ASSERT_EQ(r.error, "");
    EXPECT_NEAR(f.at(r.score, 60, 100), std::max(0.5, std::pow(0.5, 200.0 / 50)), 1e-6);
    EXPECT_NEAR(f.at(r.score, 70, 100), std::max(0.5 * std::pow(0.5, 100.0 / 50), std::pow(0.5, 100.0 / 50)), 1e-6);
    EXPECT_NEAR(f.at(r.score, 40, 100), std::max(0.5 * std::pow(0.5, 200.0 / 50), std::pow(0.5, 400.0 / 50)), 1e-6);
}

TEST(IncidentProximity, IncidentsAfterAsOfAreIgnoredAndReported) {
    Fixture f;
    f.incidents({{Fixture::centre(50, 50), {{"killed", "2"}, {"date", "2025-06-01"}}},
                 {Fixture::centre(150, 150), {{"killed", "2"}, {"date", "2026-06-01"}}}});
    const auto r = f.run({param("half_distance", "50"), param("half_life", "0")});
    ASSERT_EQ(r.error, "");
    EXPECT_FLOAT_EQ(f.at(r.score, 50, 50), 1.0f);
    EXPECT_EQ(f.at(r.score, 150, 150), 0.0f);
    EXPECT_TRUE(std::isnan(f.at(r.extras[0], 150, 150)));  // the distance band does not see it either
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_NE(r.warnings[0].find("after the as_of"), std::string::npos) << r.warnings[0];
    // An explicit as_of brings it back.
    const auto later = f.run({param("half_distance", "50"), param("half_life", "0"), param("as_of", "2026-12-31")});
    EXPECT_FLOAT_EQ(f.at(later.score, 150, 150), 1.0f);
}

TEST(IncidentProximity, ZeroAndNodataBeyondTheReach) {
    Fixture f;
    f.incidents({{Fixture::centre(20, 100), {{"killed", "2"}}}});
    const auto r = f.run({param("half_distance", "10")});  // reach 133 m: 13.3 cells
    ASSERT_EQ(r.error, "");
    EXPECT_GT(f.at(r.score, 33, 100), 0.0f);
    EXPECT_EQ(f.at(r.score, 34, 100), 0.0f);
    EXPECT_FLOAT_EQ(f.at(r.extras[0], 33, 100), 130.0f);
    EXPECT_TRUE(std::isnan(f.at(r.extras[0], 34, 100)));
    EXPECT_TRUE(std::isnan(f.at(r.extras[0], 199, 199)));
}

// Scattered incidents of many weights and ages, some outside the grid: every cell is the maximum over the
// incidents of weight x decay, computed here directly, and the same whatever the tiling.
std::vector<HandFeature> scattered(const Fixture& f) {
    std::vector<HandFeature> pts;
    for (int i = 0; i < 60; ++i) {
        const int col = (i * 37) % 230 - 15, row = (i * 61) % 220 - 10;  // a few beyond every edge
        pts.push_back({Fixture::centre(col, row),
                       {{"killed", std::to_string(i % 3)}, {"injured", std::to_string(i % 2)}, {"date", f.days_ago(40.0 * (i % 17))}}});
    }
    pts.push_back(pts[5]);  // two incidents in one cell
    return pts;
}

TEST(IncidentProximity, EqualsTheDirectMaximumOverIncidents) {
    Fixture f;
    const auto pts = scattered(f);
    f.incidents(pts);
    const double h = 120, half_life = 300;
    const auto r = f.run({param("half_distance", "120"), param("half_life", "300")}, 64);
    ASSERT_EQ(r.error, "");
    for (int row = 0; row < 200; row += 3)
        for (int col = 0; col < 200; col += 3) {
            double best = 0;
            for (int i = 0; i < 60; ++i) {
                const int ic = (i * 37) % 230 - 15, ir = (i * 61) % 220 - 10;
                const double cas = std::max(0.5, double(i % 3 + i % 2));
                const double w = std::min(1.0, cas / 2) * std::pow(0.5, 40.0 * (i % 17) / half_life);
                const double d = 10 * std::hypot(col - ic, row - ir);
                if (d <= 13.3 * h) best = std::max(best, w * std::pow(0.5, d / h));
            }
            ASSERT_NEAR(f.at(r.score, col, row), best, 1e-6) << "cell " << col << ", " << row;
        }
}

TEST(IncidentProximity, SameResultWhateverTheTiling) {
    Fixture f;
    f.incidents(scattered(f));
    const std::vector<ParamText> params = {param("half_distance", "40"), param("half_life", "200")};
    const auto whole = f.run(params);
    ASSERT_EQ(whole.error, "");
    for (std::int64_t tile : {17, 64}) {
        const auto tiled = f.run(params, tile);
        ASSERT_EQ(tiled.error, "");
        for (size_t i = 0; i < whole.score.size(); ++i) {
            ASSERT_EQ(whole.score[i], tiled.score[i]) << "tile " << tile << " cell " << i;
            const float a = whole.extras[0][i], b = tiled.extras[0][i];
            ASSERT_TRUE(a == b || (std::isnan(a) && std::isnan(b))) << "tile " << tile << " cell " << i;
        }
    }
}

TEST(IncidentProximity, NoIncidentsGivesZeroAndAWarning) {
    Fixture f;
    f.incidents({});
    const auto r = f.run();
    ASSERT_EQ(r.error, "");
    for (float v : r.score) ASSERT_EQ(v, 0.0f);
    ASSERT_FALSE(r.warnings.empty());
}

TEST(IncidentProximity, IsABaselineAndChecksItsParameters) {
    const LoadedPlugin p = load_builtin("incident_proximity");
    ASSERT_NE(p.api->roles, nullptr);
    EXPECT_STREQ(p.api->roles, "baseline");
    EXPECT_THROW(resolve_params(*p.api, {param("half_distance", "0")}, Location{"t"}), Error);
    EXPECT_THROW(resolve_params(*p.api, {param("full_weight", "0")}, Location{"t"}), Error);
    Fixture f;
    f.incidents({{Fixture::centre(10, 10), {{"killed", "1"}}}});
    const auto bad = f.run({param("weight_field", "nothing")});
    EXPECT_NE(bad.error.find("weight_field 'nothing'"), std::string::npos) << bad.error;
}

}  // namespace
