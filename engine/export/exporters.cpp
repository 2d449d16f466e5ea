// The list of exports: one entry each, with what it writes and what in the scenario turns it on. A new export is a
// new entry here (and its writer in its own file); the pipeline runs the list and knows no export by name.
#include "export/area_outputs.hpp"
#include "export/plan_outputs.hpp"
#include "minerisk/exports.hpp"

namespace minerisk {

namespace {

bool always(const Scenario&) { return true; }
bool report_on(const Scenario& sc) { return sc.outputs.report; }
bool qgis_on(const Scenario& sc) { return sc.outputs.qgis; }
bool qgis_off(const Scenario& sc) { return !sc.outputs.qgis; }
bool areas_on(const Scenario& sc) { return !sc.summary_by.empty(); }
bool database_on(const Scenario& sc) { return !sc.outputs.database.empty(); }

std::vector<OutputFile> commit_rasters(const ExportContext& ctx) {
    if (ctx.commit_rasters) ctx.commit_rasters();
    return {};  // listed when they were set up, in the order the run record keeps
}

}  // namespace

std::vector<OutputFile> write_plan_tables(const ExportContext& ctx) {
    if (!ctx.plans() || !ctx.plan) return {};
    return exports::write_plan_files(*ctx.plans(), ctx.output_dir, ctx.plan->scenario.name);
}

const std::vector<Exporter>& exporters() {
    static const std::vector<Exporter> list = {
        {"rasters", "risk.tif and factors/*.tif: Cloud-Optimized GeoTIFFs (or tiled GeoTIFFs), renamed into place",
         "finishing rasters", always, commit_rasters},
        {"quick-look", "quicklook.png: the risk, the zones by rank, a legend and a scale bar", "exports", report_on,
         write_quicklook},
        {"report", "report.html (self-contained), zones.csv, settlements.csv, survey_referrals.csv", "exports", report_on,
         write_reports},
        {"QGIS", "minerisk.gpkg (zones, referrals, ranked settlements, plans, inputs as used; styled), a .qml beside "
                 "each raster, minerisk.qgs",
         "exports", qgis_on, write_qgis_outputs},
        {"zones only", "zones.gpkg: the zones and survey referrals, styled", "exports", qgis_off, write_zones_only},
        {"plan tables", "rank_stability.csv, sign_plan.csv, sign_plan.gpx, outreach_plan.csv (the plans done)", "exports",
         always, write_plan_tables},
        {"area table", "area_ranking.csv: the areas of summary_by ranked (docs/areas.md)", "exports", areas_on,
         exports::write_area_table},
        {"database", "the products as tables of outputs.schema in outputs.database (PostGIS), styled, in one transaction",
         "writing to the database", database_on, write_database},
        {"run record", "run.json: what made the outputs, what the run found, and the list of outputs",
         "writing run record", always, write_run_record},
    };
    return list;
}

}  // namespace minerisk
