// incident_density: quartic kernel density of incidents, each weighted by its casualties and its age,
// normalised to [0,1] by a robust maximum.
//
//   density(cell) = sum_i w_i * (1 - d_i^2 / h^2)^2      over incidents with d_i < h (h = radius)
//   w_i = max(min_weight, killed_weight * killed_i + injured_weight * injured_i) * 0.5 ^ (age_i / half_life)
//         (or the numeric attribute named by weight_field, times the age factor)
//   score(cell) = min(1, density(cell) / D),  D = the normalise_percentile-th percentile of the density over
//                 the cells where it is positive (computed once, on a coarser copy of the grid)
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "minerisk/alg/density.hpp"
#include "minerisk/alg/incident_weights.hpp"
#include "minerisk/plugin.hpp"

namespace {

using namespace minerisk::plugin;
using minerisk::alg::KernelPoint;

const char* const kLayers[] = {"incidents"};

const mr_param_spec kParams[] = {
    {"radius", MR_PARAM_NUMBER, "2000", 1, 100000, nullptr, "m", "kernel radius (bandwidth): how far an incident's influence reaches"},
    {"half_life", MR_PARAM_NUMBER, "730", 0, 36500, nullptr, "days",
     "age at which an incident counts half; 0 = every incident counts fully whatever its age"},
    {"as_of", MR_PARAM_DATE, "", 0, -1, nullptr, "", "date ages count from; default: the run's as_of. Later incidents are left out"},
    {"killed_weight", MR_PARAM_NUMBER, "1", 0, 100, nullptr, "", "weight of each person killed"},
    {"injured_weight", MR_PARAM_NUMBER, "1", 0, 100, nullptr, "", "weight of each person injured"},
    {"min_weight", MR_PARAM_NUMBER, "0.5", 0, 100, nullptr, "",
     "weight of an incident with no recorded casualty (an explosion still shows contamination)"},
    {"weight_field", MR_PARAM_STRING, "", 0, -1, nullptr, "",
     "use this numeric incident attribute (a role such as casualties) as the weight instead of the casualty formula"},
    {"normalise_percentile", MR_PARAM_NUMBER, "99", 50, 100, nullptr, "percent",
     "percentile of the positive densities that maps to 1 (100 = the single largest cell)"},
};

const mr_band_spec kBands[] = {
    {"density", "weighted incidents per km2", "kernel density of incidents, weighted, per square kilometre"},
};

struct State {
    mr_grid grid;
    double radius;
    std::vector<double> x, y, weight;  // incidents that count, in map coordinates
    std::vector<std::int64_t> ids;     // their feature ids (index into x/y/weight by position in this list)
    double norm = 0;                   // D
    double per_km2 = 0;                // 3 / (pi h^2) in km^-2
};

// Incidents reaching the block, in the grid's cell coordinates (not the block's: a cell's value must not
// depend on the block it is computed in), in feature order.
std::vector<KernelPoint> points_for(const State& s, const mr_host* host, const BlockFrame& frame) {
    double box[4];
    frame.box(box, s.radius + minerisk::alg::quartic_density_context(s.radius / s.grid.cell_size) * s.grid.cell_size);
    const BlockFrame whole(s.grid, mr_window{0, 0, s.grid.width, s.grid.height});
    std::vector<KernelPoint> pts;
    for (std::int64_t f : features_in(host, "incidents", box)) {
        auto it = std::lower_bound(s.ids.begin(), s.ids.end(), f);
        if (it == s.ids.end() || *it != f) continue;
        const size_t i = static_cast<size_t>(it - s.ids.begin());
        pts.push_back({whole.col_of(s.x[i]), whole.row_of(s.y[i]), s.weight[i]});
    }
    return pts;
}

// The normalising constant, from the density on a grid coarse enough to compute whole (at most ~1024 cells a side).
double robust_maximum(const State& s, double percentile) {
    const BlockFrame whole(s.grid, mr_window{0, 0, s.grid.width, s.grid.height});
    return minerisk::alg::coarse_density_percentile(s.x.data(), s.y.data(), s.weight.data(), s.x.size(), whole.west, whole.north,
                                                    s.grid.cell_size, s.grid.width, s.grid.height, s.radius, percentile);
}

int prepare(const mr_host* host, const mr_grid* grid, const mr_param_value* pv, int pc, void** out, char* err, size_t es) {
    return guarded(err, es, [&] {
        Params p(pv, pc);
        auto s = std::make_unique<State>();
        s->grid = *grid;
        s->radius = p.number("radius", 2000);
        s->per_km2 = 3.0 / (M_PI * (s->radius / 1000.0) * (s->radius / 1000.0));
        const double half_life = p.number("half_life", 730);
        const double as_of = p.number("as_of", host->as_of);
        const minerisk::alg::CasualtyRule casualties = minerisk::alg::CasualtyRule::from(host, p);
        const std::int64_t n = host->layer_size(host->ctx, "incidents");
        std::int64_t later = 0, undated = 0, unweighted = 0;
        for (std::int64_t f = 0; f < n; ++f) {
            const double date = host->attr_date(host->ctx, "incidents", f, "date");
            double age_factor = 1;
            if (std::isnan(date)) ++undated;
            else if (date > as_of) { ++later; continue; }
            else if (half_life > 0) age_factor = std::pow(0.5, (as_of - date) / half_life);
            const double w = casualties.weight(host, f, unweighted) * age_factor;
            if (!(w > 0)) continue;
            double box[4];
            host->feature_bounds(host->ctx, "incidents", f, box);
            s->x.push_back((box[0] + box[2]) / 2);
            s->y.push_back((box[1] + box[3]) / 2);
            s->weight.push_back(w);
            s->ids.push_back(f);
        }
        auto warn = [&](std::int64_t count, const std::string& what) {
            if (count <= 0) return;
            const std::string m = std::to_string(count) + " incident(s) " + what;
            host->log(host->ctx, "incident_density", 1, m.c_str());
        };
        warn(later, "dated after the as_of date left out");
        warn(undated, "with no readable date counted at full weight");
        warn(unweighted, "with no value in " + casualties.field + " counted with min_weight");
        s->norm = robust_maximum(*s, p.number("normalise_percentile", 99));
        if (s->norm <= 0) host->log(host->ctx, "incident_density", 1, "no incident counts: the factor is 0 everywhere");
        *out = s.release();
        return MR_OK;
    });
}

double reach(const void* state) { return static_cast<const State*>(state)->radius; }

int score(const void* state, const mr_host* host, mr_window w, float* const* bands, char* err, size_t es) {
    return guarded(err, es, [&] {
        const State& s = *static_cast<const State*>(state);
        const BlockFrame frame(s.grid, w);
        const size_t cells = static_cast<size_t>(w.width * w.height);
        std::vector<KernelPoint> pts = points_for(s, host, frame);
        std::vector<float> density(cells);
        minerisk::alg::quartic_density(pts.data(), pts.size(), w.width, w.height, s.radius / s.grid.cell_size,
                                       density.data(), w.col0, w.row0);
        const float inv = s.norm > 0 ? static_cast<float>(1.0 / s.norm) : 0.0f;
        // Rounding at a kernel's edge can leave -1e-12: clamp into [0, 1].
        for (size_t i = 0; i < cells; ++i) bands[0][i] = std::clamp(density[i] * inv, 0.0f, 1.0f);
        if (bands[1])
            for (size_t i = 0; i < cells; ++i) bands[1][i] = static_cast<float>(density[i] * s.per_km2);
        return MR_OK;
    });
}

}  // namespace

MINERISK_PLUGIN(State, "incident_density", "1.0.0",
                "quartic kernel density of incidents weighted by casualties and age, normalised by a robust maximum",
                kParams, kLayers, nullptr, kBands, prepare, reach, score, "baseline")
