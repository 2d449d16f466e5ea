// hazard_proximity: 1 inside a hazard, decaying with distance outside it, weighted by the hazard's class
// and ordnance. Cleared and cancelled hazards do not count.
//
//   score(cell) = max over hazards h of  w(h) * 0.5 ^ (d(cell, h) / half_distance)
//   w(h) = class_weight[status(h)] * ordnance_weight[ordnance(h)]
//
// Exact: hazards are grouped by weight, and each group's distance is an exact Euclidean distance transform
// over the part of the block within the factor's reach of the group's hazards (alg/decay.hpp).
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <sstream>
#include <vector>

#include "minerisk/alg/decay.hpp"
#include "minerisk/alg/feature_groups.hpp"
#include "minerisk/plugin.hpp"

// The plugin's name. A test builds this same file under another name (tests/plugins/renamed_hazard_proximity.cpp)
// to show that the engine finds a replacement by its roles, never by this name.
#ifndef HAZARD_PROXIMITY_NAME
#define HAZARD_PROXIMITY_NAME "hazard_proximity"
#endif

namespace {

constexpr const char* kName = HAZARD_PROXIMITY_NAME;

using namespace minerisk::plugin;

const char* const kLayers[] = {"hazards"};

const mr_param_spec kParams[] = {
    {"half_distance", MR_PARAM_NUMBER, "250", 1, 100000, nullptr, "m",
     "distance from a hazard's edge at which the score halves"},
    {"class_weights", MR_PARAM_TABLE, "CHA=1,SHA=0.7", 0, 1, nullptr, "",
     "weight of each hazard status; statuses not listed get default_class_weight"},
    {"default_class_weight", MR_PARAM_NUMBER, "0.7", 0, 1, nullptr, "", "weight of a status missing from class_weights"},
    {"ordnance_weights", MR_PARAM_TABLE, "AP=1,AT=0.8,CM=1,UXO=0.7,mixed=1", 0, 1, nullptr, "",
     "weight of each ordnance type; types not listed get default_ordnance_weight"},
    {"default_ordnance_weight", MR_PARAM_NUMBER, "1", 0, 1, nullptr, "", "weight of an ordnance type missing from ordnance_weights"},
    {"excluded_statuses", MR_PARAM_STRING, "cleared,cancelled", 0, -1, nullptr, "",
     "comma-separated statuses that do not count (land already released)"},
};

const mr_band_spec kBands[] = {
    {"distance", "m", "distance to the nearest counted hazard (nodata beyond the factor's reach)"},
    {"hazard_weight", "", "counted hazards rasterized with their class x ordnance weight (0 outside)"},
};

// Beyond this many half-distances the score is below 1e-4 (2^-13.3), and is set to 0.
constexpr double kReachHalfDistances = 13.3;

struct State {
    mr_grid grid;
    double half_distance;
    double reach_m;
    std::unique_ptr<minerisk::alg::DistanceDecay> decay;
    std::vector<double> weight;  // per feature; 0 = not counted
};

int prepare(const mr_host* host, const mr_grid* grid, const mr_param_value* pv, int pc, void** out, char* err, size_t es) {
    return guarded(err, es, [&] {
        Params p(pv, pc);
        auto s = std::make_unique<State>();
        s->grid = *grid;
        s->half_distance = p.number("half_distance", 250);
        s->reach_m = kReachHalfDistances * s->half_distance;
        s->decay = std::make_unique<minerisk::alg::DistanceDecay>(grid->cell_size, s->half_distance, s->reach_m);
        const auto classes = p.table("class_weights");
        const auto ordnance = p.table("ordnance_weights");
        const double dc = p.number("default_class_weight", 0.7), dor = p.number("default_ordnance_weight", 1);
        const std::vector<std::string> excluded = p.list("excluded_statuses");
        const std::int64_t n = host->layer_size(host->ctx, "hazards");
        std::int64_t counted = 0, no_status = 0, later = 0;
        s->weight.assign(static_cast<size_t>(std::max<std::int64_t>(0, n)), 0.0);
        for (std::int64_t f = 0; f < n; ++f) {
            // What was known on the run's date: a hazard recorded later does not count (backtests rely on it).
            const double recorded = host->attr_date(host->ctx, "hazards", f, "date");
            if (!std::isnan(recorded) && recorded > host->as_of) {
                ++later;
                continue;
            }
            const char* status = host->attr_text(host->ctx, "hazards", f, "status");
            if (!status) ++no_status;
            if (Params::listed(excluded, status)) continue;
            const char* ord = host->attr_text(host->ctx, "hazards", f, "ordnance");
            s->weight[f] = Params::lookup(classes, status, dc) * Params::lookup(ordnance, ord, dor);
            counted += s->weight[f] > 0;
        }
        if (no_status > 0) {
            const std::string m = std::to_string(no_status) + " hazard(s) have no status; counted with default_class_weight";
            host->log(host->ctx, kName, 1, m.c_str());
        }
        const std::string info = std::to_string(counted) + " of " + std::to_string(n) + " hazards counted" +
                                 (later ? " (" + std::to_string(later) + " recorded after the as_of date left out)" : "");
        host->log(host->ctx, kName, 0, info.c_str());
        *out = s.release();
        return MR_OK;
    });
}

double reach(const void* state) { return static_cast<const State*>(state)->reach_m; }

int score(const void* state, const mr_host* host, mr_window w, float* const* bands, char* err, size_t es) {
    return guarded(err, es, [&] {
        using minerisk::alg::CellRect;
        const State& s = *static_cast<const State*>(state);
        const CellRect block{w.col0, w.row0, w.width, w.height};
        const mr_window big = grown(w, s.decay->halo());
        double box[4];
        BlockFrame(s.grid, big).box(box);
        // The hazards that reach this block, grouped by weight: each group is one distance transform, over
        // the part of the block within its reach.
        std::map<double, minerisk::alg::FeatureGroup> groups;
        for (std::int64_t f : features_in(host, "hazards", box)) {
            const double wt = s.weight[f];
            if (wt > 0) minerisk::alg::add_to_group(groups, wt, host, "hazards", f, s.grid);
        }
        const size_t cells = static_cast<size_t>(w.width * w.height);
        float* out = bands[0];
        float* dist_out = bands[1];
        float* weight_out = bands[2];
        std::fill(out, out + cells, 0.0f);
        if (weight_out) std::fill(weight_out, weight_out + cells, 0.0f);
        // Squared distances in cells until the end, then metres.
        if (dist_out) std::fill(dist_out, dist_out + cells, INFINITY);

        thread_local minerisk::alg::DecayScratch scratch;
        std::vector<double> values;
        for (auto it = groups.rbegin(); it != groups.rend(); ++it) {  // heaviest first
            const minerisk::alg::FeatureGroup& g = it->second;
            const auto burn = [&](const CellRect& win, float* burned) { minerisk::alg::burn_group(host, "hazards", g, win, burned, values); };
            // Beyond the reach a hazard outside this block's halo could be nearer: the decay is 0 there (below
            // 1e-4 by construction) so that no cell's value depends on the block.
            minerisk::alg::add_decayed_group(*s.decay, it->first, g.cells, block, burn, scratch, out, dist_out, weight_out);
        }
        if (dist_out) {
            const float cs = static_cast<float>(s.grid.cell_size);
            // Beyond the reach a nearer hazard may lie outside the halo: say nothing rather than a wrong number.
            for (size_t i = 0; i < cells; ++i)
                dist_out[i] = dist_out[i] == INFINITY ? std::nanf("") : std::sqrt(dist_out[i]) * cs;
        }
        return MR_OK;
    });
}

}  // namespace

MINERISK_PLUGIN(State, kName, "1.0.0",
                "1 inside a hazard, halving every half_distance metres outside it; weighted by hazard class and ordnance",
                kParams, kLayers, nullptr, kBands, prepare, reach, score, "baseline|hazard_rules")
