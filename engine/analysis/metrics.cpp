// The backtest's metrics, as pure functions on arrays: ROC AUC over cells, capture rates with pro-rata ties,
// the capture curve, and the percentile bootstrap. Formulas in docs/backtest.md.
#include <algorithm>
#include <cmath>
#include <limits>

#include "analysis/metrics_internal.hpp"
#include "core/random.hpp"
#include "minerisk/backtest.hpp"
#include "minerisk/error.hpp"

namespace minerisk::backtest {

double percentile_sorted(const std::vector<double>& v, double q) {
    if (v.empty()) return std::nan("");
    const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(v.size() - 1);
    const size_t i = static_cast<size_t>(std::floor(pos));
    const double f = pos - static_cast<double>(i);
    if (i + 1 >= v.size()) return v.back();
    return v[i] + f * (v[i + 1] - v[i]);
}

Ranking::Ranking(const std::vector<float>& scores, const std::vector<std::int64_t>& incident_cells) {
    const float lowest = -std::numeric_limits<float>::infinity();
    const std::int64_t n = static_cast<std::int64_t>(scores.size());
    cells = n;
    auto score_of = [&](std::int64_t c) {
        const float s = scores[static_cast<size_t>(c)];
        return std::isnan(s) ? lowest : s;
    };
    for (std::int64_t c : incident_cells)
        if (c < 0 || c >= n) throw Error("an incident's cell is outside the evaluation area (internal)");
    incident_score.reserve(incident_cells.size());
    for (std::int64_t c : incident_cells) incident_score.push_back(score_of(c));

    sorted.resize(static_cast<size_t>(n));
    for (std::int64_t c = 0; c < n; ++c) sorted[static_cast<size_t>(c)] = score_of(c);
    std::sort(sorted.begin(), sorted.end());

    // Cells holding at least one incident, and their scores (each cell once).
    std::vector<std::int64_t> event = incident_cells;
    std::sort(event.begin(), event.end());
    event.erase(std::unique(event.begin(), event.end()), event.end());
    event_cells = static_cast<std::int64_t>(event.size());
    std::vector<float> event_sorted;
    event_sorted.reserve(event.size());
    for (std::int64_t c : event) event_sorted.push_back(score_of(c));
    std::sort(event_sorted.begin(), event_sorted.end());
    negatives = n - event_cells;

    // Each incident's share of the AUC: the negatives below its cell's score, plus half those tied with it.
    auc_part.resize(incident_cells.size());
    for (size_t i = 0; i < incident_cells.size(); ++i) {
        const float s = incident_score[i];
        const auto lo = std::lower_bound(sorted.begin(), sorted.end(), s), hi = std::upper_bound(lo, sorted.end(), s);
        const auto elo = std::lower_bound(event_sorted.begin(), event_sorted.end(), s);
        const auto ehi = std::upper_bound(elo, event_sorted.end(), s);
        const double neg_less = static_cast<double>((lo - sorted.begin()) - (elo - event_sorted.begin()));
        const double neg_tied = static_cast<double>((hi - lo) - (ehi - elo));
        auc_part[i] = negatives > 0 ? (neg_less + 0.5 * neg_tied) / static_cast<double>(negatives) : std::nan("");
    }
}

std::vector<double> Ranking::capture_weights(double percent) const {
    std::vector<double> w(incident_score.size(), 0.0);
    if (cells == 0) return w;
    const double area = std::clamp(percent, 0.0, 100.0) / 100.0 * static_cast<double>(cells);  // in cells
    if (area <= 0) return w;
    if (area >= static_cast<double>(cells)) {
        std::fill(w.begin(), w.end(), 1.0);
        return w;
    }
    // The score at the cut: the ceil(area)-th highest. Cells above it are in whole; cells tied with it share the
    // rest of the area pro rata.
    const std::int64_t k = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(area - 1e-9)));
    const float t = sorted[static_cast<size_t>(std::max<std::int64_t>(0, cells - k))];
    const auto lo = std::lower_bound(sorted.begin(), sorted.end(), t), hi = std::upper_bound(lo, sorted.end(), t);
    const double above = static_cast<double>(sorted.end() - hi), tied = static_cast<double>(hi - lo);
    const double share = std::clamp((area - above) / tied, 0.0, 1.0);
    for (size_t i = 0; i < w.size(); ++i) {
        const float s = incident_score[i];
        w[i] = s > t ? 1.0 : (s == t ? share : 0.0);
    }
    return w;
}

std::vector<CurvePoint> Ranking::curve(size_t max_points) const {
    std::vector<CurvePoint> pts{{0, 0}};
    if (cells == 0 || incident_score.empty()) return pts;
    std::vector<float> inc = incident_score;
    std::sort(inc.begin(), inc.end(), std::greater<float>());
    const double n = static_cast<double>(cells), m = static_cast<double>(inc.size());
    const double step = max_points > 1 ? 1.0 / static_cast<double>(max_points) : 0.0;
    std::int64_t cells_done = 0;
    size_t inc_done = 0;
    CurvePoint last_kept{0, 0}, p{0, 0};
    auto hi = sorted.end();
    while (hi != sorted.begin()) {
        const float s = *(hi - 1);
        const auto lo = std::lower_bound(sorted.begin(), hi, s);
        cells_done += hi - lo;
        while (inc_done < inc.size() && inc[inc_done] >= s) ++inc_done;
        hi = lo;
        p = {static_cast<double>(cells_done) / n, static_cast<double>(inc_done) / m};
        if (hi == sorted.begin() || p.area - last_kept.area >= step || p.captured - last_kept.captured >= step) {
            pts.push_back(p);
            last_kept = p;
        }
    }
    pts.back() = {1.0, static_cast<double>(inc_done) / m};
    return pts;
}

double auc(const std::vector<float>& scores, const std::vector<std::int64_t>& incident_cells) {
    if (incident_cells.empty()) return std::nan("");
    const Ranking r(scores, incident_cells);
    if (r.negatives == 0) return std::nan("");
    double sum = 0;
    for (double a : r.auc_part) sum += a;
    return sum / static_cast<double>(incident_cells.size());
}

double capture_rate(const std::vector<float>& scores, const std::vector<std::int64_t>& incident_cells, double percent) {
    if (incident_cells.empty()) return std::nan("");
    const Ranking r(scores, incident_cells);
    const auto w = r.capture_weights(percent);
    double sum = 0;
    for (double x : w) sum += x;
    return sum / static_cast<double>(incident_cells.size());
}

std::vector<CurvePoint> capture_curve(const std::vector<float>& scores, const std::vector<std::int64_t>& incident_cells,
                                      size_t max_points) {
    return Ranking(scores, incident_cells).curve(max_points);
}

namespace {

double mean_of(const std::vector<double>& v) {
    if (v.empty()) return std::nan("");
    double s = 0;
    for (double x : v) s += x;
    return s / static_cast<double>(v.size());
}

// The bootstrap's units: each incident, or each group of incidents, with its size and the sums of its parts.
void make_units(SurfaceScore& out, const std::vector<std::vector<double>>& parts, const std::vector<std::int64_t>& groups) {
    const size_t n = parts.empty() ? 0 : parts.front().size();
    if (groups.empty()) {
        out.unit_incidents.assign(n, 1.0);
        out.unit_sums = parts;
        return;
    }
    std::vector<std::int64_t> keys = groups;
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    out.unit_sums.assign(parts.size(), std::vector<double>(keys.size(), 0.0));
    out.unit_incidents.assign(keys.size(), 0.0);
    for (size_t i = 0; i < n; ++i) {
        const size_t u = static_cast<size_t>(std::lower_bound(keys.begin(), keys.end(), groups[i]) - keys.begin());
        out.unit_incidents[u] += 1;
        for (size_t k = 0; k < parts.size(); ++k) out.unit_sums[k][u] += parts[k][i];
    }
}

}  // namespace

std::vector<std::vector<double>> stratified_replicates(const std::vector<const SurfaceScore*>& strata, int replicates,
                                                       std::uint64_t seed) {
    if (strata.empty() || replicates <= 0) return {};
    const size_t figures = strata.front()->unit_sums.size();
    for (const auto* st : strata)
        if (st->unit_sums.size() != figures) throw Error("stratified_replicates: strata with different figures (internal)");
    std::vector<std::vector<double>> reps(figures, std::vector<double>(static_cast<size_t>(replicates)));
    Random rng(seed);
    std::vector<double> sums(figures);
    for (int b = 0; b < replicates; ++b) {
        std::fill(sums.begin(), sums.end(), 0.0);
        double size = 0;
        for (const auto* st : strata) {
            const size_t m = st->unit_incidents.size();
            for (size_t j = 0; j < m; ++j) {
                const size_t u = static_cast<size_t>(rng.below(m));
                size += st->unit_incidents[u];
                for (size_t k = 0; k < figures; ++k) sums[k] += st->unit_sums[k][u];
            }
        }
        for (size_t k = 0; k < figures; ++k) reps[k][static_cast<size_t>(b)] = size > 0 ? sums[k] / size : std::nan("");
    }
    return reps;
}

Estimate with_interval(double value, std::vector<double> replicates) {
    const double nan = std::nan("");
    if (std::isnan(value) || replicates.empty()) return {value, nan, nan};
    for (double x : replicates)
        if (std::isnan(x)) return {value, nan, nan};
    std::sort(replicates.begin(), replicates.end());
    return {value, percentile_sorted(replicates, 0.025), percentile_sorted(replicates, 0.975)};
}

std::vector<Estimate> pai_of(const std::vector<double>& percents, const std::vector<Estimate>& capture) {
    std::vector<Estimate> out;
    for (size_t k = 0; k < percents.size() && k < capture.size(); ++k) {
        const double f = 100.0 / percents[k];
        out.push_back({capture[k].value * f, capture[k].ci_low * f, capture[k].ci_high * f});
    }
    return out;
}

SurfaceScore score_surface(const std::vector<float>& scores, const std::vector<std::int64_t>& incident_cells,
                           const std::vector<double>& percents, int replicates, std::uint64_t seed,
                           const std::vector<std::int64_t>& groups) {
    if (!groups.empty() && groups.size() != incident_cells.size())
        throw Error("score_surface: one group per incident expected (internal)");
    SurfaceScore out;
    out.percents = percents;
    out.cells = static_cast<std::int64_t>(scores.size());
    out.incidents = static_cast<std::int64_t>(incident_cells.size());
    const double nan = std::nan("");
    if (incident_cells.empty()) {
        out.auc = {nan, nan, nan};
        out.capture.assign(percents.size(), {nan, nan, nan});
        out.pai = out.capture;
        out.curve = {{0, 0}};
        return out;
    }
    const Ranking r(scores, incident_cells);
    out.incident_cells = r.event_cells;
    out.curve = r.curve();
    // Per-incident parts: each figure is the mean of its parts over the incidents.
    std::vector<std::vector<double>> parts;
    parts.push_back(r.negatives > 0 ? r.auc_part : std::vector<double>(incident_cells.size(), nan));
    for (double p : percents) parts.push_back(r.capture_weights(p));
    make_units(out, parts, groups);
    out.units = static_cast<std::int64_t>(out.unit_incidents.size());
    out.replicates = stratified_replicates({&out}, replicates, seed);
    std::vector<Estimate> est(parts.size());
    for (size_t k = 0; k < parts.size(); ++k)
        est[k] = with_interval(mean_of(parts[k]), replicates > 0 ? out.replicates[k] : std::vector<double>{});
    out.auc = est[0];
    out.capture.assign(est.begin() + 1, est.end());
    out.pai = pai_of(percents, out.capture);
    return out;
}

}  // namespace minerisk::backtest
