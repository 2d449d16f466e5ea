// Reading inputs: every format OGR opens, field mapping, CRS handling, repair and skip counts.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "minerisk/crs.hpp"
#include "minerisk/layer.hpp"
#include "minerisk/scenario.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace minerisk;

namespace {

struct TempDir : test::TempDir {
    TempDir() : test::TempDir("minerisk-inputs") {}
};

struct Row {
    std::string wkt;  // empty = null geometry
    std::vector<std::string> values;
};

// Writes a layer with string fields through OGR in any vector driver.
void write_layer(const std::string& path, const char* driver, const char* layer, const char* epsg,
                 const std::vector<std::string>& fields, const std::vector<Row>& rows) {
    GDALAllRegister();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver);
    ASSERT_NE(drv, nullptr) << driver;
    std::unique_ptr<GDALDataset> ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    ASSERT_NE(ds, nullptr) << path;
    OGRSpatialReference srs;
    if (epsg) srs.SetFromUserInput(epsg);
    OGRLayer* l = ds->CreateLayer(layer, epsg ? &srs : nullptr, wkbUnknown, nullptr);
    ASSERT_NE(l, nullptr);
    for (const auto& f : fields) {
        OGRFieldDefn fd(f.c_str(), OFTString);
        l->CreateField(&fd);
    }
    for (const auto& r : rows) {
        OGRFeature feat(l->GetLayerDefn());
        if (!r.wkt.empty()) {
            OGRGeometry* g = nullptr;
            OGRGeometryFactory::createFromWkt(r.wkt.c_str(), nullptr, &g);
            feat.SetGeometryDirectly(g);
        }
        for (size_t i = 0; i < r.values.size(); ++i) feat.SetField(static_cast<int>(i), r.values[i].c_str());
        ASSERT_EQ(l->CreateFeature(&feat), OGRERR_NONE);
    }
}

Scenario scenario_with(const TempDir& dir, const std::string& inputs_yaml, const std::string& crs = "EPSG:32638") {
    const std::string text = "name: t\ncrs: " + crs + "\nresolution: 10\ninputs:\n" + inputs_yaml +
                             "scoring:\n  factors:\n    - plugin: hazard_proximity\n";
    return parse_scenario(text, dir.file("s.yaml"), dir.path.string());
}

const char* kSquare = "POLYGON((600000 4400000,600100 4400000,600100 4400100,600000 4400100,600000 4400000))";
const char* kBowtie = "POLYGON((600000 4400000,600100 4400100,600100 4400000,600000 4400100,600000 4400000))";

TEST(Inputs, GeoPackageLayerNameFilterFieldsAndRepair) {
    TempDir d;
    write_layer(d.file("h.gpkg"), "GPKG", "other", "EPSG:32638", {"x"}, {{kSquare, {"1"}}});
    write_layer(d.file("h2.gpkg"), "GPKG", "hazards", "EPSG:32638", {"hid", "st"},
                {{kSquare, {"A", "CHA"}}, {kBowtie, {"B", "SHA"}}, {"", {"C", "CHA"}}, {"POLYGON EMPTY", {"D", "CHA"}},
                 {kSquare, {"E", "cleared"}}});
    const Scenario sc = scenario_with(d, "  hazards:\n    path: h2.gpkg\n    layer: hazards\n    where: \"st <> 'cleared'\"\n"
                                         "    fields: {id: hid, status: st}\n");
    const Inputs in = load_inputs(sc);
    const FeatureLayer* h = in.find("hazards");
    ASSERT_NE(h, nullptr);
    EXPECT_EQ(h->stats.read, 4);  // the filter removed E
    EXPECT_EQ(h->stats.loaded, 2);
    EXPECT_EQ(h->stats.repaired, 1);
    EXPECT_EQ(h->stats.skipped_null, 1);
    EXPECT_EQ(h->stats.skipped_empty, 1);
    EXPECT_EQ(h->column("id")->text[1], "B");
    EXPECT_EQ(h->column("status")->text[0], "CHA");
    EXPECT_TRUE(h->geometry[1]->IsValid());  // the bow-tie, repaired into two triangles
    EXPECT_NEAR(h->geometry[1]->toMultiPolygon()->get_Area(), 5000.0, 1e-6);
    EXPECT_GE(in.warnings.size(), 3u);  // null, empty, repaired: each a counted warning
}

TEST(Inputs, UnknownLayerNameListsTheLayers) {
    TempDir d;
    write_layer(d.file("h.gpkg"), "GPKG", "zones", "EPSG:32638", {"x"}, {{kSquare, {"1"}}});
    const Scenario sc = scenario_with(d, "  hazards:\n    path: h.gpkg\n    layer: hazard\n");
    try {
        load_inputs(sc);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("no layer 'hazard'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("zones"), std::string::npos) << e.what();
    }
}

TEST(Inputs, MissingFieldNamesTheFieldAndListsOthers) {
    TempDir d;
    write_layer(d.file("h.geojson"), "GeoJSON", "h", "EPSG:4326", {"status"}, {{"POINT(47 40)", {"CHA"}}});
    const Scenario sc = scenario_with(d, "  hazards:\n    path: h.geojson\n    fields: {status: statuss}\n");
    try {
        load_inputs(sc);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("no field 'statuss'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("status"), std::string::npos);
        EXPECT_EQ(e.where().line, 7);  // the line of the field mapping in the scenario text
    }
}

TEST(Inputs, EveryCommonFormatReadsTheSamePoint) {
    TempDir d;
    // 47E 40N in WGS 84 is (670725.49, 4429672.97) in UTM 38N (cs2cs).
    write_layer(d.file("a.geojson"), "GeoJSON", "a", "EPSG:4326", {"n"}, {{"POINT(47 40)", {"1"}}});
    write_layer(d.file("b.shp"), "ESRI Shapefile", "b", "EPSG:4326", {"n"}, {{"POINT(47 40)", {"1"}}});
    write_layer(d.file("c.fgb"), "FlatGeobuf", "c", "EPSG:4326", {"n"}, {{"POINT(47 40)", {"1"}}});
    write_layer(d.file("d.gpkg"), "GPKG", "d", "EPSG:4326", {"n"}, {{"POINT(47 40)", {"1"}}});
    std::ofstream(d.file("e.csv")) << "id,lon,lat\n1,47,40\n";
    std::ofstream(d.file("f.csv")) << "id,geom\n1,\"POINT (47 40)\"\n";
    const Scenario sc = scenario_with(d,
                                      "  incidents: a.geojson\n"
                                      "  settlements: b.shp\n"
                                      "  signs: c.fgb\n"
                                      "  sessions: d.gpkg\n"
                                      "  hazards:\n    path: e.csv\n    x: lon\n    y: lat\n    crs: EPSG:4326\n"
                                      "  extra:\n    wkt_points:\n      path: f.csv\n      wkt: geom\n      crs: EPSG:4326\n");
    const Inputs in = load_inputs(sc);
    ASSERT_EQ(in.layers.size(), 6u);
    for (const auto& l : in.layers) {
        ASSERT_EQ(l.size(), 1) << l.role;
        const Extent& b = l.bounds[0];
        const double cx = (b.xmin + b.xmax) / 2, cy = (b.ymin + b.ymax) / 2;
        EXPECT_NEAR(cx, 670725.49, 0.05) << l.role;
        EXPECT_NEAR(cy, 4429672.97, 0.05) << l.role;
    }
    // The CSV hazard was a point: buffered by point_radius (100 m) into a polygon.
    EXPECT_EQ(in.find("hazards")->stats.buffered, 1);
    EXPECT_NEAR(in.find("hazards")->bounds[0].width(), 200.0, 0.5);
}

TEST(Inputs, LayerWithoutCrsIsAnErrorUnlessTheScenarioGivesOne) {
    TempDir d;
    std::ofstream(d.file("i.csv")) << "lon,lat\n47,40\n";
    const Scenario bad = scenario_with(d, "  hazards:\n    path: i.csv\n    x: lon\n    y: lat\n");
    try {
        load_inputs(bad);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("has no CRS"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("crs: EPSG:4326"), std::string::npos) << e.what();
    }
}

TEST(Inputs, AutoCrsPicksTheUtmZoneOfTheCentre) {
    TempDir d;
    write_layer(d.file("a.geojson"), "GeoJSON", "a", "EPSG:4326", {"n"}, {{"POINT(47 40)", {"1"}}, {"POINT(47.2 40.1)", {"2"}}});
    const Inputs in = load_inputs(scenario_with(d, "  hazards: a.geojson\n", "auto"));
    EXPECT_EQ(in.crs_name, "EPSG:32638");
    EXPECT_NE(in.crs_reason.find("auto"), std::string::npos);
    EXPECT_EQ(utm_zone_for(-74.1, 4.6), "EPSG:32618");  // Bogota
    EXPECT_EQ(utm_zone_for(-74.1, -4.6), "EPSG:32718");
    EXPECT_EQ(utm_zone_for(179.99, 10), "EPSG:32660");
}

TEST(Inputs, GeographicWorkingCrsIsRefused) {
    TempDir d;
    write_layer(d.file("a.geojson"), "GeoJSON", "a", "EPSG:4326", {"n"}, {{"POINT(47 40)", {"1"}}});
    EXPECT_THROW(load_inputs(scenario_with(d, "  hazards: a.geojson\n", "EPSG:4326")), Error);
}

TEST(Inputs, TypedAttributesDatesNumbersBooleans) {
    TempDir d;
    write_layer(d.file("s.geojson"), "GeoJSON", "s", "EPSG:4326", {"pop", "ret", "when"},
                {{"POINT(47 40)", {"120", "yes", "2021-03-04"}},
                 {"POINT(47 40.01)", {"-5", "false", "2021-03"}},
                 {"POINT(47 40.02)", {"many", "maybe", "2021"}},
                 {"POINT(47 40.03)", {"7.5", "1", "March"}}});
    write_layer(d.file("i.geojson"), "GeoJSON", "i", "EPSG:4326", {"when"},
                {{"POINT(47 40)", {"2021-03-04"}}, {"POINT(47 40)", {"2021-03"}}, {"POINT(47 40)", {"2021"}}, {"POINT(47 40)", {"March"}}});
    const Inputs in = load_inputs(scenario_with(d,
                                                "  hazards: s.geojson\n"
                                                "  settlements:\n    path: s.geojson\n    fields: {population: pop, returnee: ret}\n"
                                                "  incidents:\n    path: i.geojson\n    fields: {date: when}\n"));
    const Column* pop = in.find("settlements")->column("population");
    EXPECT_EQ(pop->number[0], 120);
    EXPECT_TRUE(std::isnan(pop->number[1]));  // negative population: refused, counted
    EXPECT_TRUE(std::isnan(pop->number[2]));
    EXPECT_EQ(pop->number[3], 7.5);
    const Column* ret = in.find("settlements")->column("returnee");
    EXPECT_EQ(ret->number[0], 1);
    EXPECT_EQ(ret->number[1], 0);
    EXPECT_TRUE(std::isnan(ret->number[2]));
    EXPECT_EQ(ret->number[3], 1);
    const Column* when = in.find("incidents")->column("date");
    EXPECT_EQ(when->number[0], 18690);  // 2021-03-04
    EXPECT_EQ(when->number[1], 18701);  // 2021-03-15
    EXPECT_EQ(when->number[2], 18809);  // 2021-07-01
    EXPECT_TRUE(std::isnan(when->number[3]));
    bool warned_population = false, warned_date = false;
    for (const auto& w : in.warnings) {
        warned_population |= w.find("population") != std::string::npos && w.find("negative") != std::string::npos;
        warned_date |= w.find("date") != std::string::npos && w.find("March") != std::string::npos;
    }
    EXPECT_TRUE(warned_population);
    EXPECT_TRUE(warned_date);
}

TEST(Inputs, UnreadableFileNamesTheFile) {
    TempDir d;
    std::ofstream(d.file("broken.gpkg")) << "this is not a geopackage";
    try {
        load_inputs(scenario_with(d, "  hazards: broken.gpkg\n"));
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("broken.gpkg"), std::string::npos) << e.what();
    }
}

TEST(Inputs, CrsOverrideReprojectsFromTheScenariosCrs) {
    TempDir d;
    // Coordinates written in UTM 38N but the file claims WGS 84: the scenario's crs corrects it.
    write_layer(d.file("w.geojson"), "GeoJSON", "w", "EPSG:4326", {"n"}, {{"POINT(670725 4429673)", {"1"}}});
    const Inputs in = load_inputs(scenario_with(d, "  hazards:\n    path: w.geojson\n    crs: EPSG:32638\n"));
    EXPECT_NEAR(in.find("hazards")->bounds[0].xmin, 670625, 1);
    bool warned = false;
    for (const auto& w : in.warnings) warned |= w.find("CRS overridden") != std::string::npos;
    EXPECT_TRUE(warned);
}

// A bad 'where:' on a GeoPackage: SQLite refuses it only when reading starts. It must be reported as a
// filter error with the layer's columns, not as a damaged file.
TEST(Inputs, BadFilterOnAGeoPackageIsAFilterErrorListingTheColumns) {
    TempDir d;
    write_layer(d.file("h.gpkg"), "GPKG", "hazards", "EPSG:32638", {"hid", "st"}, {{kSquare, {"A", "CHA"}}});
    for (const char* filter : {"nosuch = 1", "st = ", "st = 'CHA' AND"}) {
        const Scenario sc = scenario_with(d, std::string("  hazards:\n    path: h.gpkg\n    where: \"") + filter + "\"\n");
        try {
            load_inputs(sc);
            FAIL() << "expected an error for " << filter;
        } catch (const Error& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find("the attribute filter '" + std::string(filter) + "' is not valid for this layer"), std::string::npos) << what;
            EXPECT_NE(what.find("hid, st"), std::string::npos) << what;
            EXPECT_EQ(what.find("damaged"), std::string::npos) << what;
            EXPECT_EQ(what.find("export it again"), std::string::npos) << what;
            EXPECT_EQ(what.find("SELECT"), std::string::npos) << what;
            EXPECT_EQ(what.find('\n'), std::string::npos) << what;
            EXPECT_EQ(e.where().layer, "hazards");
        }
    }
    // A good filter still reads every feature it selects, from the first.
    const Inputs in = load_inputs(scenario_with(d, "  hazards:\n    path: h.gpkg\n    where: \"st = 'CHA'\"\n"));
    EXPECT_EQ(in.find("hazards")->stats.read, 1);
}

TEST(Inputs, BadFilterOnAShapefileListsTheColumns) {
    TempDir d;
    write_layer(d.file("h.shp"), "ESRI Shapefile", "h", "EPSG:32638", {"hid", "st"}, {{kSquare, {"A", "CHA"}}});
    try {
        load_inputs(scenario_with(d, "  hazards:\n    path: h.shp\n    where: \"nosuch = 1\"\n"));
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("is not valid for this layer"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("hid, st"), std::string::npos) << e.what();
    }
}

// The no-CRS error names the data file and the scenario's input block, and its hint follows the
// coordinates: longitude/latitude, or metres.
TEST(Inputs, LayerWithoutCrsNamesTheInputBlockAndHintsFromTheCoordinates) {
    TempDir d;
    std::ofstream(d.file("deg.csv")) << "lon,lat\n47,40\n47.1,40.2\n";
    std::ofstream(d.file("m.csv")) << "x,y\n670725,4429673\n671725,4430673\n";
    auto error_of = [&](const std::string& inputs, const std::string& crs) {
        try {
            load_inputs(scenario_with(d, inputs, crs));
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("(no error)");
    };
    const std::string deg = error_of("  hazards:\n    path: deg.csv\n    x: lon\n    y: lat\n", "EPSG:32638");
    EXPECT_NE(deg.find("deg.csv, layer 'deg': the hazards layer 'deg' has no CRS"), std::string::npos) << deg;
    EXPECT_NE(deg.find("(inputs.hazards, " + d.file("s.yaml") + ":6:11)"), std::string::npos) << deg;
    EXPECT_NE(deg.find("longitude/latitude"), std::string::npos) << deg;
    EXPECT_NE(deg.find("crs: EPSG:4326"), std::string::npos) << deg;
    const std::string m = error_of("  hazards:\n    path: m.csv\n    x: x\n    y: y\n", "EPSG:32638");
    EXPECT_NE(m.find("has no CRS"), std::string::npos) << m;
    EXPECT_EQ(m.find("crs: EPSG:4326"), std::string::npos) << m;
    EXPECT_NE(m.find("metres"), std::string::npos) << m;
    EXPECT_NE(m.find("crs: EPSG:32638"), std::string::npos) << m;  // the working CRS, as a candidate
}

// A working CRS given as a PROJ string is named by its EPSG code when PROJ identifies it, else by the string.
TEST(Inputs, ProjStringCrsIsNamedNotUnknown) {
    TempDir d;
    write_layer(d.file("a.geojson"), "GeoJSON", "a", "EPSG:4326", {"n"}, {{"POINT(47 40)", {"1"}}});
    const Inputs utm = load_inputs(scenario_with(d, "  hazards: a.geojson\n", "'+proj=utm +zone=38 +datum=WGS84 +units=m +no_defs'"));
    EXPECT_EQ(utm.crs_name.find("unknown"), std::string::npos) << utm.crs_name;
    EXPECT_NE(utm.crs_name.find("EPSG:32638"), std::string::npos) << utm.crs_name;
    const Inputs laea = load_inputs(
        scenario_with(d, "  hazards: a.geojson\n", "'+proj=laea +lat_0=40 +lon_0=47 +datum=WGS84 +units=m +no_defs +type=crs'"));
    EXPECT_EQ(laea.crs_name.find("unknown"), std::string::npos) << laea.crs_name;
    EXPECT_NE(laea.crs_name.find("+proj=laea"), std::string::npos) << laea.crs_name;
}

// A database that does not answer: one line, a database hint, and no password anywhere.
TEST(Inputs, PostgisConnectionFailureIsOneLineWithoutThePassword) {
    GDALAllRegister();
    if (!GetGDALDriverManager()->GetDriverByName("PostgreSQL")) GTEST_SKIP() << "GDAL has no PostgreSQL driver";
    TempDir d;
    const Scenario sc = scenario_with(
        d, "  hazards:\n    path: \"PG:host=127.0.0.1 port=1 dbname=imsma user=gis password=s3cret\"\n    layer: public.hazards\n");
    try {
        load_inputs(sc);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.find("s3cret"), std::string::npos) << what;
        EXPECT_NE(what.find("password=***"), std::string::npos) << what;
        EXPECT_EQ(what.find('\n'), std::string::npos) << what;
        EXPECT_EQ(what.find('\t'), std::string::npos) << what;
        EXPECT_EQ(what.find("export it again"), std::string::npos) << what;
        EXPECT_NE(what.find("cannot connect to the database"), std::string::npos) << what;
        EXPECT_NE(what.find("Connection refused"), std::string::npos) << what;
        EXPECT_NE(what.find("PGPASSWORD"), std::string::npos) << what;
    }
}

TEST(Inputs, PasswordsAreMaskedInEveryError) {
    EXPECT_EQ(mask_secrets("PG:host=db password=abc dbname=x"), "PG:host=db password=*** dbname=x");
    EXPECT_EQ(mask_secrets("PG:host=db PASSWORD='a b c' dbname=x"), "PG:host=db PASSWORD=*** dbname=x");
    EXPECT_EQ(mask_secrets("postgresql://gis:abc@db/imsma"), "postgresql://gis:***@db/imsma");
    EXPECT_EQ(mask_secrets("no secret here: x=1"), "no secret here: x=1");
    const Error e("cannot open", Location{"PG:host=db password=abc"}, "try ogrinfo 'PG:password=abc'");
    EXPECT_EQ(std::string(e.what()).find("abc"), std::string::npos) << e.what();
    const Error multi("line one\nline two\n\tline three", Location{"f"});
    EXPECT_EQ(std::string(multi.what()), "f: line one line two line three");
}

}  // namespace
