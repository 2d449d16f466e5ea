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

Stability rank_stability(const PlanInputs& in, const UncertaintySpec& spec, const Progress& progress) {
    using Clock = std::chrono::steady_clock;
    if (!in.zones) throw Error("rank stability needs the zone stage's result");
    if (spec.draws < 1) throw Error("rank stability needs at least one draw", spec.where, "e.g. uncertainty: {draws: 1000}");
    if (spec.top_k < 1) throw Error("uncertainty.top_k must be 1 or more", spec.where);
    const ZoneResult& zr = *in.zones;
    const size_t nz = zr.zones.size(), ns = zr.settlements.size(), nf = in.factor_names.size();
    const double cells = double(spec.draws) * double(nz + ns);
    if (cells > 2e8)
        throw Error("rank stability would keep " + thousands(cells) + " ranks (" + std::to_string(spec.draws) + " draws x " +
                        thousands(double(nz + ns)) + " zones and settlements)",
                    spec.where, "use fewer draws (1,000 are plenty for 5th-95th percentiles)");
    const Declared dec = check_parameters(in, spec);

    Stability st;
    st.draws = spec.draws;
    st.top_k = spec.top_k;
    st.seed = spec.seed;
    const bool lxc = in.method == "likelihood_consequence";
    const bool sampled = in.method == "weighted_product" || in.method == "maximum";
    st.method = sampled ? "a fixed sample of at most " + std::to_string(kSampleCells) + " cells per zone and settlement"
                        : "exact (per-factor sums over each zone's and settlement's cells)";

    // The weights, as the method normalises them, and the Dirichlet concentration (per group for
    // likelihood x consequence, where each group is normalised on its own).
    std::vector<double> w = in.weights;
    int weighted[2] = {0, 0};
    double wsum[2] = {0, 0};
    for (size_t k = 0; k < nf; ++k) {
        const int g = lxc && k < in.groups.size() ? in.groups[k] : 0;
        if (w[k] > 0) ++weighted[g], wsum[g] += w[k];
    }
    double conc[2] = {0, 0};
    for (int g = 0; g < (lxc ? 2 : 1); ++g) {
        if (spec.concentration) conc[g] = weighted[g] >= 2 ? *spec.concentration : 0;
        else conc[g] = concentration_for(spec.spread, weighted[g]);
    }
    st.concentration = conc[0];
    const int nmain = weighted[0];
    st.spread = conc[0] > 0 && nmain >= 2 ? std::sqrt((1.0 - 1.0 / nmain) / ((1.0 / nmain) * (conc[0] + 1))) : 0;
    st.base_weights.assign(nf, 0.0);
    for (size_t k = 0; k < nf; ++k) {
        const int g = lxc && k < in.groups.size() ? in.groups[k] : 0;
        st.base_weights[k] = wsum[g] > 0 ? w[k] / wsum[g] : 0;
    }
    if (in.method == "maximum") {
        const double top = *std::max_element(st.base_weights.begin(), st.base_weights.end());
        for (double& x : st.base_weights) x = top > 0 ? x / top : 0;
    }

    // What the draws vary and hold fixed, for people.
    if (conc[0] > 0 || conc[1] > 0) {
        char b[200];
        std::snprintf(b, sizeof b, "the factor weights: Dirichlet around the scenario's, concentration %s%s (a factor of average weight varies by about \xC2\xB1%.0f %%)",
                      plain_number(std::round(conc[0] * 10) / 10).c_str(),
                      lxc ? (" for likelihood, " + plain_number(std::round(conc[1] * 10) / 10) + " for consequence").c_str() : "",
                      100 * st.spread);
        st.varied.push_back(b);
    } else {
        st.fixed.push_back(nmain < 2 && !lxc ? "the factor weights (fewer than two factors with a weight: nothing to vary)"
                                             : "the factor weights (spread 0)");
    }
    if (dec.population)
        st.varied.push_back("each settlement's population, times " + range_text(dec.pop_lo, dec.pop_hi) + " (uniform, drawn per settlement)");
    if (dec.returnee) st.varied.push_back("the returnee up-weight of settlement priorities, " + range_text(dec.ret_lo, dec.ret_hi) + " (uniform)");
    if (dec.stale) st.varied.push_back("session_stale_days, " + range_text(dec.stale_lo, dec.stale_hi) + " days (uniform)");
    st.fixed.push_back("the zones: their shapes, cells, the settlements in reach of each and the incidents in them (from the base run)");
    st.fixed.push_back("every factor raster, so every plugin parameter (they would need the grid scored again)");
    st.fixed.push_back("the cells around each settlement (within zones.reach) and its last session");

    // 1. Factor values gathered once.
    const auto t0 = Clock::now();
    Gathered g = gather_factors(in, !lxc && !sampled, lxc, sampled, progress.sub(0, 0.5));
    st.seconds_gather = std::chrono::duration<double>(Clock::now() - t0).count();
    for (auto& x : g.warnings) st.warnings.push_back(std::move(x));

    // The fixed parts of each priority.
    const FeatureLayer* L = in.inputs ? in.inputs->find("settlements") : nullptr;
    std::vector<double> far_term(nz), settlement_pop(ns);
    std::vector<std::vector<std::pair<std::int64_t, double>>> zone_people(nz);  // (settlement feature, population)
    for (size_t z = 0; z < nz; ++z) {
        const Zone& zone = zr.zones[z];
        far_term[z] = 1 + std::log10(1 + std::max<double>(0, double(zone.incidents_far_from_hazards)));
        for (const auto& s : zone.settlements) zone_people[z].push_back({s.feature, s.population});
    }
    for (size_t i = 0; i < ns; ++i) settlement_pop[i] = number_of(L, "population", zr.settlements[i].feature);
    const std::int64_t nfeat = L ? L->size() : 0;

    // Base check: the recombined means at the scenario's weights against the zone stage's.
    double worst = 0;
    for (size_t z = 0; z < nz; ++z)
        if (g.zones[z].cells > 0) worst = std::max(worst, std::fabs(recombined_mean(in.method, g.zones[z], w, in.groups) - zr.zones[z].mean_risk));
    if (worst > (sampled ? 0.05 : 1e-4))
        st.warnings.push_back("rank stability: a zone's mean risk recombined at the scenario's weights differs from the zone stage's by " +
                              plain_number(worst) + (sampled ? " (the draws use a sample of cells per zone)" : ""));

    // 2. The draws.
    const auto t1 = Clock::now();
    Random rng(spec.seed);
    std::vector<std::int32_t> zone_ranks(static_cast<size_t>(spec.draws) * nz), settlement_ranks(static_cast<size_t>(spec.draws) * ns);
    std::vector<std::vector<double>> drawn_weights(nf);
    std::vector<double> mult(static_cast<size_t>(nfeat), 1.0), zp(nz), sp(ns);
    std::vector<std::int32_t> order_z(nz), order_s(ns);
    std::vector<double> alpha(nf);
    for (int d = 0; d < spec.draws; ++d) {
        std::vector<double> wd(nf, 0.0);
        for (int grp = 0; grp < (lxc ? 2 : 1); ++grp) {
            for (size_t k = 0; k < nf; ++k) {
                const int gk = lxc && k < in.groups.size() ? in.groups[k] : 0;
                alpha[k] = gk == grp && wsum[grp] > 0 ? w[k] / wsum[grp] : 0;
            }
            if (conc[grp] > 0) {
                for (double& a : alpha) a *= conc[grp];
                const auto x = dirichlet(rng, alpha);
                for (size_t k = 0; k < nf; ++k)
                    if (alpha[k] > 0) wd[k] = x[k];
            } else {
                for (size_t k = 0; k < nf; ++k)
                    if (alpha[k] > 0) wd[k] = alpha[k];
            }
        }
        double top = 0;
        for (double x : wd) top = std::max(top, x);
        for (size_t k = 0; k < nf; ++k) drawn_weights[k].push_back(in.method == "maximum" ? (top > 0 ? wd[k] / top : 0) : wd[k]);
        if (dec.population)
            for (auto& m : mult) m = dec.pop_lo + (dec.pop_hi - dec.pop_lo) * rng.uniform();
        const double ret = dec.returnee ? dec.ret_lo + (dec.ret_hi - dec.ret_lo) * rng.uniform() : dec.ret_lo;
        const double stale = dec.stale ? dec.stale_lo + (dec.stale_hi - dec.stale_lo) * rng.uniform() : dec.stale_lo;

        for (size_t z = 0; z < nz; ++z) {
            double pop = 0;
            for (const auto& [f, p] : zone_people[z]) pop += p * (f >= 0 && f < nfeat ? mult[static_cast<size_t>(f)] : 1.0);
            const double mean = g.zones[z].cells > 0 ? recombined_mean(in.method, g.zones[z], wd, in.groups) : zr.zones[z].mean_risk;
            zp[z] = mean * (1 + std::log10(1 + pop)) * far_term[z];
        }
        for (size_t i = 0; i < ns; ++i) {
            const RankedSettlement& s = zr.settlements[i];
            const double m = s.feature >= 0 && s.feature < nfeat ? mult[static_cast<size_t>(s.feature)] : 1.0;
            const double pop = std::isfinite(settlement_pop[i]) ? settlement_pop[i] * m : NAN;
            sp[i] = settlement_priority(recombined_mean(in.method, g.settlements[i], wd, in.groups), pop, s.returnee,
                                        s.last_session, in.as_of, stale, ret);
        }
        // Rank: highest priority first; ties keep the base run's order.
        std::iota(order_z.begin(), order_z.end(), 0);
        std::sort(order_z.begin(), order_z.end(), [&](std::int32_t a, std::int32_t b) { return zp[a] != zp[b] ? zp[a] > zp[b] : a < b; });
        for (size_t r = 0; r < nz; ++r) zone_ranks[static_cast<size_t>(d) * nz + static_cast<size_t>(order_z[r])] = static_cast<std::int32_t>(r + 1);
        std::iota(order_s.begin(), order_s.end(), 0);
        std::sort(order_s.begin(), order_s.end(), [&](std::int32_t a, std::int32_t b) { return sp[a] != sp[b] ? sp[a] > sp[b] : a < b; });
        for (size_t r = 0; r < ns; ++r)
            settlement_ranks[static_cast<size_t>(d) * ns + static_cast<size_t>(order_s[r])] = static_cast<std::int32_t>(r + 1);
        if (d % 16 == 15 && !progress.report(0.5 + 0.5 * double(d + 1) / spec.draws, "redrawing weights")) throw Error("cancelled");
    }
    st.seconds_draws = std::chrono::duration<double>(Clock::now() - t1).count();

    // 3. Each item's spread of ranks.
    st.weight_p05.resize(nf);
    st.weight_p95.resize(nf);
    for (size_t k = 0; k < nf; ++k) {
        st.weight_p05[k] = nearest_rank_d(drawn_weights[k], 0.05);
        st.weight_p95[k] = nearest_rank_d(drawn_weights[k], 0.95);
    }
    auto summarise = [&](const std::vector<std::int32_t>& ranks, size_t n, size_t i, RankSpread& r) {
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
    };
    for (size_t z = 0; z < nz; ++z) {
        RankSpread r;
        r.rank = zr.zones[z].rank;
        r.id = zr.zones[z].id;
        r.priority = zr.zones[z].priority;
        summarise(zone_ranks, nz, z, r);
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
        summarise(settlement_ranks, ns, i, r);
        st.unsettled_settlements += !r.settled;
        st.settlements.push_back(r);
    }
    const auto by_rank = [](const RankSpread& a, const RankSpread& b) { return a.rank < b.rank; };
    std::stable_sort(st.zones.begin(), st.zones.end(), by_rank);
    std::stable_sort(st.settlements.begin(), st.settlements.end(), by_rank);
    progress.report(1.0, "rank stability");
    return st;
}

}  // namespace minerisk::plans
