// incident_proximity: how near a place is to where people were hurt before. 1 at the cell of a fresh incident
// with full_weight casualties or more, halving every half_distance metres away from it and every half_life days
// of its age. Incidents after the as_of date do not count.
//
//   score(cell) = max over earlier incidents i of  w_i * 0.5 ^ (d(cell, i) / half_distance)
//   w_i = min(1, c_i / full_weight) * 0.5 ^ (age_i / half_life)
//   c_i = max(min_weight, killed_weight * killed_i + injured_weight * injured_i)   (or weight_field)
//
// The largest, not the sum: ten incidents at one place score as the heaviest of them (the sum is what
// incident_density measures). An incident is a point, the centre of its bounding box, as incident_density
// takes it; d is measured between cell centres, as hazard_proximity measures it.
//
// Exact, as hazard_proximity: incidents in one cell keep only the heaviest (the others can never win); the
// cells are grouped by weight and by square of the grid, and each group is one exact distance transform over
// the part of the block within reach of it (alg/decay.hpp).
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "minerisk/alg/decay.hpp"
#include "minerisk/alg/feature_groups.hpp"
#include "minerisk/alg/incident_weights.hpp"
#include "minerisk/plugin.hpp"

namespace {

constexpr const char* kName = "incident_proximity";

using namespace minerisk::plugin;
using minerisk::alg::CellRect;

const char* const kLayers[] = {"incidents"};

const mr_param_spec kParams[] = {
    {"half_distance", MR_PARAM_NUMBER, "1000", 1, 100000, nullptr, "m", "distance from an incident at which the score halves"},
    {"half_life", MR_PARAM_NUMBER, "730", 0, 36500, nullptr, "days",
     "age at which an incident counts half; 0 = every incident counts fully whatever its age"},
    {"as_of", MR_PARAM_DATE, "", 0, -1, nullptr, "", "date ages count from; default: the run's as_of. Later incidents are left out"},
    {"full_weight", MR_PARAM_NUMBER, "2", 0.01, 1000, nullptr, "",
     "casualty weight at which a fresh incident scores 1; a lighter one scores its weight divided by this"},
    {"killed_weight", MR_PARAM_NUMBER, "1", 0, 100, nullptr, "", "weight of each person killed"},
    {"injured_weight", MR_PARAM_NUMBER, "1", 0, 100, nullptr, "", "weight of each person injured"},
    {"min_weight", MR_PARAM_NUMBER, "0.5", 0, 100, nullptr, "",
     "weight of an incident with no recorded casualty (an explosion still shows contamination)"},
    {"weight_field", MR_PARAM_STRING, "", 0, -1, nullptr, "",
     "use this numeric incident attribute (a role such as casualties) as the weight instead of the casualty formula"},
};

const mr_band_spec kBands[] = {
    {"distance", "m", "distance to the nearest counted earlier incident (nodata beyond the factor's reach)"},
};

// Beyond this many half-distances the score is below 1e-4 (2^-13.3), and is set to 0 (as hazard_proximity).
constexpr double kReachHalfDistances = 13.3;

// A grid cell holding counted incidents, with the weight of the heaviest of them.
struct Spot {
    std::int64_t col, row;
    double weight;
};

struct State {
    mr_grid grid;
    double reach_m = 0;
    std::unique_ptr<minerisk::alg::DistanceDecay> decay;
    std::int64_t square = 1;            // side, in cells, of the squares a block's spots are grouped by
    std::vector<Spot> spots;
    std::vector<std::int64_t> ids;      // the counted incidents' feature ids, ascending
    std::vector<std::size_t> spot_of;   // the spot of ids[k]
};

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// Counts incidents left out or weighed by a fallback, for the warnings.
struct Tally {
    std::int64_t counted = 0, later = 0, undated = 0, unweighted = 0;
};

// The counted incidents and their spots. Features are read in id order, so that ids is ascending.
void read_incidents(State& s, const mr_host* host, const Params& p, Tally& t) {
    const double half_life = p.number("half_life", 730);
    const double as_of = p.number("as_of", host->as_of);
    const double full_weight = p.number("full_weight", 2);
    const minerisk::alg::CasualtyRule casualties = minerisk::alg::CasualtyRule::from(host, p);
    const double west = s.grid.geotransform[0], north = s.grid.geotransform[3], cell = s.grid.cell_size;
    std::map<std::pair<std::int64_t, std::int64_t>, std::size_t> spot_at;
    const std::int64_t n = host->layer_size(host->ctx, "incidents");
    for (std::int64_t f = 0; f < n; ++f) {
        const double date = host->attr_date(host->ctx, "incidents", f, "date");
        double age_factor = 1;
        if (std::isnan(date)) ++t.undated;
        else if (date > as_of) { ++t.later; continue; }
        else if (half_life > 0) age_factor = std::pow(0.5, (as_of - date) / half_life);
        // Capped, then aged: a fresh incident of full_weight casualties or more is 1, and an old one fades.
        const double w = std::min(1.0, casualties.weight(host, f, t.unweighted) / full_weight) * age_factor;
        if (!(w > 0)) continue;
        double box[4];
        host->feature_bounds(host->ctx, "incidents", f, box);
        const auto col = static_cast<std::int64_t>(std::floor(((box[0] + box[2]) / 2 - west) / cell));
        const auto row = static_cast<std::int64_t>(std::floor((north - (box[1] + box[3]) / 2) / cell));
        const auto [it, fresh] = spot_at.emplace(std::make_pair(col, row), s.spots.size());
        if (fresh) s.spots.push_back({col, row, w});
        else s.spots[it->second].weight = std::max(s.spots[it->second].weight, w);
        s.ids.push_back(f);
        s.spot_of.push_back(it->second);
        ++t.counted;
    }
}

int prepare(const mr_host* host, const mr_grid* grid, const mr_param_value* pv, int pc, void** out, char* err, size_t es) {
    return guarded(err, es, [&] {
        Params p(pv, pc);
        auto s = std::make_unique<State>();
        s->grid = *grid;
        const double half_distance = p.number("half_distance", 1000);
        s->reach_m = kReachHalfDistances * half_distance;
        s->decay = std::make_unique<minerisk::alg::DistanceDecay>(grid->cell_size, half_distance, s->reach_m);
        // Squares twice the reach a side: a group's transform then covers at most about four times the area of
        // one spot's, while spots of equal weight close together share one transform.
        s->square = std::max<std::int64_t>(16, 2 * s->decay->halo());
        Tally t;
        read_incidents(*s, host, p, t);
        auto warn = [&](std::int64_t count, const std::string& what) {
            if (count <= 0) return;
            const std::string m = std::to_string(count) + " incident(s) " + what;
            host->log(host->ctx, kName, 1, m.c_str());
        };
        warn(t.later, "dated after the as_of date left out");
        warn(t.undated, "with no readable date counted at full weight");
        warn(t.unweighted, "with no value in " + p.text("weight_field") + " counted with min_weight");
        const std::string info = std::to_string(t.counted) + " incidents counted, in " + std::to_string(s->spots.size()) + " cells";
        host->log(host->ctx, kName, 0, info.c_str());
        if (t.counted == 0) host->log(host->ctx, kName, 1, "no incident counts: the factor is 0 everywhere");
        *out = s.release();
        return MR_OK;
    });
}

double reach(const void* state) { return static_cast<const State*>(state)->reach_m; }

// The spots of the incidents the host finds within reach of the window, each once, ascending.
std::vector<std::size_t> spots_near(const State& s, const mr_host* host, const mr_window& w) {
    double box[4];
    BlockFrame(s.grid, grown(w, s.decay->halo() + 1)).box(box);
    std::vector<std::size_t> spots;
    for (std::int64_t f : features_in(host, "incidents", box)) {
        const auto it = std::lower_bound(s.ids.begin(), s.ids.end(), f);
        if (it != s.ids.end() && *it == f) spots.push_back(s.spot_of[static_cast<std::size_t>(it - s.ids.begin())]);
    }
    std::sort(spots.begin(), spots.end());
    spots.erase(std::unique(spots.begin(), spots.end()), spots.end());
    return spots;
}

// The `burn` of add_decayed_group: a group's spots as 1 in the window.
void burn_spots(const State& s, const std::vector<std::int64_t>& spots, const CellRect& win, float* burned) {
    for (std::int64_t k : spots) {
        const Spot& p = s.spots[static_cast<std::size_t>(k)];
        if (p.col >= win.col0 && p.col < win.col0 + win.width && p.row >= win.row0 && p.row < win.row0 + win.height)
            burned[(p.row - win.row0) * win.width + (p.col - win.col0)] = 1.0f;
    }
}

int score(const void* state, const mr_host* host, mr_window w, float* const* bands, char* err, size_t es) {
    return guarded(err, es, [&] {
        const State& s = *static_cast<const State*>(state);
        const CellRect block{w.col0, w.row0, w.width, w.height};
        const std::vector<std::size_t> near = spots_near(s, host, w);
        // Grouped by weight, then by square: the result is the same for any grouping (each group gives the
        // largest weighted decay of its spots, and the score the largest over the groups), so the squares
        // only bound the work.
        using Key = std::tuple<double, std::int64_t, std::int64_t>;
        std::map<Key, minerisk::alg::FeatureGroup> groups;
        minerisk::alg::FeatureGroup all;
        for (std::size_t k : near) {
            const Spot& p = s.spots[k];
            const CellRect cell{p.col, p.row, 1, 1};
            auto& g = groups[Key{p.weight, floor_div(p.col, s.square), floor_div(p.row, s.square)}];
            g.features.push_back(static_cast<std::int64_t>(k));
            g.cells = g.cells.hull(cell);
            all.features.push_back(static_cast<std::int64_t>(k));
            all.cells = all.cells.hull(cell);
        }
        const size_t cells = static_cast<size_t>(w.width * w.height);
        float* out = bands[0];
        float* dist_out = bands[1];
        std::fill(out, out + cells, 0.0f);
        thread_local minerisk::alg::DecayScratch scratch;
        for (auto it = groups.rbegin(); it != groups.rend(); ++it) {  // heaviest first: lighter groups are then often skipped
            const auto& g = it->second;
            const auto burn = [&](const CellRect& win, float* burned) { burn_spots(s, g.features, win, burned); };
            minerisk::alg::add_decayed_group(*s.decay, std::get<0>(it->first), g.cells, block, burn, scratch, out);
        }
        if (dist_out) {
            // Only when the band is written: one transform of every spot, its weighted decay thrown away.
            std::fill(dist_out, dist_out + cells, INFINITY);
            if (!all.features.empty()) {
                std::vector<float> unused(cells, 0.0f);
                const auto burn = [&](const CellRect& win, float* burned) { burn_spots(s, all.features, win, burned); };
                minerisk::alg::add_decayed_group(*s.decay, 1.0, all.cells, block, burn, scratch, unused.data(), dist_out);
            }
            const float cs = static_cast<float>(s.grid.cell_size);
            // Beyond the reach a nearer incident may lie outside the halo: say nothing rather than a wrong number.
            for (size_t i = 0; i < cells; ++i) dist_out[i] = dist_out[i] == INFINITY ? std::nanf("") : std::sqrt(dist_out[i]) * cs;
        }
        return MR_OK;
    });
}

}  // namespace

MINERISK_PLUGIN(State, kName, "1.0.0",
                "1 at a fresh incident of full_weight casualties, halving every half_distance metres and every half_life days",
                kParams, kLayers, nullptr, kBands, prepare, reach, score, "baseline")
