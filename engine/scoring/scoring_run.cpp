#include "scoring/scoring_run.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>

#include "minerisk/error.hpp"
#include "scoring/area_mask.hpp"

namespace minerisk {

namespace {

// Every call into a plugin goes through here: an exception that escapes a plugin (it should return an error
// code and a message instead) becomes an Error naming the plugin, the function and the factor's line.
template <class F>
auto call_plugin(const BoundFactor& f, const char* function, F&& fn) -> decltype(fn()) {
    const auto fail = [&](const std::string& what) {
        return Error("plugin '" + f.plugin->name + "' threw " + what + " from " + function + "() (factor '" + f.spec.name + "')",
                     f.spec.where, "report this to the plugin's author: a plugin returns MR_ERROR with a message, it must not throw");
    };
    try {
        return fn();
    } catch (const std::exception& e) {
        throw fail(std::string("an exception (") + e.what() + ")");
    } catch (...) {
        throw fail("an exception");
    }
}

}  // namespace

PreparedFactors::~PreparedFactors() {
    // A plugin that throws from release() cannot take the engine down while it unwinds another error.
    for (size_t i = 0; i < states.size(); ++i)
        if (states[i]) try {
                apis[i]->release(states[i]);
            } catch (...) {
            }
}

void prepare_factors(RunPlan& plan, const Host& host, PreparedFactors& out) {
    for (auto& f : plan.factors) {
        char err[1024] = "";
        void* state = nullptr;
        const mr_plugin* api = f.plugin->api;
        const int rc = call_plugin(f, "prepare", [&] {
            return api->prepare(host.table(), host.grid(), f.params.data(), f.params.size(), &state, err, sizeof err);
        });
        if (rc != MR_OK)
            throw Error("plugin '" + f.plugin->name + "' could not prepare factor '" + f.spec.name + "': " +
                            (*err ? err : "no reason given"),
                        f.spec.where, "check the factor's parameters and inputs");
        out.apis.push_back(api);
        out.states.push_back(state);
        const double reach = call_plugin(f, "reach", [&] { return api->reach(state); });
        if (!(reach >= 0) || !std::isfinite(reach))
            throw Error("plugin '" + f.plugin->name + "' gave a reach of " + std::to_string(reach) + " m (factor '" + f.spec.name + "')",
                        f.spec.where, "report this to the plugin's author: reach() returns a finite distance in metres, 0 or more");
        out.halo_cells.push_back(std::ceil(reach / plan.grid.cell_size));
    }
}

CombineSpec combine_spec(const RunPlan& plan) {
    CombineSpec spec;
    spec.method = plan.scenario.scoring.method;
    for (const auto& f : plan.factors) {
        spec.weights.push_back(f.spec.weight);
        spec.group.push_back(f.spec.group == "consequence" ? 1 : 0);
    }
    return spec;
}

namespace {

// A value no plugin writes: a cell still holding it after score() was never filled.
constexpr std::uint32_t kUnfilledBits = 0x7fc0dead;  // a quiet NaN with a payload of our own

float unfilled() {
    float f;
    std::memcpy(&f, &kUnfilledBits, sizeof f);
    return f;
}

bool is_unfilled(float v) {
    std::uint32_t b;
    std::memcpy(&b, &v, sizeof b);
    return b == kUnfilledBits;
}

std::string cell_text(const Window& w, size_t i) {
    return "column " + std::to_string(w.col0 + static_cast<std::int64_t>(i) % w.width) + ", row " +
           std::to_string(w.row0 + static_cast<std::int64_t>(i) / w.width);
}

// What a plugin gave for one tile, checked: never a crash or a silent wrong map downstream.
void check_scores(const BoundFactor& f, const Window& w, const float* s, size_t cells, std::int64_t& nan_cells) {
    for (size_t i = 0; i < cells; ++i) {
        const float v = s[i];
        if (v >= 0.0f && v <= 1.0f) continue;
        if (is_unfilled(v))
            throw Error("plugin '" + f.plugin->name + "' left the cell at " + cell_text(w, i) + " unfilled (factor '" +
                            f.spec.name + "')",
                        f.spec.where, "report this to the plugin's author: score() must write every cell of its block");
        if (std::isnan(v)) {
            ++nan_cells;
            continue;
        }
        throw Error("plugin '" + f.plugin->name + "' gave " + std::to_string(v) + " at " + cell_text(w, i) +
                        ", outside [0, 1] (factor '" + f.spec.name + "')",
                    f.spec.where, "report this to the plugin's author");
    }
}

}  // namespace

ScoreStats score_tiles(const RunPlan& plan, Host& host, const PreparedFactors& prepared, const CombineSpec& cspec,
                       const WantBand& want, const TileSink& sink, const Progress& progress,
                       const std::function<void()>& on_failure) {
    const GridSpec& grid = plan.grid;
    // Tiles, row-major; workers take the next one. Each tile is independent, so results do not depend on
    // the number of threads or the order tiles finish in.
    const std::int64_t ts = plan.tile_size;
    std::vector<Window> tiles;
    for (std::int64_t r = 0; r < grid.height; r += ts)
        for (std::int64_t c = 0; c < grid.width; c += ts)
            tiles.push_back({c, r, std::min(ts, grid.width - c), std::min(ts, grid.height - r)});
    struct TileStats {
        double sum = 0, min = INFINITY, max = -INFINITY;
        std::int64_t n = 0;
    };
    std::vector<TileStats> tile_stats(tiles.size());
    const AreaMask area(plan.area, plan.grid);
    std::vector<std::atomic<std::int64_t>> nan_cells(plan.factors.size());
    std::atomic<std::int64_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex progress_mutex;
    std::int64_t done = 0;

    auto worker = [&]() {
        try {
            // Per factor, per band: reused from tile to tile (unless the sink keeps them).
            TileBands tb;
            tb.factor.resize(plan.factors.size());
            auto& buffers = tb.factor;
            std::vector<std::vector<float*>> bands(plan.factors.size());
            std::vector<const float*> scores(plan.factors.size());
            std::vector<float>& risk = tb.risk;
            while (!failed) {
                if (cancel_requested() || host.cancelled()) {
                    host.cancel();
                    throw Error("cancelled");
                }
                const std::int64_t t = next++;
                if (t >= static_cast<std::int64_t>(tiles.size())) break;
                const Window& w = tiles[static_cast<size_t>(t)];
                const size_t cells = static_cast<size_t>(w.cells());
                for (size_t k = 0; k < plan.factors.size(); ++k) {
                    const mr_plugin* api = prepared.apis[k];
                    const int nb = 1 + api->extra_band_count;
                    buffers[k].resize(static_cast<size_t>(nb));
                    bands[k].assign(static_cast<size_t>(nb), nullptr);
                    for (int b = 0; b < nb; ++b) {
                        if (b > 0 && !want(k, b)) continue;
                        auto& buf = buffers[k][static_cast<size_t>(b)];
                        buf.assign(cells, b == 0 ? unfilled() : std::nanf(""));
                        bands[k][static_cast<size_t>(b)] = buf.data();
                    }
                    char err[1024] = "";
                    const int rc = call_plugin(plan.factors[k], "score", [&] {
                        return api->score(prepared.states[k], host.table(), to_c(w), bands[k].data(), err, sizeof err);
                    });
                    if (rc == MR_CANCELLED) throw Error("cancelled");
                    if (rc != MR_OK)
                        throw Error("plugin '" + plan.factors[k].plugin->name + "' failed on the block at column " +
                                        std::to_string(w.col0) + ", row " + std::to_string(w.row0) + ": " +
                                        (*err ? err : "no reason given"),
                                    plan.factors[k].spec.where);
                    std::int64_t nans = 0;
                    check_scores(plan.factors[k], w, bands[k][0], cells, nans);
                    if (nans) nan_cells[k] += nans;
                    scores[k] = bands[k][0];
                }
                risk.resize(cells);
                combine(cspec, scores, static_cast<long long>(cells), risk.data());
                if (!area.everywhere()) {  // outside the area of interest every band is no data
                    std::vector<float*> all{risk.data()};
                    for (const auto& kb : bands) all.insert(all.end(), kb.begin(), kb.end());
                    area.clear_outside(w, all);
                }
                TileStats st;
                for (float v : risk)
                    if (!std::isnan(v)) st.sum += v, st.min = std::min<double>(st.min, v), st.max = std::max<double>(st.max, v), ++st.n;
                tile_stats[static_cast<size_t>(t)] = st;
                for (size_t k = 0; k < buffers.size(); ++k)  // bands not wanted: nothing for the sink
                    for (size_t b = 1; b < buffers[k].size(); ++b)
                        if (!bands[k][b]) buffers[k][b].clear();
                sink(w, tb);
                std::lock_guard<std::mutex> lock(progress_mutex);
                ++done;
                if (!progress.report(double(done) / tiles.size(), "scoring")) {
                    host.cancel();
                    throw Error("cancelled");
                }
            }
        } catch (...) {
            bool first = false;
            {
                std::lock_guard<std::mutex> lock(progress_mutex);
                if (!error) error = std::current_exception(), first = true;
                failed = true;
            }
            if (first && on_failure) on_failure();
        }
    };
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < plan.threads; ++i) pool.emplace_back(worker);
    worker();
    for (auto& th : pool) th.join();
    if (error) std::rethrow_exception(error);

    ScoreStats out;
    TileStats all;
    for (const auto& st : tile_stats)
        all.sum += st.sum, all.n += st.n, all.min = std::min(all.min, st.min), all.max = std::max(all.max, st.max);
    out.risk_min = all.n ? all.min : 0;
    out.risk_max = all.n ? all.max : 0;
    out.risk_mean = all.n ? all.sum / all.n : 0;
    for (size_t k = 0; k < plan.factors.size(); ++k)
        if (nan_cells[k] > 0)
            out.warnings.push_back("factor '" + plan.factors[k].spec.name + "' (plugin " + plan.factors[k].plugin->name +
                                   ") gave no data (NaN) for " + std::to_string(nan_cells[k].load()) +
                                   " cell(s): the combined risk is no data there");
    return out;
}

}  // namespace minerisk
