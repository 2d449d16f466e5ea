// run.json: what made the outputs (when, by which command line; scenario and its digest, plugin versions and libraries, weights as given and as
// used, inputs and what was kept of them), what the run found (risk range, ranked zones, plans), its stage times,
// warnings and the list of every output. Written last, so that it lists them all.
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "export/plan_outputs.hpp"
#include "minerisk/combine.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/error.hpp"
#include "minerisk/exports.hpp"
#include "minerisk/output_folder.hpp"
#include "minerisk/version.hpp"
#include "scoring/scoring_run.hpp"

namespace fs = std::filesystem;

namespace minerisk {

namespace {

nlohmann::ordered_json factors_record(const RunPlan& plan) {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    const std::vector<double> normalised = normalised_weights(combine_spec(plan));
    for (size_t k = 0; k < plan.factors.size(); ++k) {
        const auto& f = plan.factors[k];
        j.push_back({{"name", f.spec.name}, {"plugin", f.plugin->name}, {"version", f.plugin->version},
                     {"library", f.plugin->path}, {"weight", f.spec.weight}, {"normalised_weight", normalised[k]},
                     {"group", f.spec.group}, {"params", f.params.describe()}});
    }
    return j;
}

nlohmann::ordered_json inputs_record(const Inputs& inputs) {
    nlohmann::ordered_json j;
    for (const auto& l : inputs.layers)
        j.push_back({{"role", l.role}, {"source", l.stats.source}, {"layer", l.stats.layer_name},
                     {"crs", l.stats.source_crs}, {"read", l.stats.read}, {"loaded", l.stats.loaded},
                     {"repaired", l.stats.repaired}, {"buffered", l.stats.buffered},
                     {"skipped_null", l.stats.skipped_null}, {"skipped_empty", l.stats.skipped_empty},
                     {"skipped_bad", l.stats.skipped_bad}});
    return j;
}

// When the run began and ended and what started it: "run" (left out when runs are compared: it differs by nature).
nlohmann::ordered_json run_times_record(const RunPlan& plan) {
    const double finished = now_unix();
    nlohmann::ordered_json args = nlohmann::ordered_json::array();
    for (const auto& a : plan.command_line) args.push_back(mask_secrets(a));  // a PG: connection's password
    nlohmann::ordered_json j = {{"started", utc_timestamp(plan.started)}, {"finished", utc_timestamp(finished)},
                                {"seconds", std::round((finished - plan.started) * 100) / 100}, {"command_line", args},
                                {"mpi_ranks", plan.ranks}};
    // Who scored how many tiles and sent how many bytes to rank 0: it differs from run to run (tile_share.hpp).
    for (size_t r = 0; r < plan.rank_shares.size(); ++r)
        j["mpi_by_rank"].push_back({{"rank", r}, {"tiles", plan.rank_shares[r].tiles}, {"bytes_sent", plan.rank_shares[r].bytes}});
    return j;
}

nlohmann::ordered_json zones_record(const ZoneResult& zones) {
    nlohmann::ordered_json j;
    j["threshold"] = zones.threshold;
    j["count"] = zones.zones.size();
    j["survey_referrals"] = zones.survey_referrals.size();
    for (const auto& z : zones.zones)
        j["ranked"].push_back({{"rank", z.rank}, {"zone", z.id}, {"priority", z.priority}, {"area_ha", z.area_m2 / 1e4},
                               {"mean_risk", z.mean_risk}, {"action", z.action}});
    return j;
}

}  // namespace

std::vector<OutputFile> write_run_record(const ExportContext& ctx) {
    const RunPlan& plan = *ctx.plan;
    const RunSummary& summary = *ctx.summary;
    const GridSpec& grid = plan.grid;
    nlohmann::ordered_json j;
    j["minerisk_version"] = MINERISK_VERSION_STRING;
    const VersionInfo v = versions();  // what made the outputs, as `minerisk info` prints it
    j["libraries"] = {{"gdal", v.gdal}, {"geos", v.geos}, {"proj", v.proj}, {"build", v.build_type}, {"compiler", v.compiler}};
    j["run"] = run_times_record(plan);
    j["scenario"] = {{"name", plan.scenario.name}, {"file", fs::absolute(plan.scenario.file).string()},
                     {"digest", plan.scenario_digest}};
    j["as_of"] = {{"date", date_to_string(plan.as_of)}, {"reason", plan.as_of_reason}};
    j["crs"] = {{"name", plan.inputs.crs_name}, {"reason", plan.inputs.crs_reason}};
    j["grid"] = {{"width", grid.width}, {"height", grid.height}, {"cell_size", grid.cell_size},
                 {"geotransform", grid.geotransform()}};
    j["scoring"]["method"] = plan.scenario.scoring.method;
    j["scoring"]["factors"] = factors_record(plan);
    if (j["scoring"]["factors"].empty()) j["scoring"].erase("factors");
    if (plan.fit.done) {  // method fitted: what the fit saw and found (docs/scenario.md, "Fitted weights")
        const FittedWeights& f = plan.fit;
        auto& fj = j["scoring"]["fit"];
        fj["incidents_from"] = date_to_string(f.from);
        fj["incidents_to"] = date_to_string(f.as_of);
        fj["incidents"] = f.incidents;
        fj["cells"] = f.cells;
        fj["regularisation"] = f.lambda;
        fj["regularisation_chosen_on"] = f.cv_deviance.empty() ? std::string("not chosen: too few earlier incidents")
                                                               : date_to_string(f.cv_from) + " to " + date_to_string(f.from);
        fj["dispersion"] = f.dispersion;
        fj["incidents_per_km2_year_at_risk_1"] = f.rate_at_one;
        for (size_t i = 0; i < f.fitted.size(); ++i)
            fj["weights"].push_back({{"factor", plan.factors[f.fitted[i]].spec.name}, {"weight", f.coef[i]},
                                     {"ci_low", f.ci_low[i]}, {"ci_high", f.ci_high[i]}});
        fj["meaning"] = f.notes;
    }
    if (!plan.inputs.layers.empty()) j["inputs"] = inputs_record(plan.inputs);
    if (!plan.scenario.outputs.database.empty())  // written before this record (docs/database.md)
        j["database"] = {{"connection", mask_secrets(plan.scenario.outputs.database)}, {"schema", plan.scenario.outputs.schema}};
    j["risk"] = {{"min", summary.risk_min}, {"mean", summary.risk_mean}, {"max", summary.risk_max}};
    j["zones"] = zones_record(summary.zones);
    for (const auto& st : summary.stages)
        j["stages"].push_back({{"name", st.name}, {"seconds", st.seconds}, {"cpu_seconds", st.cpu_seconds}});
    if (summary.plans.any()) j["plans"] = exports::plans_record(summary.plans);
    // Masked as a backstop: a note may quote a raster's path, and a signed /vsicurl/ URL carries its key.
    j["warnings"] = nlohmann::ordered_json::array();
    for (const auto& w : summary.warnings) j["warnings"].push_back(mask_secrets(w));
    j["notes"] = nlohmann::ordered_json::array();
    for (const auto& n : summary.notes) j["notes"].push_back(mask_secrets(n));
    for (const auto& o : summary.outputs)
        j["outputs"].push_back({{"file", fs::relative(o.path, ctx.output_dir).string()}, {"what", o.what}});
    const std::string path = (fs::path(ctx.output_dir) / "run.json").string();
    // The inputs' text is recoded at the door (core/text.hpp); a path that is not UTF-8 still reaches here, and
    // nlohmann-json would throw on it: its bad bytes become U+FFFD rather than stopping the run.
    write_file_atomically(path, j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
    return {{path, "the run's scenario, plugin versions, weights, inputs and warnings"}};
}

}  // namespace minerisk
