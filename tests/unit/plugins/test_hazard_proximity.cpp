// hazard_proximity on hand-made grids with known answers.
#include <cmath>

#include "minerisk/dates.hpp"
#include "plugin_harness.hpp"

using namespace minerisk;
using namespace minerisk::test;

namespace {

const std::map<std::string, std::string> kTypes = {{"status", "text"}, {"ordnance", "text"}};

// 100 x 100 cells of 10 m, north-west corner (0, 1000); a 100 m square hazard covering cells 45..54.
struct Fixture {
    GridSpec grid = make_grid(100, 100, 10, 0, 1000);
    Inputs inputs;
    LoadedPlugin plugin = load_builtin("hazard_proximity");
    void hazards(const std::vector<HandFeature>& f) {
        inputs.layers.clear();
        inputs.layers.push_back(make_layer("hazards", f, kTypes));
    }
    PluginRun run(const std::vector<ParamText>& params = {}, std::int64_t tile = 0) {
        return run_plugin(plugin, inputs, grid, params, 0, tile);
    }
    float at(const std::vector<float>& v, int col, int row) const { return v[static_cast<size_t>(row * grid.width + col)]; }
};

const char* kSquare = "POLYGON((450 550,550 550,550 450,450 450,450 550))";

TEST(HazardProximity, OneInsideAndHalvesEveryHalfDistance) {
    Fixture f;
    f.hazards({{kSquare, {{"status", "CHA"}, {"ordnance", "AP"}}}});
    const auto r = f.run({param("half_distance", "50")});
    ASSERT_EQ(r.error, "");
    EXPECT_FLOAT_EQ(f.at(r.score, 49, 49), 1.0f);
    // Cell 60 is 6 cells (60 m) east of the hazard's last cell (54), measured centre to centre.
    EXPECT_NEAR(f.at(r.score, 60, 49), std::pow(0.5, 60.0 / 50.0), 1e-6);
    EXPECT_NEAR(f.at(r.score, 64, 49), std::pow(0.5, 100.0 / 50.0), 1e-6);
    // Diagonal: 6 cells east and 8 cells north of the corner cell (54, 45): 100 m.
    EXPECT_NEAR(f.at(r.score, 60, 37), std::pow(0.5, 100.0 / 50.0), 1e-6);
}

TEST(HazardProximity, FallsWithDistance) {
    Fixture f;
    f.hazards({{kSquare, {{"status", "CHA"}, {"ordnance", "AP"}}}});
    const auto r = f.run();
    for (int c = 55; c < 99; ++c) EXPECT_GT(f.at(r.score, c, 49), f.at(r.score, c + 1, 49)) << "column " << c;
}

TEST(HazardProximity, ClassAndOrdnanceWeights) {
    Fixture f;
    f.hazards({{kSquare, {{"status", "SHA"}, {"ordnance", "AT"}}}});
    const auto r = f.run({table_param("class_weights", {{"CHA", "1"}, {"SHA", "0.5"}}),
                          table_param("ordnance_weights", {{"AT", "0.6"}})});
    ASSERT_EQ(r.error, "");
    EXPECT_NEAR(f.at(r.score, 49, 49), 0.5 * 0.6, 1e-6);
    EXPECT_NEAR(f.at(r.extras[1], 49, 49), 0.3, 1e-6);  // hazard_weight band
    EXPECT_EQ(f.at(r.extras[1], 10, 10), 0.0f);
}

TEST(HazardProximity, ClearedAndCancelledDoNotCount) {
    Fixture f;
    f.hazards({{kSquare, {{"status", "cleared"}, {"ordnance", "AP"}}},
               {"POLYGON((100 150,150 150,150 100,100 100,100 150))", {{"status", "Cancelled"}}}});
    const auto r = f.run();
    ASSERT_EQ(r.error, "");
    for (float v : r.score) ASSERT_EQ(v, 0.0f);
}

TEST(HazardProximity, HeavierHazardWinsWhereTheyOverlapInInfluence) {
    Fixture f;
    f.hazards({{kSquare, {{"status", "SHA"}}}, {"POLYGON((0 1000,20 1000,20 980,0 980,0 1000))", {{"status", "CHA"}}}});
    const auto r = f.run({param("half_distance", "100")});
    ASSERT_EQ(r.error, "");
    EXPECT_NEAR(f.at(r.score, 49, 49), 0.7, 1e-6);  // SHA default weight, AP/unknown ordnance 1
    EXPECT_NEAR(f.at(r.score, 0, 0), 1.0, 1e-6);
    // Between them, each cell takes the larger of the two weighted decays.
    const double d_cha = std::hypot(30 - 1, 30 - 1) * 10, d_sha = std::hypot(45 - 30, 45 - 30) * 10;
    EXPECT_NEAR(f.at(r.score, 30, 30), std::max(std::pow(0.5, d_cha / 100), 0.7 * std::pow(0.5, d_sha / 100)), 1e-5);
}

TEST(HazardProximity, DistanceBandExactWithinReachNodataBeyond) {
    Fixture f;
    f.hazards({{kSquare, {{"status", "CHA"}}}});
    const auto r = f.run({param("half_distance", "10")});  // reach 133 m
    ASSERT_EQ(r.error, "");
    EXPECT_FLOAT_EQ(f.at(r.extras[0], 49, 49), 0.0f);
    EXPECT_FLOAT_EQ(f.at(r.extras[0], 60, 49), 60.0f);
    EXPECT_TRUE(std::isnan(f.at(r.extras[0], 99, 49)));
}

TEST(HazardProximity, SameResultWhateverTheTiling) {
    Fixture f;
    f.hazards({{kSquare, {{"status", "CHA"}}}, {"POLYGON((100 150,180 190,150 100,100 100,100 150))", {{"status", "SHA"}}}});
    const auto whole = f.run({param("half_distance", "30")});
    const auto tiled = f.run({param("half_distance", "30")}, 17);
    ASSERT_EQ(whole.error, "");
    ASSERT_EQ(tiled.error, "");
    for (size_t i = 0; i < whole.score.size(); ++i) ASSERT_EQ(whole.score[i], tiled.score[i]) << "cell " << i;
}

TEST(HazardProximity, HazardsRecordedAfterAsOfDoNotCount) {
    Fixture f;
    f.inputs.layers.clear();
    f.inputs.layers.push_back(make_layer("hazards", {{kSquare, {{"status", "CHA"}, {"date", "2024-05-01"}}}},
                                         {{"status", "text"}, {"date", "date"}}));
    const double before = days_from_civil(2024, 1, 1), after = days_from_civil(2024, 6, 1);
    const auto early = run_plugin(f.plugin, f.inputs, f.grid, {}, before);
    const auto late = run_plugin(f.plugin, f.inputs, f.grid, {}, after);
    EXPECT_EQ(f.at(early.score, 49, 49), 0.0f);
    EXPECT_EQ(f.at(late.score, 49, 49), 1.0f);
}

TEST(HazardProximity, RejectsOutOfRangeParameter) {
    const LoadedPlugin p = load_builtin("hazard_proximity");
    EXPECT_THROW(resolve_params(*p.api, {param("half_distance", "-5")}, Location{"t"}), Error);
    EXPECT_THROW(resolve_params(*p.api, {param("half_distanse", "5")}, Location{"t"}), Error);
}

}  // namespace
