// The order of a run. Each stage has one owner; this file only sequences them and times them.
#include "minerisk/pipeline.hpp"

#include <gdal_priv.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>
#include <cerrno>

#include "io/ordered_writer.hpp"
#include "io/raster_writer.hpp"
#include "minerisk/combine.hpp"
#include "minerisk/crs.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/exports.hpp"
#include "minerisk/version.hpp"
#include "plans/plan_outputs.hpp"
#include "scoring/host.hpp"
#include "scoring/scoring_run.hpp"

namespace fs = std::filesystem;

namespace minerisk {

namespace {
std::atomic<bool> g_cancel{false};
constexpr std::int64_t kGdalCacheBytes = 256ll << 20;
}
void request_cancel() { g_cancel = true; }
bool cancel_requested() { return g_cancel; }

namespace {

// CPU seconds of the whole process so far (user + system, every thread).
double process_cpu_seconds() {
    rusage u{};
    if (getrusage(RUSAGE_SELF, &u) != 0) return 0;
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// Times a stage, wall clock and CPU: CPU time is what a stage costs whatever else the machine is doing.
class StageClock {
public:
    StageClock(std::vector<StageTime>& log, const std::string& name, const RunOptions& o) : log_(log), name_(name) {
        if (o.on_stage) o.on_stage(name);
        t0_ = std::chrono::steady_clock::now();
        cpu0_ = process_cpu_seconds();
    }
    ~StageClock() {
        log_.push_back({name_, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count(),
                        process_cpu_seconds() - cpu0_});
    }

private:
    std::vector<StageTime>& log_;
    std::string name_;
    std::chrono::steady_clock::time_point t0_;
    double cpu0_ = 0;
};

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
    return s;
}

void bind_factors(RunPlan& plan) {
    const Scenario& sc = plan.scenario;
    plan.registry.scan(PluginRegistry::search_path(sc.scoring.plugin_paths));
    for (const auto& f : sc.scoring.factors) {
        const LoadedPlugin* p = plan.registry.find(f.plugin);
        if (!p) {
            // A library of that name that was refused says more than "unknown".
            for (const auto& problem : plan.registry.problems())
                if (problem.find("/" + f.plugin + ".so") != std::string::npos)
                    throw Error("plugin '" + f.plugin + "' was found but refused: " + problem, f.where);
            std::vector<std::string> names;
            for (const auto& q : plan.registry.plugins()) names.push_back(q.name);
            std::string hint = "installed plugins: " + (names.empty() ? std::string("(none)") : join(names)) +
                               "; folders searched: " + join(plan.registry.folders());
            if (!plan.registry.problems().empty()) hint += "; libraries refused: " + join(plan.registry.problems(), "; ");
            throw Error("unknown plugin '" + f.plugin + "'", f.where, hint);
        }
        for (const auto& other : plan.registry.hidden_by(f.plugin))
            plan.warnings.push_back("plugin '" + f.plugin + "' is taken from " + p->path + ", which hides " + other +
                                    " found later on the plugin path (scenario plugin_paths, then MINERISK_PLUGIN_PATH, then "
                                    "the built-in folder): check that this is the one you mean");
        BoundFactor b;
        b.spec = f;
        b.plugin = p;
        b.params = resolve_params(*p->api, f.params, f.where);
        for (int i = 0; i < p->api->required_layer_count; ++i) {
            const std::string layer = p->api->required_layers[i];
            if (!sc.input(layer))
                throw Error("plugin '" + f.plugin + "' needs the '" + layer + "' input, which the scenario does not declare",
                            f.where, "add '" + layer + ":' under 'inputs:', or remove this factor");
        }
        plan.factors.push_back(std::move(b));
    }
}

// The reference date: the scenario's, else the latest date in the inputs (not today: a run must give the
// same result tomorrow).
void choose_as_of(RunPlan& plan) {
    if (plan.scenario.as_of) {
        plan.as_of = *plan.scenario.as_of;
        plan.as_of_reason = "from the scenario";
        return;
    }
    double latest = -INFINITY;
    for (const auto& l : plan.inputs.layers)
        for (const auto& [role, col] : l.columns)
            if (col.type == "date")
                for (double d : col.number)
                    if (std::isfinite(d)) latest = std::max(latest, d);
    if (std::isfinite(latest)) {
        plan.as_of = latest;
        plan.as_of_reason = "the latest date in the inputs";
    } else {
        plan.as_of = today_days();
        plan.as_of_reason = "today (no dates in the inputs)";
    }
}

std::uint64_t input_bytes(const Inputs& in) {
    std::uint64_t b = 0;
    for (const auto& l : in.layers)
        for (const auto& w : l.wkb) b += 3 * w.size() + 200;  // WKB + OGR geometry + index and attributes
    return b;
}

MemoryEstimate estimate_memory(const RunPlan& plan, const std::vector<double>& halo_cells) {
    // Per thread, one tile in flight: each factor's bands over the tile, plus its working buffers over the
    // tile and its halo (about 24 bytes a cell for a distance transform: mask, squared distance, output).
    const double t = plan.tile_size;
    double per_tile = 4.0 * t * t;  // risk
    for (size_t k = 0; k < plan.factors.size(); ++k) {
        const double h = k < halo_cells.size() ? halo_cells[k] : 0.0;
        per_tile += 4.0 * t * t * (1 + plan.factors[k].plugin->api->extra_band_count);
        per_tile += 24.0 * (t + 2 * h) * (t + 2 * h);
    }
    // Finished tiles waiting for the writer (risk and every factor band, at most 2 x threads + 2 of them),
    // GDAL's block cache, and the rest of the process.
    std::size_t outputs = 1;
    for (const auto& f : plan.factors) outputs += 1 + static_cast<std::size_t>(f.plugin->api->extra_band_count);
    const double queued = 4.0 * t * t * double(outputs) * double(2 * plan.threads + 2);
    MemoryEstimate m;
    m.bytes = static_cast<std::uint64_t>(per_tile * plan.threads + queued) + input_bytes(plan.inputs) +
              static_cast<std::uint64_t>(kGdalCacheBytes) + (64ull << 20);
    return m;
}

void guard_memory(const RunPlan& plan, const MemoryEstimate& m) {
    const double limit = plan.scenario.run.max_memory_mb * 1024 * 1024;
    if (static_cast<double>(m.bytes) > limit)
        throw Error("the run would need about " + m.describe() + " of memory, over the limit of " +
                        std::to_string(static_cast<long long>(plan.scenario.run.max_memory_mb)) + " MB",
                    plan.scenario.resolution_where.line ? plan.scenario.resolution_where : Location{plan.scenario.file},
                    "lower run.tile_size or run.threads, use a coarser resolution, or raise run.max_memory_mb if the "
                    "machine has the memory");
}

// A fingerprint of the scenario file's text (FNV-1a, 64 bits): which version of the file made these outputs.
std::string scenario_digest(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::uint64_t h = 1469598103934665603ull;
    char c;
    while (in.get(c)) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    char buf[40];
    std::snprintf(buf, sizeof buf, "fnv1a64:%016llx", static_cast<unsigned long long>(h));
    return buf;
}

// The weights as the combination uses them (docs/scenario.md, scoring.method): each method's normalisation.
std::vector<double> normalised_weights(const RunPlan& plan) {
    const CombineSpec spec = combine_spec(plan);
    std::vector<double> out(spec.weights.size(), 0.0);
    const bool lxc = spec.method == "likelihood_consequence";
    for (int group = 0; group < (lxc ? 2 : 1); ++group) {
        double sum = 0, mx = 0;
        for (size_t k = 0; k < spec.weights.size(); ++k)
            if (!lxc || spec.group[k] == group) sum += spec.weights[k], mx = std::max(mx, spec.weights[k]);
        for (size_t k = 0; k < spec.weights.size(); ++k)
            if (!lxc || spec.group[k] == group)
                out[k] = spec.method == "maximum" ? (mx > 0 ? spec.weights[k] / mx : 0) : (sum > 0 ? spec.weights[k] / sum : 0);
    }
    return out;
}

std::string plain(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

}  // namespace

RunPlan plan_run(const Scenario& scenario, const RunOptions& options) {
    GDALAllRegister();
    RunPlan plan;
    plan.scenario = scenario;
    {
        StageClock c(plan.stages, "checking plugins", options);
        bind_factors(plan);
    }
    {
        StageClock c(plan.stages, "reading inputs", options);
        plan.inputs = load_inputs(plan.scenario, Progress(options.progress, options.progress_user));
    }
    // Inputs' warnings (including empty layers: load_inputs warns, naming the file) after the plugins'.
    plan.warnings.insert(plan.warnings.end(), plan.inputs.warnings.begin(), plan.inputs.warnings.end());

    Extent extent;
    if (scenario.extent) {
        extent = *scenario.extent;
    } else {
        const Extent data = plan.inputs.extent();
        if (data.empty())
            throw Error("'extent: auto' needs features, and the inputs have none",
                        scenario.extent_where.line ? scenario.extent_where : Location{scenario.file},
                        "check the inputs' filters, or give 'extent: [xmin, ymin, xmax, ymax]'");
        extent = data.grown(scenario.margin);
    }
    // The parser and the input reader check this already; again here for plans built by other callers.
    check_grid_size(scenario, extent, !scenario.extent);
    plan.grid = GridSpec::from_extent(extent, scenario.resolution, plan.inputs.crs_wkt);
    choose_as_of(plan);

    plan.threads = options.threads ? options.threads : scenario.run.threads;
    if (plan.threads == 0) plan.threads = std::max(1u, std::thread::hardware_concurrency());
    plan.tile_size = options.tile_size ? options.tile_size : scenario.run.tile_size;
    const std::int64_t tx = (plan.grid.width + plan.tile_size - 1) / plan.tile_size;
    const std::int64_t ty = (plan.grid.height + plan.tile_size - 1) / plan.tile_size;
    plan.tiles = tx * ty;
    plan.threads = static_cast<unsigned>(std::min<std::int64_t>(plan.threads, plan.tiles));
    plan.memory = estimate_memory(plan, {});
    guard_memory(plan, plan.memory);
    // The plans' settings that the inputs decide (bases, uncertain parameters), before any work.
    plans::check_plans(plan, scenario.uncertainty, scenario.sign_plan, scenario.outreach_plan);
    return plan;
}

namespace {

// Temporary files of runs that were killed (".NAME.PID.part..."): removed when their process is gone.
void remove_stale_temporaries(const fs::path& dir) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        const auto part = name.find(".part");
        if (name.empty() || name[0] != '.' || part == std::string::npos) continue;
        const auto dot = name.rfind('.', part - 1);
        if (dot == std::string::npos) continue;
        const std::string pid_text = name.substr(dot + 1, part - dot - 1);
        if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
        const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
        if (pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH) fs::remove(e.path(), ec);
    }
}

void prepare_output_dir(const std::string& dir, bool overwrite) {
    std::error_code ec;
    if (fs::exists(dir, ec)) {
        if (!fs::is_directory(dir, ec))
            throw Error("the output path exists and is not a folder", Location{dir}, "choose another -o");
        if (!overwrite && !fs::is_empty(dir, ec))
            throw Error("the output folder exists and is not empty", Location{dir},
                        "pass --overwrite to replace its outputs, or choose another -o");
    }
    fs::create_directories(fs::path(dir) / "factors", ec);
    if (ec) throw Error("cannot create the output folder: " + ec.message(), Location{dir}, "check permissions");
    remove_stale_temporaries(dir);
    remove_stale_temporaries(fs::path(dir) / "factors");
}

void write_text_atomically(const std::string& path, const std::string& text) {
    const std::string tmp = temporary_path_for(path);
    {
        std::ofstream out(tmp, std::ios::binary);
        out << text;
        if (!out) throw Error("cannot write the file", Location{path}, "check the free space in the output folder");
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) throw Error("cannot move the file into place: " + ec.message(), Location{path});
}

}  // namespace

RunSummary execute_run(RunPlan& plan, const RunOptions& options) {
    // GDAL's block cache defaults to 5 % of the machine's memory and holds written blocks until it is full:
    // on a big machine that alone is gigabytes. Tiles are written once and never read back, so a modest cache
    // loses nothing. A user's GDAL_CACHEMAX wins.
    if (!CPLGetConfigOption("GDAL_CACHEMAX", nullptr)) GDALSetCacheMax64(kGdalCacheBytes);
    // Tiles allocate and free the same large buffers (and GDAL its blocks) over and over: by default glibc
    // maps and unmaps each, and the kernel zeroes every page again each time (a tenth of a run's CPU). Keep
    // freed memory for reuse instead; what is kept is bounded by the tiles in flight and GDAL's cache.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    RunSummary summary;
    summary.stages = plan.stages;
    summary.warnings = plan.warnings;
    const GridSpec& grid = plan.grid;
    prepare_output_dir(options.output_dir, options.overwrite);

    Host host(plan.inputs, grid);
    host.set_run_context(plan.as_of, plan.scenario.dir);
    PreparedFactors prepared;
    {
        StageClock c(summary.stages, "preparing factors", options);
        prepare_factors(plan, host, prepared);
        plan.memory = estimate_memory(plan, prepared.halo_cells);
        guard_memory(plan, plan.memory);
    }

    // Outputs: the combined risk, each factor, each factor's extra bands.
    std::map<std::string, std::string> meta;
    meta["MINERISK_VERSION"] = MINERISK_VERSION_STRING;
    meta["MINERISK_SCENARIO"] = plan.scenario.name;
    meta["MINERISK_SCENARIO_FILE"] = fs::absolute(plan.scenario.file).string();
    meta["MINERISK_METHOD"] = plan.scenario.scoring.method;
    meta["MINERISK_AS_OF"] = date_to_string(plan.as_of);
    meta["MINERISK_SCENARIO_DIGEST"] = scenario_digest(plan.scenario.file);
    const std::vector<double> normalised = normalised_weights(plan);
    std::string factor_list;
    for (size_t k = 0; k < plan.factors.size(); ++k) {
        const auto& f = plan.factors[k];
        factor_list += (factor_list.empty() ? "" : "; ") + f.spec.name + "=" + f.plugin->name + " " + f.plugin->version +
                       " weight " + plain(f.spec.weight) + " (normalised " + plain(normalised[k]) + ")" +
                       (f.spec.group.empty() ? "" : " group " + f.spec.group) + " (" + f.params.describe() + ")";
    }
    meta["MINERISK_FACTORS"] = factor_list;

    const std::string out_dir = options.output_dir;
    auto make_info = [&](const std::string& desc, const std::string& unit) {
        RasterInfo info;
        info.description = desc;
        info.unit = unit;
        info.compress = plan.scenario.outputs.compress;
        info.cog = plan.scenario.outputs.format == "COG";
        info.metadata = meta;
        return info;
    };
    std::vector<std::unique_ptr<RasterWriter>> writers;  // [0] = risk, then per factor: score, extras
    std::vector<RasterOutput> rasters;                   // the same, as the exports present them
    auto add_raster = [&](const fs::path& relative, const std::string& name, const std::string& description,
                          const std::string& unit, const std::string& kind, const std::string& what) {
        const std::string path = fs::absolute(fs::path(out_dir) / relative).lexically_normal().string();
        writers.push_back(std::make_unique<RasterWriter>(path, grid, make_info(description, unit)));
        rasters.push_back({path, name, description, unit, kind});
        summary.outputs.push_back({path, what});
        return writers.back().get();
    };
    add_raster("risk.tif", "risk", "combined risk (" + plan.scenario.scoring.method + ")", "", "risk", "combined risk, 0 to 1");
    struct FactorOut {
        RasterWriter* score = nullptr;
        std::vector<RasterWriter*> extras;  // nullptr where not written
    };
    std::vector<FactorOut> fouts(plan.factors.size());
    for (size_t k = 0; k < plan.factors.size(); ++k) {
        const auto& f = plan.factors[k];
        const mr_plugin* api = f.plugin->api;
        if (plan.scenario.outputs.factors)
            fouts[k].score = add_raster(fs::path("factors") / (f.spec.name + ".tif"), f.spec.name,
                                        f.spec.name + " score (" + f.plugin->name + ")", "", "factor",
                                        f.spec.name + " score, 0 to 1");
        for (int b = 0; b < api->extra_band_count; ++b) {
            const auto& bs = api->extra_bands[b];
            fouts[k].extras.push_back(plan.scenario.outputs.extra_bands
                                          ? add_raster(fs::path("factors") / (f.spec.name + "." + bs.name + ".tif"),
                                                       f.spec.name + "." + bs.name, bs.description, bs.unit ? bs.unit : "",
                                                       "extra", bs.description)
                                          : nullptr);
        }
    }

    const Progress progress(options.progress, options.progress_user);
    ZoneCellCollector zone_cells(grid, plan.scenario.zones);
    ScoreStats scored;
    {
        StageClock c(summary.stages, "scoring and writing", options);
        const auto want = [&](size_t k, int b) { return fouts[k].extras[static_cast<size_t>(b - 1)] != nullptr; };
        // Which band of a finished tile each writer takes: (factor, band), risk first as (-1, 0).
        std::vector<std::pair<int, int>> source{{-1, 0}};
        for (size_t k = 0; k < fouts.size(); ++k) {
            if (fouts[k].score) source.emplace_back(static_cast<int>(k), 0);
            for (size_t b = 0; b < fouts[k].extras.size(); ++b)
                if (fouts[k].extras[b]) source.emplace_back(static_cast<int>(k), static_cast<int>(b + 1));
        }
        // Tiles are written on a thread of their own, in tile order (io/ordered_writer.hpp); a few may wait.
        // The zone stage's cells are taken from the risk on the way (ZoneCellCollector).
        OrderedTileWriter tile_writer(2 * static_cast<size_t>(plan.threads) + 2,
                                      [&](const Window& w, const std::vector<std::vector<float>>& bufs) {
                                          for (size_t i = 0; i < writers.size(); ++i) writers[i]->write(w, bufs[i].data());
                                          zone_cells.add_tile(w, bufs[0].data());
                                      });
        const std::int64_t ts = plan.tile_size, tiles_across = (grid.width + ts - 1) / ts;
        // The tile's own buffers go to the writer (swapped with spent ones it gives back): no copy.
        const auto sink = [&](const Window& w, TileBands& tile) {
            auto bufs = tile_writer.take_buffers();
            bufs.resize(source.size());
            for (size_t i = 0; i < source.size(); ++i) {
                const auto [k, b] = source[i];
                std::swap(bufs[i], k < 0 ? tile.risk : tile.factor[static_cast<size_t>(k)][static_cast<size_t>(b)]);
            }
            tile_writer.submit((w.row0 / ts) * tiles_across + w.col0 / ts, w, std::move(bufs));
        };
        scored = score_tiles(plan, host, prepared, combine_spec(plan), want, sink, progress, [&] { tile_writer.abort(); });
        tile_writer.finish(plan.tiles);
    }

    {
        StageClock c(summary.stages, "finishing rasters", options);
        for (size_t i = 0; i < writers.size(); ++i)
            writers[i]->commit(progress.sub(double(i) / writers.size(), double(i + 1) / writers.size()));
        summary.risk_min = scored.risk_min;
        summary.risk_max = scored.risk_max;
        summary.risk_mean = scored.risk_mean;
        for (const auto& w : scored.warnings) summary.warnings.push_back(w);
        for (const auto& w : host.warnings()) summary.warnings.push_back(w);
        summary.notes = host.infos();
    }
    {
        StageClock c(summary.stages, "zones", options);
        ZoneInputs zi;
        zi.collected = &zone_cells;
        zi.scenario = &plan.scenario;
        zi.inputs = &plan.inputs;
        zi.grid = grid;
        zi.as_of = plan.as_of;
        zi.risk_path = writers[0]->path();
        for (size_t k = 0; k < plan.factors.size(); ++k) {
            zi.factor_names.push_back(plan.factors[k].spec.name);
            zi.factor_paths.push_back(fouts[k].score ? fouts[k].score->path() : std::string());
            zi.factor_weights.push_back(plan.factors[k].spec.weight);
        }
        summary.zones = build_zones(zi, progress);
        for (const auto& w : summary.zones.warnings) summary.warnings.push_back(w);
    }
    if (plan.scenario.uncertainty.draws > 0 || plan.scenario.sign_plan.signs > 0 || plan.scenario.outreach_plan.facilitators > 0) {
        StageClock c(summary.stages, "plans", options);  // rank stability, sign plan, outreach plan (engine/plans)
        std::vector<std::string> factor_paths;
        for (const auto& f : fouts) factor_paths.push_back(f.score ? f.score->path() : std::string());
        summary.plans = plans::build_plans(plans::plan_inputs(plan, summary.zones, factor_paths), plan.scenario.uncertainty,
                                           plan.scenario.sign_plan, plan.scenario.outreach_plan, progress);
        for (const auto& w : summary.plans.warnings) summary.warnings.push_back(w);
    }
    {
        StageClock c(summary.stages, "exports", options);
        ExportContext ctx;
        ctx.plan = &plan;
        ctx.summary = &summary;
        ctx.zones = &summary.zones;
        ctx.plans = &summary.plans;
        ctx.output_dir = fs::absolute(out_dir).lexically_normal().string();
        ctx.rasters = rasters;
        std::vector<OutputFile> files;
        std::vector<std::vector<OutputFile> (*)(const ExportContext&)> writers_on;
        if (plan.scenario.outputs.report) writers_on.push_back(write_quicklook), writers_on.push_back(write_reports);
        writers_on.push_back(plan.scenario.outputs.qgis ? write_qgis_outputs : write_zones_only);
        for (auto writer : writers_on)
            for (auto& f : writer(ctx)) files.push_back(f);
        for (auto& f : plans::write_plan_files(summary.plans, ctx.output_dir, plan.scenario.name)) files.push_back(f);
        summary.outputs.insert(summary.outputs.end(), files.begin(), files.end());
    }
    {
        StageClock c(summary.stages, "writing run record", options);
        nlohmann::ordered_json j;
        j["minerisk_version"] = MINERISK_VERSION_STRING;
        j["scenario"] = {{"name", plan.scenario.name}, {"file", fs::absolute(plan.scenario.file).string()},
                         {"digest", scenario_digest(plan.scenario.file)}};
        j["as_of"] = {{"date", date_to_string(plan.as_of)}, {"reason", plan.as_of_reason}};
        j["crs"] = {{"name", plan.inputs.crs_name}, {"reason", plan.inputs.crs_reason}};
        j["grid"] = {{"width", grid.width}, {"height", grid.height}, {"cell_size", grid.cell_size},
                     {"geotransform", grid.geotransform()}};
        j["scoring"]["method"] = plan.scenario.scoring.method;
        const std::vector<double> normalised = normalised_weights(plan);
        for (size_t k = 0; k < plan.factors.size(); ++k) {
            const auto& f = plan.factors[k];
            j["scoring"]["factors"].push_back({{"name", f.spec.name}, {"plugin", f.plugin->name}, {"version", f.plugin->version},
                                               {"library", f.plugin->path}, {"weight", f.spec.weight},
                                               {"normalised_weight", normalised[k]}, {"group", f.spec.group},
                                               {"params", f.params.describe()}});
        }
        for (const auto& l : plan.inputs.layers)
            j["inputs"].push_back({{"role", l.role}, {"source", l.stats.source}, {"layer", l.stats.layer_name},
                                   {"crs", l.stats.source_crs}, {"read", l.stats.read}, {"loaded", l.stats.loaded},
                                   {"repaired", l.stats.repaired}, {"buffered", l.stats.buffered},
                                   {"skipped_null", l.stats.skipped_null}, {"skipped_empty", l.stats.skipped_empty},
                                   {"skipped_bad", l.stats.skipped_bad}});
        j["risk"] = {{"min", summary.risk_min}, {"mean", summary.risk_mean}, {"max", summary.risk_max}};
        j["zones"]["threshold"] = summary.zones.threshold;
        j["zones"]["count"] = summary.zones.zones.size();
        j["zones"]["survey_referrals"] = summary.zones.survey_referrals.size();
        for (const auto& z : summary.zones.zones)
            j["zones"]["ranked"].push_back({{"rank", z.rank}, {"zone", z.id}, {"priority", z.priority},
                                            {"area_ha", z.area_m2 / 1e4}, {"mean_risk", z.mean_risk},
                                            {"action", z.action}});
        for (const auto& st : summary.stages)
            j["stages"].push_back({{"name", st.name}, {"seconds", st.seconds}, {"cpu_seconds", st.cpu_seconds}});
        if (summary.plans.any()) j["plans"] = plans::plans_record(summary.plans);
        j["warnings"] = summary.warnings;
        j["notes"] = summary.notes;
        for (const auto& o : summary.outputs) j["outputs"].push_back({{"file", fs::relative(o.path, out_dir).string()}, {"what", o.what}});
        const std::string run_json = (fs::path(out_dir) / "run.json").string();
        write_text_atomically(run_json, j.dump(2) + "\n");
        summary.outputs.push_back({run_json, "the run's scenario, plugin versions, weights, inputs and warnings"});
    }
    return summary;
}

}  // namespace minerisk
