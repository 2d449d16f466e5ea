// The scenario file parser (engine/scenario/) and the date parser (engine/core/dates.cpp).
//
// What is checked: the bundled demo scenario parses into the expected values; every default of
// docs/scenario.md; every accepted form (shorthand inputs, extra layers, connection strings, parameter
// tables...); and for each mistake a planner can make, that the error names the file, the LINE and the
// COLUMN of the mistake and says what to do (the hint).
//
// Inputs only need to exist: the parser does not open them, so the fixture writes empty placeholder files
// into a fresh temporary folder per test.
//
// The section "once reported as parser bugs" keeps the cases of bugs found and fixed, so that they stay fixed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "minerisk/dates.hpp"
#include "minerisk/error.hpp"
#include "minerisk/scenario.hpp"

namespace fs = std::filesystem;
using minerisk::Error;
using minerisk::Scenario;

namespace {

#define EXPECT_CONTAINS(haystack, needle)                                                          \
    EXPECT_NE(std::string(haystack).find(needle), std::string::npos)                               \
        << "expected to find \"" << (needle) << "\" in:\n  " << (haystack)
#define EXPECT_NOT_CONTAINS(haystack, needle)                                                      \
    EXPECT_EQ(std::string(haystack).find(needle), std::string::npos)                               \
        << "did not expect \"" << (needle) << "\" in:\n  " << (haystack)

constexpr const char* kFile = "scenario.yaml";

// The smallest scenario the parser accepts (3 + 3 lines); tests append to it or replace parts of it.
const std::string kInputs =
    "inputs:\n"
    "  hazards: data/h.gpkg\n";
const std::string kScoring =
    "scoring:\n"
    "  factors:\n"
    "    - plugin: hazard_proximity\n";
const std::string kMinimal = "resolution: 20\n" + kInputs + kScoring;

class ScenarioParser : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = fs::temp_directory_path() /
               ("minerisk_scenario_" + std::to_string(::getpid()) + "_" + info->test_suite_name() + "_" + info->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_ / "data");
        for (const char* f : {"data/h.gpkg", "data/i.csv", "data/s.geojson", "data/signs.fgb", "data/sessions.shp",
                              "data/roads.gpkg", "data/pastures.gpkg"})
            touch(f);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    void touch(const std::string& rel) const {
        fs::create_directories((dir_ / rel).parent_path());
        std::ofstream(dir_ / rel).put('\n');
    }
    std::string abs(const std::string& rel) const { return (dir_ / rel).lexically_normal().string(); }

    Scenario parse(const std::string& yaml) const { return minerisk::parse_scenario(yaml, kFile, dir_.string()); }

    // The Error the text raises; a test failure (and an empty Error) if it parses.
    Error error_of(const std::string& yaml) const {
        try {
            parse(yaml);
        } catch (const Error& e) {
            return e;
        }
        ADD_FAILURE() << "the scenario parsed, but an error was expected:\n" << yaml;
        return Error("(no error)");
    }

    // The error names the scenario file, the line and the column, and what() holds every piece given.
    void expect_error(const std::string& yaml, int line, int column, const std::vector<std::string>& pieces) const {
        const Error e = error_of(yaml);
        SCOPED_TRACE(e.what());
        EXPECT_EQ(e.where().file, kFile);
        EXPECT_EQ(e.where().line, line);
        EXPECT_EQ(e.where().column, column);
        const std::string where = std::string(kFile) + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
        EXPECT_EQ(std::string(e.what()).rfind(where, 0), 0u) << "what() should start with '" << where << "'";
        for (const auto& p : pieces) EXPECT_CONTAINS(e.what(), p);
    }

    fs::path dir_;
};

// ---- the demo scenario ------------------------------------------------------------------------------

std::string demo_path(const std::string& rel) {
    return (fs::absolute(fs::path(MINERISK_TESTDATA)) / "demo" / rel).lexically_normal().string();
}

TEST(ScenarioDemo, ParsesWithTheExpectedTopLevelValues) {
    const Scenario sc = minerisk::load_scenario(MINERISK_TESTDATA "/demo/scenario.yaml");
    EXPECT_EQ(sc.file, MINERISK_TESTDATA "/demo/scenario.yaml");
    EXPECT_EQ(fs::path(sc.dir).lexically_normal(), (fs::absolute(fs::path(MINERISK_TESTDATA)) / "demo").lexically_normal());
    EXPECT_EQ(sc.name, "Demo: former line of contact (synthetic)");
    EXPECT_CONTAINS(sc.description, "Synthetic data");
    EXPECT_EQ(sc.crs, "EPSG:32638");
    EXPECT_EQ(sc.crs_where.line, 7);
    EXPECT_EQ(sc.crs_where.column, 6);
    EXPECT_DOUBLE_EQ(sc.resolution, 20.0);
    EXPECT_FALSE(sc.extent.has_value());  // extent: auto
    EXPECT_DOUBLE_EQ(sc.margin, 1000.0);
    ASSERT_TRUE(sc.as_of.has_value());
    EXPECT_DOUBLE_EQ(*sc.as_of, minerisk::days_from_civil(2026, 7, 1));
    EXPECT_EQ(minerisk::date_to_string(*sc.as_of), "2026-07-01");
}

TEST(ScenarioDemo, HasFiveInputsInStandardOrderWithAbsolutePaths) {
    const Scenario sc = minerisk::load_scenario(MINERISK_TESTDATA "/demo/scenario.yaml");
    ASSERT_EQ(sc.inputs.size(), 5u);
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"hazards", "data/hazards.gpkg"},     {"incidents", "data/incidents.csv"}, {"settlements", "data/settlements.geojson"},
        {"signs", "data/signs.fgb"},          {"sessions", "data/sessions.shp"}};
    for (size_t i = 0; i < expected.size(); ++i) {
        SCOPED_TRACE(expected[i].first);
        EXPECT_EQ(sc.inputs[i].role, expected[i].first);
        EXPECT_TRUE(fs::path(sc.inputs[i].source).is_absolute());
        EXPECT_EQ(sc.inputs[i].source, demo_path(expected[i].second));
        EXPECT_TRUE(fs::exists(sc.inputs[i].source));
        EXPECT_EQ(sc.input(expected[i].first), &sc.inputs[i]);
    }
    EXPECT_EQ(sc.input("roads"), nullptr);

    const auto& hz = *sc.input("hazards");
    EXPECT_EQ(hz.layer, "hazards");
    EXPECT_DOUBLE_EQ(hz.point_radius, 100.0);
    EXPECT_TRUE(hz.crs.empty());
    EXPECT_TRUE(hz.filter.empty());
    EXPECT_EQ(hz.where.line, 14);  // the mapping under 'hazards:' starts at 'path:'
    const std::map<std::string, std::string> hz_fields = {
        {"id", "hazard_id"}, {"status", "status"}, {"ordnance", "ordnance"}, {"date", "recorded"}, {"radius", "radius_m"}};
    EXPECT_EQ(hz.fields, hz_fields);
    EXPECT_EQ(hz.field_where.at("date").line, 21);
    EXPECT_EQ(hz.field_where.at("date").column, 13);

    const auto& inc = *sc.input("incidents");
    EXPECT_EQ(inc.x_field, "lon");
    EXPECT_EQ(inc.y_field, "lat");
    EXPECT_TRUE(inc.wkt_field.empty());
    EXPECT_EQ(inc.crs, "EPSG:4326");
    EXPECT_TRUE(inc.layer.empty());
    const std::map<std::string, std::string> inc_fields = {{"id", "incident_id"}, {"date", "date"},
                                                           {"killed", "killed"},  {"injured", "injured"},
                                                           {"ordnance", "ordnance"}, {"activity", "activity"}};
    EXPECT_EQ(inc.fields, inc_fields);

    const std::map<std::string, std::string> st_fields = {
        {"id", "settlement_id"}, {"name", "name"}, {"population", "population"}, {"returnee", "returnee"}};
    EXPECT_EQ(sc.input("settlements")->fields, st_fields);
    const std::map<std::string, std::string> sg_fields = {
        {"id", "sign_id"}, {"date", "placed"}, {"type", "sign_type"}, {"condition", "condition"}};
    EXPECT_EQ(sc.input("signs")->fields, sg_fields);
    const std::map<std::string, std::string> se_fields = {
        {"id", "session_id"}, {"date", "held"}, {"reached", "reached"}, {"settlement", "settlement"}};
    EXPECT_EQ(sc.input("sessions")->fields, se_fields);
}

TEST(ScenarioDemo, HasEveryBuiltInFactorWithItsWeightAndParameters) {
    const Scenario sc = minerisk::load_scenario(MINERISK_TESTDATA "/demo/scenario.yaml");
    EXPECT_EQ(sc.scoring.method, "weighted_sum");
    EXPECT_TRUE(sc.scoring.plugin_paths.empty());
    ASSERT_EQ(sc.scoring.factors.size(), 6u);
    const std::vector<std::pair<std::string, double>> expected = {
        {"hazard_proximity", 0.35}, {"incident_density", 0.25}, {"marking_gap", 0.1},
        {"population_exposure", 0.1}, {"outreach_gap", 0.1}, {"raster_factor", 0.1}};
    for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(sc.scoring.factors[i].plugin, expected[i].first);
        EXPECT_DOUBLE_EQ(sc.scoring.factors[i].weight, expected[i].second);
    }
    const auto& hp = sc.scoring.factors[0];
    EXPECT_EQ(hp.name, "hazard_proximity");
    ASSERT_EQ(hp.params.size(), 2u);
    EXPECT_EQ(hp.params[0].name, "half_distance");
    EXPECT_EQ(hp.params[0].text, "250");
    EXPECT_TRUE(hp.params[1].is_table);
    ASSERT_EQ(hp.params[1].table.size(), 2u);
    EXPECT_EQ(hp.params[1].table[1].first, "SHA");
    EXPECT_EQ(hp.params[1].table[1].second, "0.7");
    const auto& lu = sc.scoring.factors[5];
    EXPECT_EQ(lu.name, "land_use");
    EXPECT_EQ(lu.params[0].name, "path");
    // Zones by share of area; outputs and run keep their defaults.
    EXPECT_FALSE(sc.zones.threshold.has_value());
    ASSERT_TRUE(sc.zones.top_percent.has_value());
    EXPECT_DOUBLE_EQ(*sc.zones.top_percent, 5.0);
    EXPECT_EQ(sc.run.tile_size, 1024);
    EXPECT_EQ(sc.outputs.compress, "ZSTD");
}

TEST(ScenarioDemo, LoadScenarioOfAMissingFileSaysSo) {
    try {
        minerisk::load_scenario(MINERISK_TESTDATA "/demo/no_such_scenario.yaml");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.where().file, MINERISK_TESTDATA "/demo/no_such_scenario.yaml");
        EXPECT_CONTAINS(e.what(), "cannot read the scenario file");
    }
}

// ---- defaults and accepted forms ----------------------------------------------------------------------

TEST_F(ScenarioParser, MinimalScenarioGetsEveryDefault) {
    const Scenario sc = parse(kMinimal);
    EXPECT_EQ(sc.file, kFile);
    EXPECT_EQ(sc.dir, dir_.string());
    EXPECT_EQ(sc.name, "");
    EXPECT_EQ(sc.description, "");
    EXPECT_EQ(sc.crs, "auto");
    EXPECT_EQ(sc.crs_where.line, 0);  // not written
    EXPECT_DOUBLE_EQ(sc.resolution, 20.0);
    EXPECT_FALSE(sc.extent.has_value());
    EXPECT_DOUBLE_EQ(sc.margin, 2000.0);
    EXPECT_FALSE(sc.as_of.has_value());

    ASSERT_EQ(sc.inputs.size(), 1u);
    const auto& hz = sc.inputs[0];
    EXPECT_EQ(hz.role, "hazards");
    EXPECT_EQ(hz.source, abs("data/h.gpkg"));
    EXPECT_EQ(hz.layer, "");
    EXPECT_EQ(hz.filter, "");
    EXPECT_EQ(hz.crs, "");
    EXPECT_EQ(hz.x_field, "");
    EXPECT_EQ(hz.y_field, "");
    EXPECT_EQ(hz.wkt_field, "");
    EXPECT_DOUBLE_EQ(hz.point_radius, 100.0);
    EXPECT_TRUE(hz.fields.empty());

    EXPECT_EQ(sc.scoring.method, "weighted_sum");
    EXPECT_TRUE(sc.scoring.plugin_paths.empty());
    ASSERT_EQ(sc.scoring.factors.size(), 1u);
    const auto& f = sc.scoring.factors[0];
    EXPECT_EQ(f.plugin, "hazard_proximity");
    EXPECT_EQ(f.name, "hazard_proximity");  // name defaults to the plugin's
    EXPECT_DOUBLE_EQ(f.weight, 1.0);
    EXPECT_EQ(f.group, "");
    EXPECT_TRUE(f.params.empty());
    EXPECT_EQ(f.where.line, 6);
    EXPECT_EQ(f.where.column, 7);

    EXPECT_FALSE(sc.zones.threshold.has_value());
    EXPECT_FALSE(sc.zones.top_percent.has_value());
    EXPECT_DOUBLE_EQ(sc.zones.min_area, 10000.0);
    EXPECT_DOUBLE_EQ(sc.zones.fill_holes, 10000.0);
    EXPECT_DOUBLE_EQ(sc.zones.reach, 2000.0);
    EXPECT_DOUBLE_EQ(sc.zones.recent_days, 365.0);
    EXPECT_DOUBLE_EQ(sc.zones.survey_distance, 500.0);
    EXPECT_DOUBLE_EQ(sc.zones.sign_cover, 100.0);
    EXPECT_DOUBLE_EQ(sc.zones.session_stale_days, 365.0);

    EXPECT_TRUE(sc.outputs.factors);
    EXPECT_TRUE(sc.outputs.extra_bands);
    EXPECT_EQ(sc.outputs.compress, "ZSTD");

    EXPECT_EQ(sc.run.threads, 0u);
    EXPECT_EQ(sc.run.tile_size, 1024);
    EXPECT_DOUBLE_EQ(sc.run.max_memory_mb, 4096.0);
    EXPECT_DOUBLE_EQ(sc.run.max_cells, 4e9);
}

TEST_F(ScenarioParser, ShorthandInputIsAPathRelativeToTheScenarioFolder) {
    const Scenario sc = parse(kMinimal);  // "hazards: data/h.gpkg"
    ASSERT_EQ(sc.inputs.size(), 1u);
    EXPECT_EQ(sc.inputs[0].role, "hazards");
    EXPECT_EQ(sc.inputs[0].source, abs("data/h.gpkg"));
    EXPECT_TRUE(fs::path(sc.inputs[0].source).is_absolute());
    EXPECT_EQ(sc.inputs[0].where.line, 3);
    EXPECT_EQ(sc.inputs[0].where.column, 12);
    EXPECT_DOUBLE_EQ(sc.inputs[0].point_radius, 100.0);
}

TEST_F(ScenarioParser, PathsAreNormalisedAndAbsolutePathsKept) {
    fs::create_directories(dir_ / "sub");
    const std::string absolute = abs("data/i.csv");
    const Scenario sc = parse("resolution: 20\ninputs:\n  hazards: ./sub/../data/h.gpkg\n  incidents:\n    path: " +
                              absolute + "\n" + kScoring);
    EXPECT_EQ(sc.inputs[0].source, abs("data/h.gpkg"));
    EXPECT_EQ(sc.inputs[1].source, absolute);
}

TEST_F(ScenarioParser, InputsComeInStandardOrderWhateverTheFileOrder) {
    const Scenario sc = parse(R"(resolution: 20
inputs:
  extra:
    roads: data/roads.gpkg
  sessions: data/sessions.shp
  signs: data/signs.fgb
  settlements: data/s.geojson
  incidents: data/i.csv
  hazards: data/h.gpkg
)" + kScoring);
    std::vector<std::string> roles;
    for (const auto& in : sc.inputs) roles.push_back(in.role);
    EXPECT_EQ(roles, (std::vector<std::string>{"hazards", "incidents", "settlements", "signs", "sessions", "roads"}));
}

TEST_F(ScenarioParser, ExtraLayersTakeAnyFieldRoleAndComeAfterTheStandardOnes) {
    const Scenario sc = parse(R"(resolution: 20
inputs:
  hazards: data/h.gpkg
  extra:
    roads:
      path: data/roads.gpkg
      layer: tracks
      where: "surface = 'dirt'"
      fields:
        kind: highway
        width: width_m
    pastures: data/pastures.gpkg
)" + kScoring);
    ASSERT_EQ(sc.inputs.size(), 3u);
    const auto* roads = sc.input("roads");
    ASSERT_NE(roads, nullptr);
    EXPECT_EQ(roads, &sc.inputs[1]);
    EXPECT_EQ(roads->source, abs("data/roads.gpkg"));
    EXPECT_EQ(roads->layer, "tracks");
    EXPECT_EQ(roads->filter, "surface = 'dirt'");
    EXPECT_EQ(roads->fields.at("kind"), "highway");
    EXPECT_EQ(roads->fields.at("width"), "width_m");
    EXPECT_EQ(roads->where.line, 6);
    const auto* pastures = sc.input("pastures");
    ASSERT_NE(pastures, nullptr);
    EXPECT_EQ(pastures->source, abs("data/pastures.gpkg"));
    EXPECT_TRUE(minerisk::field_roles("roads").empty());
}

TEST_F(ScenarioParser, TablesTakeCoordinateColumnsCrsAndFilter) {
    const Scenario sc = parse(R"(resolution: 20
inputs:
  hazards:
    path: data/h.gpkg
    layer: hazards
    where: status IN ('CHA', 'SHA')
    point_radius: 250
    crs: EPSG:32638
  incidents:
    path: data/i.csv
    x: lon
    y: lat
    crs: EPSG:4326
  settlements:
    path: data/s.geojson
    wkt: geom_wkt
    crs: "+proj=longlat +datum=WGS84 +no_defs +type=crs"
)" + kScoring);
    const auto& hz = *sc.input("hazards");
    EXPECT_EQ(hz.filter, "status IN ('CHA', 'SHA')");
    EXPECT_DOUBLE_EQ(hz.point_radius, 250.0);
    EXPECT_EQ(hz.crs, "EPSG:32638");
    const auto& inc = *sc.input("incidents");
    EXPECT_EQ(inc.x_field, "lon");
    EXPECT_EQ(inc.y_field, "lat");
    EXPECT_EQ(inc.crs, "EPSG:4326");
    const auto& st = *sc.input("settlements");
    EXPECT_EQ(st.wkt_field, "geom_wkt");
    EXPECT_EQ(st.crs, "+proj=longlat +datum=WGS84 +no_defs +type=crs");
}

TEST_F(ScenarioParser, ConnectionStringsAndVirtualPathsPassThroughUnchecked) {
    const Scenario sc = parse(R"(resolution: 20
inputs:
  hazards:
    path: "PG:dbname=imsma host=db.example user=gis"
    layer: public.hazards
  incidents:
    path: /vsizip//no/such/archive.zip/incidents.csv
    x: lon
    y: lat
    crs: EPSG:4326
  settlements: https://example.org/no/such/settlements.geojson
)" + kScoring);
    EXPECT_EQ(sc.input("hazards")->source, "PG:dbname=imsma host=db.example user=gis");
    EXPECT_EQ(sc.input("hazards")->layer, "public.hazards");
    EXPECT_EQ(sc.input("incidents")->source, "/vsizip//no/such/archive.zip/incidents.csv");
    EXPECT_EQ(sc.input("settlements")->source, "https://example.org/no/such/settlements.geojson");
}

TEST_F(ScenarioParser, TopLevelValuesAreRead) {
    const Scenario sc = parse(R"(name: Sector north
description: "Q3 plan, IMSMA export of 2024-06-30"
crs: EPSG:32638
resolution: 12.5
extent: [640000, 4385000, 700000, 4445000]
margin: 0
as_of: 2024-06
)" + kInputs + kScoring);
    EXPECT_EQ(sc.name, "Sector north");
    EXPECT_EQ(sc.description, "Q3 plan, IMSMA export of 2024-06-30");
    EXPECT_EQ(sc.crs, "EPSG:32638");
    EXPECT_EQ(sc.crs_where.file, kFile);
    EXPECT_EQ(sc.crs_where.line, 3);
    EXPECT_EQ(sc.crs_where.column, 6);
    EXPECT_DOUBLE_EQ(sc.resolution, 12.5);
    ASSERT_TRUE(sc.extent.has_value());
    EXPECT_DOUBLE_EQ(sc.extent->xmin, 640000);
    EXPECT_DOUBLE_EQ(sc.extent->ymin, 4385000);
    EXPECT_DOUBLE_EQ(sc.extent->xmax, 700000);
    EXPECT_DOUBLE_EQ(sc.extent->ymax, 4445000);
    EXPECT_DOUBLE_EQ(sc.margin, 0.0);
    ASSERT_TRUE(sc.as_of.has_value());
    EXPECT_EQ(minerisk::date_to_string(*sc.as_of), "2024-06-15");
}

TEST_F(ScenarioParser, ExtentAutoAndBlockListForm) {
    EXPECT_FALSE(parse("extent: auto\n" + kMinimal).extent.has_value());
    const Scenario sc = parse("extent:\n  - 1\n  - 2\n  - 3\n  - 4\n" + kMinimal);
    ASSERT_TRUE(sc.extent.has_value());
    EXPECT_DOUBLE_EQ(sc.extent->xmax, 3);
}

TEST_F(ScenarioParser, AsOfAcceptsEveryDateForm) {
    const std::vector<std::pair<std::string, std::string>> forms = {
        {"2024-03-05", "2024-03-05"}, {"'2024-03-05'", "2024-03-05"}, {"2024-03", "2024-03-15"},
        {"2024", "2024-07-01"},       {"2024/03/05", "2024-03-05"},   {"2024-03-05T10:30:00Z", "2024-03-05"},
        {"2024.3.5", "2024-03-05"}};
    for (const auto& [text, want] : forms) {
        SCOPED_TRACE(text);
        const Scenario sc = parse("as_of: " + text + "\n" + kMinimal);
        ASSERT_TRUE(sc.as_of.has_value());
        EXPECT_EQ(minerisk::date_to_string(*sc.as_of), want);
    }
}

TEST_F(ScenarioParser, AcceptedCrsForms) {
    const std::string wkt =
        "'PROJCS[\"WGS 84 / UTM zone 38N\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]],"
        "PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],"
        "PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",45],PARAMETER[\"scale_factor\",0.9996],"
        "PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1]]'";
    for (const std::string& crs : {std::string("auto"), std::string("EPSG:32638"), std::string("epsg:32638"),
                                  std::string("'urn:ogc:def:crs:EPSG::32638'"), std::string("ESRI:102100"),
                                  std::string("'+proj=utm +zone=38 +datum=WGS84 +units=m +no_defs +type=crs'"), wkt}) {
        SCOPED_TRACE(crs);
        EXPECT_NO_THROW(parse("crs: " + crs + "\n" + kMinimal));
    }
}

TEST_F(ScenarioParser, FactorsKeepNamesWeightsGroupsAndParamsInFileOrder) {
    const Scenario sc = parse(R"(resolution: 20
inputs:
  hazards: data/h.gpkg
scoring:
  method: likelihood_consequence
  factors:
    - plugin: hazard_proximity
      group: likelihood
      weight: 2
      params:
        half_distance: 400
        class_weights: {CHA: 1, SHA: 0.5}
        ordnance_weights:
          AP: 1
          AT: 0.6
        excluded_statuses:
    - plugin: hazard_proximity
      name: hazard_far-2
      group: consequence
      weight: 0.5
)");
    EXPECT_EQ(sc.scoring.method, "likelihood_consequence");
    ASSERT_EQ(sc.scoring.factors.size(), 2u);
    const auto& a = sc.scoring.factors[0];
    EXPECT_EQ(a.group, "likelihood");
    EXPECT_DOUBLE_EQ(a.weight, 2.0);
    ASSERT_EQ(a.params.size(), 4u);
    EXPECT_EQ(a.params[0].name, "half_distance");
    EXPECT_EQ(a.params[0].text, "400");
    EXPECT_EQ(a.params[0].where.line, 11);
    EXPECT_EQ(a.params[0].where.column, 24);
    EXPECT_EQ(a.params[1].name, "class_weights");
    EXPECT_TRUE(a.params[1].is_table);
    EXPECT_EQ(a.params[1].table, (std::vector<std::pair<std::string, std::string>>{{"CHA", "1"}, {"SHA", "0.5"}}));
    EXPECT_EQ(a.params[2].name, "ordnance_weights");
    EXPECT_TRUE(a.params[2].is_table);
    EXPECT_EQ(a.params[2].table, (std::vector<std::pair<std::string, std::string>>{{"AP", "1"}, {"AT", "0.6"}}));
    EXPECT_EQ(a.params[3].name, "excluded_statuses");
    EXPECT_FALSE(a.params[3].is_table);
    EXPECT_EQ(a.params[3].text, "");  // written without a value
    const auto& b = sc.scoring.factors[1];
    EXPECT_EQ(b.plugin, "hazard_proximity");
    EXPECT_EQ(b.name, "hazard_far-2");
    EXPECT_EQ(b.group, "consequence");
    EXPECT_DOUBLE_EQ(b.weight, 0.5);
}

TEST_F(ScenarioParser, EveryCombinationMethodIsAccepted) {
    for (const char* m : {"weighted_sum", "weighted_product", "maximum"}) {
        SCOPED_TRACE(m);
        EXPECT_EQ(parse(std::string("resolution: 20\n") + kInputs + "scoring:\n  method: " + m +
                        "\n  factors:\n    - plugin: hazard_proximity\n")
                      .scoring.method,
                  m);
    }
}

TEST_F(ScenarioParser, PluginPathsAreResolvedAgainstTheScenarioFolder) {
    const Scenario list = parse(kMinimal + "  plugin_paths: [my_plugins, ../shared/plugins, /opt/minerisk/plugins]\n");
    EXPECT_EQ(list.scoring.plugin_paths,
              (std::vector<std::string>{abs("my_plugins"), (dir_.parent_path() / "shared" / "plugins").string(),
                                        "/opt/minerisk/plugins"}));
    const Scenario one = parse(kMinimal + "  plugin_paths: my_plugins\n");
    EXPECT_EQ(one.scoring.plugin_paths, (std::vector<std::string>{abs("my_plugins")}));
    // The folders need not exist: a missing folder is simply not searched.
    EXPECT_FALSE(fs::exists(one.scoring.plugin_paths[0]));
}

TEST_F(ScenarioParser, ZonesOutputsAndRunAreRead) {
    const Scenario sc = parse(kMinimal + R"(zones:
  top_percent: 5
  min_area: 50000
  fill_holes: 0
  reach: 3000
  recent_days: 180
  survey_distance: 800
  sign_cover: 50
  session_stale_days: 730
outputs:
  factors: no
  extra_bands: off
  compress: ZSTD
run:
  threads: 4
  tile_size: 512
  max_memory_mb: 8000
  max_cells: 1e9
)");
    EXPECT_FALSE(sc.zones.threshold.has_value());
    ASSERT_TRUE(sc.zones.top_percent.has_value());
    EXPECT_DOUBLE_EQ(*sc.zones.top_percent, 5.0);
    EXPECT_DOUBLE_EQ(sc.zones.min_area, 50000.0);
    EXPECT_DOUBLE_EQ(sc.zones.fill_holes, 0.0);
    EXPECT_DOUBLE_EQ(sc.zones.reach, 3000.0);
    EXPECT_DOUBLE_EQ(sc.zones.recent_days, 180.0);
    EXPECT_DOUBLE_EQ(sc.zones.survey_distance, 800.0);
    EXPECT_DOUBLE_EQ(sc.zones.sign_cover, 50.0);
    EXPECT_DOUBLE_EQ(sc.zones.session_stale_days, 730.0);
    EXPECT_FALSE(sc.outputs.factors);
    EXPECT_FALSE(sc.outputs.extra_bands);
    EXPECT_EQ(sc.outputs.compress, "ZSTD");
    EXPECT_EQ(sc.run.threads, 4u);
    EXPECT_EQ(sc.run.tile_size, 512);
    EXPECT_DOUBLE_EQ(sc.run.max_memory_mb, 8000.0);
    EXPECT_DOUBLE_EQ(sc.run.max_cells, 1e9);

    const Scenario thr = parse(kMinimal + "zones:\n  threshold: 0.65\n");
    ASSERT_TRUE(thr.zones.threshold.has_value());
    EXPECT_DOUBLE_EQ(*thr.zones.threshold, 0.65);
    EXPECT_FALSE(thr.zones.top_percent.has_value());
}

TEST_F(ScenarioParser, BooleanWordsAccepted) {
    for (const char* t : {"true", "yes", "on"}) EXPECT_TRUE(parse(kMinimal + "outputs:\n  factors: " + t + "\n").outputs.factors) << t;
    for (const char* f : {"false", "no", "off"}) EXPECT_FALSE(parse(kMinimal + "outputs:\n  factors: " + f + "\n").outputs.factors) << f;
}

TEST(ScenarioFieldRoles, EachStandardLayerHasItsRolesAndTypes) {
    EXPECT_EQ(minerisk::standard_layers(),
              (std::vector<std::string>{"hazards", "incidents", "settlements", "signs", "sessions"}));
    auto names = [](const std::string& layer) {
        std::vector<std::string> out;
        for (const auto& r : minerisk::field_roles(layer)) out.push_back(std::string(r.name) + ":" + r.type);
        return out;
    };
    EXPECT_EQ(names("hazards"), (std::vector<std::string>{"id:text", "status:text", "ordnance:text", "date:date",
                                                          "radius:number", "name:text"}));
    EXPECT_EQ(names("incidents"), (std::vector<std::string>{"id:text", "date:date", "killed:number", "injured:number",
                                                            "casualties:number", "ordnance:text", "activity:text"}));
    EXPECT_EQ(names("settlements"),
              (std::vector<std::string>{"id:text", "name:text", "population:number", "returnee:boolean"}));
    EXPECT_EQ(names("signs"), (std::vector<std::string>{"id:text", "date:date", "type:text", "condition:text"}));
    EXPECT_EQ(names("sessions"), (std::vector<std::string>{"id:text", "date:date", "reached:number", "settlement:text"}));
    EXPECT_TRUE(minerisk::field_roles("roads").empty());
}

TEST_F(ScenarioParser, TheAnnotatedExampleOfTheDocsParses) {
    // docs/scenario.md opens with a complete example: it must stay a valid scenario. Its inputs are
    // created here as placeholders (the parser only checks that they exist).
    std::ifstream in(fs::path(MINERISK_TESTDATA) / ".." / "docs" / "scenario.md");
    ASSERT_TRUE(in) << "docs/scenario.md not found";
    std::string line, yaml;
    bool inside = false;
    while (std::getline(in, line)) {
        if (!inside && line == "```yaml") inside = true;
        else if (inside && line == "```") break;
        else if (inside) yaml += line + "\n";
    }
    ASSERT_FALSE(yaml.empty()) << "no ```yaml block in docs/scenario.md";
    for (const char* f : {"data/hazards.gpkg", "data/incidents.csv", "data/settlements.geojson", "data/signs.fgb",
                          "data/sessions.shp", "data/roads.gpkg", "data/districts.gpkg"})
        touch(f);
    Scenario sc;
    try {
        sc = parse(yaml);
    } catch (const Error& e) {
        FAIL() << "docs/scenario.md example: " << e.what();
    }
    // It sets every section, so each of them must have been read.
    EXPECT_FALSE(sc.name.empty());
    EXPECT_FALSE(sc.description.empty());
    EXPECT_EQ(sc.crs, "EPSG:32638");
    EXPECT_TRUE(sc.as_of.has_value());
    std::vector<std::string> roles;
    for (const auto& i : sc.inputs) roles.push_back(i.role);
    EXPECT_EQ(roles, (std::vector<std::string>{"hazards", "incidents", "settlements", "signs", "sessions", "roads"}));
    EXPECT_EQ(sc.scoring.factors.size(), 3u);
    EXPECT_EQ(sc.scoring.plugin_paths.size(), 1u);
    EXPECT_TRUE(sc.zones.top_percent.has_value());
}

// ---- errors: file, line, column and hint --------------------------------------------------------------

TEST_F(ScenarioParser, YamlSyntaxError) {
    expect_error("resolution: 20\nname: Sector: north\n" + kInputs + kScoring, 2, 13,
                 {"YAML syntax error", "illegal map value", "check indentation (spaces, not tabs)"});
}

TEST_F(ScenarioParser, YamlSyntaxErrorUnclosedFlowList) {
    // The ']' is missing on line 2, but yaml-cpp only notices on line 3, where "hazards: ..." cannot be a
    // list item: for an unclosed bracket or quote the position given is where YAML gave up, which can be
    // after the mistake (docs/scenario.md says so).
    expect_error("resolution: 20\nextent: [1, 2, 3, 4\n" + kInputs + kScoring, 3, 7,
                 {"YAML syntax error", "end of sequence flow not found"});
}

TEST_F(ScenarioParser, TabIndentation) {
    // Line 3 is indented with a tab: YAML forbids tabs for indentation.
    expect_error("resolution: 20\ninputs:\n\thazards: data/h.gpkg\n" + kScoring, 3, 9,
                 {"YAML syntax error", "spaces, not tabs"});
}

TEST_F(ScenarioParser, UnknownTopLevelKeySuggestsTheNearestKey) {
    expect_error("resolution: 20\nresolutoin: 20\n" + kInputs + kScoring, 2, 1,
                 {"unknown key 'resolutoin' in the scenario", "did you mean 'resolution'?"});
}

TEST_F(ScenarioParser, UnknownTopLevelKeyFarFromAnyListsTheKnownKeys) {
    expect_error(kMinimal + "colour_ramp: viridis\n", 7, 1,
                 {"unknown key 'colour_ramp' in the scenario",
                  "known keys here: name, description, crs, resolution, extent, margin, as_of, inputs, scoring, zones, "
                  "outputs, run"});
}

TEST_F(ScenarioParser, UnknownKeyInsideAnInput) {
    expect_error("resolution: 20\ninputs:\n  hazards:\n    path: data/h.gpkg\n    layr: hazards\n" + kScoring, 5, 5,
                 {"unknown key 'layr' in 'inputs.hazards'", "did you mean 'layer'?"});
    // point_radius belongs to hazards only.
    expect_error("resolution: 20\ninputs:\n  hazards: data/h.gpkg\n  incidents:\n    path: data/i.csv\n"
                 "    point_radius: 50\n" + kScoring,
                 6, 5,
                 {"unknown key 'point_radius' in 'inputs.incidents'",
                  "known keys here: path, layer, sql, where, crs, x, y, wkt, fields"});
}

TEST_F(ScenarioParser, UnknownInputLayerSuggestsTheStandardName) {
    expect_error("resolution: 20\ninputs:\n  hazards: data/h.gpkg\n  incidnets: data/i.csv\n" + kScoring, 4, 3,
                 {"unknown key 'incidnets' in 'inputs'", "did you mean 'incidents'?"});
}

TEST_F(ScenarioParser, UnknownFieldRole) {
    expect_error(R"(resolution: 20
inputs:
  hazards:
    path: data/h.gpkg
    fields:
      id: hazard_id
      stauts: STATUS
)" + kScoring,
                 7, 7,
                 {"unknown field role 'stauts' for hazards", "did you mean 'status'?",
                  "roles for hazards: id, status, ordnance, date, radius, name"});
    // A role of another layer: no suggestion, the list.
    expect_error(R"(resolution: 20
inputs:
  hazards:
    path: data/h.gpkg
    fields:
      population: POP
)" + kScoring,
                 6, 7, {"unknown field role 'population' for hazards", "roles for hazards: id, status"});
}

TEST_F(ScenarioParser, WrongType) {
    expect_error("resolution: abc\n" + kInputs + kScoring, 1, 13,
                 {"'resolution' must be a number, not 'abc'", "write a plain number in metres"});
    expect_error("resolution: 20 m\n" + kInputs + kScoring, 1, 13, {"must be a number, not '20 m'"});
    expect_error("resolution: [20]\n" + kInputs + kScoring, 1, 13, {"'resolution' must be a single value"});
}

TEST_F(ScenarioParser, OutOfRange) {
    expect_error("resolution: -5\n" + kInputs + kScoring, 1, 13,
                 {"'resolution' is -5, out of range", "use a value between 0.01 and 100000 metres"});
    expect_error("resolution: 0\n" + kInputs + kScoring, 1, 13, {"out of range"});
    expect_error("margin: -1\n" + kMinimal, 1, 9, {"'margin' is -1, out of range", "between 0 and 1e+06 metres"});
    expect_error("resolution: 20\ninputs:\n  hazards:\n    path: data/h.gpkg\n    point_radius: 0\n" + kScoring, 5, 19,
                 {"'inputs.hazards.point_radius' is 0, out of range", "between 0.01 and 100000 metres"});
    expect_error(kMinimal + "run:\n  tile_size: 32\n", 8, 14,
                 {"'run.tile_size' is 32, out of range", "between 64 and 16384 cells"});
    expect_error(kMinimal + "run:\n  max_memory_mb: 8\n", 8, 18, {"'run.max_memory_mb' is 8, out of range", "MB"});
    expect_error(kMinimal + "zones:\n  threshold: 60\n", 8, 14,
                 {"'zones.threshold' is 60, out of range", "between 0 and 1"});
    expect_error(kMinimal + "zones:\n  top_percent: 0\n", 8, 16, {"'zones.top_percent' is 0", "percent"});
    expect_error(kMinimal + "zones:\n  recent_days: -1\n", 8, 16, {"'zones.recent_days' is -1, out of range", "days"});
    expect_error(kMinimal + "zones:\n  sign_cover: 200000\n", 8, 15, {"'zones.sign_cover' is 200000, out of range"});
    expect_error(kMinimal + "zones:\n  min_area: -1\n", 8, 13, {"'zones.min_area' is -1, out of range", "m2"});
}

TEST_F(ScenarioParser, MissingResolution) {
    expect_error("name: x\n" + kInputs + kScoring, 1, 1,
                 {"the scenario has no 'resolution'", "add e.g. 'resolution: 20' (cell size in metres)"});
}

TEST_F(ScenarioParser, MissingInputs) {
    expect_error("resolution: 20\n" + kScoring, 1, 1, {"the scenario has no 'inputs'", "add 'inputs:'"});
}

TEST_F(ScenarioParser, MissingScoringOrFactors) {
    expect_error("resolution: 20\n" + kInputs, 1, 1, {"the scenario has no 'scoring'", "'factors:' list"});
    expect_error("resolution: 20\n" + kInputs + "scoring:\n  method: maximum\n", 5, 3,
                 {"'scoring' has no 'factors' list", "one '- plugin: NAME' entry per factor"});
    expect_error("resolution: 20\n" + kInputs + "scoring:\n  factors: []\n", 5, 12, {"'scoring' has no 'factors' list"});
    expect_error("resolution: 20\n" + kInputs + "scoring:\n  factors:\n    - weight: 1\n", 6, 7,
                 {"'scoring.factors[1]' has no 'plugin'", "plugin: hazard_proximity"});
}

TEST_F(ScenarioParser, EmptyOrNonMappingScenario) {
    const Error empty = error_of("# only a comment\n");
    EXPECT_EQ(empty.where().file, kFile);
    EXPECT_EQ(empty.where().line, 0);
    EXPECT_CONTAINS(empty.what(), "the scenario is empty");
    EXPECT_CONTAINS(empty.what(), "testdata/demo/scenario.yaml");
    expect_error("- resolution: 20\n", 1, 1, {"must be a mapping of keys to values"});
}

TEST_F(ScenarioParser, MissingInputFileNamesTheResolvedPath) {
    expect_error("resolution: 20\ninputs:\n  hazards:\n    path: data/nope.gpkg\n" + kScoring, 4, 11,
                 {"input file '" + abs("data/nope.gpkg") + "' for hazards does not exist",
                  "relative paths are read from the scenario's folder " + dir_.string()});
    // Shorthand form: the location is the path itself.
    expect_error("resolution: 20\ninputs:\n  hazards: data/nope.gpkg\n" + kScoring, 3, 12,
                 {"input file '" + abs("data/nope.gpkg") + "' for hazards does not exist"});
    // A path that would exist relative to the current folder but not to the scenario's is refused.
    expect_error("resolution: 20\ninputs:\n  hazards: ../h.gpkg\n" + kScoring, 3, 12,
                 {"'" + (dir_.parent_path() / "h.gpkg").string() + "'"});
}

TEST_F(ScenarioParser, InputWithoutPathOrWithOnlyXOrY) {
    expect_error("resolution: 20\ninputs:\n  hazards:\n    layer: hazards\n" + kScoring, 4, 5,
                 {"input 'hazards' has no 'path'", "add 'path: FILE' (relative to the scenario file)"});
    expect_error("resolution: 20\ninputs:\n  hazards: data/h.gpkg\n  incidents:\n    path: data/i.csv\n    x: lon\n" + kScoring,
                 5, 5, {"input 'incidents' names only one of 'x' and 'y'", "give both coordinate columns, or neither"});
    expect_error("resolution: 20\ninputs: data/h.gpkg\n" + kScoring, 2, 9,
                 {"'inputs' must be a mapping of keys to values", "indented under 'inputs:'"});
}

TEST_F(ScenarioParser, CrsThatProjCannotParse) {
    expect_error("crs: EPSG:999999\n" + kMinimal, 1, 6,
                 {"PROJ does not recognise the CRS 'EPSG:999999'", "use an authority code such as EPSG:32638",
                  "projinfo 'EPSG:999999'"});
    expect_error("crs: \"not a crs\"\n" + kMinimal, 1, 6, {"PROJ does not recognise the CRS 'not a crs'"});
    expect_error("crs: AUTO\n" + kMinimal, 1, 6, {"PROJ does not recognise the CRS 'AUTO'"});  // 'auto' is lower case
    // The same check on an input's crs, at the input's line.
    expect_error("resolution: 20\ninputs:\n  hazards:\n    path: data/h.gpkg\n    crs: EPSG:999999\n" + kScoring, 5, 10,
                 {"PROJ does not recognise the CRS 'EPSG:999999'"});
    expect_error("resolution: 20\ninputs:\n  hazards:\n    path: data/h.gpkg\n    crs: not a crs\n" + kScoring, 5, 10,
                 {"PROJ does not recognise the CRS 'not a crs'"});
}

TEST_F(ScenarioParser, ExtentErrors) {
    expect_error("extent: [700000, 4385000, 640000, 4445000]\n" + kMinimal, 1, 9,
                 {"'extent' must be [xmin, ymin, xmax, ymax] with xmin < xmax and ymin < ymax"});
    expect_error("extent: [640000, 4445000, 700000, 4385000]\n" + kMinimal, 1, 9, {"ymin < ymax"});
    expect_error("extent: [640000, 4385000, 700000]\n" + kMinimal, 1, 9,
                 {"'extent' must be 'auto' or [xmin, ymin, xmax, ymax]", "extent: [640000, 4385000, 700000, 4445000]"});
    expect_error("extent: [640000, 4385000, 700000, north]\n" + kMinimal, 1, 35,
                 {"'extent' must be a number, not 'north'", "working-CRS units"});
    expect_error("extent: everything\n" + kMinimal, 1, 9, {"'extent' must be 'auto' or"});
}

TEST_F(ScenarioParser, AllWeightsZero) {
    expect_error("resolution: 20\n" + kInputs + R"(scoring:
  factors:
    - plugin: hazard_proximity
      weight: 0
    - plugin: incident_density
      weight: 0
)",
                 6, 5, {"all factor weights are zero", "give at least one factor a positive 'weight'"});
    expect_error("resolution: 20\n" + kInputs + "scoring:\n  factors:\n    - plugin: hazard_proximity\n      weight: -1\n", 7, 15,
                 {"'scoring.factors[1].weight' is -1, out of range"});
}

TEST_F(ScenarioParser, DuplicateFactorNames) {
    expect_error("resolution: 20\n" + kInputs + R"(scoring:
  factors:
    - plugin: hazard_proximity
    - plugin: hazard_proximity
      params:
        half_distance: 1000
)",
                 7, 7, {"two factors are named 'hazard_proximity'", "give one of them a different 'name:'"});
    expect_error("resolution: 20\n" + kInputs + R"(scoring:
  factors:
    - plugin: hazard_proximity
      name: risk_a
    - plugin: incident_density
      name: risk_a
)",
                 8, 7, {"two factors are named 'risk_a'"});
}

TEST_F(ScenarioParser, FactorNameMustBeAFileName) {
    expect_error("resolution: 20\n" + kInputs + "scoring:\n  factors:\n    - plugin: hazard_proximity\n      name: near hazards\n",
                 6, 7, {"factor name 'near hazards' has characters that cannot be in a file name", "letters, digits"});
    expect_error("resolution: 20\n" + kInputs + "scoring:\n  factors:\n    - plugin: ../evil\n", 6, 7,
                 {"factor name '../evil'"});
}

TEST_F(ScenarioParser, LikelihoodConsequenceNeedsGroups) {
    expect_error("resolution: 20\n" + kInputs + R"(scoring:
  method: likelihood_consequence
  factors:
    - plugin: hazard_proximity
      group: likelihood
    - plugin: incident_density
)",
                 9, 7,
                 {"'scoring.factors[2]' has no 'group'", "each factor needs 'group: likelihood' or 'group: consequence'"});
    expect_error("resolution: 20\n" + kInputs + R"(scoring:
  method: likelihood_consequence
  factors:
    - plugin: hazard_proximity
      group: likelihood
    - plugin: incident_density
      group: likelihood
)",
                 7, 5, {"no factor with a positive weight in group 'consequence'", "multiplies two groups"});
    expect_error("resolution: 20\n" + kInputs + R"(scoring:
  method: likelihood_consequence
  factors:
    - plugin: hazard_proximity
      group: likelihood
    - plugin: incident_density
      group: consequence
      weight: 0
)",
                 7, 5, {"no factor with a positive weight in group 'consequence'"});
}

TEST_F(ScenarioParser, ChoicesSuggestTheNearestValue) {
    expect_error("resolution: 20\n" + kInputs + "scoring:\n  method: weighted_summ\n  factors:\n    - plugin: hazard_proximity\n",
                 5, 11,
                 {"'scoring.method' is 'weighted_summ'", "did you mean 'weighted_sum'?",
                  "choose one of: weighted_sum, weighted_product, maximum, likelihood_consequence"});
    expect_error("resolution: 20\n" + kInputs + "scoring:\n  factors:\n    - plugin: hazard_proximity\n      group: likelyhood\n",
                 7, 14, {"'scoring.factors[1].group' is 'likelyhood'", "did you mean 'likelihood'?"});
    expect_error(kMinimal + "outputs:\n  compress: LZWW\n", 8, 13,
                 {"'outputs.compress' is 'LZWW'", "did you mean 'LZW'?", "ZSTD, DEFLATE, LZW, NONE"});
    expect_error(kMinimal + "outputs:\n  factors: maybe\n", 8, 12, {"'outputs.factors' must be true or false, not 'maybe'"});
}

TEST_F(ScenarioParser, BothThresholdAndTopPercent) {
    expect_error(kMinimal + "zones:\n  threshold: 0.6\n  top_percent: 5\n", 8, 3,
                 {"'zones' sets both 'threshold' and 'top_percent'", "keep one of them"});
}

TEST_F(ScenarioParser, AsOfThatIsNotADate) {
    expect_error("as_of: yesterday\n" + kMinimal, 1, 8,
                 {"'as_of' is 'yesterday', not a date", "write YYYY-MM-DD, YYYY-MM or YYYY"});
    expect_error("as_of: 2023-02-30\n" + kMinimal, 1, 8, {"'as_of' is '2023-02-30', not a date"});
    expect_error("as_of: 30/06/2024\n" + kMinimal, 1, 8, {"not a date"});
}

TEST_F(ScenarioParser, ExtraLayerWithAStandardName) {
    expect_error("resolution: 20\ninputs:\n  hazards: data/h.gpkg\n  extra:\n    incidents: data/i.csv\n" + kScoring, 5, 5,
                 {"extra layer 'incidents' has the name of a standard layer", "declare it under 'inputs:' directly"});
}

TEST_F(ScenarioParser, ExtraLayerErrorsNameTheLayer) {
    expect_error("resolution: 20\ninputs:\n  hazards: data/h.gpkg\n  extra:\n    roads:\n      path: data/roads.gpkg\n"
                 "      filter: x\n" + kScoring,
                 7, 7, {"unknown key 'filter' in 'inputs.extra.roads'"});
    expect_error("resolution: 20\ninputs:\n  hazards: data/h.gpkg\n  extra:\n    roads: data/no_roads.gpkg\n" + kScoring, 5, 12,
                 {"input file '" + abs("data/no_roads.gpkg") + "' for roads does not exist"});
}

TEST_F(ScenarioParser, ParamsMustBeAMappingOfValuesOrTables) {
    expect_error("resolution: 20\n" + kInputs + "scoring:\n  factors:\n    - plugin: hazard_proximity\n      params:\n        - 250\n",
                 8, 9, {"'scoring.factors[1].params' must be a mapping"});
    expect_error("resolution: 20\n" + kInputs +
                     "scoring:\n  factors:\n    - plugin: hazard_proximity\n      params:\n        half_distance: [1, 2]\n",
                 8, 24, {"parameter 'scoring.factors[1].params.half_distance' must be a value or a table"});
    expect_error("resolution: 20\n" + kInputs +
                     "scoring:\n  factors:\n    - plugin: hazard_proximity\n      params:\n        class_weights: {CHA: [1]}\n",
                 8, 30, {"'scoring.factors[1].params.class_weights.CHA' must be a single value"});
}

TEST_F(ScenarioParser, PluginPathsOfTheWrongShape) {
    expect_error(kMinimal + "  plugin_paths:\n    a: b\n", 8, 5, {"'scoring.plugin_paths' must be a folder or a list of folders"});
}

TEST_F(ScenarioParser, UnknownKeysAreReportedBeforeOtherMistakes) {
    // The top level's keys are checked first: a typo at the end of the file wins over a missing input file.
    expect_error("resolution: 20\ninputs:\n  hazards: data/nope.gpkg\n" + kScoring + "colour: red\n", 7, 1,
                 {"unknown key 'colour' in the scenario"});
    // Inside an input, a misspelt key wins over the missing 'path' it hides.
    expect_error("resolution: 20\ninputs:\n  hazards:\n    paht: data/h.gpkg\n" + kScoring, 4, 5,
                 {"unknown key 'paht' in 'inputs.hazards'", "did you mean 'path'?"});
    // Inside a factor, a misspelt 'plugin' is reported as such, not as a missing plugin.
    expect_error("resolution: 20\n" + kInputs + "scoring:\n  factors:\n    - plugn: hazard_proximity\n", 6, 7,
                 {"unknown key 'plugn' in 'scoring.factors[1]'", "did you mean 'plugin'?"});
    // In 'scoring', a misspelt 'factors' is reported as such.
    expect_error("resolution: 20\n" + kInputs + "scoring:\n  factros:\n    - plugin: hazard_proximity\n", 5, 3,
                 {"unknown key 'factros' in 'scoring'", "did you mean 'factors'?"});
}

TEST_F(ScenarioParser, MisspeltRequiredKeyGetsASuggestionNotAMissingKeyError) {
    expect_error("resolutoin: 20\n" + kInputs + kScoring, 1, 1,
                 {"unknown key 'resolutoin' in the scenario", "did you mean 'resolution'?"});
    expect_error("resolution: 20\ninptus:\n  hazards: data/h.gpkg\n" + kScoring, 2, 1,
                 {"unknown key 'inptus'", "did you mean 'inputs'?"});
    expect_error("resolution: 20\n" + kInputs + "scorng:\n  factors:\n    - plugin: hazard_proximity\n", 4, 1,
                 {"unknown key 'scorng'", "did you mean 'scoring'?"});
}

// ---- quotes left open ------------------------------------------------------------------------------------

TEST_F(ScenarioParser, UnclosedQuoteIsReportedWhereItOpens) {
    expect_error("name: 'Sector north\n" + kMinimal, 1, 7,
                 {"single quote (') opened here is not closed on its line", "rest of the file", "'resolution:'",
                  "close the quote"});
    // Further down, in an input: the quote of 'where' (line 5) runs into the next keys.
    expect_error("resolution: 20\ninputs:\n  hazards:\n    path: data/h.gpkg\n    where: \"status = 'CHA'\n    layer: h\n" +
                     kScoring,
                 5, 12, {"double quote", "not closed on its line", "'layer:'"});
    // Closed by the next quote further down: YAML reads the lines in between, or gives up there; either
    // way the message points at the quote left open.
    expect_error("name: \"Sector north\nresolution: 20\ndescription: \"x\"\n" + kInputs + kScoring, 1, 7,
                 {"double quote", "not closed on its line"});
}

TEST_F(ScenarioParser, QuotedTextOverSeveralLinesIsStillAccepted) {
    // A quoted value may go on over several lines when they do not look like keys.
    const Scenario sc = parse("description: \"first line\n  and the second\"\n" + kMinimal);
    EXPECT_EQ(sc.description, "first line and the second");
    EXPECT_EQ(parse("name: 'it''s: fine'\n" + kMinimal).name, "it's: fine");
    EXPECT_EQ(parse("name: \"a \\\" quote\"\n" + kMinimal).name, "a \" quote");
}

// ---- the working CRS and the grid guard, checked before any input is read --------------------------------

TEST_F(ScenarioParser, GeographicWorkingCrsIsRefusedAtItsLine) {
    expect_error("crs: EPSG:4326\n" + kMinimal, 1, 6,
                 {"the working CRS EPSG:4326 is not projected in metres", "projected CRS", "crs: auto"});
    expect_error("name: x\ncrs: '+proj=longlat +datum=WGS84 +no_defs +type=crs'\n" + kMinimal, 2, 6,
                 {"is not projected in metres"});
    // Inputs may keep a geographic CRS: only the working CRS must be in metres.
    EXPECT_NO_THROW(parse("crs: EPSG:32638\nresolution: 20\ninputs:\n  hazards:\n    path: data/h.gpkg\n    crs: EPSG:4326\n" +
                          kScoring));
}

TEST_F(ScenarioParser, GridTooLargeForAnExplicitExtentPointsAtResolution) {
    // 60 km x 60 km at 0.0002 (degrees typed as metres): 9e16 cells.
    expect_error("crs: EPSG:32638\nextent: [640000, 4385000, 700000, 4445000]\nresolution: 0.01\n" + kInputs + kScoring, 3, 13,
                 {"the grid would have 3.6e+13 cells (60000 x 60000 m at 0.01 m), over the limit of 4e+09",
                  "'extent' (line 2)", "raise run.max_cells"});
    // The limit is the scenario's run.max_cells, wherever it is written.
    expect_error("extent: [0, 0, 1000, 1000]\nresolution: 1\n" + kInputs + kScoring + "run:\n  max_cells: 1000\n", 2, 13,
                 {"the grid would have 1e+06 cells", "over the limit of 1e+03"});
    EXPECT_NO_THROW(parse("extent: [0, 0, 1000, 1000]\nresolution: 1\n" + kInputs + kScoring + "run:\n  max_cells: 1e6\n"));
}

TEST_F(ScenarioParser, WhereTheGridKeysAreWritten) {
    const Scenario sc = parse("name: x\nmargin: 500\nextent: auto\n" + kMinimal);
    EXPECT_EQ(sc.margin_where.line, 2);
    EXPECT_EQ(sc.extent_where.line, 3);
    EXPECT_EQ(sc.resolution_where.line, 4);
    EXPECT_EQ(sc.resolution_where.column, 13);
    EXPECT_EQ(sc.resolution_where.file, kFile);
}

// ---- the documentation keeps up with the parser ------------------------------------------------------------

// Every key the parser accepts (each get("KEY") and allow({...}) in engine/scenario/*.cpp, and each Limit of
// minerisk/scenario_limits.hpp) has a row in a table of docs/scenario.md, "| `KEY` | type | default ...": a new key cannot go undocumented.
TEST(ScenarioDocs, EveryKeyTheParserAcceptsIsDocumentedWithItsDefault) {
    // The parser's sources (engine/scenario/*.cpp) and the table of ranges they share with the command line.
    const fs::path root = fs::path(MINERISK_TESTDATA) / "..";
    std::stringstream src, doc;
    for (const auto& entry : fs::directory_iterator(root / "engine" / "scenario"))
        if (entry.path().extension() == ".cpp") src << std::ifstream(entry.path()).rdbuf();
    std::ifstream limits_in(root / "include" / "minerisk" / "scenario_limits.hpp"), doc_in(root / "docs" / "scenario.md");
    ASSERT_TRUE(limits_in && doc_in);
    src << limits_in.rdbuf();
    doc << doc_in.rdbuf();
    std::set<std::string> keys;
    const std::regex get(R"re(\.get\("([a-z_]+)"\))re"), allow(R"re(allow\(\{([^}]*)\}\))re"), quoted(R"re("([a-z_]+)")re"),
        limit(R"re(Limit [a-z_]+\{"([a-z_]+)")re");
    const std::string text = src.str();
    for (std::sregex_iterator it(text.begin(), text.end(), get), end; it != end; ++it) keys.insert((*it)[1]);
    for (std::sregex_iterator it(text.begin(), text.end(), limit), end; it != end; ++it) keys.insert((*it)[1]);
    for (std::sregex_iterator it(text.begin(), text.end(), allow), end; it != end; ++it) {
        const std::string list = (*it)[1];
        for (std::sregex_iterator q(list.begin(), list.end(), quoted); q != end; ++q) keys.insert((*q)[1]);
    }
    for (const auto& layer : minerisk::standard_layers()) keys.insert(layer);
    ASSERT_GT(keys.size(), 40u) << "the key list was not found in the parser's source";
    // Table rows of the doc: "| `key` | ..." or "| `x`, `y` | ...", with at least a type and a default.
    std::map<std::string, std::string> rows;
    std::string line;
    while (std::getline(doc, line)) {
        if (line.rfind("| `", 0) != 0) continue;
        const size_t first_cell_end = line.find(" |", 2);
        const std::string cell = line.substr(2, first_cell_end - 2);
        static const std::regex key_in_cell("`([a-z_]+)`");
        for (std::sregex_iterator it(cell.begin(), cell.end(), key_in_cell), end; it != end; ++it)
            rows[(*it)[1]] = line;
    }
    for (const auto& k : keys) {
        SCOPED_TRACE(k);
        ASSERT_TRUE(rows.count(k)) << "docs/scenario.md has no table row for the key '" << k << "'";
        EXPECT_GE(std::count(rows[k].begin(), rows[k].end(), '|'), 4) << "its row gives no type and default: " << rows[k];
    }
}

// ---- once reported as parser bugs, now fixed: each test keeps the case that failed -----------------------

// A classic PROJ string without "+type=crs" describes an operation to PROJ; it is read as the CRS it names
// (engine/crs/crs.cpp, check_crs_string), as GDAL's SetFromUserInput reads it later.
TEST_F(ScenarioParser, ProjStringWithoutTypeCrsIsAccepted) {
    EXPECT_NO_THROW(parse("crs: '+proj=utm +zone=38 +datum=WGS84 +units=m +no_defs'\n" + kMinimal));
    EXPECT_NO_THROW(parse("resolution: 20\ninputs:\n  hazards:\n    path: data/h.gpkg\n    crs: '+proj=longlat +datum=WGS84'\n" +
                          kScoring));
}

// A missing file is reported at its 'path:' value, not at the input's first key.
TEST_F(ScenarioParser, MissingFileIsReportedAtThePathValue) {
    expect_error("resolution: 20\ninputs:\n  hazards:\n    layer: hz\n    path: data/nope.gpkg\n" + kScoring, 5, 11,
                 {"does not exist"});
}

// yaml-cpp keeps the first of two equal keys; the parser reports the second one.
TEST_F(ScenarioParser, DuplicateKeyIsAnErrorAtTheSecondOne) {
    expect_error("resolution: 20\n" + kInputs + kScoring + "resolution: 30\n", 7, 1, {"resolution"});
    expect_error("resolution: 20\ninputs:\n  hazards:\n    path: data/h.gpkg\n    fields:\n      status: STATUS\n"
                 "      status: CLASS\n" + kScoring,
                 7, 7, {"status"});
}

// run.threads and run.tile_size are whole numbers: a fraction is refused, never cut off.
TEST_F(ScenarioParser, FractionalThreadsAndTileSizeAreRefused) {
    expect_error(kMinimal + "run:\n  threads: 2.7\n", 8, 12, {"whole number"});
    expect_error(kMinimal + "run:\n  tile_size: 100.5\n", 8, 14, {"whole number"});
}

// A key with no value ('resolution:' alone) says so, at the key's own line (yaml-cpp marks an empty value
// at the next token).
TEST_F(ScenarioParser, EmptyValueIsReportedAtItsKey) {
    const Error e = error_of("resolution:\n" + kInputs + kScoring);
    EXPECT_EQ(e.where().line, 1);
    EXPECT_CONTAINS(e.what(), "no value");
}

// A file that is not a mapping says "the scenario must be a mapping", not "'' must be a mapping".
TEST_F(ScenarioParser, RootNotAMappingSaysTheScenarioMustBeAMapping) {
    const Error e = error_of("- resolution: 20\n");
    EXPECT_NOT_CONTAINS(e.what(), "''");
    EXPECT_NOT_CONTAINS(e.what(), "under ':'");
    EXPECT_CONTAINS(e.what(), "the scenario must be a mapping");
}

// An empty factor name would make the hidden file factors/.tif.
TEST_F(ScenarioParser, EmptyFactorNameIsRefused) {
    expect_error("resolution: 20\n" + kInputs + "scoring:\n  factors:\n    - plugin: hazard_proximity\n      name: ''\n", 6, 7,
                 {"name"});
}

// An empty path would resolve to the scenario's own folder, which exists.
TEST_F(ScenarioParser, EmptyPathIsRefused) {
    expect_error("resolution: 20\ninputs:\n  hazards:\n    path: ''\n" + kScoring, 4, 11, {"path"});
}

// YAML's own spellings True/TRUE/False/FALSE are booleans too.
TEST_F(ScenarioParser, CapitalisedBooleansAreAccepted) {
    EXPECT_TRUE(parse(kMinimal + "outputs:\n  factors: True\n").outputs.factors);
    EXPECT_FALSE(parse(kMinimal + "outputs:\n  extra_bands: FALSE\n").outputs.extra_bands);
}

// yaml-cpp accepts a double-quoted value left open to the end of the file: an unclosed quote on line 1
// swallowed every following line into 'name', and the parser then reported "1:1: the scenario has no
// 'resolution'". It is now a syntax error at the quote (see UnclosedQuoteIsReportedWhereItOpens).
TEST_F(ScenarioParser, UnclosedQuoteSwallowingTheRestOfTheFileIsReportedAtTheQuote) {
    const Error e = error_of("name: \"Sector north\n" + kMinimal);
    EXPECT_EQ(e.where().line, 1);
    EXPECT_EQ(e.where().column, 7);
    EXPECT_CONTAINS(e.what(), "quote");
    EXPECT_NOT_CONTAINS(e.what(), "no 'resolution'");
}

// ---- dates ------------------------------------------------------------------------------------------------

using minerisk::date_to_string;
using minerisk::days_from_civil;
using minerisk::parse_date;

TEST(Dates, FullDate) {
    ASSERT_TRUE(parse_date("1970-01-01").has_value());
    EXPECT_DOUBLE_EQ(*parse_date("1970-01-01"), 0.0);
    EXPECT_DOUBLE_EQ(*parse_date("1969-12-31"), -1.0);
    EXPECT_DOUBLE_EQ(*parse_date("2000-01-01"), 10957.0);
    EXPECT_DOUBLE_EQ(*parse_date("2024-03-05"), 19787.0);
    EXPECT_DOUBLE_EQ(*parse_date("2024-03-05"), days_from_civil(2024, 3, 5));
    EXPECT_DOUBLE_EQ(*parse_date("2024-3-5"), days_from_civil(2024, 3, 5));  // one-digit month and day
    EXPECT_DOUBLE_EQ(*parse_date("  2024-03-05 \t"), days_from_civil(2024, 3, 5));  // spaces trimmed
}

TEST(Dates, YearAndMonthIsTheFifteenth) {
    ASSERT_TRUE(parse_date("2024-03").has_value());
    EXPECT_DOUBLE_EQ(*parse_date("2024-03"), days_from_civil(2024, 3, 15));
    EXPECT_DOUBLE_EQ(*parse_date("2023-02"), days_from_civil(2023, 2, 15));
    EXPECT_DOUBLE_EQ(*parse_date("2024/12"), days_from_civil(2024, 12, 15));
}

TEST(Dates, YearAloneIsTheFirstOfJuly) {
    ASSERT_TRUE(parse_date("2024").has_value());
    EXPECT_DOUBLE_EQ(*parse_date("2024"), days_from_civil(2024, 7, 1));
    EXPECT_EQ(date_to_string(*parse_date("1999")), "1999-07-01");
}

TEST(Dates, TimeAfterAFullDateIsIgnored) {
    const double d = days_from_civil(2024, 3, 5);
    for (const char* s : {"2024-03-05T10:20:30Z", "2024-03-05T23:59:59+04:00", "2024-03-05 10:00", "2024/03/05 00:00:00",
                          "2024-03-05T"}) {
        ASSERT_TRUE(parse_date(s).has_value()) << s;
        EXPECT_DOUBLE_EQ(*parse_date(s), d) << s;
    }
    // A time needs a full date.
    EXPECT_FALSE(parse_date("2024-03 10:00").has_value());
    EXPECT_FALSE(parse_date("2024T10:00").has_value());
}

TEST(Dates, SlashAndDotSeparators) {
    const double d = days_from_civil(2024, 3, 5);
    EXPECT_DOUBLE_EQ(*parse_date("2024/03/05"), d);
    EXPECT_DOUBLE_EQ(*parse_date("2024.03.05"), d);
    EXPECT_DOUBLE_EQ(*parse_date("2024/3/5"), d);
    EXPECT_DOUBLE_EQ(*parse_date("2024-03/05"), d);  // mixed separators are tolerated
}

TEST(Dates, ImpossibleDatesAreRefused) {
    for (const char* s : {"2023-02-29", "2023-02-30", "2024-02-30", "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00",
                          "2024-01-32", "2024-13", "2024-00", "1900-02-29"})
        EXPECT_FALSE(parse_date(s).has_value()) << s;
    // Leap days that exist.
    EXPECT_TRUE(parse_date("2024-02-29").has_value());
    EXPECT_TRUE(parse_date("2000-02-29").has_value());
    EXPECT_TRUE(parse_date("2023-12-31").has_value());
}

TEST(Dates, YearsOutsideEighteenHundredToTwentyTwoHundredAreRefused) {
    EXPECT_FALSE(parse_date("1799").has_value());
    EXPECT_FALSE(parse_date("1799-12-31").has_value());
    EXPECT_TRUE(parse_date("1800-01-01").has_value());
    EXPECT_TRUE(parse_date("2200-12-31").has_value());
    EXPECT_FALSE(parse_date("2201-01-01").has_value());
}

TEST(Dates, GarbageIsRefused) {
    for (const char* s : {"", " ", "abc", "yesterday", "20240305", "05/03/2024", "05.03.2024", "24-03-05", "2024-",
                          "2024-03-", "2024--03", "2024-03-05x", "2024-03-05Z", "2024-001-01", "02024-01-01", "-2024",
                          "2024 03 05", "March 2024", "2024-03-05-01"})
        EXPECT_FALSE(parse_date(s).has_value()) << "'" << s << "'";
}

TEST(Dates, ToStringFormatsAndFloorsFractionalDays) {
    EXPECT_EQ(date_to_string(0), "1970-01-01");
    EXPECT_EQ(date_to_string(-1), "1969-12-31");
    EXPECT_EQ(date_to_string(19787), "2024-03-05");
    EXPECT_EQ(date_to_string(19787.75), "2024-03-05");
    EXPECT_EQ(date_to_string(-0.5), "1969-12-31");
    EXPECT_EQ(date_to_string(days_from_civil(1800, 1, 1)), "1800-01-01");
    EXPECT_EQ(date_to_string(std::nan("")), "");
    EXPECT_EQ(date_to_string(INFINITY), "");
}

TEST(Dates, RoundTripOverTheWholeAcceptedRange) {
    // Every day from 1800-01-01 to 2200-12-31: text -> days -> text gives the same text, and days increase by one.
    const double first = days_from_civil(1800, 1, 1), last = days_from_civil(2200, 12, 31);
    int failures = 0;
    for (double d = first; d <= last && failures < 5; ++d) {
        const std::string s = date_to_string(d);
        const auto back = parse_date(s);
        if (!back || *back != d) {
            ADD_FAILURE() << d << " -> '" << s << "' -> " << (back ? std::to_string(*back) : "none");
            ++failures;
        }
    }
    EXPECT_DOUBLE_EQ(last - first + 1, 146097.0 + 365);  // 400 Gregorian years plus 2200
}

}  // namespace

TEST(ScenarioVariables, ExpandFromGivenValuesThenEnvironment) {
    setenv("MINERISK_TEST_VAR", "/from/env", 1);
    EXPECT_EQ(minerisk::expand_variables("path: ${DATA}/x.csv\nb: ${MINERISK_TEST_VAR}", {{"DATA", "/d"}}, "s.yaml"),
              "path: /d/x.csv\nb: /from/env");
    unsetenv("MINERISK_TEST_VAR");
    try {
        minerisk::expand_variables("a: 1\n  b: ${NOPE_NOT_SET}\n", {}, "s.yaml");
        FAIL() << "expected an error";
    } catch (const minerisk::Error& e) {
        EXPECT_EQ(e.where().line, 2);
        EXPECT_EQ(e.where().column, 6);
        EXPECT_NE(std::string(e.what()).find("--var NOPE_NOT_SET=VALUE"), std::string::npos);
    }
}

// A variable in a comment is left alone (a commented-out line must not need its variable), but not a '#' inside
// a quoted value or glued to a word.
TEST(ScenarioVariables, CommentsAreLeftAsTheyAre) {
    const std::map<std::string, std::string> vars = {{"D", "/d"}};
    EXPECT_EQ(minerisk::expand_variables("# path: ${UNSET_IN_COMMENT}\na: ${D} # or ${UNSET_TOO}\n", vars, "s.yaml"),
              "# path: ${UNSET_IN_COMMENT}\na: /d # or ${UNSET_TOO}\n");
    EXPECT_EQ(minerisk::expand_variables("a: \"x # ${D}\"\nb: 'it''s # ${D}'\nc: x#${D}\n", vars, "s.yaml"),
              "a: \"x # /d\"\nb: 'it''s # /d'\nc: x#/d\n");
    EXPECT_EQ(minerisk::expand_variables("a: \"q\\\" # ${D}\"\n", vars, "s.yaml"), "a: \"q\\\" # /d\"\n");
    // The comment ends with its line.
    EXPECT_THROW(minerisk::expand_variables("# ${D}\nb: ${UNSET_AFTER_COMMENT}\n", vars, "s.yaml"), minerisk::Error);
}

// YAML keeps the first of two equal keys and drops the second without a word: a parameter given twice is an
// error at the second, like any other key given twice.
TEST_F(ScenarioParser, AParameterGivenTwiceIsRefusedAtTheSecond) {
    expect_error("resolution: 20\n" + kInputs +
                     "scoring:\n  factors:\n    - plugin: hazard_proximity\n      params:\n        half_distance: 100\n"
                     "        half_distance: 200\n",
                 9, 9, {"the parameter 'half_distance' appears twice in 'scoring.factors[1].params'", "keep one of them"});
}

// Found by fuzz_scenario: an alias inside the block its anchor marks made a cycle that the quote check walked
// until the stack overflowed. Now the walk visits each block once, and plain nesting deeper than any scenario
// needs is an error at its place.
TEST_F(ScenarioParser, AnAliasInsideItsOwnAnchorOrDeepNestingIsAnErrorNotACrash) {
    const Error cyc = error_of("resolution: 20\n" + kInputs + "scoring: &s\n  factors:\n    - plugin: hazard_proximity\n"
                               "      params: *s\n");
    EXPECT_CONTAINS(cyc.what(), "must be a value or a table");
    const Error deep = error_of("resolution: 20\na: " + std::string(100, '[') + std::string(100, ']') + "\n");
    EXPECT_CONTAINS(deep.what(), "nests more than 64 levels deep");
    EXPECT_EQ(deep.where().line, 2);
}
