// report.html for every screen and for planners: the first ten zones in the body and the rest in the appendix,
// factors, configuration keys and paths in planners' words, the date prepared, the data sources with their dates,
// and every body cell labelled by its column so that the tables can reflow on a phone.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "export/report_format.hpp"
#include "export/report_sections.hpp"
#include "minerisk/exports.hpp"
#include "plugin_harness.hpp"

using namespace minerisk;
using namespace minerisk::report;

namespace {

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

BoundFactor factor(const std::string& name, const std::string& plugin) {
    BoundFactor f;
    f.spec.name = name;
    f.spec.plugin = plugin;
    f.spec.weight = 1;
    return f;
}

// A run with `n` zones (rank i has reason "reason of rank i") and two inputs, one with dates.
struct ScreenRun {
    RunPlan plan;
    RunSummary summary;
    ExportContext ctx;

    explicit ScreenRun(int n) {
        plan.scenario.name = "Screens";
        plan.as_of = 19844;  // 2024-05-01
        plan.factors.push_back(factor("incident_density", "incident_density"));
        plan.factors.push_back(factor("landuse_risk", "raster_factor"));
        auto incidents = test::make_layer("incidents",
                                          {{"POINT(400100 4499900)", {{"date", "2021-03-04"}}},
                                           {"POINT(400200 4499900)", {{"date", "2023-05-06"}}},
                                           {"POINT(400300 4499900)", {}}},
                                          {{"date", "date"}});
        incidents.stats.source = "/data/in/incidents.gpkg";
        plan.inputs.layers.push_back(std::move(incidents));
        auto hazards = test::make_layer("hazards", {{"POINT(400100 4499000)", {}}}, {});
        hazards.stats.source = "/data/in/hazards.gpkg";
        plan.inputs.layers.push_back(std::move(hazards));
        summary.zones.threshold = 0.5;
        summary.zones.factor_names = {"incident_density", "landuse_risk"};
        for (int i = 1; i <= n; ++i) {
            Zone z;
            z.id = 100 + i;
            z.rank = i;
            z.area_m2 = 10000.0 * i;
            z.mean_risk = 0.6;
            z.max_risk = 0.8;
            z.top_factor = i % 2 ? "incident_density" : "landuse_risk";
            z.action = "mark";
            z.reason = "reason of rank " + std::to_string(i);
            summary.zones.zones.push_back(z);
        }
        ctx.plan = &plan;
        ctx.summary = &summary;
    }
};

}  // namespace

TEST(ReportScreens, FactorWordsNameEachPluginAsAPlannerWould) {
    ScreenRun r(1);
    EXPECT_EQ(factor_words(r.ctx, "incident_density"), "past incidents nearby");
    EXPECT_EQ(factor_words(r.ctx, "landuse_risk"), "landuse risk") << "a raster factor is named as the scenario named it";
    const ExportContext none;
    EXPECT_EQ(factor_words(none, "hazard_proximity"), "nearness to recorded hazards");
    EXPECT_EQ(factor_words(none, "marking_gap"), "unmarked hazard edges");
    EXPECT_EQ(factor_words(none, "population_exposure"), "people living nearby");
    EXPECT_EQ(factor_words(none, "outreach_gap"), "time since the last risk-education session");
    EXPECT_EQ(factor_words(none, "raster_factor"), "land use");
}

TEST(ReportScreens, PlainWordsSayKeysPlainlyAndCutPathsToFileNames) {
    const std::string hint = plain_words("Refer them, or lower zones.threshold (or use zones.top_percent) so that they form a zone");
    EXPECT_NE(hint.find("ask the GIS officer to lower the zone threshold so that"), std::string::npos) << hint;
    EXPECT_EQ(hint.find("zones."), std::string::npos) << hint;
    EXPECT_EQ(plain_words("could not read /data/in/hazards.gpkg: no such file (see '/tmp/x/run.log')"),
              "could not read hazards.gpkg: no such file (see 'run.log')");
    EXPECT_EQ(plain_words("5 km/h and 3/4 stay"), "5 km/h and 3/4 stay") << "only a word starting with '/' is a path";
    EXPECT_EQ(plain_words("stays above it over less than zones.min_area"), "stays above it over less than the minimum zone size");
    EXPECT_EQ(plain_words("100 m (the marking_gap factor's cover_distance)"), "100 m (the distance a sign is taken to cover)");
    EXPECT_EQ(plain_words("the cells around each settlement (within zones.reach)"), "the cells around each settlement (within reach)");
    EXPECT_EQ(file_name("/data/in/hazards.gpkg"), "hazards.gpkg");
    EXPECT_EQ(file_name("PG:dbname=mines host=db"), "database");
}

TEST(ReportScreens, LabelCellsNamesEveryBodyCellByItsHeader) {
    const std::string table =
        "<table class=\"t\">\n<thead><tr><th>Rank</th><th class=\"n\">Risk<br>mean / max</th></tr></thead>\n<tbody>\n"
        "<tr id=\"zone-1\"><th class=\"rank\">1</th><td class=\"n\">0.5</td></tr>\n<tr><td colspan=\"2\">none</td></tr>\n"
        "</tbody>\n</table>\n<table class=\"kv\"><tbody><tr><th>k</th><td>v</td></tr></tbody></table>";
    EXPECT_EQ(label_cells(table),
              "<table class=\"t\">\n<thead><tr><th>Rank</th><th class=\"n\">Risk<br>mean / max</th></tr></thead>\n<tbody>\n"
              "<tr id=\"zone-1\"><th data-label=\"Rank\" class=\"rank\">1</th><td data-label=\"Risk mean / max\" class=\"n\">0.5</td></tr>\n"
              "<tr><td colspan=\"2\">none</td></tr>\n</tbody>\n</table>\n"
              "<table class=\"kv\"><tbody><tr><th>k</th><td>v</td></tr></tbody></table>");
}

TEST(ReportScreens, BodyShowsTheFirstTenZonesInFullAndTheAppendixTheRest) {
    ScreenRun r(13);
    const std::string html = report_html(r.ctx, "");
    EXPECT_EQ(count(html, "class=\"zone-row\""), 13u) << "every zone has its row, in the body or the appendix";
    const size_t appendix = html.find("<section id=\"all-zones\">");
    ASSERT_NE(appendix, std::string::npos);
    EXPECT_LT(html.find("id=\"zone-10\""), appendix);
    EXPECT_GT(html.find("id=\"zone-11\""), appendix);
    EXPECT_GT(html.find("id=\"zone-13\""), appendix);
    EXPECT_NE(html.find("The first 10 of 13 zones by rank"), std::string::npos);
    EXPECT_NE(html.find("reason of rank 10"), std::string::npos);
    EXPECT_EQ(html.find("reason of rank 11"), std::string::npos) << "the appendix is compact: the reasons are in zones.csv";
    EXPECT_NE(html.find("<td data-label=\"Main factor\">past incidents nearby</td>"), std::string::npos);
    EXPECT_EQ(html.find("<td data-label=\"Main factor\">incident_density</td>"), std::string::npos);
}

TEST(ReportScreens, TenZonesOrFewerHaveNoAppendixOfZones) {
    ScreenRun r(10);
    const std::string html = report_html(r.ctx, "");
    EXPECT_EQ(html.find("id=\"all-zones\""), std::string::npos);
    EXPECT_NE(html.find("All 10 zones by rank"), std::string::npos);
}

TEST(ReportScreens, PreparedOnIsTheRunsStartInUtc) {
    ScreenRun r(1);
    r.plan.started = 1764860760;  // 2025-12-04 15:06:00 UTC
    EXPECT_NE(report_html(r.ctx, "").find("Prepared on <span class=\"prepared\">2025-12-04 15:06 UTC</span>"), std::string::npos);
    r.plan.started = 0;  // not recorded: no date rather than 1970
    EXPECT_EQ(report_html(r.ctx, "").find("Prepared on"), std::string::npos);
}

TEST(ReportScreens, DataSourcesGiveEachInputsFileNameAndTheDatesOfItsRecords) {
    ScreenRun r(1);
    const std::string html = report_html(r.ctx, "");
    const size_t from = html.find("<section id=\"sources\">"), to = html.find("</section>", from);
    ASSERT_NE(from, std::string::npos);
    const std::string sources = html.substr(from, to - from);
    EXPECT_EQ(count(sources, "class=\"source-row\""), 2u);
    EXPECT_NE(sources.find("<td data-label=\"What\">mine and ERW incidents</td><td data-label=\"File\">incidents.gpkg</td>"),
              std::string::npos) << sources;
    EXPECT_NE(sources.find("2021-03-04 to 2023-05-06"), std::string::npos);
    EXPECT_NE(sources.find("no dates in the records"), std::string::npos) << "the hazards have no date field";
    EXPECT_EQ(sources.find("/data/in"), std::string::npos) << "the body names files, not folders";
    EXPECT_NE(html.find("/data/in/incidents.gpkg"), std::string::npos) << "the technical details keep the path";
}

TEST(ReportScreens, WarningsArePlainInTheBodyAndAsWrittenInTheAppendix) {
    ScreenRun r(1);
    const std::string w = "Refer it, or lower zones.threshold (or use zones.top_percent) so that it forms a zone";
    r.summary.warnings = {w, "hazards: 2 features without geometry"};
    const std::string html = report_html(r.ctx, "");
    const size_t appendix = html.find("<section id=\"technical\">");
    ASSERT_NE(appendix, std::string::npos);
    EXPECT_LT(html.find("Refer it, or ask the GIS officer to lower the zone threshold so that it forms a zone"), appendix);
    EXPECT_GT(html.find(w), appendix) << "the key is kept for the GIS officer";
    EXPECT_EQ(count(html, "hazards: 2 features without geometry"), 1u) << "an unchanged warning is not repeated";
}
