// marking_gap on hand-made hazards and signs with known answers.
//
// Tolerances: the plugin rounds each hazard's unmarked share to 0.001 (it groups hazards by share), so a
// share is checked to within 0.0005 (plus float rounding); distances and decays are exact otherwise.
#include <cmath>
#include <string>
#include <vector>

#include "plugin_harness.hpp"

using namespace minerisk;
using namespace minerisk::test;

namespace {

Location where() {
    Location l;
    l.file = "test";
    return l;
}

const std::map<std::string, std::string> kHazardTypes = {{"status", "text"}, {"ordnance", "text"}};
const std::map<std::string, std::string> kSignTypes = {{"condition", "text"}, {"date", "date"}};
constexpr double kShareTol = 0.0005 + 1e-6;

std::string point(double x, double y) { return "POINT(" + std::to_string(x) + " " + std::to_string(y) + ")"; }

// Signs every `step` metres along the ring of the rectangle [x0,x1] x [y0,y1], starting at its corner.
std::vector<HandFeature> signs_around(double x0, double y0, double x1, double y1, double step,
                                      const std::string& condition = "good") {
    std::vector<HandFeature> out;
    const double w = x1 - x0, h = y1 - y0, per = 2 * (w + h);
    for (double s = 0; s < per - 1e-9; s += step) {
        double x, y;
        if (s < w) x = x0 + s, y = y0;
        else if (s < w + h) x = x1, y = y0 + (s - w);
        else if (s < 2 * w + h) x = x1 - (s - w - h), y = y1;
        else x = x0, y = y1 - (s - 2 * w - h);
        out.push_back({point(x, y), {{"condition", condition}}});
    }
    return out;
}

std::string square(double x0, double y0, double x1, double y1) {
    auto p = [](double x, double y) { return std::to_string(x) + " " + std::to_string(y); };
    return "POLYGON((" + p(x0, y1) + "," + p(x1, y1) + "," + p(x1, y0) + "," + p(x0, y0) + "," + p(x0, y1) + "))";
}

// 100 x 100 cells of 10 m, north-west corner (0, 1000). The 100 m square hazard covers cells 45..54.
struct Fixture {
    GridSpec grid = make_grid(100, 100, 10, 0, 1000);
    Inputs inputs;
    LoadedPlugin plugin = load_builtin("marking_gap");
    void layers(const std::vector<HandFeature>& hazards, const std::vector<HandFeature>* signs) {
        inputs.layers.clear();
        inputs.layers.push_back(make_layer("hazards", hazards, kHazardTypes));
        if (signs) inputs.layers.push_back(make_layer("signs", *signs, kSignTypes));
    }
    PluginRun run(const std::vector<ParamText>& params = {}, std::int64_t tile = 0, double as_of = 0) {
        return run_plugin(plugin, inputs, grid, params, as_of, tile);
    }
    float at(const std::vector<float>& v, int col, int row) const { return v[static_cast<size_t>(row * grid.width + col)]; }
};

const std::string kSquare = square(450, 450, 550, 550);
const std::string kFarSquare = square(100, 100, 200, 200);  // cells 10..19 (columns), 80..89 (rows)

TEST(MarkingGap, UnsignedHazardIsOneInside) {
    Fixture f;
    const std::vector<HandFeature> none;
    f.layers({{kSquare, {{"status", "CHA"}}}}, &none);
    const auto r = f.run();
    ASSERT_EQ(r.error, "");
    EXPECT_FLOAT_EQ(f.at(r.score, 49, 49), 1.0f);
    EXPECT_FLOAT_EQ(f.at(r.extras[0], 49, 49), 1.0f);
    EXPECT_TRUE(std::isnan(f.at(r.extras[0], 10, 10)));  // the share band is nodata outside hazards
}

TEST(MarkingGap, FullySignedHazardIsZeroInsideAndBelowAnUnsignedOne) {
    Fixture f;
    // Signs every 50 m around the near square: every boundary point is within 25 m of one.
    const auto signs = signs_around(450, 450, 550, 550, 50);
    f.layers({{kSquare, {{"status", "CHA"}}}, {kFarSquare, {{"status", "CHA"}}}}, &signs);
    const auto r = f.run({param("half_distance", "10")});  // reach 133 m: the squares (250 m apart) do not meet
    ASSERT_EQ(r.error, "");
    EXPECT_EQ(f.at(r.score, 49, 49), 0.0f);
    EXPECT_FLOAT_EQ(f.at(r.extras[0], 49, 49), 0.0f);
    EXPECT_FLOAT_EQ(f.at(r.score, 15, 85), 1.0f);
    EXPECT_LT(f.at(r.score, 49, 49), f.at(r.score, 15, 85));
}

TEST(MarkingGap, HalfSignedIsOneHalf) {
    Fixture f;
    // A sign at the middle of the top and of the bottom edge, cover 50 m: each covers exactly its 100 m edge
    // (the corners are 50 m away) and touches the side edges only at the corners: 200 m of 400 m.
    const std::vector<HandFeature> signs = {{point(500, 550), {{"condition", "good"}}}, {point(500, 450), {{"condition", "damaged"}}}};
    f.layers({{kSquare, {{"status", "SHA"}}}}, &signs);
    const auto r = f.run({param("cover_distance", "50")});
    ASSERT_EQ(r.error, "");
    EXPECT_NEAR(f.at(r.score, 49, 49), 0.5, kShareTol);
    EXPECT_NEAR(f.at(r.extras[0], 52, 47), 0.5, kShareTol);
}

TEST(MarkingGap, SignOffThePerimeterCoversTheChordOfItsDisc) {
    Fixture f;
    // 60 m north of the top edge's middle, cover 100 m: the whole top edge (chord +-80 m, clipped to +-50) and
    // 26.6 m of each side edge (points within 100 m: 610 - y <= sqrt(100^2 - 50^2)).
    const std::vector<HandFeature> signs = {{point(500, 610), {}}};
    f.layers({{kSquare, {{"status", "CHA"}}}}, &signs);
    const auto r = f.run();
    ASSERT_EQ(r.error, "");
    const double side = 550 - (610 - std::sqrt(100.0 * 100 - 50 * 50));
    EXPECT_NEAR(f.at(r.score, 49, 49), 1 - (100 + 2 * side) / 400, kShareTol);
}

TEST(MarkingGap, MissingSignsDoNotCount) {
    Fixture f;
    const auto signs = signs_around(450, 450, 550, 550, 50, "Missing");
    f.layers({{kSquare, {{"status", "CHA"}}}}, &signs);
    const auto r = f.run();
    ASSERT_EQ(r.error, "");
    EXPECT_FLOAT_EQ(f.at(r.score, 49, 49), 1.0f);
    // With no ignored condition the same signs mark the whole perimeter.
    const auto all = f.run({param("ignored_conditions", "")});
    ASSERT_EQ(all.error, "");
    EXPECT_EQ(f.at(all.score, 49, 49), 0.0f);
}

TEST(MarkingGap, IgnoredConditionsAreAList) {
    Fixture f;
    std::vector<HandFeature> signs = signs_around(450, 450, 550, 550, 50, "damaged");
    f.layers({{kSquare, {{"status", "CHA"}}}}, &signs);
    EXPECT_EQ(f.at(f.run().score, 49, 49), 0.0f);  // damaged signs still warn by default
    EXPECT_FLOAT_EQ(f.at(f.run({param("ignored_conditions", "missing, damaged")}).score, 49, 49), 1.0f);
}

TEST(MarkingGap, SignsPlacedAfterAsOfDoNotCount) {
    Fixture f;
    std::vector<HandFeature> signs = signs_around(450, 450, 550, 550, 50);
    for (auto& s : signs) s.attrs["date"] = "2025-06-01";
    f.layers({{kSquare, {{"status", "CHA"}}}}, &signs);
    const double before = *parse_date("2024-01-01"), after = *parse_date("2026-01-01");
    EXPECT_FLOAT_EQ(f.at(f.run({}, 0, before).score, 49, 49), 1.0f);
    EXPECT_EQ(f.at(f.run({}, 0, after).score, 49, 49), 0.0f);
}

TEST(MarkingGap, DecaysWithDistance) {
    Fixture f;
    const std::vector<HandFeature> signs = {{point(500, 550), {}}, {point(500, 450), {}}};
    f.layers({{kSquare, {{"status", "CHA"}}}}, &signs);
    const auto r = f.run({param("half_distance", "50"), param("cover_distance", "50")});  // share 0.5
    ASSERT_EQ(r.error, "");
    // Cell 60 is 6 cells (60 m) east of the hazard's last cell (54), centre to centre.
    EXPECT_NEAR(f.at(r.score, 60, 49), 0.5 * std::pow(0.5, 60.0 / 50.0), 1e-6);
    EXPECT_NEAR(f.at(r.score, 60, 37), 0.5 * std::pow(0.5, 100.0 / 50.0), 1e-6);  // 6 east, 8 north of (54, 45)
    for (int c = 55; c < 99; ++c) EXPECT_GE(f.at(r.score, c, 49), f.at(r.score, c + 1, 49)) << "column " << c;
    EXPECT_GT(f.at(r.score, 55, 49), f.at(r.score, 70, 49));
    EXPECT_TRUE(std::isnan(f.at(r.extras[0], 60, 49)));
}

TEST(MarkingGap, WorstMarkedHazardWinsNearby) {
    Fixture f;
    // The near square is half marked; an unmarked 20 m square sits in the north-west corner.
    const std::vector<HandFeature> signs = {{point(500, 550), {}}, {point(500, 450), {}}};
    f.layers({{kSquare, {{"status", "CHA"}}}, {"POLYGON((0 1000,20 1000,20 980,0 980,0 1000))", {{"status", "SHA"}}}}, &signs);
    const auto r = f.run({param("half_distance", "100"), param("cover_distance", "50")});
    ASSERT_EQ(r.error, "");
    const double d_corner = std::hypot(30 - 1, 30 - 1) * 10, d_square = std::hypot(45 - 30, 45 - 30) * 10;
    EXPECT_NEAR(f.at(r.score, 30, 30), std::max(std::pow(0.5, d_corner / 100), 0.5 * std::pow(0.5, d_square / 100)), 1e-5);
}

TEST(MarkingGap, ClearedAndCancelledDoNotCount) {
    Fixture f;
    const std::vector<HandFeature> none;
    f.layers({{kSquare, {{"status", "cleared"}}}, {kFarSquare, {{"status", "Cancelled"}}}}, &none);
    const auto r = f.run();
    ASSERT_EQ(r.error, "");
    for (float v : r.score) ASSERT_EQ(v, 0.0f);
    for (float v : r.extras[0]) ASSERT_TRUE(std::isnan(v));
}

TEST(MarkingGap, NoSignsLayerMeansUnmarkedAndWarns) {
    Fixture f;
    f.layers({{kSquare, {{"status", "CHA"}}}}, nullptr);
    const auto r = f.run();
    ASSERT_EQ(r.error, "");
    EXPECT_FLOAT_EQ(f.at(r.score, 49, 49), 1.0f);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_NE(r.warnings[0].find("no signs layer"), std::string::npos) << r.warnings[0];
}

TEST(MarkingGap, MultiPolygonPartsShareOnePerimeter) {
    Fixture f;
    const auto signs = signs_around(450, 450, 550, 550, 50);
    const std::string multi = "MULTIPOLYGON(((450 550,550 550,550 450,450 450,450 550)),((100 200,200 200,200 100,100 100,100 200)))";
    f.layers({{multi, {{"status", "CHA"}}}}, &signs);
    const auto r = f.run();
    ASSERT_EQ(r.error, "");
    EXPECT_NEAR(f.at(r.score, 49, 49), 0.5, kShareTol);  // one of two equal parts marked
    EXPECT_NEAR(f.at(r.score, 15, 85), 0.5, kShareTol);
}

TEST(MarkingGap, HoleBoundaryIsPerimeterToo) {
    Fixture f;
    // 300 m square (ring 1200 m) with a 100 m hole (ring 400 m), the outer ring signed every 50 m with
    // cover 30 m (the hole is 100 m from the outer ring): 400 of 1600 m unmarked.
    const auto signs = signs_around(300, 300, 600, 600, 50);
    const std::string holed = "POLYGON((300 600,600 600,600 300,300 300,300 600),(400 500,400 400,500 400,500 500,400 500))";
    f.layers({{holed, {{"status", "CHA"}}}}, &signs);
    const auto r = f.run({param("cover_distance", "30")});
    ASSERT_EQ(r.error, "");
    EXPECT_NEAR(f.at(r.score, 32, 42), 0.25, kShareTol);  // (325, 575): inside, outside the hole
    EXPECT_TRUE(std::isnan(f.at(r.extras[0], 45, 55)));  // (455, 445): in the hole
}

TEST(MarkingGap, SameResultWhateverTheTiling) {
    Fixture f;
    const std::vector<HandFeature> signs = {{point(500, 610), {}}, {point(120, 150), {}}, {point(0, 990), {{"condition", "missing"}}}};
    f.layers({{kSquare, {{"status", "CHA"}}},
              {"POLYGON((100 150,180 190,150 100,100 100,100 150))", {{"status", "SHA"}}},
              {"POLYGON((0 1000,20 1000,20 980,0 980,0 1000))", {{"status", "SHA"}}}},
             &signs);
    const std::vector<ParamText> params = {param("half_distance", "30")};
    const auto whole = f.run(params);
    const auto tiled = f.run(params, 17);
    ASSERT_EQ(whole.error, "");
    ASSERT_EQ(tiled.error, "");
    for (size_t i = 0; i < whole.score.size(); ++i) {
        ASSERT_EQ(whole.score[i], tiled.score[i]) << "cell " << i;
        ASSERT_TRUE(whole.score[i] >= 0.0f && whole.score[i] <= 1.0f);
        const float a = whole.extras[0][i], b = tiled.extras[0][i];
        ASSERT_TRUE((std::isnan(a) && std::isnan(b)) || a == b) << "cell " << i;
    }
}

TEST(MarkingGap, RejectsOutOfRangeParameter) {
    const LoadedPlugin p = load_builtin("marking_gap");
    EXPECT_THROW(resolve_params(*p.api, {param("cover_distance", "-5")}, where()), Error);
    EXPECT_THROW(resolve_params(*p.api, {param("half_distance", "0")}, where()), Error);
}

}  // namespace
