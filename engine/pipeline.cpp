// The order of a run, and nothing else: each stage has its owner (run/ binds the factors, checks the resources
// and the output folder, sets up the rasters; scoring/ scores the tiles; zones/ and plans/ compute; export/ writes),
// and this file only calls them in turn and times them. As GDAL's utilities are thin over the library, and PDAL's
// pipeline runs stages it does not know the inside of.
#include "minerisk/pipeline.hpp"

#include <gdal_priv.h>
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "io/ordered_writer.hpp"
#include "io/scored_tiles.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/exports.hpp"
#include "minerisk/output_folder.hpp"
#include "minerisk/output_transaction.hpp"
#include "minerisk/resources.hpp"
#include "run/as_of.hpp"
#include "run/factor_binding.hpp"
#include "run/fit_weights.hpp"
#include "run/raster_outputs.hpp"
#include "run/stage_clock.hpp"
#include "scoring/host.hpp"
#include "scoring/scoring_run.hpp"

namespace fs = std::filesystem;

namespace minerisk {

namespace {

Extent grid_extent(const Scenario& scenario, const Inputs& inputs, const FeatureLayer& area) {
    if (scenario.extent) return *scenario.extent;
    // The area of interest decides the grid: cells outside it are no data anyway, and records (of any date)
    // outside it cannot widen the map.
    if (area.size() > 0) return area.extent();
    const Extent data = inputs.extent();
    if (data.empty())
        throw Error("'extent: auto' needs features, and the inputs have none",
                    scenario.extent_where.line ? scenario.extent_where : Location{scenario.file},
                    "check the inputs' filters, or give 'extent: [xmin, ymin, xmax, ymax]'");
    return data.grown(scenario.margin);
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

// GDAL's block cache defaults to 5 % of the machine's memory and holds written blocks until it is full: on a big
// machine that alone is gigabytes. Tiles are written once and never read back, so a modest cache loses nothing (a
// user's GDAL_CACHEMAX wins). Tiles allocate and free the same large buffers over and over: by default glibc maps
// and unmaps each, and the kernel zeroes every page again each time (a tenth of a run's CPU). Keep freed memory
// for reuse instead; what is kept is bounded by the tiles in flight and GDAL's cache.
void tune_memory() {
    if (!CPLGetConfigOption("GDAL_CACHEMAX", nullptr)) GDALSetCacheMax64(kGdalCacheBytes);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
}

// Scores every tile on all threads. Each finished tile goes to the scored-tile store (from the worker: compressed
// there, in parallel) and, in tile order on a thread of its own, to the raster writers and the zone collector.
ScoreStats score_and_write(const RunPlan& plan, Host& host, const PreparedFactors& prepared, RunRasters& rasters,
                           ScoredTiles& scored, ZoneCellCollector& zone_cells, const Progress& progress,
                           TileShare* share) {
    const auto& sources = rasters.sources();
    OrderedTileWriter tile_writer(2 * static_cast<size_t>(plan.threads) + 2,
                                  [&](const Window& w, const std::vector<std::vector<float>>& bufs) {
                                      rasters.write(w, bufs);
                                      zone_cells.add_tile(w, bufs[0].data());
                                  });
    const std::int64_t ts = plan.tile_size, tiles_across = (plan.grid.width + ts - 1) / ts;
    // The tile's own buffers go to the writer (swapped with spent ones it gives back): no copy.
    const auto sink = [&](const Window& w, TileBands& tile) {
        scored.put(w, 0, tile.risk.data());
        for (size_t k = 0; k < tile.factor.size(); ++k) scored.put(w, static_cast<int>(k) + 1, tile.factor[k][0].data());
        auto bufs = tile_writer.take_buffers();
        bufs.resize(sources.size());
        for (size_t i = 0; i < sources.size(); ++i) {
            const auto [k, b] = sources[i];
            std::swap(bufs[i], k < 0 ? tile.risk : tile.factor[static_cast<size_t>(k)][static_cast<size_t>(b)]);
        }
        tile_writer.submit((w.row0 / ts) * tiles_across + w.col0 / ts, w, std::move(bufs));
    };
    const auto want = [&](size_t k, int b) { return rasters.wants_extra(k, b); };
    ScoreStats stats = score_tiles(plan, host, prepared, combine_spec(plan), want, sink, progress, [&] { tile_writer.abort(); }, share);
    tile_writer.finish(plan.tiles);
    return stats;
}

ZoneInputs zone_inputs(const RunPlan& plan, const ScoredTiles& scored, ZoneCellCollector& zone_cells) {
    ZoneInputs zi;
    zi.collected = &zone_cells;
    zi.scored = &scored;
    zi.scenario = &plan.scenario;
    zi.inputs = &plan.inputs;
    zi.grid = plan.grid;
    zi.as_of = plan.as_of;
    zi.rules = plan.hazard_rules;
    for (const auto& f : plan.factors) {
        zi.factor_names.push_back(f.spec.name);
        zi.factor_weights.push_back(f.spec.weight);
    }
    return zi;
}

// Every stage's warnings pass here: masked once more, so that no warning of any stage can carry a connection's
// password into run.json or the report (the readers mask theirs at the source too).
void add_warnings(std::vector<std::string>& to, const std::vector<std::string>& from) {
    for (const auto& w : from) to.push_back(mask_secrets(w));
}

}  // namespace

RunPlan plan_run(const Scenario& scenario, const RunOptions& options) {
    GDALAllRegister();
    RunPlan plan;
    plan.started = now_unix();
    plan.command_line = options.command_line;
    plan.scenario = scenario;
    plan.scenario_digest = scenario_digest(scenario.file);
    add_warnings(plan.warnings, scenario.warnings);
    {
        StageClock c(plan.stages, "checking plugins", options.on_stage);
        bind_factors(plan);
    }
    {
        StageClock c(plan.stages, "reading inputs", options.on_stage);
        plan.inputs = load_inputs(plan.scenario, Progress(options.progress, options.progress_user));
        // The areas that summary_by ranks, in the working CRS the inputs chose.
        if (scenario.areas && !scenario.summary_by.empty())
            plan.areas = load_polygon_input(*scenario.areas, plan.inputs, plan.inputs.warnings);
        if (scenario.area) plan.area = load_polygon_input(*scenario.area, plan.inputs, plan.inputs.warnings);
    }
    // Inputs' warnings (including empty layers: load_inputs warns, naming the file) after the plugins'.
    add_warnings(plan.warnings, plan.inputs.warnings);

    const Extent extent = grid_extent(scenario, plan.inputs, plan.area);
    // The parser and the input reader check this already; again here for plans built by other callers.
    check_grid_size(scenario, extent, !scenario.extent);
    plan.grid = GridSpec::from_extent(extent, scenario.resolution, plan.inputs.crs_wkt);
    choose_as_of(plan, today_days());

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

// Every stage after the plan, writing into `out_dir` (the transaction's staging folder).
RunSummary run_stages(RunPlan& plan, const RunOptions& options, const std::string& out_dir) {
    RunSummary summary;
    summary.stages = plan.stages;
    summary.warnings = plan.warnings;
    const Progress progress(options.progress, options.progress_user);

    if (plan.scenario.scoring.method == "fitted") {  // the weights from the incidents before as_of (docs/scenario.md)
        StageClock c(summary.stages, "fitting weights", options.on_stage);
        fit_weights(plan, plan.as_of, progress);
        for (const auto& n : plan.fit.notes) summary.notes.push_back("fitted " + n);
    }
    Host host(plan.inputs, plan.grid);
    host.set_run_context(plan.as_of, plan.scenario.dir);
    PreparedFactors prepared;
    {
        StageClock c(summary.stages, "preparing factors", options.on_stage);
        prepare_factors(plan, host, prepared);
        plan.memory = estimate_memory(plan, prepared.halo_cells);
        guard_memory(plan, plan.memory);
    }
    RunRasters rasters(plan, out_dir, summary.outputs);
    ScoredTiles scored(plan.grid, plan.tile_size, static_cast<int>(plan.factors.size()) + 1,
                       temporary_path_for((fs::path(out_dir) / "scored-tiles").string()));
    ZoneCellCollector zone_cells(plan.grid, plan.scenario.zones);
    {
        StageClock c(summary.stages, "scoring and writing", options.on_stage);
        const ScoreStats scoring = score_and_write(plan, host, prepared, rasters, scored, zone_cells, progress,
                                                     options.tile_share);
        summary.risk_min = scoring.risk_min;
        summary.risk_max = scoring.risk_max;
        summary.risk_mean = scoring.risk_mean;
        if (options.tile_share && options.tile_share->ranks() > 1) plan.rank_shares = options.tile_share->shares();
        add_warnings(summary.warnings, scoring.warnings);
        add_warnings(summary.warnings, host.warnings());
        for (auto& n : host.infos()) summary.notes.push_back(std::move(n));
    }
    scored.use_threads(static_cast<int>(plan.threads));  // the scoring threads are done: decompress on every core
    {
        StageClock c(summary.stages, "zones", options.on_stage);
        summary.zones = build_zones(zone_inputs(plan, scored, zone_cells), progress);
        add_warnings(summary.warnings, summary.zones.warnings);
    }
    const Scenario& sc = plan.scenario;
    if (sc.uncertainty.draws > 0 || sc.sign_plan.signs > 0 || sc.outreach_plan.facilitators > 0) {
        StageClock c(summary.stages, "plans", options.on_stage);  // rank stability, sign plan, outreach plan
        summary.plans = plans::build_plans(plans::plan_inputs(plan, summary.zones, &scored), sc.uncertainty, sc.sign_plan,
                                           sc.outreach_plan, progress);
        add_warnings(summary.warnings, summary.plans.warnings);
    }
    if (!sc.summary_by.empty()) {
        StageClock c(summary.stages, "areas", options.on_stage);  // the areas of summary_by ranked (docs/areas.md)
        summary.areas = areas::rank_areas(plan.areas, plans::plan_inputs(plan, summary.zones, &scored), progress);
        add_warnings(summary.warnings, summary.areas.warnings);
    }

    // The exports, in the list's order, each stage timed as a whole (export/exporters.cpp).
    ExportContext ctx;
    ctx.plan = &plan;
    ctx.summary = &summary;
    ctx.scored = &scored;
    ctx.output_dir = out_dir;
    ctx.commit_rasters = [&] { rasters.commit(ctx.progress); };
    ctx.progress = progress;
    const auto& list = exporters();
    for (size_t i = 0; i < list.size();) {
        const std::string stage = list[i].stage;
        StageClock c(summary.stages, stage, options.on_stage);
        ctx.rasters = rasters.presented();
        for (; i < list.size() && list[i].stage == stage; ++i) {
            if (cancel_requested()) throw Error("cancelled");  // between exports: each is short
            if (!list[i].enabled(sc)) continue;
            for (auto& f : list[i].write(ctx)) summary.outputs.push_back(std::move(f));
        }
    }
    return summary;
}

}  // namespace

RunSummary execute_run(RunPlan& plan, const RunOptions& options) {
    tune_memory();
    // One transaction: written into a staging folder, switched into place once complete (docs/design.md).
    OutputTransaction outputs(options.output_dir, options.overwrite, files_read(plan.scenario), {"factors"});
    RunSummary summary;
    try {
        summary = run_stages(plan, options, outputs.staging());
    } catch (const Error& e) {
        throw outputs.published(e);
    }
    outputs.commit();  // not a timed stage: run.json and the report, written before it, list every stage
    for (auto& f : summary.outputs) f.path = outputs.published_path(f.path);
    return summary;
}

void score_for_assembler(RunPlan& plan, const RunOptions& options) {
    if (!options.tile_share || options.tile_share->rank() == 0)
        throw Error("internal error: score_for_assembler is for the ranks other than 0");
    test_kill_point("rank scoring");  // a rank that dies (tests/integration/test_mpi.cpp)
    tune_memory();
    const Progress progress(options.progress, options.progress_user);
    if (plan.scenario.scoring.method == "fitted") fit_weights(plan, plan.as_of, progress);  // as rank 0 does: same data
    Host host(plan.inputs, plan.grid);
    host.set_run_context(plan.as_of, plan.scenario.dir);
    PreparedFactors prepared;
    prepare_factors(plan, host, prepared);
    // The bands rank 0 writes: every extra band when the scenario writes them (RunRasters::wants_extra).
    const bool extras = plan.scenario.outputs.extra_bands;
    score_tiles(plan, host, prepared, combine_spec(plan), [&](size_t, int) { return extras; }, nullptr, progress, {},
                options.tile_share);
}

}  // namespace minerisk
