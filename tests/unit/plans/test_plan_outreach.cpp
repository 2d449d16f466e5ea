// The outreach plan on hand-made settlements whose schedule is worked out by hand: priority order, the travel
// trade-off (value / (1 + km / travel_km)), two facilitators sharing by distance, a settlement visited recently that
// waits for the staleness limit, revisits within the horizon, nobody-lives-here, bases by id, name or lon/lat and
// their errors, the maximum travel, the share of the highest-ranked people reached, and the outputs.
//
// Coordinates are UTM 38N metres around E 500000 N 4400000; as_of 2026-07-01, session_stale_days 365.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include "export/qgis_styles.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/error.hpp"
#include "minerisk/plans.hpp"
#include "export/plan_outputs.hpp"
#include "plans/plans_internal.hpp"
#include "test_plan_harness.hpp"

using namespace minerisk;
using namespace minerisk::test;

namespace {

constexpr double X0 = 500000, Y0 = 4400000;

struct Village {
    std::string id, name;
    double x, y;
    std::string population;  // "" = unknown
    double risk;
    std::string last;        // "" = never
    bool returnee = false;
};

struct Scene {
    Inputs inputs;
    ZoneResult zr;
    plans::PlanInputs in;
    explicit Scene(const std::vector<Village>& vs) {
        inputs.crs_wkt = crs_to_wkt("EPSG:32638");
        std::vector<HandFeature> fs;
        for (const auto& v : vs) {
            HandFeature f{"POINT(" + std::to_string(v.x) + " " + std::to_string(v.y) + ")", {{"id", v.id}, {"name", v.name}}};
            if (!v.population.empty()) f.attrs["population"] = v.population;
            if (v.returnee) f.attrs["returnee"] = "true";
            fs.push_back(f);
        }
        inputs.layers.push_back(make_layer("settlements", fs, {{"id", "text"}, {"name", "text"}, {"population", "number"}, {"returnee", "boolean"}}));
        in.inputs = &inputs;
        in.zones = &zr;
        in.grid = make_grid(100, 100, 100, X0 - 5000, Y0 + 5000);
        in.as_of = *parse_date("2026-07-01");
        // The ranked settlements as the zone stage gives them: priority with need, by rank.
        for (size_t i = 0; i < vs.size(); ++i) {
            RankedSettlement r;
            r.feature = static_cast<std::int64_t>(i);
            r.id = vs[i].id;
            r.name = vs[i].name;
            r.population = vs[i].population.empty() ? 0 : std::stod(vs[i].population);
            r.returnee = vs[i].returnee;
            r.risk_mean = vs[i].risk;
            r.last_session = vs[i].last.empty() ? NAN : *parse_date(vs[i].last);
            r.priority = zones::settlement_priority(r.risk_mean, vs[i].population.empty() ? NAN : r.population, r.returnee,
                                                    r.last_session, in.as_of, 365);
            zr.settlements.push_back(r);
        }
        std::stable_sort(zr.settlements.begin(), zr.settlements.end(),
                         [](const RankedSettlement& a, const RankedSettlement& b) { return a.priority > b.priority; });
        for (size_t i = 0; i < zr.settlements.size(); ++i) zr.settlements[i].rank = static_cast<int>(i + 1);
    }
    plans::OutreachPlan run(OutreachPlanSpec spec) const { return plans::outreach_plan(in, spec); }
};

OutreachPlanSpec spec_of(int facilitators, std::vector<std::string> bases, int per_week, int weeks) {
    OutreachPlanSpec s;
    s.facilitators = facilitators;
    s.bases = std::move(bases);
    s.sessions_per_week = per_week;
    s.weeks = weeks;
    return s;
}

std::vector<std::string> names_of(const plans::OutreachPlan& p) {
    std::vector<std::string> v;
    for (const auto& s : p.sessions) v.push_back(s.settlement_name);
    return v;
}

}  // namespace

TEST(PlanOutreach, OneFacilitatorTakesTheSettlementsInOrderOfPriority) {
    Scene s({{"B", "Base", X0, Y0, "0", 0.5, ""},
             {"S1", "Small", X0 + 1000, Y0, "10", 0.5, ""},
             {"S2", "Large", X0, Y0 + 1000, "1000", 0.5, ""},
             {"S3", "Middle", X0 - 1000, Y0, "100", 0.5, ""}});
    const auto p = s.run(spec_of(1, {"B"}, 1, 3));
    EXPECT_EQ(names_of(p), (std::vector<std::string>{"Large", "Middle", "Small"}));
    ASSERT_EQ(p.facilitators.size(), 1u);
    EXPECT_EQ(p.facilitators[0].base_name, "Base");
    EXPECT_EQ(p.sessions[0].week, 1);
    EXPECT_EQ(date_to_string(p.sessions[0].week_start), "2026-07-02");
    EXPECT_EQ(date_to_string(p.sessions[2].week_start), "2026-07-16");
    EXPECT_NEAR(p.sessions[0].distance_km, 1.0, 1e-9);
    EXPECT_EQ(p.sessions[0].reason, "settlement rank 1: 1,000 people, never had a session; 1.0 km from Base (base of facilitator 1)");
    EXPECT_EQ(p.settlements_covered, 3);
    EXPECT_DOUBLE_EQ(p.people_covered, 1110);
    ASSERT_EQ(p.weeks_summary.size(), 3u);
    EXPECT_DOUBLE_EQ(p.weeks_summary[0].people, 1000);
    EXPECT_DOUBLE_EQ(p.weeks_summary[1].people_cumulative, 1100);
    EXPECT_EQ(p.settlements_waiting, 0);
    EXPECT_EQ(p.slots_unused, 0);
    // Two weeks are one too few: the smallest still waits, due.
    const auto short_plan = s.run(spec_of(1, {"B"}, 1, 2));
    EXPECT_EQ(short_plan.settlements_waiting, 1);
    EXPECT_EQ(short_plan.settlements_not_due, 0);
}

TEST(PlanOutreach, TravelHalvesTheValueAtTravelKm) {
    // Far: priority 2 (risk 1, 9 people) 20 km away; Near: priority 1.2 (risk 0.6, 9 people) at the base.
    Scene s({{"B", "Base", X0, Y0, "0", 0.5, ""}, {"F", "Far", X0 + 20000, Y0, "9", 1.0, ""}, {"N", "Near", X0, Y0 + 1, "9", 0.6, ""}});
    auto spec = spec_of(1, {"Base"}, 1, 2);
    spec.travel_km = 20;  // Far: 2 / (1 + 20/20) = 1 < 1.2
    EXPECT_EQ(names_of(s.run(spec)), (std::vector<std::string>{"Near", "Far"}));
    spec.travel_km = 100;  // Far: 2 / 1.2 = 1.67 > 1.2
    EXPECT_EQ(names_of(s.run(spec)), (std::vector<std::string>{"Far", "Near"}));
    spec.max_travel_km = 10;  // Far is out of reach of every base
    const auto p = s.run(spec);
    EXPECT_EQ(names_of(p), (std::vector<std::string>{"Near"}));
    EXPECT_EQ(p.out_of_reach, 1);
    EXPECT_EQ(p.slots_unused, 1);
    ASSERT_EQ(p.warnings.size(), 1u);
    EXPECT_EQ(p.warnings[0], "outreach plan: 1 settlement with people lies farther than 10 km from every base and is left out");
}

TEST(PlanOutreach, TwoFacilitatorsEachTakeTheSettlementsNearTheirBase) {
    Scene s({{"W", "West base", X0 - 30000, Y0, "0", 0.5, ""},
             {"E", "East base", X0 + 30000, Y0, "0", 0.5, ""},
             {"W1", "w1", X0 - 29000, Y0, "100", 0.5, ""},
             {"W2", "w2", X0 - 31000, Y0, "100", 0.5, ""},
             {"E1", "e1", X0 + 29000, Y0, "100", 0.5, ""},
             {"E2", "e2", X0 + 31000, Y0, "100", 0.5, ""}});
    const auto p = s.run(spec_of(2, {"w", "e"}, 2, 1));  // bases by id, any case
    ASSERT_EQ(p.sessions.size(), 4u);
    for (const auto& ss : p.sessions) {
        EXPECT_EQ(ss.facilitator, ss.settlement_name[0] == 'w' ? 1 : 2) << ss.settlement_name;
        EXPECT_NEAR(ss.distance_km, 1.0, 1e-9);
    }
    EXPECT_EQ(p.facilitators[1].base_name, "East base");
}

TEST(PlanOutreach, ASettlementVisitedRecentlyWaitsUntilItsLastSessionIsStale) {
    // Last session 2025-09-04, 300 days before as_of: due on 2026-09-04 (365 days after), i.e. in week 11, the first
    // week starting on or after that day (2026-09-10).
    Scene s({{"B", "Base", X0, Y0, "0", 0.5, ""}, {"R", "Recent", X0 + 100, Y0, "500", 0.5, "2025-09-04"}});
    const auto p = s.run(spec_of(1, {"Base"}, 1, 12));
    ASSERT_EQ(p.sessions.size(), 1u);
    EXPECT_EQ(p.sessions[0].week, 11);
    EXPECT_EQ(date_to_string(p.sessions[0].week_start), "2026-09-10");
    EXPECT_NE(p.sessions[0].reason.find("last session 2025-09-04"), std::string::npos) << p.sessions[0].reason;
    EXPECT_EQ(p.slots_unused, 11);
    // The scheduling value is the full-need priority, not the discounted one.
    EXPECT_NEAR(p.sessions[0].priority, 0.5 * (1 + std::log10(501.0)), 1e-12);
    // Ten weeks end before it is due: it does not wait for a slot, it is not due.
    const auto ten = s.run(spec_of(1, {"Base"}, 1, 10));
    EXPECT_TRUE(ten.sessions.empty());
    EXPECT_EQ(ten.settlements_waiting, 0);
    EXPECT_EQ(ten.settlements_not_due, 1);
    EXPECT_EQ(ten.slots_unused, 10);
}

TEST(PlanOutreach, RevisitsAfterTheStalenessLimitWithinTheHorizon) {
    Scene s({{"B", "Base", X0, Y0, "0", 0.5, ""}, {"V", "Village", X0 + 100, Y0, "50", 0.5, ""}});
    s.in.zone_spec.session_stale_days = 14;
    const auto p = s.run(spec_of(1, {"Base"}, 1, 6));
    ASSERT_EQ(p.sessions.size(), 3u);
    EXPECT_EQ(p.sessions[0].week, 1);
    EXPECT_EQ(p.sessions[1].week, 3);
    EXPECT_EQ(p.sessions[2].week, 5);
    EXPECT_NE(p.sessions[1].reason.find("again"), std::string::npos);
    EXPECT_EQ(p.settlements_covered, 1);  // one settlement, three sessions
    EXPECT_DOUBLE_EQ(p.people_covered, 50);
    EXPECT_DOUBLE_EQ(p.weeks_summary[4].people, 50);
    EXPECT_DOUBLE_EQ(p.weeks_summary[5].people_cumulative, 50);
}

TEST(PlanOutreach, NobodyLivesThereIsNeverScheduledAndUnknownPopulationsAre) {
    Scene s({{"B", "Base", X0, Y0, "0", 0.5, ""}, {"Z", "Empty", X0 + 100, Y0, "0", 0.9, ""}, {"U", "Unknown", X0 + 200, Y0, "", 0.5, ""}});
    const auto p = s.run(spec_of(1, {"46.0,39.75"}, 2, 1));  // a base by longitude and latitude
    EXPECT_EQ(names_of(p), (std::vector<std::string>{"Unknown"}));
    EXPECT_EQ(p.facilitators[0].base_name, "46.0000 E 39.7500 N");
    EXPECT_GT(p.sessions[0].distance_km, 80);  // 46 E lies about 85 km east of E 500000 in UTM 38N
    EXPECT_NE(p.sessions[0].reason.find("population unknown"), std::string::npos);
}

TEST(PlanOutreach, TheShareOfTheHighestRankedPeopleReached) {
    Scene s({{"B", "Base", X0, Y0, "0", 0.5, ""},
             {"A", "a", X0 + 100, Y0, "1000", 0.9, ""},
             {"C", "c", X0 + 40000, Y0, "800", 0.8, ""},
             {"D", "d", X0 + 200, Y0, "10", 0.1, ""}});
    auto spec = spec_of(1, {"Base"}, 1, 2);
    spec.top = 2;  // a and c: 1,800 people
    spec.max_travel_km = 30;
    const auto p = s.run(spec);
    EXPECT_EQ(names_of(p), (std::vector<std::string>{"a", "d"}));
    EXPECT_EQ(p.top, 2);
    EXPECT_DOUBLE_EQ(p.top_people, 1800);
    EXPECT_DOUBLE_EQ(p.top_people_reached, 1000);
}

TEST(PlanOutreach, BasesThatNameNothingOrSeveralAreErrorsThatSayWhatToDo) {
    Scene s({{"B1", "Aghdam", X0, Y0, "0", 0.5, ""}, {"B2", "Aghdam", X0 + 10, Y0, "0", 0.5, ""}, {"K", "Kengerli", X0 + 100, Y0, "10", 0.5, ""}});
    auto message = [&](OutreachPlanSpec spec) {
        try {
            s.run(spec);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(message(spec_of(1, {"Kengerly"}, 1, 1)).find("no settlement is named 'Kengerly' (by id or name), so it cannot be a facilitator's base. did you mean 'Kengerli'?"),
              std::string::npos)
        << message(spec_of(1, {"Kengerly"}, 1, 1));
    EXPECT_NE(message(spec_of(1, {"Aghdam"}, 1, 1)).find("several settlements are named 'Aghdam' (ids B1, B2)"), std::string::npos);
    EXPECT_NE(message(spec_of(1, {"b2"}, 1, 1)).find("no error"), std::string::npos);  // by id it is one
    EXPECT_NE(message(spec_of(3, {"K", "b1"}, 1, 1)).find("2 bases for 3 facilitators"), std::string::npos);
    EXPECT_NE(message(spec_of(1, {}, 1, 1)).find("needs the facilitators' home bases"), std::string::npos);
    EXPECT_NE(message(spec_of(1, {"200,10"}, 1, 1)).find("is not a longitude and latitude"), std::string::npos);
    EXPECT_NE(message(spec_of(1, {"K"}, 0, 1)).find("sessions_per_week must be 1 or more"), std::string::npos);
}

TEST(PlanOutreachOutputs, CsvAndGeoPackageLayer) {
    Scene s({{"B", "Base", X0, Y0, "0", 0.5, ""}, {"S1", "One, \"quoted\"", X0 + 1000, Y0, "10", 0.5, ""}, {"S2", "Two", X0, Y0 + 1000, "1000", 0.5, "2024-01-10", true}});
    const auto p = s.run(spec_of(1, {"B"}, 1, 4));
    ASSERT_EQ(p.sessions.size(), 2u);
    const std::string csv = exports::outreach_plan_csv(p);
    EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
              "week,week_start,facilitator,base,settlement_id,settlement,settlement_rank,population,returnee,priority,distance_km,"
              "last_session,lon,lat,reason");
    EXPECT_NE(csv.find("\"One, \"\"quoted\"\"\""), std::string::npos);
    EXPECT_NE(csv.find(",2024-01-10,"), std::string::npos);
    TempDir tmp("outreach");
    const std::string path = tmp.file("plans.gpkg");
    GDALAllRegister();
    {
        GDALDataset* ds = GetGDALDriverManager()->GetDriverByName("GPKG")->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
        ASSERT_NE(ds, nullptr);
        exports::write_outreach_layer(*ds, p, nullptr, path);
        GDALClose(ds);
    }
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
    ASSERT_NE(ds, nullptr);
    OGRLayer* l = ds->GetLayerByName("outreach_plan");
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->GetFeatureCount(), 2);
    OGRFeature* f = l->GetNextFeature();
    EXPECT_STREQ(f->GetFieldAsString("label"), "week 1, facilitator 1");
    EXPECT_STREQ(f->GetFieldAsString("settlement"), "Two");
    EXPECT_EQ(f->GetFieldAsInteger("returnee"), 1);
    OGRFeature::DestroyFeature(f);
    GDALClose(ds);
    const std::string qml = qgis::to_qml(exports::outreach_plan_style(12));
    EXPECT_NE(qml.find("graduatedSymbol"), std::string::npos);
    EXPECT_NE(qml.find("label=\"weeks 2\u20133\""), std::string::npos);  // 12 weeks in 8 classes: 1, 2-3, 4, 5-6, ...
    EXPECT_NE(qml.find("fieldName=\"label\""), std::string::npos);
}
