// incident_density on hand-made grids with known answers.
#include <cmath>

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
    LoadedPlugin plugin = load_builtin("incident_density");
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
};

const double kPerKm2 = 3.0 / (M_PI * 0.5 * 0.5);  // 3/(pi h^2) for h = 500 m, in km^-2

TEST(IncidentDensity, QuarticKernelWeightedByCasualties) {
    Fixture f;
    f.incidents({{Fixture::centre(100, 100), {{"killed", "1"}, {"injured", "2"}, {"date", "2025-12-31"}}}});
    const auto r = f.run({param("radius", "500"), param("half_life", "0")});
    ASSERT_EQ(r.error, "");
    // density band: weight 3 at the centre, times the kernel's constant
    EXPECT_NEAR(f.at(r.extras[0], 100, 100), 3 * kPerKm2, 1e-4);
    // 30 cells (300 m) east: (1 - 0.36)^2 of the peak
    EXPECT_NEAR(f.at(r.extras[0], 130, 100), 3 * kPerKm2 * std::pow(1 - 0.36, 2), 1e-4);
    // on and beyond the radius: nothing
    EXPECT_EQ(f.at(r.extras[0], 150, 100), 0.0f);
    EXPECT_EQ(f.at(r.score, 199, 100), 0.0f);
    // the score is highest at the incident and falls with distance
    EXPECT_GT(f.at(r.score, 100, 100), f.at(r.score, 110, 100));
    EXPECT_GT(f.at(r.score, 110, 100), f.at(r.score, 130, 100));
    EXPECT_LE(f.at(r.score, 100, 100), 1.0f);
}

TEST(IncidentDensity, CasualtyWeightsAndMinimumWeight) {
    Fixture f;
    f.incidents({{Fixture::centre(50, 50), {{"killed", "2"}, {"injured", "0"}}},
                 {Fixture::centre(150, 150), {{"killed", "0"}, {"injured", "0"}}}});
    const auto r = f.run({param("radius", "300"), param("half_life", "0"), param("killed_weight", "3"),
                          param("min_weight", "0.25")});
    ASSERT_EQ(r.error, "");
    const double k = 3.0 / (M_PI * 0.3 * 0.3);
    EXPECT_NEAR(f.at(r.extras[0], 50, 50), 6 * k, 1e-3);       // 2 killed x 3
    EXPECT_NEAR(f.at(r.extras[0], 150, 150), 0.25 * k, 1e-4);  // no casualty: min_weight
}

TEST(IncidentDensity, AgeHalvesWeightEveryHalfLife) {
    Fixture f;
    f.as_of = days_from_civil(2026, 1, 1);
    f.incidents({{Fixture::centre(50, 50), {{"killed", "1"}, {"date", date_to_string(f.as_of)}}},
                 {Fixture::centre(150, 150), {{"killed", "1"}, {"date", date_to_string(f.as_of - 730)}}}});
    const auto r = f.run({param("radius", "300"), param("half_life", "730")});
    ASSERT_EQ(r.error, "");
    EXPECT_NEAR(f.at(r.extras[0], 150, 150) / f.at(r.extras[0], 50, 50), 0.5, 1e-5);
}

TEST(IncidentDensity, IncidentsAfterAsOfAreLeftOutAndReported) {
    Fixture f;
    f.incidents({{Fixture::centre(50, 50), {{"killed", "1"}, {"date", "2025-06-01"}}},
                 {Fixture::centre(150, 150), {{"killed", "1"}, {"date", "2026-06-01"}}}});
    const auto r = f.run({param("radius", "300")});
    ASSERT_EQ(r.error, "");
    EXPECT_GT(f.at(r.extras[0], 50, 50), 0.0f);
    EXPECT_EQ(f.at(r.extras[0], 150, 150), 0.0f);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_NE(r.warnings[0].find("after the as_of"), std::string::npos);
    // an explicit as_of parameter brings it back
    const auto later = f.run({param("radius", "300"), param("as_of", "2026-12-31")});
    EXPECT_GT(f.at(later.extras[0], 150, 150), 0.0f);
}

TEST(IncidentDensity, WeightFromAField) {
    Fixture f;
    f.incidents({{Fixture::centre(100, 100), {{"casualties", "4"}, {"killed", "1"}}}});
    const auto r = f.run({param("radius", "500"), param("half_life", "0"), param("weight_field", "casualties")});
    ASSERT_EQ(r.error, "");
    EXPECT_NEAR(f.at(r.extras[0], 100, 100), 4 * kPerKm2, 1e-4);
    const auto bad = f.run({param("weight_field", "nothing")});
    EXPECT_NE(bad.error.find("weight_field 'nothing'"), std::string::npos) << bad.error;
}

TEST(IncidentDensity, RobustNormalisationSaturatesTheHottestCells) {
    Fixture f;
    std::vector<HandFeature> many;
    for (int i = 0; i < 20; ++i) many.push_back({Fixture::centre(40 + i, 60), {{"killed", "1"}}});
    many.push_back({Fixture::centre(160, 160), {{"killed", "1"}}});
    f.incidents(many);
    const auto r = f.run({param("radius", "200"), param("half_life", "0"), param("normalise_percentile", "90")});
    ASSERT_EQ(r.error, "");
    float hi = 0;
    size_t ones = 0;
    for (float v : r.score) hi = std::max(hi, v), ones += v == 1.0f;
    EXPECT_EQ(hi, 1.0f);
    EXPECT_GT(ones, 10u);  // the top decile of the positive area maps to 1, not a single cell
    EXPECT_LT(f.at(r.score, 160, 160), 0.5f);  // the lone incident stays well below the cluster
}

TEST(IncidentDensity, SameResultWhateverTheTiling) {
    Fixture f;
    std::vector<HandFeature> pts;
    for (int i = 0; i < 30; ++i) pts.push_back({Fixture::centre((i * 37) % 200, (i * 61) % 200), {{"killed", std::to_string(i % 3)}}});
    f.incidents(pts);
    const auto whole = f.run({param("radius", "400")});
    const auto tiled = f.run({param("radius", "400")}, 23);
    ASSERT_EQ(whole.error, "");
    for (size_t i = 0; i < whole.score.size(); ++i) ASSERT_EQ(whole.score[i], tiled.score[i]) << "cell " << i;
}

// The short time scale is a second incident_density factor with a short half_life (docs/plugins/incident_density.md,
// "Two time scales"): a recent surge then outranks a larger, older cluster, which the long scale ranks first.
TEST(IncidentDensity, AShortHalfLifeRanksARecentSurgeAboveAnOlderCluster) {
    Fixture f;
    std::vector<HandFeature> pts;
    for (int i = 0; i < 8; ++i) pts.push_back({Fixture::centre(50 + 2 * i, 50), {{"killed", "1"}, {"date", date_to_string(f.as_of - 900)}}});
    for (int i = 0; i < 3; ++i) pts.push_back({Fixture::centre(150 + 2 * i, 150), {{"killed", "1"}, {"date", date_to_string(f.as_of - 30)}}});
    f.incidents(pts);
    const auto long_scale = f.run({param("radius", "400"), param("half_life", "1825")});
    const auto short_scale = f.run({param("radius", "400"), param("half_life", "90")});
    ASSERT_EQ(long_scale.error, "");
    ASSERT_EQ(short_scale.error, "");
    EXPECT_GT(f.at(long_scale.score, 57, 50), f.at(long_scale.score, 152, 150));
    EXPECT_GT(f.at(short_scale.score, 152, 150), f.at(short_scale.score, 57, 50));
    // Where the recent incidents are, the short scale scores higher than the long one; at the old cluster, lower.
    EXPECT_GT(f.at(short_scale.score, 152, 150), f.at(long_scale.score, 152, 150));
    EXPECT_LT(f.at(short_scale.score, 57, 50), f.at(long_scale.score, 57, 50));
}

TEST(IncidentDensity, NoIncidentsGivesZeroAndAWarning) {
    Fixture f;
    f.incidents({});
    const auto r = f.run();
    ASSERT_EQ(r.error, "");
    for (float v : r.score) ASSERT_EQ(v, 0.0f);
    ASSERT_FALSE(r.warnings.empty());
}

}  // namespace
