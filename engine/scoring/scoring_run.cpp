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

namespace {

// A tile's bands in the order they travel: the risk, then each factor's bands (tile_share.hpp).
SharedTile pack_tile(const TileBands& tb, double sum, double min, double max, std::int64_t n,
                     const std::vector<std::int64_t>& nans) {
    SharedTile m;
    m.bands.push_back(tb.risk);
    for (const auto& f : tb.factor)
        for (const auto& b : f) m.bands.push_back(b);
    m.risk_sum = sum, m.risk_min = min, m.risk_max = max, m.risk_cells = n;
    m.nan_cells = nans;
    return m;
}

void unpack_tile(SharedTile& m, const PreparedFactors& prepared, TileBands& tb) {
    size_t i = 0;
    const auto next = [&]() -> std::vector<float> {
        if (i >= m.bands.size()) throw Error("internal error: a rank sent a tile with too few bands");
        return std::move(m.bands[i++]);
    };
    tb.risk = next();
    tb.factor.resize(prepared.apis.size());
    for (size_t k = 0; k < prepared.apis.size(); ++k) {
        tb.factor[k].resize(static_cast<size_t>(1 + prepared.apis[k]->extra_band_count));
        for (auto& b : tb.factor[k]) b = next();
    }
}

}  // namespace

namespace {

struct TileStats {
    double sum = 0, min = INFINITY, max = -INFINITY;
    std::int64_t n = 0;
};

// One call of score_tiles: the tiles, what the threads share, and the three jobs a thread can have.
class TileScoring {
public:
    TileScoring(const RunPlan& plan, Host& host, const PreparedFactors& prepared, const CombineSpec& cspec,
                const WantBand& want, const TileSink& sink, const Progress& progress,
                const std::function<void()>& on_failure, TileShare* share)
        : plan_(plan), host_(host), prepared_(prepared), cspec_(cspec), want_(want), sink_(sink), progress_(progress),
          on_failure_(on_failure), share_(share), area_(plan.area, plan.grid), nan_cells_(plan.factors.size()) {
        // Tiles, row-major; workers take the next one. Each tile is independent, so results do not depend on
        // the number of threads or the order tiles finish in.
        const GridSpec& grid = plan.grid;
        const std::int64_t ts = plan.tile_size;
        for (std::int64_t r = 0; r < grid.height; r += ts)
            for (std::int64_t c = 0; c < grid.width; c += ts)
                tiles_.push_back({c, r, std::min(ts, grid.width - c), std::min(ts, grid.height - r)});
        tile_stats_.resize(tiles_.size());
        sender_ = share && share->rank() > 0;
        to_report_ = tiles_.size();
    }

    ScoreStats run() {
        std::vector<std::thread> pool;
        if (share_ && share_->rank() == 0 && share_->ranks() > 1) pool.emplace_back([this] { guarded(&TileScoring::receive); });
        for (unsigned i = 1; i < plan_.threads; ++i) pool.emplace_back([this] { guarded(&TileScoring::work); });
        guarded(&TileScoring::work);
        for (auto& th : pool) th.join();
        if (error_) std::rethrow_exception(error_);
        if (sender_) share_->finish();
        return stats();
    }

private:
    // Runs a thread's job; the first failure of any thread is kept, stops the others and calls on_failure.
    void guarded(void (TileScoring::*job)()) {
        try {
            (this->*job)();
        } catch (...) {
            bool first = false;
            {
                std::lock_guard<std::mutex> lock(mutex_);
                if (!error_) error_ = std::current_exception(), first = true;
                failed_ = true;
            }
            if (first && on_failure_) on_failure_();
        }
    }

    void tile_done(bool cancel_host) {
        std::lock_guard<std::mutex> lock(mutex_);
        ++done_;
        if (!progress_.report(double(done_) / to_report_, "scoring")) {
            if (cancel_host) host_.cancel();
            throw Error("cancelled");
        }
    }

    // A worker thread: takes this rank's next tile until none is left.
    void work() {
        // Per factor, per band: reused from tile to tile (unless the sink keeps them).
        TileBands tb;
        tb.factor.resize(plan_.factors.size());
        std::vector<std::vector<float*>> bands(plan_.factors.size());
        while (!failed_) {
            if (cancel_requested() || host_.cancelled()) {
                host_.cancel();
                throw Error("cancelled");
            }
            // Under MPI rank 0 hands the tiles out (tile_share.hpp); else the next in row-major order.
            const std::int64_t t = share_ ? share_->take() : next_++;
            if (t < 0 || t >= static_cast<std::int64_t>(tiles_.size())) break;
            score_tile(t, tb, bands);
            tile_done(true);
        }
    }

    void score_tile(std::int64_t t, TileBands& tb, std::vector<std::vector<float*>>& bands) {
        auto& buffers = tb.factor;
        std::vector<const float*> scores(plan_.factors.size());
        std::vector<std::int64_t> tile_nans(plan_.factors.size(), 0);
        const Window& w = tiles_[static_cast<size_t>(t)];
        const size_t cells = static_cast<size_t>(w.cells());
        for (size_t k = 0; k < plan_.factors.size(); ++k) {
            const mr_plugin* api = prepared_.apis[k];
            const int nb = 1 + api->extra_band_count;
            buffers[k].resize(static_cast<size_t>(nb));
            bands[k].assign(static_cast<size_t>(nb), nullptr);
            for (int b = 0; b < nb; ++b) {
                if (b > 0 && !want_(k, b)) continue;
                auto& buf = buffers[k][static_cast<size_t>(b)];
                buf.assign(cells, b == 0 ? unfilled() : std::nanf(""));
                bands[k][static_cast<size_t>(b)] = buf.data();
            }
            char err[1024] = "";
            const int rc = call_plugin(plan_.factors[k], "score", [&] {
                return api->score(prepared_.states[k], host_.table(), to_c(w), bands[k].data(), err, sizeof err);
            });
            if (rc == MR_CANCELLED) throw Error("cancelled");
            if (rc != MR_OK)
                throw Error("plugin '" + plan_.factors[k].plugin->name + "' failed on the block at column " +
                                std::to_string(w.col0) + ", row " + std::to_string(w.row0) + ": " +
                                (*err ? err : "no reason given"),
                            plan_.factors[k].spec.where);
            std::int64_t nans = 0;
            check_scores(plan_.factors[k], w, bands[k][0], cells, nans);
            if (nans) nan_cells_[k] += nans;
            tile_nans[k] = nans;
            scores[k] = bands[k][0];
        }
        tb.risk.resize(cells);
        combine(cspec_, scores, static_cast<long long>(cells), tb.risk.data());
        if (!area_.everywhere()) {  // outside the area of interest every band is no data
            std::vector<float*> all{tb.risk.data()};
            for (const auto& kb : bands) all.insert(all.end(), kb.begin(), kb.end());
            area_.clear_outside(w, all);
        }
        TileStats st;
        for (float v : tb.risk)
            if (!std::isnan(v)) st.sum += v, st.min = std::min<double>(st.min, v), st.max = std::max<double>(st.max, v), ++st.n;
        tile_stats_[static_cast<size_t>(t)] = st;
        for (size_t k = 0; k < buffers.size(); ++k)  // bands not wanted: nothing for the sink
            for (size_t b = 1; b < buffers[k].size(); ++b)
                if (!bands[k][b]) buffers[k][b].clear();
        if (sender_)
            share_->send(t, pack_tile(tb, st.sum, st.min, st.max, st.n, tile_nans));
        else
            sink_(w, tb);
    }

    // Rank 0 under MPI, on a thread of its own: the other ranks' tiles, in tile order, through the same sink as
    // its own, so that what follows the sink is the one-process code.
    void receive() {
        SharedTile msg;
        TileBands tb;
        for (std::int64_t t = 0; t < static_cast<std::int64_t>(tiles_.size()) && !failed_; ++t) {
            const TileShare::Received got = share_->receive(t, msg, failed_);
            if (got == TileShare::Received::stopped) return;
            if (got == TileShare::Received::own) continue;
            unpack_tile(msg, prepared_, tb);
            tile_stats_[static_cast<size_t>(t)] = {msg.risk_sum, msg.risk_min, msg.risk_max, msg.risk_cells};
            for (size_t k = 0; k < plan_.factors.size() && k < msg.nan_cells.size(); ++k) nan_cells_[k] += msg.nan_cells[k];
            sink_(tiles_[static_cast<size_t>(t)], tb);
            tile_done(false);
        }
        share_->close(failed_);
    }

    // The figures of the whole grid, summed in tile order (the same sums whatever the threads and ranks).
    ScoreStats stats() const {
        ScoreStats out;
        TileStats all;
        for (const auto& st : tile_stats_)
            all.sum += st.sum, all.n += st.n, all.min = std::min(all.min, st.min), all.max = std::max(all.max, st.max);
        out.risk_min = all.n ? all.min : 0;
        out.risk_max = all.n ? all.max : 0;
        out.risk_mean = all.n ? all.sum / all.n : 0;
        for (size_t k = 0; k < plan_.factors.size(); ++k)
            if (nan_cells_[k] > 0)
                out.warnings.push_back("factor '" + plan_.factors[k].spec.name + "' (plugin " +
                                       plan_.factors[k].plugin->name + ") gave no data (NaN) for " +
                                       std::to_string(nan_cells_[k].load()) + " cell(s): the combined risk is no data there");
        return out;
    }

    const RunPlan& plan_;
    Host& host_;
    const PreparedFactors& prepared_;
    const CombineSpec& cspec_;
    const WantBand& want_;
    const TileSink& sink_;
    const Progress& progress_;
    const std::function<void()>& on_failure_;
    TileShare* share_;
    const AreaMask area_;
    std::vector<Window> tiles_;
    std::vector<TileStats> tile_stats_;
    bool sender_ = false;
    size_t to_report_ = 0;
    std::vector<std::atomic<std::int64_t>> nan_cells_;
    std::atomic<std::int64_t> next_{0};
    std::atomic<bool> failed_{false};
    std::exception_ptr error_;
    std::mutex mutex_;
    std::int64_t done_ = 0;
};

}  // namespace

ScoreStats score_tiles(const RunPlan& plan, Host& host, const PreparedFactors& prepared, const CombineSpec& cspec,
                       const WantBand& want, const TileSink& sink, const Progress& progress,
                       const std::function<void()>& on_failure, TileShare* share) {
    return TileScoring(plan, host, prepared, cspec, want, sink, progress, on_failure, share).run();
}

}  // namespace minerisk
