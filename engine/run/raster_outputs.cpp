// The run's rasters, their metadata (MINERISK_* items: what made them), and their ranges.
#include "run/raster_outputs.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <mutex>

#include "export/qgis_rasters.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/error.hpp"
#include "minerisk/version.hpp"
#include "scoring/scoring_run.hpp"

namespace fs = std::filesystem;

namespace minerisk {

namespace {

std::string plain(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

// The dataset metadata every raster of the run carries: enough to tell which scenario, version and weights made it.
std::map<std::string, std::string> run_metadata(const RunPlan& plan) {
    std::map<std::string, std::string> meta;
    meta["MINERISK_VERSION"] = MINERISK_VERSION_STRING;
    // The TIFF Software and DateTime tags, which gdalinfo and QGIS show. DateTime is the as-of date at 00:00:00
    // (the day the map describes), not the clock: two runs of the same scenario must give the same bytes. The
    // run's real time and its command line are in run.json (docs/outputs.md).
    meta["TIFFTAG_SOFTWARE"] = std::string("minerisk ") + MINERISK_VERSION_STRING;
    std::string day = date_to_string(plan.as_of);  // "2026-07-01" -> TIFF's "2026:07:01 00:00:00"
    std::replace(day.begin(), day.end(), '-', ':');
    meta["TIFFTAG_DATETIME"] = day + " 00:00:00";
    // The libraries that computed and wrote the rasters, as run.json's "libraries" says them.
    const VersionInfo v = versions();
    meta["MINERISK_LIBRARIES"] = "GDAL " + v.gdal + ", GEOS " + v.geos + ", PROJ " + v.proj;
    meta["MINERISK_SCENARIO"] = plan.scenario.name;
    meta["MINERISK_SCENARIO_FILE"] = fs::absolute(plan.scenario.file).string();
    meta["MINERISK_METHOD"] = plan.scenario.scoring.method;
    meta["MINERISK_AS_OF"] = date_to_string(plan.as_of);
    meta["MINERISK_SCENARIO_DIGEST"] = plan.scenario_digest;
    const std::vector<double> normalised = normalised_weights(combine_spec(plan));
    std::string factor_list;
    for (size_t k = 0; k < plan.factors.size(); ++k) {
        const auto& f = plan.factors[k];
        factor_list += (factor_list.empty() ? "" : "; ") + f.spec.name + "=" + f.plugin->name + " " + f.plugin->version +
                       " weight " + plain(f.spec.weight) + " (normalised " + plain(normalised[k]) + ")" +
                       (f.spec.group.empty() ? "" : " group " + f.spec.group) + " (" + f.params.describe() + ")";
    }
    meta["MINERISK_FACTORS"] = factor_list;
    return meta;
}

}  // namespace

RunRasters::RunRasters(const RunPlan& plan, const std::string& out_dir, std::vector<OutputFile>& outputs)
    : out_dir_(out_dir), metadata_(run_metadata(plan)) {
    sources_.emplace_back(-1, 0);
    add(plan, "risk.tif", "risk", "combined risk (" + plan.scenario.scoring.method + ")", "", "risk", "combined risk, 0 to 1",
        outputs);
    extra_written_.resize(plan.factors.size());
    for (size_t k = 0; k < plan.factors.size(); ++k) {
        const auto& f = plan.factors[k];
        const mr_plugin* api = f.plugin->api;
        if (plan.scenario.outputs.factors) {
            sources_.emplace_back(static_cast<int>(k), 0);
            add(plan, (fs::path("factors") / (f.spec.name + ".tif")).string(), f.spec.name,
                f.spec.name + " score (" + f.plugin->name + ")", "", "factor", f.spec.name + " score, 0 to 1", outputs);
        }
        for (int b = 0; b < api->extra_band_count; ++b) {
            const auto& bs = api->extra_bands[b];
            extra_written_[k].push_back(plan.scenario.outputs.extra_bands);
            if (!plan.scenario.outputs.extra_bands) continue;
            sources_.emplace_back(static_cast<int>(k), b + 1);
            add(plan, (fs::path("factors") / (f.spec.name + "." + bs.name + ".tif")).string(), f.spec.name + "." + bs.name,
                bs.description, bs.unit ? bs.unit : "", "extra", bs.description, outputs);
        }
    }
    range_.assign(writers_.size(), {NAN, NAN});
    // A sentinel's class in the QGIS style needs the largest real value: gathered here rather than read back.
    for (const auto& r : presented_) {
        std::string word;
        sentinel_.push_back(static_cast<float>(qgis::described_sentinel(r.description, word)));
    }
    below_sentinel_.assign(writers_.size(), NAN);
    pool_ = std::make_unique<TaskPool>(std::max(1, std::min<int>(plan.threads, static_cast<int>(writers_.size()))));
}

RasterWriter* RunRasters::add(const RunPlan& plan, const std::string& relative, const std::string& name,
                              const std::string& description, const std::string& unit, const std::string& kind,
                              const std::string& what, std::vector<OutputFile>& outputs) {
    const std::string path = fs::absolute(fs::path(out_dir_) / relative).lexically_normal().string();
    RasterInfo info;
    info.description = description;
    info.unit = unit;
    info.compress = plan.scenario.outputs.compress;
    info.cog = plan.scenario.outputs.format == "COG";
    info.metadata = metadata_;
    writers_.push_back(std::make_unique<RasterWriter>(path, plan.grid, info));
    presented_.push_back({path, name, description, unit, kind});
    outputs.push_back({path, what});
    return writers_.back().get();
}

bool RunRasters::wants_extra(size_t factor, int band) const {
    return extra_written_[factor][static_cast<size_t>(band - 1)] != 0;
}

void RunRasters::write(const Window& tile, const std::vector<std::vector<float>>& bufs) {
    pool_->run(writers_.size(), [&](size_t i) {
        writers_[i]->write(tile, bufs[i].data());
        // NaN fails both comparisons, so it is skipped without a branch (a loop the compiler vectorises).
        float lo = INFINITY, hi = -INFINITY;
        for (const float v : bufs[i]) {
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        if (!(lo <= hi)) return;  // no cell with data
        auto& [min, max] = range_[i];
        if (!(lo >= min)) min = lo;
        if (!(hi <= max)) max = hi;
        if (const float sentinel = sentinel_[i]; !std::isnan(sentinel)) {
            float below = -INFINITY;
            for (const float v : bufs[i]) below = (v < sentinel && v > below && std::isfinite(v)) ? v : below;
            if (std::isfinite(below) && !(below <= below_sentinel_[i])) below_sentinel_[i] = below;
        }
    });
}

// The rasters are finished in parallel too (each one's head and overviews written in front of its blocks);
// progress is reported as each is done, from one thread at a time.
void RunRasters::commit(const Progress& progress) {
    std::mutex reporting;
    std::size_t done = 0;
    bool cancelled = false;
    pool_->run(writers_.size(), [&](size_t i) {
        writers_[i]->commit();
        std::lock_guard<std::mutex> lock(reporting);
        ++done;
        if (!progress.report(double(done) / double(writers_.size()), "")) cancelled = true;
    });
    if (cancelled) throw Error("cancelled");
}

std::vector<RasterOutput> RunRasters::presented() const {
    std::vector<RasterOutput> out = presented_;
    for (size_t i = 0; i < out.size(); ++i) {
        out[i].min = range_[i].first, out[i].max = range_[i].second;
        out[i].max_below_sentinel = below_sentinel_[i];
    }
    return out;
}

}  // namespace minerisk
