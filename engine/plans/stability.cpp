// Rank stability: how much of the zones' and settlements' order is the data's, and how much the weights'.
//
// Each draw takes new factor weights from a Dirichlet distribution centred on the scenario's (normalised) weights,
//     w' ~ Dirichlet(c w_1, ..., c w_n),   E[w'_k] = w_k,   sd(w'_k) / w_k = sqrt((1 - w_k) / (w_k (c + 1))),
// with the concentration c chosen so that a factor of average weight (1/n) varies by `spread` (0.25: about
// +/-25 %): c = (n - 1) / spread^2 - 1; and a value for every parameter the scenario declares uncertain,
// uniformly in its range. It then recombines each zone's mean risk from the factor values gathered once
// (zone_cells.cpp), recomputes the zone and settlement priorities exactly as the zone stage does, and ranks them.
// The zones' shapes, their cells and the settlements in reach of each are those of the base run: a draw changes
// the order, never the places (docs/uncertainty.md says why).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>

#include "minerisk/combine.hpp"
#include "minerisk/error.hpp"
#include "plans/plans_internal.hpp"

namespace minerisk::plans {

double concentration_for(double spread, int weighted_factors) {
    if (weighted_factors < 2 || !(spread > 0)) return 0;
    return std::max(1.0, double(weighted_factors - 1) / (spread * spread) - 1.0);
}

namespace {

using zones::plural;
using zones::plain_number;
using zones::thousands;

// The zone stage's settlement priority (zones/settlements.cpp) with the returnee up-weight and the staleness as
// parameters.
double settlement_priority(double risk_mean, double population, bool returnee, double last_session, double as_of,
                           double stale_days, double returnee_weight) {
    if (std::isfinite(population) && population <= 0) return 0;
    const double people = std::isfinite(population) ? population : 0;
    double need = 1;
    if (!std::isnan(last_session) && stale_days > 0) need = std::clamp(0.5 + 0.5 * (as_of - last_session) / stale_days, 0.5, 1.0);
    return risk_mean * (1 + std::log10(1 + people)) * (returnee ? returnee_weight : 1.0) * need;
}

int nearest_rank(std::vector<int>& v, double q) {
    if (v.empty()) return 0;
    const size_t k = static_cast<size_t>(std::max(1.0, std::ceil(q * double(v.size())))) - 1;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

double nearest_rank_d(std::vector<double>& v, double q) {
    if (v.empty()) return NAN;
    const size_t k = static_cast<size_t>(std::max(1.0, std::ceil(q * double(v.size())))) - 1;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

std::string range_text(double lo, double hi) { return plain_number(lo) + " to " + plain_number(hi); }

}  // namespace

Declared check_parameters(const PlanInputs& in, const UncertaintySpec& spec) {
    Declared d;
    d.ret_lo = d.ret_hi = in.returnee_weight;
    d.stale_lo = d.stale_hi = in.zone_spec.session_stale_days;
    for (const auto& p : spec.parameters) {
        const std::string& n = p.name;
        if (!(p.low <= p.high))
            throw Error("uncertain parameter '" + n + "': the range [" + plain_number(p.low) + ", " + plain_number(p.high) +
                            "] has its low end above its high end",
                        p.where, "write [low, high]");
        if (n == "population") {
            if (!(p.low > 0)) throw Error("uncertain parameter 'population' is a multiplier of every population and must be above 0", p.where, "e.g. population: [0.8, 1.2]");
            d.population = true, d.pop_lo = p.low, d.pop_hi = p.high;
        } else if (n == "returnee_weight") {
            if (!(p.low >= 0)) throw Error("uncertain parameter 'returnee_weight' must be 0 or more", p.where, "e.g. returnee_weight: [1.2, 2]");
            d.returnee = true, d.ret_lo = p.low, d.ret_hi = p.high;
        } else if (n == "session_stale_days") {
            if (!(p.low > 0)) throw Error("uncertain parameter 'session_stale_days' must be above 0 days", p.where, "e.g. session_stale_days: [180, 730]");
            d.stale = true, d.stale_lo = p.low, d.stale_hi = p.high;
        } else {
            // A factor's parameter changes the factor raster: that needs the grid scored again, which the draws
            // exist to avoid.
            std::string factor;
            const auto dot = n.find('.');
            for (size_t k = 0; k < in.factor_names.size(); ++k) {
                const bool named = dot != std::string::npos ? n.substr(0, dot) == in.factor_names[k] : false;
                const bool param = std::find(in.factor_params[k].begin(), in.factor_params[k].end(),
                                             dot != std::string::npos ? n.substr(dot + 1) : n) != in.factor_params[k].end();
                if (named || (dot == std::string::npos && param)) {
                    factor = in.factor_names[k];
                    break;
                }
            }
            if (!factor.empty())
                throw Error("uncertain parameter '" + n + "' belongs to the factor '" + factor +
                                "': redrawing it would need the factor raster scored again over the whole grid for every "
                                "draw, which rank stability does not do",
                            p.where,
                            "compare two runs with the two values instead (e.g. with --var), or leave it out; the weights, "
                            "population, returnee_weight and session_stale_days can be redrawn");
            if (n == "reach" || n == "threshold" || n == "top_percent" || n == "min_area" || n == "fill_holes" ||
                n == "survey_distance" || n == "sign_cover" || n == "recent_days" || n.rfind("zones.", 0) == 0)
                throw Error("uncertain parameter '" + n + "' changes the zones themselves, which rank stability holds fixed",
                            p.where, "run the scenario with each value and compare the zones; the draws change the order, not the places");
            throw Error("unknown uncertain parameter '" + n + "'", p.where,
                        "the parameters rank stability can redraw are population, returnee_weight and session_stale_days "
                        "(the weights are always redrawn unless spread is 0)");
        }
    }
    return d;
}

namespace {

// The limits, checked before any work: the zones exist, at least one draw, a top k, and ranks that fit in memory.
void check_draws(const PlanInputs& in, const UncertaintySpec& spec) {
    if (!in.zones) throw Error("rank stability needs the zone stage's result");
    if (spec.draws < 1) throw Error("rank stability needs at least one draw", spec.where, "e.g. uncertainty: {draws: 1000}");
    if (spec.top_k < 1) throw Error("uncertainty.top_k must be 1 or more", spec.where);
    const size_t nz = in.zones->zones.size(), ns = in.zones->settlements.size();
    const double cells = double(spec.draws) * double(nz + ns);
    if (cells > 2e8)
        throw Error("rank stability would keep " + thousands(cells) + " ranks (" + std::to_string(spec.draws) + " draws x " +
                        thousands(double(nz + ns)) + " zones and settlements)",
                    spec.where, "use fewer draws (1,000 are plenty for 5th-95th percentiles)");
}

// The scenario's weights and the Dirichlet concentration per group (likelihood x consequence normalises each
// group on its own; the other methods have one group).
struct WeightCentre {
    std::vector<double> w;      // the scenario's weights, unnormalised
    int weighted[2] = {0, 0};   // per group: factors with a weight above 0
    double wsum[2] = {0, 0};    // per group: the sum of those weights
    double conc[2] = {0, 0};    // per group: the concentration (0: the weights are not redrawn)
};

// Where the draws centre: the weights as the method normalises them, and how tightly the draws keep to them
// (reported in the Stability as the concentration, the spread of a factor of average weight and the base weights).
WeightCentre centre_weights(Stability& st, const PlanInputs& in, const UncertaintySpec& spec, bool lxc) {
    const size_t nf = in.factor_names.size();
    WeightCentre c;
    c.w = in.weights;
    for (size_t k = 0; k < nf; ++k) {
        const int g = lxc && k < in.groups.size() ? in.groups[k] : 0;
        if (c.w[k] > 0) ++c.weighted[g], c.wsum[g] += c.w[k];
    }
    for (int g = 0; g < (lxc ? 2 : 1); ++g) {
        if (spec.concentration) c.conc[g] = c.weighted[g] >= 2 ? *spec.concentration : 0;
        else c.conc[g] = concentration_for(spec.spread, c.weighted[g]);
    }
    st.concentration = c.conc[0];
    const int nmain = c.weighted[0];
    st.spread = c.conc[0] > 0 && nmain >= 2 ? std::sqrt((1.0 - 1.0 / nmain) / ((1.0 / nmain) * (c.conc[0] + 1))) : 0;
    // The centre is the weights as the method normalises them: one normalisation (combine.hpp) for the rasters'
    // metadata, run.json, the report and the draws.
    CombineSpec combine{in.method, in.weights, in.groups};
    combine.group.resize(nf, 0);
    st.base_weights = normalised_weights(combine);
    return c;
}

// What the draws vary and what they hold fixed, in words for the report, so that a planner knows what the spread
// of ranks does and does not account for.
void describe_draws(Stability& st, const WeightCentre& c, const Declared& dec, bool lxc) {
    if (c.conc[0] > 0 || c.conc[1] > 0) {
        char b[200];
        std::snprintf(b, sizeof b, "the factor weights: Dirichlet around the scenario's, concentration %s%s (a factor of average weight varies by about \xC2\xB1%.0f %%)",
                      plain_number(std::round(c.conc[0] * 10) / 10).c_str(),
                      lxc ? (" for likelihood, " + plain_number(std::round(c.conc[1] * 10) / 10) + " for consequence").c_str() : "",
                      100 * st.spread);
        st.varied.push_back(b);
    } else {
        st.fixed.push_back(c.weighted[0] < 2 && !lxc ? "the factor weights (fewer than two factors with a weight: nothing to vary)"
                                                     : "the factor weights (spread 0)");
    }
    if (dec.population)
        st.varied.push_back("each settlement's population, times " + range_text(dec.pop_lo, dec.pop_hi) + " (uniform, drawn per settlement)");
    if (dec.returnee) st.varied.push_back("the returnee up-weight of settlement priorities, " + range_text(dec.ret_lo, dec.ret_hi) + " (uniform)");
    if (dec.stale) st.varied.push_back("session_stale_days, " + range_text(dec.stale_lo, dec.stale_hi) + " days (uniform)");
    st.fixed.push_back("the zones: their shapes, cells, the settlements in reach of each and the incidents in them (from the base run)");
    st.fixed.push_back("every factor raster, so every plugin parameter (they would need the grid scored again)");
    st.fixed.push_back("the cells around each settlement (within zones.reach) and its last session");
}

// The parts of each priority no draw changes, computed once.
struct FixedParts {
    std::vector<double> far_term;                                          // per zone: incidents far from hazards
    std::vector<double> settlement_pop;                                    // per ranked settlement: its population
    std::vector<std::vector<std::pair<std::int64_t, double>>> zone_people; // per zone: (settlement feature, population)
    std::int64_t nfeat = 0;                                                // features in the settlements layer
};

FixedParts fixed_parts(const PlanInputs& in) {
    const ZoneResult& zr = *in.zones;
    const size_t nz = zr.zones.size(), ns = zr.settlements.size();
    const FeatureLayer* L = in.inputs ? in.inputs->find("settlements") : nullptr;
    FixedParts fp;
    fp.far_term.resize(nz);
    fp.settlement_pop.resize(ns);
    fp.zone_people.resize(nz);
    for (size_t z = 0; z < nz; ++z) {
        const Zone& zone = zr.zones[z];
        fp.far_term[z] = 1 + std::log10(1 + std::max<double>(0, double(zone.incidents_far_from_hazards)));
        for (const auto& s : zone.settlements) fp.zone_people[z].push_back({s.feature, s.population});
    }
    for (size_t i = 0; i < ns; ++i) fp.settlement_pop[i] = number_of(L, "population", zr.settlements[i].feature);
    fp.nfeat = L ? L->size() : 0;
    return fp;
}

// Base check: the recombined means at the scenario's weights against the zone stage's, so that a mismatch between
// the draws' arithmetic and the zones' shows as a warning rather than as spread.
void check_base(Stability& st, const PlanInputs& in, const Gathered& g, const std::vector<double>& w, bool sampled) {
    const ZoneResult& zr = *in.zones;
    double worst = 0;
    for (size_t z = 0; z < zr.zones.size(); ++z)
        if (g.zones[z].cells > 0) worst = std::max(worst, std::fabs(recombined_mean(in.method, g.zones[z], w, in.groups) - zr.zones[z].mean_risk));
    if (worst > (sampled ? 0.05 : 1e-4))
        st.warnings.push_back("rank stability: a zone's mean risk recombined at the scenario's weights differs from the zone stage's by " +
                              plain_number(worst) + (sampled ? " (the draws use a sample of cells per zone)" : ""));
}

// One draw's factor weights: a Dirichlet around the centre per group (or the centre itself where the concentration
// is 0). `alpha` is the draws' scratch space.
std::vector<double> draw_weights(Random& rng, const PlanInputs& in, const WeightCentre& c, bool lxc,
                                 std::vector<double>& alpha) {
    const size_t nf = in.factor_names.size();
    std::vector<double> wd(nf, 0.0);
    for (int grp = 0; grp < (lxc ? 2 : 1); ++grp) {
        for (size_t k = 0; k < nf; ++k) {
            const int gk = lxc && k < in.groups.size() ? in.groups[k] : 0;
            alpha[k] = gk == grp && c.wsum[grp] > 0 ? c.w[k] / c.wsum[grp] : 0;
        }
        if (c.conc[grp] > 0) {
            for (double& a : alpha) a *= c.conc[grp];
            const auto x = dirichlet(rng, alpha);
            for (size_t k = 0; k < nf; ++k)
                if (alpha[k] > 0) wd[k] = x[k];
        } else {
            for (size_t k = 0; k < nf; ++k)
                if (alpha[k] > 0) wd[k] = alpha[k];
        }
    }
    return wd;
}

// One draw's zone priorities, as the zone stage computes them: recombined mean risk x people in reach (each
// settlement's population times its drawn multiplier) x incidents far from hazards.
void zone_priorities(std::vector<double>& zp, const PlanInputs& in, const Gathered& g, const FixedParts& fp,
                     const std::vector<double>& mult, const std::vector<double>& wd) {
    const ZoneResult& zr = *in.zones;
    for (size_t z = 0; z < zr.zones.size(); ++z) {
        double pop = 0;
        for (const auto& [f, p] : fp.zone_people[z])
            pop += p * (f >= 0 && f < fp.nfeat ? mult[static_cast<size_t>(f)] : 1.0);
        const double mean =
            g.zones[z].cells > 0 ? recombined_mean(in.method, g.zones[z], wd, in.groups) : zr.zones[z].mean_risk;
        zp[z] = mean * (1 + std::log10(1 + pop)) * fp.far_term[z];
    }
}

// One draw's settlement priorities, as the zone stage computes them, with the drawn population multiplier,
// staleness and returnee up-weight.
void settlement_priorities(std::vector<double>& sp, const PlanInputs& in, const Gathered& g, const FixedParts& fp,
                           const std::vector<double>& mult, const std::vector<double>& wd, double stale, double ret) {
    const ZoneResult& zr = *in.zones;
    for (size_t i = 0; i < zr.settlements.size(); ++i) {
        const RankedSettlement& s = zr.settlements[i];
        const double m = s.feature >= 0 && s.feature < fp.nfeat ? mult[static_cast<size_t>(s.feature)] : 1.0;
        const double pop = std::isfinite(fp.settlement_pop[i]) ? fp.settlement_pop[i] * m : NAN;
        sp[i] = settlement_priority(recombined_mean(in.method, g.settlements[i], wd, in.groups), pop, s.returnee,
                                    s.last_session, in.as_of, stale, ret);
    }
}

// Ranks for draw d: highest priority first; ties keep the base run's order.
void rank_into(const std::vector<double>& priority, std::vector<std::int32_t>& order, std::vector<std::int32_t>& ranks,
               int d) {
    const size_t n = priority.size();
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
        return priority[a] != priority[b] ? priority[a] > priority[b] : a < b;
    });
    for (size_t r = 0; r < n; ++r)
        ranks[static_cast<size_t>(d) * n + static_cast<size_t>(order[r])] = static_cast<std::int32_t>(r + 1);
}

// Every draw's ranks (draw-major) and drawn weights.
struct Draws {
    std::vector<std::int32_t> zone_ranks, settlement_ranks;
    std::vector<std::vector<double>> drawn_weights;  // per factor: its weight in each draw
};

// 2. The draws: per draw, the weights, then the declared parameters (population per settlement feature, returnee
// weight, staleness), in that order from one seeded Random; then the priorities and ranks they give.
Draws run_draws(const PlanInputs& in, const UncertaintySpec& spec, const Declared& dec, const WeightCentre& c,
                const FixedParts& fp, const Gathered& g, bool lxc, const Progress& progress) {
    const ZoneResult& zr = *in.zones;
    const size_t nz = zr.zones.size(), ns = zr.settlements.size(), nf = in.factor_names.size();
    Random rng(spec.seed);
    Draws dr;
    dr.zone_ranks.resize(static_cast<size_t>(spec.draws) * nz);
    dr.settlement_ranks.resize(static_cast<size_t>(spec.draws) * ns);
    dr.drawn_weights.resize(nf);
    std::vector<double> mult(static_cast<size_t>(fp.nfeat), 1.0), zp(nz), sp(ns);
    std::vector<std::int32_t> order_z(nz), order_s(ns);
    std::vector<double> alpha(nf);
    for (int d = 0; d < spec.draws; ++d) {
        const std::vector<double> wd = draw_weights(rng, in, c, lxc, alpha);
        double top = 0;
        for (double x : wd) top = std::max(top, x);
        for (size_t k = 0; k < nf; ++k)
            dr.drawn_weights[k].push_back(in.method == "maximum" ? (top > 0 ? wd[k] / top : 0) : wd[k]);
        if (dec.population)
            for (auto& m : mult) m = dec.pop_lo + (dec.pop_hi - dec.pop_lo) * rng.uniform();
        const double ret = dec.returnee ? dec.ret_lo + (dec.ret_hi - dec.ret_lo) * rng.uniform() : dec.ret_lo;
        const double stale = dec.stale ? dec.stale_lo + (dec.stale_hi - dec.stale_lo) * rng.uniform() : dec.stale_lo;

        zone_priorities(zp, in, g, fp, mult, wd);
        settlement_priorities(sp, in, g, fp, mult, wd, stale, ret);
        rank_into(zp, order_z, dr.zone_ranks, d);
        rank_into(sp, order_s, dr.settlement_ranks, d);
        if (d % 16 == 15 && !progress.report(0.5 + 0.5 * double(d + 1) / spec.draws, "redrawing weights")) throw Error("cancelled");
    }
    return dr;
}

// Item i's spread of ranks over the draws: its chance of the top k and its 5th, 50th and 95th percentile rank; an
// item almost always (or almost never) in the top k is settled.
void summarise(const std::vector<std::int32_t>& ranks, size_t n, size_t i, const UncertaintySpec& spec, RankSpread& r) {
    std::vector<int> v(static_cast<size_t>(spec.draws));
    std::int64_t in_top = 0;
    for (int d = 0; d < spec.draws; ++d) {
        v[static_cast<size_t>(d)] = ranks[static_cast<size_t>(d) * n + i];
        in_top += v[static_cast<size_t>(d)] <= spec.top_k;
    }
    r.p_top_k = double(in_top) / spec.draws;
    r.rank_p05 = nearest_rank(v, 0.05);
    r.rank_p50 = nearest_rank(v, 0.50);
    r.rank_p95 = nearest_rank(v, 0.95);
    r.settled = r.p_top_k <= 0.1 || r.p_top_k >= 0.9;
}

// 3. Each factor's 5th-95th percentile weight, and each zone's and settlement's spread of ranks, in the base run's
// rank order.
void summarise_draws(Stability& st, const PlanInputs& in, const UncertaintySpec& spec, Draws& dr) {
    const ZoneResult& zr = *in.zones;
    const size_t nz = zr.zones.size(), ns = zr.settlements.size(), nf = in.factor_names.size();
    st.weight_p05.resize(nf);
    st.weight_p95.resize(nf);
    for (size_t k = 0; k < nf; ++k) {
        st.weight_p05[k] = nearest_rank_d(dr.drawn_weights[k], 0.05);
        st.weight_p95[k] = nearest_rank_d(dr.drawn_weights[k], 0.95);
    }
    for (size_t z = 0; z < nz; ++z) {
        RankSpread r;
        r.rank = zr.zones[z].rank;
        r.id = zr.zones[z].id;
        r.priority = zr.zones[z].priority;
        summarise(dr.zone_ranks, nz, z, spec, r);
        st.unsettled_zones += !r.settled;
        st.zones.push_back(r);
    }
    for (size_t i = 0; i < ns; ++i) {
        RankSpread r;
        const RankedSettlement& s = zr.settlements[i];
        r.rank = s.rank;
        r.feature = s.feature;
        r.name = s.name;
        r.priority = s.priority;
        summarise(dr.settlement_ranks, ns, i, spec, r);
        st.unsettled_settlements += !r.settled;
        st.settlements.push_back(r);
    }
    const auto by_rank = [](const RankSpread& a, const RankSpread& b) { return a.rank < b.rank; };
    std::stable_sort(st.zones.begin(), st.zones.end(), by_rank);
    std::stable_sort(st.settlements.begin(), st.settlements.end(), by_rank);
}

}  // namespace

Stability rank_stability(const PlanInputs& in, const UncertaintySpec& spec, const Progress& progress) {
    using Clock = std::chrono::steady_clock;
    check_draws(in, spec);
    const Declared dec = check_parameters(in, spec);

    Stability st;
    st.draws = spec.draws;
    st.top_k = spec.top_k;
    st.seed = spec.seed;
    const bool lxc = in.method == "likelihood_consequence";
    const bool sampled = in.method == "weighted_product" || in.method == "maximum";
    st.method = sampled ? "a fixed sample of at most " + std::to_string(kSampleCells) + " cells per zone and settlement"
                        : "exact (per-factor sums over each zone's and settlement's cells)";
    const WeightCentre centre = centre_weights(st, in, spec, lxc);
    describe_draws(st, centre, dec, lxc);

    // 1. Factor values gathered once.
    const auto t0 = Clock::now();
    Gathered g = gather_factors(in, !lxc && !sampled, lxc, sampled, progress.sub(0, 0.5));
    st.seconds_gather = std::chrono::duration<double>(Clock::now() - t0).count();
    for (auto& x : g.warnings) st.warnings.push_back(std::move(x));
    const FixedParts fp = fixed_parts(in);
    check_base(st, in, g, centre.w, sampled);

    // 2. The draws.
    const auto t1 = Clock::now();
    Draws dr = run_draws(in, spec, dec, centre, fp, g, lxc, progress);
    st.seconds_draws = std::chrono::duration<double>(Clock::now() - t1).count();

    // 3. Each item's spread of ranks.
    summarise_draws(st, in, spec, dr);
    progress.report(1.0, "rank stability");
    return st;
}

}  // namespace minerisk::plans
