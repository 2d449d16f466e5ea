// The sign plan on hand-made hazards whose answers are worked out by hand: a 400 m square with no sign needs 8 signs
// 200 m apart (cover 100 m), each marking 200 m; the people near a side put its signs first; existing signs,
// missing ones, later ones, released and later hazards; a tighter spacing; the class weights; the greedy's order
// (gains never rise) and its speed; the GPX, CSV and GeoPackage outputs.
//
// Coordinates are UTM 38N metres around E 500000 N 4400000 (45 E, 39.75 N).
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <chrono>
#include <random>

#include "export/qgis_styles.hpp"
#include "export/report_format.hpp"
#include "minerisk/error.hpp"
#include "minerisk/plans.hpp"
#include "export/plan_outputs.hpp"
#include "plans/plans_internal.hpp"
#include "test_plan_harness.hpp"

using namespace minerisk;
using namespace minerisk::test;

namespace {

constexpr double X0 = 500000, Y0 = 4400000;

std::string square(double x, double y, double side) {
    auto p = [](double a, double b) { return std::to_string(a) + " " + std::to_string(b); };
    return "POLYGON((" + p(x, y) + "," + p(x + side, y) + "," + p(x + side, y + side) + "," + p(x, y + side) + "," + p(x, y) + "))";
}
std::string point(double x, double y) { return "POINT(" + std::to_string(x) + " " + std::to_string(y) + ")"; }

struct Scene {
    Inputs inputs;
    plans::PlanInputs in;
    explicit Scene(std::vector<HandFeature> hazards, std::vector<HandFeature> signs = {}, std::vector<HandFeature> settlements = {}) {
        inputs.crs_wkt = crs_to_wkt("EPSG:32638");
        inputs.layers.push_back(make_layer("hazards", hazards, {{"id", "text"}, {"status", "text"}, {"ordnance", "text"}, {"date", "date"}}));
        if (!signs.empty()) inputs.layers.push_back(make_layer("signs", signs, {{"condition", "text"}, {"date", "date"}}));
        if (!settlements.empty())
            inputs.layers.push_back(make_layer("settlements", settlements, {{"name", "text"}, {"population", "number"}, {"returnee", "boolean"}}));
        in.inputs = &inputs;
        in.grid = make_grid(100, 100, 100, X0 - 2000, Y0 + 8000);
        in.as_of = *parse_date("2026-07-01");
        in.zone_spec.reach = 1000;
    }
    plans::SignPlan run(int stock, std::optional<double> spacing = {}) const {
        SignPlanSpec spec;
        spec.signs = stock;
        spec.spacing = spacing;
        return plans::sign_plan(in, spec);
    }
};

HandFeature cha(const std::string& wkt, const std::string& id = "HA-1") { return {wkt, {{"id", id}, {"status", "CHA"}, {"ordnance", "AP"}}}; }

}  // namespace

TEST(PlanSigns, ASquareWithNoSignNeedsEightSignsTwoHundredMetresApart) {
    Scene s({cha(square(X0, Y0, 400))});
    const auto p = s.run(3);
    EXPECT_DOUBLE_EQ(p.cover, 100);
    EXPECT_DOUBLE_EQ(p.spacing, 200);  // default: 2 x cover
    EXPECT_DOUBLE_EQ(p.credit, 100);
    EXPECT_EQ(p.hazards_counted, 1);
    EXPECT_NEAR(p.perimeter_m, 1600, 1e-6);
    EXPECT_NEAR(p.unmarked_before_m, 1600, 1e-6);
    EXPECT_EQ(p.candidates, 8);
    EXPECT_EQ(p.signs_to_finish, 8);
    ASSERT_EQ(p.signs.size(), 3u);
    for (const auto& sg : p.signs) {
        EXPECT_NEAR(sg.marks_m, 200, 1e-6);
        EXPECT_NEAR(sg.gain, 200, 1e-6);  // CHA x AP = 1, nobody near: weight 1 a metre
        EXPECT_EQ(sg.hazard_id, "HA-1");
        EXPECT_EQ(sg.status, "CHA");
    }
    // Equal gains: in the order found along the ring, from its first vertex: 100 m, 300 m, 500 m along it.
    EXPECT_NEAR(p.signs[0].x, X0 + 100, 1e-6);
    EXPECT_NEAR(p.signs[0].y, Y0, 1e-6);
    EXPECT_NEAR(p.signs[1].x, X0 + 300, 1e-6);
    EXPECT_NEAR(p.signs[2].x, X0 + 400, 1e-6);
    EXPECT_NEAR(p.signs[2].y, Y0 + 100, 1e-6);
    // By the measure itself: 3 signs cover 600 m, 1,000 m stay unmarked.
    EXPECT_NEAR(p.unmarked_after_m, 1000, 1e-6);
    EXPECT_EQ(p.signs[0].reason, "marks 200 m of the unmarked perimeter of HA-1 (CHA, AP); nobody is recorded living within 1,000 m");
    EXPECT_NEAR(p.signs[0].lon, 45.0, 0.01);
    EXPECT_NEAR(p.signs[0].lat, 39.75, 0.01);
    const auto all = s.run(8);
    EXPECT_NEAR(all.unmarked_after_m, 0, 1e-6);
    EXPECT_NEAR(all.weighted_after, 0, 1e-6);
    const auto more = s.run(20);  // more stock than needed: only what marks something
    EXPECT_EQ(more.signs.size(), 8u);
}

TEST(PlanSigns, PeopleNearASideBringItsSignsFirst) {
    // 1,000 people 300 m east of the east side; the kernel (1 - d^2/R^2)^2 with R = 1,000 m.
    Scene s({cha(square(X0, Y0, 400))}, {}, {{point(X0 + 700, Y0 + 200), {{"name", "Kengerli"}, {"population", "1000"}}}});
    const auto p = s.run(2);
    ASSERT_EQ(p.signs.size(), 2u);
    for (const auto& sg : p.signs) EXPECT_NEAR(sg.x, X0 + 400, 1e-6) << sg.reason;
    // At (X0 + 400, Y0 + 100): d^2 = 300^2 + 100^2, (1 - 0.1)^2 = 0.81.
    EXPECT_NEAR(p.signs[0].y, Y0 + 100, 1e-6);
    EXPECT_NEAR(p.signs[0].people, 810, 1e-6);
    EXPECT_EQ(p.signs[0].nearest_settlement, "Kengerli");
    EXPECT_NEAR(p.signs[0].settlement_distance_m, std::hypot(300, 100), 1e-6);
    EXPECT_NE(p.signs[0].reason.find("about 810 people live within 1,000 m (nearest settlement Kengerli, 316 m)"), std::string::npos)
        << p.signs[0].reason;
    EXPECT_GT(p.signs[0].gain, 200 * 3.5);  // 1 + log10(1 + ~800) > 3.5 along most of the side
    EXPECT_GE(p.signs[0].gain, p.signs[1].gain);
}

TEST(PlanSigns, ExistingSignsCountAndMissingLaterReleasedAndLaterHazardsDoNot) {
    Scene s({cha(square(X0, Y0, 400)),
             {square(X0 + 1000, Y0, 400), {{"id", "HA-2"}, {"status", "Cleared"}}},
             {square(X0 + 2000, Y0, 400), {{"id", "HA-3"}, {"status", "canceled"}}},
             {square(X0 + 3000, Y0, 400), {{"id", "HA-4"}, {"status", "SHA"}, {"date", "2026-09-01"}}}},
            {{point(X0 + 200, Y0), {{"condition", "good"}}},                          // covers 100..300 m of the south side
             {point(X0 + 200, Y0 + 400), {{"condition", " Missing "}}},               // does not count
             {point(X0, Y0 + 200), {{"condition", "good"}, {"date", "2026-08-01"}}}}); // placed after as_of
    const auto p = s.run(1);
    EXPECT_EQ(p.hazards_counted, 1);
    EXPECT_NEAR(p.perimeter_m, 1600, 1e-6);
    EXPECT_NEAR(p.unmarked_before_m, 1400, 1e-6);
    // The same as the zone stage's measure of the same ring and the sign that counts.
    std::vector<std::vector<zones::Pt>> ring{{{X0, Y0}, {X0 + 400, Y0}, {X0 + 400, Y0 + 400}, {X0, Y0 + 400}, {X0, Y0}}};
    EXPECT_NEAR(p.unmarked_before_m, zones::uncovered_length(ring, {{X0 + 200, Y0}}, 100), 1e-6);
    // One stretch of 1,400 m from 300 m round to 100 m: 7 candidates, 200 m apart.
    EXPECT_EQ(p.candidates, 7);
    EXPECT_EQ(p.signs_to_finish, 7);
    ASSERT_EQ(p.signs.size(), 1u);
    EXPECT_NEAR(p.signs[0].marks_m, 200, 1e-6);
    bool later = false;
    for (const auto& w : p.warnings) later |= w == "sign plan: 1 hazard recorded after the as_of date is left out";
    EXPECT_TRUE(later);
}

TEST(PlanSigns, ATighterSpacingTakesASignEveryHundredMetres) {
    Scene s({cha(square(X0, Y0, 400))});
    const auto p = s.run(16, 100.0);
    EXPECT_DOUBLE_EQ(p.credit, 50);  // each new sign answers for 50 m either side
    EXPECT_EQ(p.candidates, 16);
    EXPECT_EQ(p.signs_to_finish, 16);
    ASSERT_EQ(p.signs.size(), 16u);
    for (const auto& sg : p.signs) EXPECT_NEAR(sg.marks_m, 100, 1e-6);
    // Neighbours along the ring are 100 m apart: in sight of each other.
    std::vector<double> xs;
    for (const auto& sg : p.signs)
        if (std::fabs(sg.y - Y0) < 1e-6) xs.push_back(sg.x - X0);
    std::sort(xs.begin(), xs.end());
    EXPECT_EQ(xs, (std::vector<double>{50, 150, 250, 350}));
    EXPECT_NEAR(p.unmarked_after_m, 0, 1e-6);
    // A spacing wider than 2 x cover leaves gaps the measure still counts as unmarked.
    const auto wide = s.run(100, 400.0);
    EXPECT_EQ(wide.signs.size(), 4u);
    EXPECT_NEAR(wide.unmarked_after_m, 800, 1e-6);
}

TEST(PlanSigns, ConfirmedHazardsComeBeforeSuspectedOnesOfTheSameSize) {
    Scene s({{square(X0, Y0, 400), {{"id", "SHA-1"}, {"status", "SHA"}, {"ordnance", "AP"}}},
             {square(X0 + 5000, Y0, 400), {{"id", "CHA-1"}, {"status", "cha"}, {"ordnance", "AT"}}}});
    const auto p = s.run(16);
    ASSERT_EQ(p.signs.size(), 16u);
    // CHA x AT = 1 x 0.8 beats SHA x AP = 0.7 x 1.
    for (int i = 0; i < 8; ++i) EXPECT_EQ(p.signs[static_cast<size_t>(i)].hazard_id, "CHA-1") << i;
    for (int i = 8; i < 16; ++i) EXPECT_EQ(p.signs[static_cast<size_t>(i)].hazard_id, "SHA-1") << i;
    EXPECT_NEAR(p.signs[0].gain, 200 * 0.8, 1e-6);
    EXPECT_NEAR(p.signs[8].gain, 200 * 0.7, 1e-6);
    EXPECT_NEAR(p.weighted_before, 1600 * 0.8 + 1600 * 0.7, 1e-6);
}

TEST(PlanSigns, GainsNeverRiseAlongTheOrderAndTheGreedyIsFast) {
    // 2,000 hazards of random shapes (some overlapping), 3,000 signs, 300 villages.
    std::mt19937 rng(17);
    std::uniform_real_distribution<double> u(0, 50000), side(50, 600);
    std::vector<HandFeature> hz, sg, st;
    for (int i = 0; i < 2000; ++i) {
        const double x = X0 + u(rng), y = Y0 + u(rng), a = side(rng), b = side(rng);
        const std::string wkt = "POLYGON((" + std::to_string(x) + " " + std::to_string(y) + "," + std::to_string(x + a) + " " +
                                std::to_string(y + 0.3 * b) + "," + std::to_string(x + 0.6 * a) + " " + std::to_string(y + b) + "," +
                                std::to_string(x) + " " + std::to_string(y) + "))";
        hz.push_back({wkt, {{"id", "H" + std::to_string(i)}, {"status", i % 3 ? "CHA" : "SHA"}}});
    }
    for (int i = 0; i < 3000; ++i) sg.push_back({point(X0 + u(rng), Y0 + u(rng)), {}});
    for (int i = 0; i < 300; ++i) st.push_back({point(X0 + u(rng), Y0 + u(rng)), {{"name", "V" + std::to_string(i)}, {"population", "500"}}});
    Scene s(hz, sg, st);
    const auto t0 = std::chrono::steady_clock::now();
    const auto p = s.run(1000000);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_GT(p.signs.size(), 2000u);
    EXPECT_EQ(static_cast<std::int64_t>(p.signs.size()), p.signs_to_finish);
    for (size_t i = 1; i < p.signs.size(); ++i) ASSERT_LE(p.signs[i].gain, p.signs[i - 1].gain + 1e-6) << i;
    // Every unmarked stretch of a metre or more ends up marked.
    EXPECT_LT(p.unmarked_after_m, 0.002 * p.unmarked_before_m);
    EXPECT_LT(secs, 10.0);
    RecordProperty("seconds", std::to_string(secs));
}

TEST(PlanSigns, NoHazardsIsAWarningAndBadSettingsAreErrors) {
    Scene s({});
    const auto p = s.run(5);
    EXPECT_TRUE(p.signs.empty());
    ASSERT_EQ(p.warnings.size(), 1u);
    EXPECT_EQ(p.warnings[0], "sign plan: no hazards in the scenario, so no perimeter to mark");
    EXPECT_THROW(s.run(0), Error);
    EXPECT_THROW(s.run(5, 0.0), Error);
}

// ---- outputs ---------------------------------------------------------------------------------------------------

TEST(PlanSignOutputs, GpxWaypointsInWgs84NamedInOrderOpenWithOgr) {
    Scene s({cha(square(X0, Y0, 400))}, {}, {{point(X0 + 700, Y0 + 200), {{"name", "K & \"Q\" <village>"}, {"population", "1000"}}}});
    const auto p = s.run(8);
    TempDir tmp("signs");
    plans::PlansResult r;
    r.signs = p;
    r.signs_done = true;
    const auto files = exports::write_plan_files(r, tmp.path.string(), "Demo & test");
    ASSERT_EQ(files.size(), 2u);
    GDALAllRegister();
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpenEx(tmp.file("sign_plan.gpx").c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
    ASSERT_NE(ds, nullptr) << CPLGetLastErrorMsg();
    OGRLayer* w = ds->GetLayerByName("waypoints");
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(w->GetFeatureCount(), 8);
    OGRSpatialReference utm, wgs;
    utm.importFromEPSG(32638);
    wgs.importFromEPSG(4326);
    utm.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> t(OGRCreateCoordinateTransformation(&utm, &wgs));
    int i = 0;
    w->ResetReading();
    while (OGRFeature* f = w->GetNextFeature()) {
        const auto& sg = p.signs[static_cast<size_t>(i)];
        char name[16];
        std::snprintf(name, sizeof name, "S%03d", i + 1);
        EXPECT_STREQ(f->GetFieldAsString("name"), name);
        EXPECT_NE(std::string(f->GetFieldAsString("desc")).find("K & \"Q\" <village>"), std::string::npos);
        double x = sg.x, y = sg.y;
        ASSERT_TRUE(t->Transform(1, &x, &y));
        const OGRPoint* pt = f->GetGeometryRef()->toPoint();
        EXPECT_NEAR(pt->getX(), x, 1e-7);
        EXPECT_NEAR(pt->getY(), y, 1e-7);
        OGRFeature::DestroyFeature(f);
        ++i;
    }
    GDALClose(ds);
    std::string csv;
    ASSERT_TRUE(report::read_file(tmp.file("sign_plan.csv"), csv));
    EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
              "order,name,x,y,lon,lat,hazard,status,ordnance,marks_m,weight,people_near,nearest_settlement,settlement_distance_m,reason");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 9);
}

TEST(PlanSignOutputs, GeoPackageLayerWithItsStyle) {
    Scene s({cha(square(X0, Y0, 400))});
    const auto p = s.run(4);
    TempDir tmp("signs");
    const std::string path = tmp.file("plans.gpkg");
    GDALAllRegister();
    {
        GDALDataset* ds = GetGDALDriverManager()->GetDriverByName("GPKG")->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
        ASSERT_NE(ds, nullptr);
        OGRSpatialReference srs;
        srs.importFromEPSG(32638);
        exports::write_sign_layer(*ds, p, &srs, path);
        GDALClose(ds);
    }
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
    ASSERT_NE(ds, nullptr);
    OGRLayer* l = ds->GetLayerByName("sign_plan");
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->GetFeatureCount(), 4);
    EXPECT_EQ(wkbFlatten(l->GetGeomType()), wkbPoint);
    OGRFeature* f = l->GetNextFeature();
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->GetFieldAsInteger("order"), 1);
    EXPECT_STREQ(f->GetFieldAsString("name"), "S001");
    EXPECT_NEAR(f->GetFieldAsDouble("marks_m"), 200, 1e-6);
    OGRFeature::DestroyFeature(f);
    GDALClose(ds);
    const std::string qml = qgis::to_qml(exports::sign_plan_style());
    EXPECT_NE(qml.find("labelsEnabled=\"1\""), std::string::npos);
    EXPECT_NE(qml.find("value=\"triangle\""), std::string::npos);
    EXPECT_NE(qml.find("fieldName=\"order\""), std::string::npos);
}
