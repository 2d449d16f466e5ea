// Geometry and geography checked at the door (issue 15.6 and 15.7): the repair budget for tangled polygons, a
// feature that alone sets most of the automatic extent, and 'crs: auto' for data across the antimeridian.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "io/feature_positions.hpp"
#include "io/geometry_repair.hpp"
#include "minerisk/layer.hpp"
#include "minerisk/scenario.hpp"
#include "temp_dir.hpp"

using namespace minerisk;

namespace {

// A ring of n vertices at pseudo-random places in a 1 km square near (600000, 4400000) (a fixed LCG: the
// same ring on every machine): it crosses itself about n^2/8 times.
std::string scrambled_polygon_wkt(int n) {
    std::uint32_t state = 12345;
    auto next = [&]() {
        state = state * 1664525u + 1013904223u;
        return (state >> 8) % 100000 / 100.0;  // 0 .. 1000 m, centimetres
    };
    std::ostringstream wkt;
    wkt.precision(10);
    wkt << "POLYGON((";
    double x0 = 0, y0 = 0;
    for (int i = 0; i < n; ++i) {
        const double x = 600000 + next(), y = 4400000 + next();
        if (i == 0) x0 = x, y0 = y;
        wkt << x << " " << y << ",";
    }
    wkt << x0 << " " << y0 << "))";
    return wkt.str();
}

std::unique_ptr<OGRGeometry> from_wkt(const std::string& wkt) {
    OGRGeometry* g = nullptr;
    OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &g);
    return std::unique_ptr<OGRGeometry>(g);
}

const char* kSquare = "POLYGON((600000 4400000,600100 4400000,600100 4400100,600000 4400100,600000 4400000))";
const char* kBowtie = "POLYGON((600000 4400000,600100 4400100,600100 4400000,600000 4400100,600000 4400000))";

// A GeoJSON layer in EPSG:4326 (or the given CRS) with a string id per feature.
void write_geojson(const std::string& path, const std::vector<std::string>& wkts, const char* epsg = "EPSG:4326") {
    GDALAllRegister();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GeoJSON");
    std::unique_ptr<GDALDataset> ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    ASSERT_NE(ds, nullptr) << path;
    OGRSpatialReference srs;
    srs.SetFromUserInput(epsg);
    OGRLayer* l = ds->CreateLayer("h", &srs, wkbUnknown, nullptr);
    OGRFieldDefn fd("hid", OFTString);
    l->CreateField(&fd);
    for (size_t i = 0; i < wkts.size(); ++i) {
        OGRFeature feat(l->GetLayerDefn());
        feat.SetGeometryDirectly(from_wkt(wkts[i]).release());
        feat.SetField(0, ("HA-" + std::to_string(i + 1)).c_str());
        ASSERT_EQ(l->CreateFeature(&feat), OGRERR_NONE);
    }
}

Scenario scenario_with(const test::TempDir& dir, const std::string& inputs_yaml, const std::string& crs,
                       const std::string& resolution = "10") {
    const std::string text = "name: t\ncrs: " + crs + "\nresolution: " + resolution + "\ninputs:\n" + inputs_yaml +
                             "scoring:\n  factors:\n    - plugin: hazard_proximity\n";
    return parse_scenario(text, dir.file("s.yaml"), dir.path.string());
}

std::vector<std::string> warnings_with(const Inputs& in, const std::string& text) {
    std::vector<std::string> out;
    for (const auto& w : in.warnings)
        if (w.find(text) != std::string::npos) out.push_back(w);
    return out;
}

// ---- the repair budget ---------------------------------------------------------------------------------------

TEST(RepairBudget, CrossingsAreCountedUpToTheCap) {
    EXPECT_EQ(count_ring_crossings(*from_wkt(kSquare), 10), 0);
    EXPECT_EQ(count_ring_crossings(*from_wkt(kBowtie), 10), 1);
    EXPECT_EQ(count_ring_crossings(*from_wkt(scrambled_polygon_wkt(2000)), 1000), 1001);  // stops at the cap
    EXPECT_EQ(vertex_count(*from_wkt(kSquare)), 5);
}

TEST(RepairBudget, ScrambledPolygonOf2000VerticesIsReplacedByItsHullNotRepaired) {
    GeometryRepairer repairer;
    auto g = from_wkt(scrambled_polygon_wkt(2000));
    std::unique_ptr<OGRGeometry> hull(g->ConvexHull());
    std::string why;
    ASSERT_EQ(repairer.make_valid_polygonal(g, &why), RepairOutcome::tangled) << why;
    EXPECT_NE(why.find("2001 vertices"), std::string::npos) << why;
    EXPECT_NE(why.find("replaced by its convex hull"), std::string::npos) << why;
    EXPECT_TRUE(g->IsValid());
    EXPECT_NEAR(g->toPolygon()->get_Area(), hull->toPolygon()->get_Area(), 1e-6);
}

TEST(RepairBudget, ABowTieIsStillRepairedWithMakeValid) {
    GeometryRepairer repairer;
    auto g = from_wkt(kBowtie);
    std::string why;
    EXPECT_EQ(repairer.make_valid_polygonal(g, &why), RepairOutcome::repaired) << why;
    EXPECT_NEAR(g->toMultiPolygon()->get_Area(), 5000.0, 1e-6);  // two triangles, not the hull's 10000
}

TEST(RepairBudget, OneWarningPerLayerNamesTheFeatureItsVerticesAndWhatWasDone) {
    test::TempDir d("minerisk-budget");
    write_geojson(d.file("h.geojson"), {kSquare, scrambled_polygon_wkt(2000), scrambled_polygon_wkt(1500)}, "EPSG:32638");
    const Inputs in = load_inputs(scenario_with(d, "  hazards:\n    path: h.geojson\n    fields: {id: hid}\n", "EPSG:32638"));
    ASSERT_EQ(in.find("hazards")->size(), 3);  // none dropped
    const auto w = warnings_with(in, "too tangled to repair");
    ASSERT_EQ(w.size(), 1u);
    EXPECT_NE(w[0].find("hazards (h.geojson, layer 'h'): 2 polygon(s) too tangled to repair replaced by their convex hull"),
              std::string::npos) << w[0];
    EXPECT_NE(w[0].find("feature 1 ('HA-2'): 2001 vertices"), std::string::npos) << w[0];
    EXPECT_NE(w[0].find("feature 2 ('HA-3'): 1501 vertices"), std::string::npos) << w[0];
}

// ---- a feature that alone sets most of the extent -----------------------------------------------------------

TEST(ExtentSetters, APointHazardWithAHugeRadiusIsNamed) {
    test::TempDir d("minerisk-extent");
    // Five hazards within 3 km, and one point hazard whose radius (500 km, metres taken for... a typing error)
    // makes the extent a thousand kilometres wide.
    write_geojson(d.file("h.geojson"), {"POINT(46.76 39.745)", "POINT(46.77 39.75)", "POINT(46.78 39.758)",
                                        "POINT(46.79 39.765)", "POINT(46.765 39.762)", "POINT(46.785 39.742)"});
    {
        std::unique_ptr<GDALDataset> ds(GDALDataset::Open(d.file("h.geojson").c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
        OGRLayer* l = ds->GetLayer(0);
        OGRFieldDefn fd("r", OFTReal);
        l->CreateField(&fd);
        l->ResetReading();
        while (OGRFeature* f = l->GetNextFeature()) {
            f->SetField("r", f->GetFieldAsString("hid") == std::string("HA-4") ? 500000.0 : 50.0);
            ASSERT_EQ(l->SetFeature(f), OGRERR_NONE);
            OGRFeature::DestroyFeature(f);
        }
    }
    const Inputs in = load_inputs(scenario_with(d, "  hazards:\n    path: h.geojson\n    fields: {id: hid, radius: r}\n",
                                                "EPSG:32638", "1000"));
    const auto w = warnings_with(in, "alone set most of the automatic extent");
    ASSERT_EQ(w.size(), 1u) << (in.warnings.empty() ? "" : in.warnings[0]);
    EXPECT_NE(w[0].find("hazards (h.geojson, layer 'h'): 1 feature(s) alone set most of the automatic extent (feature 3 "
                        "('HA-4') sets 99 % of it (its box 1000.0 km x 1000.0 km"),
              std::string::npos) << w[0];
}

TEST(ExtentSetters, SmallFeaturesFarApartGiveNoWarning) {
    test::TempDir d("minerisk-extent");
    // Two small hazards 3 km apart: each sets most of the extent by its place, neither by its size.
    write_geojson(d.file("h.geojson"), {"POINT(46.76 39.745)", "POINT(46.79 39.765)"});
    const Inputs in = load_inputs(scenario_with(d, "  hazards:\n    path: h.geojson\n    fields: {id: hid}\n", "EPSG:32638"));
    EXPECT_TRUE(warnings_with(in, "alone set most").empty()) << in.warnings.size();
}

// ---- crs: auto across the antimeridian ------------------------------------------------------------------------

TEST(AutoCrs, TheNarrowestArcOfLongitudesCrossesTheAntimeridian) {
    using reader::narrowest_arc;
    const auto a = narrowest_arc({179.5, -179.5, 179.8, -179.9});
    EXPECT_NEAR(a.west, 179.5, 1e-9);
    EXPECT_NEAR(a.width, 1.0, 1e-9);
    EXPECT_NEAR(std::fabs(a.middle()), 180.0, 1e-9);
    const auto b = narrowest_arc({46.7, 46.9, 46.8});
    EXPECT_NEAR(b.west, 46.7, 1e-9);
    EXPECT_NEAR(b.width, 0.2, 1e-9);
    EXPECT_NEAR(b.middle(), 46.8, 1e-9);
    EXPECT_NEAR(reader::lon_offset(-179.9, 179.9), 0.2, 1e-9);
}

TEST(AutoCrs, DataAcrossTheAntimeridianGetTheZoneAt180NotTheOneAt0) {
    test::TempDir d("minerisk-autocrs");
    // Fiji: Vanua Levu's east at 179.9 W, Viti Levu at 178 E.
    write_geojson(d.file("h.geojson"), {"POINT(178.4 -17.9)", "POINT(179.2 -16.6)", "POINT(-179.9 -16.5)",
                                        "POINT(-179.8 -16.8)", "POINT(178.9 -17.3)"});
    const Inputs in = load_inputs(scenario_with(d, "  hazards:\n    path: h.geojson\n    point_radius: 100\n", "auto", "1000"));
    EXPECT_EQ(in.crs_name, "EPSG:32760") << in.crs_reason;  // UTM 60S (174 E .. 180)
    EXPECT_TRUE(warnings_with(in, "crs: auto chose").empty());  // 2 degrees: one zone serves
    EXPECT_EQ(in.find("hazards")->size(), 5);  // none taken for "far from the others"
}

TEST(AutoCrs, DataSpanningManyZonesGetAWarning) {
    test::TempDir d("minerisk-autocrs");
    write_geojson(d.file("h.geojson"), {"POINT(170 -16)", "POINT(175 -16.5)", "POINT(-170 -17)", "POINT(-175 -16)",
                                        "POINT(179 -17)"});
    const Inputs in = load_inputs(scenario_with(d, "  hazards:\n    path: h.geojson\n    point_radius: 100\n", "auto", "5000"));
    const auto w = warnings_with(in, "crs: auto chose");
    ASSERT_EQ(w.size(), 1u);
    EXPECT_TRUE(in.crs_name == "EPSG:32701" || in.crs_name == "EPSG:32760") << in.crs_name;  // the zones at 180
    EXPECT_NE(w[0].find("crs: auto chose " + in.crs_name), std::string::npos) << w[0];
    EXPECT_NE(w[0].find("span 20.0 degrees of longitude (170.000 E to 170.000 W, about 4 UTM zones)"), std::string::npos) << w[0];
}

}  // namespace
