// Paired comparisons and pooling of a backtest's surfaces: the combined map minus each baseline with the
// interval of the per-replicate differences, and every surface over all held-out incidents of all rounds.
// Formulas in docs/backtest.md ("Differences" and "Pooled over the rounds").
#include <algorithm>
#include <cmath>

#include "analysis/metrics_internal.hpp"
#include "minerisk/backtest.hpp"

namespace minerisk::backtest {

std::string verdict(const Estimate& d) {
    if (!std::isfinite(d.ci_low) || !std::isfinite(d.ci_high)) return "no interval";
    if (d.ci_low > 0) return "clearly better";
    if (d.ci_high < 0) return "clearly worse";
    return "not clearly different";
}

namespace {

const double kNan = std::nan("");

// Figure k (0: the AUC, 1 + j: the capture at percents[j]) of a score's point estimates.
double figure_value(const SurfaceScore& s, size_t k) {
    if (k == 0) return s.auc.value;
    return k - 1 < s.capture.size() ? s.capture[k - 1].value : kNan;
}

// Drawn alike: the same incidents in the same units, the same number of replicates of every figure.
bool paired(const SurfaceScore& a, const SurfaceScore& b) {
    return a.incidents == b.incidents && a.unit_incidents == b.unit_incidents && a.replicates.size() == b.replicates.size() &&
           !a.replicates.empty() && a.replicates.front().size() == b.replicates.front().size();
}

Estimate figure_difference(const SurfaceScore& a, const SurfaceScore& b, size_t k, bool alike) {
    const double value = figure_value(a, k) - figure_value(b, k);
    if (!alike || k >= a.replicates.size()) return {value, kNan, kNan};
    std::vector<double> d(a.replicates[k].size());
    for (size_t i = 0; i < d.size(); ++i) d[i] = a.replicates[k][i] - b.replicates[k][i];
    return with_interval(value, std::move(d));
}

// The capture curve at area share x: linear between vertices, as the pro-rata rule makes it.
double curve_at(const std::vector<CurvePoint>& c, double x) {
    if (c.empty()) return kNan;
    auto hi = std::lower_bound(c.begin(), c.end(), x, [](const CurvePoint& p, double v) { return p.area < v; });
    if (hi == c.end()) return c.back().captured;
    if (hi == c.begin() || hi->area == x) return hi->captured;
    const auto lo = hi - 1;
    const double span = hi->area - lo->area;
    return span > 0 ? lo->captured + (x - lo->area) / span * (hi->captured - lo->captured) : hi->captured;
}

// The pooled curve: at each share of the area, the incidents captured in every round's share over all incidents.
// Fine steps up to 20 % (the part planners use), coarser beyond.
std::vector<CurvePoint> pooled_curve(const std::vector<const SurfaceScore*>& rounds) {
    double total = 0;
    for (const auto* s : rounds) total += static_cast<double>(s->incidents);
    std::vector<CurvePoint> out;
    if (total <= 0) return {{0, 0}};
    for (int i = 0; i <= 800; ++i) {
        const double x = i <= 400 ? i * 0.0005 : 0.2 + (i - 400) * 0.002;
        double y = 0;
        for (const auto* s : rounds) y += static_cast<double>(s->incidents) * curve_at(s->curve, x);
        out.push_back({x, y / total});
    }
    return out;
}

// One surface over the rounds given (its scores there, in round order).
ModelScore pool_surface(const std::vector<const ModelScore*>& in, int replicates, std::uint64_t seed) {
    ModelScore out = *in.front();
    SurfaceScore& s = out.score;
    const size_t figures = in.front()->score.unit_sums.size();
    s = SurfaceScore{};
    s.percents = in.front()->score.percents;
    std::vector<const SurfaceScore*> strata;
    std::vector<double> sums(figures, 0.0);
    for (const auto* m : in) {
        const SurfaceScore& r = m->score;
        strata.push_back(&r);
        s.incidents += r.incidents;
        s.cells += r.cells;
        s.incident_cells += r.incident_cells;
        s.units += r.units;
        s.unit_incidents.insert(s.unit_incidents.end(), r.unit_incidents.begin(), r.unit_incidents.end());
        s.unit_sums.resize(figures);
        for (size_t k = 0; k < figures && k < r.unit_sums.size(); ++k) {
            s.unit_sums[k].insert(s.unit_sums[k].end(), r.unit_sums[k].begin(), r.unit_sums[k].end());
            for (double x : r.unit_sums[k]) sums[k] += x;
        }
    }
    s.replicates = stratified_replicates(strata, replicates, seed);
    std::vector<Estimate> est(figures);
    for (size_t k = 0; k < figures; ++k)
        est[k] = with_interval(s.incidents > 0 ? sums[k] / static_cast<double>(s.incidents) : kNan,
                               k < s.replicates.size() ? s.replicates[k] : std::vector<double>{});
    s.auc = figures > 0 ? est[0] : Estimate{kNan, kNan, kNan};
    if (figures > 0) s.capture.assign(est.begin() + 1, est.end());
    s.pai = pai_of(s.percents, s.capture);
    s.curve = pooled_curve(strata);
    return out;
}

}  // namespace

Difference difference(const ModelScore& a, const ModelScore& b) {
    Difference d;
    d.model = a.name;
    d.baseline = b.name;
    d.name = a.name + " - " + b.name;
    d.percents = a.score.percents;
    const bool alike = paired(a.score, b.score) && a.score.percents == b.score.percents;
    d.auc = figure_difference(a.score, b.score, 0, alike);
    for (size_t j = 0; j < d.percents.size(); ++j) d.capture.push_back(figure_difference(a.score, b.score, j + 1, alike));
    d.pai = pai_of(d.percents, d.capture);
    return d;
}

std::vector<Difference> differences(const std::vector<ModelScore>& models) {
    const auto model = std::find_if(models.begin(), models.end(), [](const ModelScore& m) { return m.kind == "model"; });
    std::vector<Difference> out;
    if (model == models.end()) return out;
    for (const auto& m : models)
        if (m.kind == "baseline") out.push_back(difference(*model, m));
    return out;
}

const ModelScore* best_baseline(const std::vector<ModelScore>& models, int figure) {
    const ModelScore* best = nullptr;
    double best_value = -INFINITY;
    for (const auto& m : models) {
        if (m.kind != "baseline") continue;
        const double v = figure_value(m.score, static_cast<size_t>(figure + 1));
        if (std::isfinite(v) && v > best_value) best = &m, best_value = v;  // the first of equals stays
    }
    return best;
}

Pooled pool(const Result& r) {
    Pooled p;
    std::vector<const Round*> rounds;
    for (const auto& round : r.rounds)
        if (!round.models.empty() && round.models.front().score.incidents > 0) rounds.push_back(&round);
    p.rounds = static_cast<int>(rounds.size());
    if (rounds.empty()) return p;
    for (const auto& first : rounds.front()->models) {
        std::vector<const ModelScore*> in;
        for (const auto* round : rounds)
            for (const auto& m : round->models)
                if (m.name == first.name) in.push_back(&m);
        if (in.size() == rounds.size()) p.models.push_back(pool_surface(in, r.options.replicates, r.options.seed));
    }
    p.incidents = p.models.empty() ? 0 : p.models.front().score.incidents;
    p.differences = differences(p.models);
    return p;
}

}  // namespace minerisk::backtest
