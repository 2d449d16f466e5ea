// Everything a run leaves for people: QGIS-ready GeoPackage and project, a PNG quick-look, a report.
#pragma once
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "minerisk/run_results.hpp"
#include "minerisk/progress.hpp"
#include "minerisk/zones.hpp"

namespace minerisk {

class ScoredTiles;

// A raster the run wrote, as the exports present it.
struct RasterOutput {
    std::string path;         // absolute
    std::string name;         // "risk", "hazard_proximity", "hazard_proximity.distance"
    std::string description;  // band description
    std::string unit;         // "" for scores in [0,1]
    std::string kind;         // "risk" | "factor" | "extra"
    // Its values' range (nodata left out), gathered as the tiles were written; NaN when not known (the styles then
    // read the raster).
    double min = NAN, max = NAN;
    // For a band whose description names a sentinel value ("36500 = never"): the largest value below it, gathered
    // the same way; NaN when not known.
    double max_below_sentinel = NAN;
};

// What every exporter reads. Exporters write into output_dir through a temporary file renamed when complete
// (output_folder.hpp, write_file_atomically).
struct ExportContext {
    const RunPlan* plan = nullptr;        // scenario, inputs (as used: reprojected, repaired), grid, factors, as_of
    const RunSummary* summary = nullptr;  // warnings so far, stage times, risk statistics, zones, plans
    const ScoredTiles* scored = nullptr;  // the run's scored tiles (band 0: the risk); null: read the risk raster
    std::string output_dir;
    std::vector<RasterOutput> rasters;    // risk first, then factors, then extra bands
    std::function<void()> commit_rasters;  // puts the rasters in place (the run's; empty when they are written)
    Progress progress;                    // of the stage the exporter runs in

    // The zones and the plans of the summary; null without a summary.
    const ZoneResult* zones() const { return summary ? &summary->zones : nullptr; }
    const plans::PlansResult* plans() const { return summary ? &summary->plans : nullptr; }
    // The area ranking; null without a summary or when the run made none (no summary_by).
    const AreaRanking* areas() const { return summary && summary->areas.done ? &summary->areas : nullptr; }
};

// One export: what it writes, whether a run's scenario asks for it, and the writer. execute_run runs every entry of
// exporters() that is enabled, in order (the report inlines the quick-look, so it comes after it).
struct Exporter {
    const char* name;  // "quick-look", "report", ...
    const char* writes;
    const char* stage;  // the run's stage it belongs to, as the progress and run.json name it
    bool (*enabled)(const Scenario& scenario);
    std::vector<OutputFile> (*write)(const ExportContext& ctx);
};
const std::vector<Exporter>& exporters();

// minerisk.gpkg (layers: zones, survey_referrals, settlements_ranked, then the inputs as used: hazards, incidents,
// settlements, signs, sessions, extras), each with a QGIS style in the GeoPackage's layer_styles table (the default style
// QGIS applies on opening); a .qml style beside each raster (QGIS applies it when opening the raster); and
// minerisk.qgs, a QGIS project that opens every layer styled, in order, in the working CRS.
std::vector<OutputFile> write_qgis_outputs(const ExportContext& ctx);

// zones.gpkg with the zones and survey_referrals layers alone (styled), for runs that skip the QGIS outputs.
std::vector<OutputFile> write_zones_only(const ExportContext& ctx);

// quicklook.png: the combined risk in a colour ramp, zones outlined and numbered by rank, a legend and a scale
// bar, drawn by the engine itself (no QGIS needed).
std::vector<OutputFile> write_quicklook(const ExportContext& ctx);

// report.html (one self-contained file: no network, the quick-look inlined), zones.csv, settlements.csv,
// survey_referrals.csv.
// Call after write_quicklook (the report inlines quicklook.png when present).
std::vector<OutputFile> write_reports(const ExportContext& ctx);

// The plans' CSV and GPX files (rank_stability.csv, sign_plan.csv, sign_plan.gpx, outreach_plan.csv): those done.
std::vector<OutputFile> write_plan_tables(const ExportContext& ctx);

// outputs.database: the zones, survey referrals, ranked settlements, plans and area ranking as tables of
// outputs.schema (copied from the staged GeoPackage, with a scenario and a run_id column), their QGIS styles in
// layer_styles and a row in the schema's runs table, in one transaction that replaces the scenario's earlier
// rows (docs/database.md).
std::vector<OutputFile> write_database(const ExportContext& ctx);
// run.json: the scenario, plugin versions, weights, inputs, zones, plans, stage times, warnings, and every output
// listed in the summary (so it is written last).
std::vector<OutputFile> write_run_record(const ExportContext& ctx);

}  // namespace minerisk
