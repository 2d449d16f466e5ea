// The area ranking on a hand-made case whose answer is known: two squares side by side and an empty third
// (include/minerisk/areas.hpp, docs/areas.md).
#include <gtest/gtest.h>
#include <ogr_geometry.h>

#include <cmath>
#include <filesystem>

#include "minerisk/areas.hpp"
#include "minerisk/error.hpp"
#include "minerisk/scenario.hpp"

namespace {

using namespace minerisk;

// A layer from WKT, with text or number columns, indexed as the reader leaves it.
FeatureLayer make_layer(const std::string& role, const std::vector<std::string>& wkts) {
    FeatureLayer l;
    l.role = role;
    for (size_t i = 0; i < wkts.size(); ++i) {
        OGRGeometry* g = nullptr;
        EXPECT_EQ(OGRGeometryFactory::createFromWkt(wkts[i].c_str(), nullptr, &g), OGRERR_NONE) << wkts[i];
        OGREnvelope e;
        g->getEnvelope(&e);
        l.bounds.push_back({e.MinX, e.MinY, e.MaxX, e.MaxY});
        std::vector<unsigned char> wkb(g->WkbSize());
        g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
        l.wkb.push_back(std::move(wkb));
        l.fid.push_back(static_cast<std::int64_t>(i + 1));
        l.geometry.emplace_back(g);
    }
    l.build_index();
    return l;
}

void text_column(FeatureLayer& l, const std::string& role, const std::vector<std::string>& values) {
    Column c;
    c.type = "text";
    c.text = values;
    c.number.assign(values.size(), NAN);
    c.present.assign(values.size(), 1);
    l.columns[role] = c;
}

void number_column(FeatureLayer& l, const std::string& role, const std::vector<double>& values) {
    Column c;
    c.type = "number";
    c.number = values;
    for (double v : values) c.text.push_back(std::to_string(v)), c.present.push_back(std::isnan(v) ? 0 : 1);
    l.columns[role] = c;
}

struct Case {
    Inputs inputs;
    ZoneResult zones;
    FeatureLayer areas;
    plans::PlanInputs in;

    Case() {
        // West [0,1000]x[0,1000], east [1000,2000]x[0,1000] (sharing the edge x = 1000), and an empty one far off.
        areas = make_layer("areas", {"POLYGON((0 0,1000 0,1000 1000,0 1000,0 0))",
                                     "POLYGON((1000 0,2000 0,2000 1000,1000 1000,1000 0))",
                                     "POLYGON((5000 5000,6000 5000,6000 6000,5000 6000,5000 5000))"});
        text_column(areas, "id", {"W", "E", "X"});
        text_column(areas, "name", {"West", "East", "Empty"});
        // Settlements: two in the west (one in reach of a zone, 500 people; one never reached, 80), one in the east
        // in reach (300), one on the shared border (in the west: the first area listed), one outside every area.
        inputs.layers.push_back(make_layer("settlements", {"POINT(100 100)", "POINT(200 800)", "POINT(1500 500)",
                                                           "POINT(1000 500)", "POINT(9000 9000)"}));
        number_column(inputs.layers.back(), "population", {500, 80, 300, 20, 10});
        // Hazards: a 100 m square in the east (400 m of perimeter, a sign at one corner), a cleared one in the west.
        inputs.layers.push_back(make_layer("hazards", {"POLYGON((1400 400,1500 400,1500 500,1400 500,1400 400))",
                                                       "POLYGON((100 400,200 400,200 500,100 500,100 400))"}));
        text_column(inputs.layers.back(), "status", {"CHA", "cleared"});
        inputs.layers.push_back(make_layer("signs", {"POINT(1400 400)"}));
        // Incidents in the east: one recent, one old, one after as_of (left out).
        inputs.layers.push_back(make_layer("incidents", {"POINT(1600 600)", "POINT(1700 600)", "POINT(1800 600)"}));
        number_column(inputs.layers.back(), "date", {20000 - 10, 20000 - 1000, 20000 + 5});
        // Ranked settlements: the zone stage's notion of "in reach" (zone_id) and the last session.
        auto rs = [](std::int64_t f, int zone, double last) {
            RankedSettlement s;
            s.feature = f;
            s.zone_id = zone;
            s.last_session = last;
            return s;
        };
        zones.settlements = {rs(0, 1, 19000), rs(1, 0, NAN), rs(2, 2, 19500), rs(3, 0, 19000), rs(4, 0, NAN)};
        // Two zones: rank 1 in the east, rank 2 in the west.
        for (auto [rank, wkt] : std::vector<std::pair<int, std::string>>{
                 {1, "POLYGON((1400 300,1600 300,1600 700,1400 700,1400 300))"}, {2, "POLYGON((50 50,300 50,300 300,50 300,50 50))"}}) {
            Zone z;
            z.rank = rank;
            z.id = rank;
            OGRGeometry* g = nullptr;
            OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &g);
            z.wkb.resize(g->WkbSize());
            g->exportToWkb(wkbNDR, z.wkb.data(), wkbVariantIso);
            delete g;
            zones.zones.push_back(z);
        }
        in.inputs = &inputs;
        in.zones = &zones;
        in.as_of = 20000;
        in.zone_spec.recent_days = 365;
        in.cover = 50;
    }
};

TEST(AreaRanking, CountsEachFeatureOnceAndRanksByPeopleInReach) {
    Case c;
    const AreaRanking r = areas::rank_areas(c.areas, c.in);
    ASSERT_EQ(r.areas.size(), 3u);
    const AreaSummary& west = r.areas[0];
    const AreaSummary& east = r.areas[1];
    EXPECT_EQ(west.id, "W");
    EXPECT_EQ(west.rank, 1);
    EXPECT_EQ(west.people_in_reach, 500);
    EXPECT_EQ(west.settlements, 3);  // the border settlement counts here, in the area listed first
    EXPECT_EQ(west.settlements_in_reach, 1);
    EXPECT_EQ(west.settlements_never_reached, 1);
    EXPECT_EQ(west.population, 600);
    EXPECT_EQ(west.hazards, 0);  // the cleared one does not count
    EXPECT_EQ(west.zones, 1);
    EXPECT_EQ(west.best_zone_rank, 2);

    EXPECT_EQ(east.id, "E");
    EXPECT_EQ(east.people_in_reach, 300);
    EXPECT_EQ(east.settlements, 1);
    EXPECT_EQ(east.hazards, 1);
    EXPECT_NEAR(east.perimeter_m, 400, 1e-6);
    EXPECT_NEAR(east.unmarked_m, 300, 1e-6);  // the sign at a corner covers 50 m of each of its two sides
    EXPECT_EQ(east.incidents, 2);
    EXPECT_EQ(east.incidents_recent, 1);
    EXPECT_EQ(east.zones, 1);
    EXPECT_EQ(east.best_zone_rank, 1);

    const AreaSummary& empty = r.areas[2];
    EXPECT_EQ(empty.name, "Empty");
    EXPECT_EQ(empty.settlements + empty.hazards + empty.incidents + empty.zones, 0);
    EXPECT_EQ(empty.best_zone_rank, 0);
    EXPECT_NEAR(empty.area_km2, 1.0, 1e-9);

    EXPECT_EQ(r.settlements_outside, 1);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_NE(r.warnings[0].find("1 settlement lie"), std::string::npos) << r.warnings[0];
}

TEST(AreaRanking, TiesGoToRecentIncidentsThenUnmarkedPerimeter) {
    AreaSummary a, b;
    a.people_in_reach = b.people_in_reach = 100;
    a.incidents_recent = 1;
    EXPECT_TRUE(areas::ranks_before(a, b));
    b.incidents_recent = 1;
    b.unmarked_m = 5;
    EXPECT_TRUE(areas::ranks_before(b, a));
    a.unmarked_m = 5;
    a.id = "A";
    b.id = "B";
    EXPECT_TRUE(areas::ranks_before(a, b));
}

TEST(AreaRanking, AWhereFilterThatSelectsNothingIsAnErrorAtItsLine) {
    InputSpec in;
    in.role = "areas";
    in.source = std::string(MINERISK_TESTDATA) + "/demo/data/districts.gpkg";
    in.layer = "districts";
    in.filter = "admin = 'Atlantis'";
    in.filter_where = Location("scenario.yaml", 21, 12);
    Inputs inputs;
    inputs.crs_name = "EPSG:32638";
    OGRSpatialReference srs;
    srs.importFromEPSG(32638);
    char* wkt = nullptr;
    srs.exportToWkt(&wkt);
    inputs.crs_wkt = wkt;
    CPLFree(wkt);
    std::vector<std::string> warnings;
    try {
        load_polygon_input(in, inputs, warnings);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(e.problem().find("the 'where' filter of inputs.areas selects no feature"), std::string::npos) << e.problem();
        EXPECT_EQ(e.where().line, 21);
    }
    in.filter = "admin = 'Azerbaijan'";
    const FeatureLayer l = load_polygon_input(in, inputs, warnings);
    EXPECT_GE(l.size(), 8);
    EXPECT_TRUE(l.column("name") == nullptr);  // no 'fields:' given: no roles
}

}  // namespace
