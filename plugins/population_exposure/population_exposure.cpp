// population_exposure: how many people live within reach of each cell. Each settlement's population is
// spread around it by a quartic kernel (people walk, herd, farm and gather firewood within a few km of
// home); returnee settlements can be up-weighted.
//
//   K(d)           = (1 - d^2 / h^2)^2 for d < h, else 0     (h = radius; 1 at the settlement, 0 at h)
//   people(cell)   = sum_s pop_s * K(d_s)                    (the "people" band: the distance-weighted
//                                                           number of people who live within reach)
//   exposure(cell) = sum_s pop_s * r_s * K(d_s)              r_s = returnee_weight if s is a returnee
//                                                           settlement, else 1
//   score(cell)    = min(1, exposure(cell) / N)
//   N = normalise_people when it is set (an absolute figure, comparable between scenarios); otherwise the
//       normalise_percentile-th percentile (lower nearest rank: the k-th smallest, k = floor(p/100 (n-1)))
//       of exposure over the cells where it is positive, computed once in prepare() on a copy of the grid
//       coarse enough to compute whole (at most ~1024 cells a side): deterministic and independent of the
//       tiling, and robust to one large town (the single largest cell does not set the scale).
//
// d_s is the distance from the cell's centre to the settlement's location: the point itself, or for a
// polygon the centre of its bounding box (cheap and, for village-sized polygons, within a few hundred metres
// of the centroid: small against a radius of kilometres).
// pop_s: the settlement's population; when it is missing, default_population, or when that is not set the
// median of the known populations of the layer (a typical settlement), each counted in a warning.
// Cost per block: settlements reaching it x rows they touch + cells (minerisk::alg::quartic_density, given the
// block's origin in the grid, so that every cell's value is bit-identical whatever the tiling).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "minerisk/alg/density.hpp"
#include "minerisk/plugin.hpp"

namespace {

using namespace minerisk::plugin;
using minerisk::alg::KernelPoint;

const char* const kName = "population_exposure";
const char* const kLayers[] = {"settlements"};

const mr_param_spec kParams[] = {
    {"radius", MR_PARAM_NUMBER, "3000", 1, 100000, nullptr, "m",
     "kernel radius: how far from home people walk, herd and farm; a settlement counts fully at its centre and not at all beyond this"},
    {"returnee_weight", MR_PARAM_NUMBER, "1.5", 0, 100, nullptr, "",
     "multiplier of the population of settlements whose returnee attribute is true (returnees do not know the land they come back to)"},
    {"default_population", MR_PARAM_NUMBER, "", 0, 1e9, nullptr, "people",
     "population of a settlement with no population value; default: the median of the known populations"},
    {"normalise_percentile", MR_PARAM_NUMBER, "99", 50, 100, nullptr, "percent",
     "percentile of the positive exposures that maps to 1 (100 = the single largest cell); unused when normalise_people is set"},
    {"normalise_people", MR_PARAM_NUMBER, "", 1, 1e9, nullptr, "people",
     "if set, the (returnee-weighted) number of people within reach that maps to 1, instead of the percentile"},
};

const mr_band_spec kBands[] = {
    {"people", "people",
     "people living within reach of the cell, each counted with the kernel weight (1 - d^2/radius^2)^2 (no returnee weighting)"},
};

std::string num(double v) {
    char b[64];
    std::snprintf(b, sizeof b, "%.6g", v);
    return b;
}

struct State {
    mr_grid grid;
    double radius = 3000;
    // Per settlement feature: location (map coordinates, and the grid's cell coordinates: the centre of cell
    // (c, r) is (c + 0.5, r + 0.5)) and weights; weight 0 = contributes nothing.
    std::vector<double> x, y, col, row, people, weighted;
    bool same_weights = true;  // weighted == people for every settlement (no returnee weighting at work)
    double norm = 0;           // N
};

// Kernel points, in the grid's cell coordinates, of the settlements listed (ascending ids), with the score
// weights or the plain populations.
void points_for(const State& s, const std::vector<std::int64_t>& ids, bool plain, std::vector<KernelPoint>& out) {
    out.clear();
    for (std::int64_t f : ids) {
        if (f < 0 || f >= static_cast<std::int64_t>(s.col.size())) continue;
        const double w = plain ? s.people[f] : s.weighted[f];
        if (w > 0) out.push_back({s.col[f], s.row[f], w});
    }
}

// The percentile of the positive exposures on a grid coarse enough to compute whole (<= ~1024 cells a side).
double robust_maximum(const State& s, double percentile) {
    const BlockFrame whole(s.grid, mr_window{0, 0, s.grid.width, s.grid.height});
    return minerisk::alg::coarse_density_percentile(s.x.data(), s.y.data(), s.weighted.data(), s.x.size(), whole.west, whole.north,
                                                    s.grid.cell_size, s.grid.width, s.grid.height, s.radius, percentile);
}

int prepare(const mr_host* host, const mr_grid* grid, const mr_param_value* pv, int pc, void** out, char* err, size_t es) {
    return guarded(err, es, [&] {
        Params p(pv, pc);
        auto s = std::make_unique<State>();
        s->grid = *grid;
        s->radius = p.number("radius", 3000);
        const double returnee_weight = p.number("returnee_weight", 1.5);
        const std::int64_t n = std::max<std::int64_t>(0, host->layer_size(host->ctx, "settlements"));
        const bool has_pop = host->has_attribute(host->ctx, "settlements", "population") != 0;
        const bool has_ret = host->has_attribute(host->ctx, "settlements", "returnee") != 0;

        std::vector<double> pop(static_cast<size_t>(n), std::nan(""));
        std::vector<double> known;
        for (std::int64_t f = 0; f < n; ++f) {
            const double v = has_pop ? host->attr_number(host->ctx, "settlements", f, "population") : std::nan("");
            if (std::isfinite(v) && v >= 0) {
                pop[f] = v;
                known.push_back(v);
            }
        }
        const std::int64_t missing = n - static_cast<std::int64_t>(known.size());
        double fallback = p.number("default_population");
        std::string fallback_why = "default_population";
        if (std::isnan(fallback)) {
            if (!known.empty()) {
                // Median (the mean of the two middle values for an even count).
                std::sort(known.begin(), known.end());
                const size_t m = known.size() / 2;
                fallback = known.size() % 2 ? known[m] : (known[m - 1] + known[m]) / 2;
                fallback_why = "the median of the known populations";
            } else {
                fallback = 1;
                fallback_why = "1 (no settlement has a population: the people band counts settlements, not people)";
            }
        }
        if (missing > 0) {
            const std::string m = std::to_string(missing) + " of " + std::to_string(n) + " settlement(s) have no population" +
                                  (has_pop ? "" : " (no population field is mapped)") + "; counted with " +
                                  num(fallback) + " people, " + fallback_why;
            host->log(host->ctx, kName, 1, m.c_str());
        }

        s->x.resize(static_cast<size_t>(n));
        s->y.resize(static_cast<size_t>(n));
        s->col.resize(static_cast<size_t>(n));
        s->row.resize(static_cast<size_t>(n));
        s->people.resize(static_cast<size_t>(n));
        s->weighted.resize(static_cast<size_t>(n));
        std::int64_t returnees = 0;
        double total = 0;
        for (std::int64_t f = 0; f < n; ++f) {
            double box[4] = {0, 0, 0, 0};
            if (host->feature_bounds(host->ctx, "settlements", f, box) != MR_OK) {
                s->people[f] = s->weighted[f] = 0;
                continue;
            }
            s->x[f] = (box[0] + box[2]) / 2;
            s->y[f] = (box[1] + box[3]) / 2;
            s->col[f] = (s->x[f] - grid->geotransform[0]) / grid->cell_size;
            s->row[f] = (grid->geotransform[3] - s->y[f]) / grid->cell_size;
            const double people = std::isnan(pop[f]) ? fallback : pop[f];
            const double r = has_ret ? host->attr_number(host->ctx, "settlements", f, "returnee") : std::nan("");
            const bool returnee = std::isfinite(r) && r != 0;
            returnees += returnee;
            s->people[f] = people;
            s->weighted[f] = returnee ? people * returnee_weight : people;
            if (s->weighted[f] != s->people[f]) s->same_weights = false;
            total += people;
        }

        const double fixed = p.number("normalise_people");
        std::string how;
        if (!std::isnan(fixed)) {
            s->norm = fixed;
            how = "normalise_people = " + num(fixed);
        } else {
            const double pct = p.number("normalise_percentile", 99);
            s->norm = robust_maximum(*s, pct);
            how = "percentile " + num(pct) + " of the positive exposures = " + num(s->norm);
        }
        // llround beyond a long long is undefined (a population of 1e308 printed -9223372036854775808).
        const std::string people = total < 9.2e18 ? std::to_string(std::llround(total)) : num(total);
        const std::string info = std::to_string(n) + " settlements, " + people +
                                 " people, " + std::to_string(returnees) + " returnee settlement(s); 1 = " + how;
        host->log(host->ctx, kName, 0, info.c_str());
        if (!(s->norm > 0)) {
            s->norm = 0;
            host->log(host->ctx, kName, 1, "no settlement has people within the grid: the factor is 0 everywhere");
        }
        *out = s.release();
        return MR_OK;
    });
}

double reach(const void* state) { return static_cast<const State*>(state)->radius; }

// The longest chunk minerisk::alg::quartic_density cuts rows into (chunk_length() in engine/alg/density.cpp).
constexpr double kMaxChunkCells = 256;

int score(const void* state, const mr_host* host, mr_window w, float* const* bands, char* err, size_t es) {
    return guarded(err, es, [&] {
        const State& s = *static_cast<const State*>(state);
        const size_t cells = static_cast<size_t>(w.width * w.height);
        const double h = s.radius / s.grid.cell_size;
        float* out = bands[0];
        float* people = bands[1];
        // Points in the grid's cell coordinates, in feature order, and the block's origin: quartic_density then
        // gives every cell the same bits whatever block it is computed in, provided it is given every point
        // that reaches the block widened to the west to the start of its chunk (chunks are at most
        // kMaxChunkCells columns): those points' rounding residue is part of the sum.
        double box[4];
        BlockFrame(s.grid, w).box(box, s.radius);
        box[0] -= kMaxChunkCells * s.grid.cell_size;
        const std::vector<std::int64_t> ids = features_in(host, "settlements", box);
        std::vector<KernelPoint> pts;
        if (people && !s.same_weights) {
            points_for(s, ids, true, pts);
            minerisk::alg::quartic_density(pts.data(), pts.size(), w.width, w.height, h, people, w.col0, w.row0);
        }
        points_for(s, ids, false, pts);
        minerisk::alg::quartic_density(pts.data(), pts.size(), w.width, w.height, h, out, w.col0, w.row0);
        if (people && s.same_weights) std::copy(out, out + cells, people);
        // Rounding in the kernel sum can leave a residue of ~1e-12 of a weight, of either sign, where a kernel
        // fades out: clamp to [0, 1].
        for (size_t i = 0; i < cells; ++i) {
            const double v = s.norm > 0 ? out[i] / s.norm : 0.0;
            out[i] = static_cast<float>(std::min(1.0, std::max(0.0, v)));
        }
        if (people)
            for (size_t i = 0; i < cells; ++i) people[i] = std::max(0.0f, people[i]);
        return MR_OK;
    });
}

}  // namespace

MINERISK_PLUGIN(State, kName, "1.0.0",
                "people living within reach of each cell: settlement populations spread by a quartic kernel, returnees up-weighted",
                kParams, kLayers, nullptr, kBands, prepare, reach, score)
