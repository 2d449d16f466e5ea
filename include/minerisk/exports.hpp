// Everything a run leaves for people: QGIS-ready GeoPackage and project, a PNG quick-look, a report.
#pragma once
#include <string>
#include <vector>

#include "minerisk/pipeline.hpp"
#include "minerisk/zones.hpp"

namespace minerisk {

// A raster the run wrote, as the exports present it.
struct RasterOutput {
    std::string path;         // absolute
    std::string name;         // "risk", "hazard_proximity", "hazard_proximity.distance"
    std::string description;  // band description
    std::string unit;         // "" for scores in [0,1]
    std::string kind;         // "risk" | "factor" | "extra"
};

// What every exporter reads. Exporters write into output_dir through a temporary file renamed when complete.
struct ExportContext {
    const RunPlan* plan = nullptr;        // scenario, inputs (as used: reprojected, repaired), grid, factors, as_of
    const RunSummary* summary = nullptr;  // warnings so far, stage times, risk statistics
    const ZoneResult* zones = nullptr;    // ranked zones and settlements
    const plans::PlansResult* plans = nullptr;  // the plans the run made (rank stability, signs, outreach); may be null
    std::string output_dir;
    std::vector<RasterOutput> rasters;    // risk first, then factors, then extra bands
};

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

}  // namespace minerisk
