#include "run/fit_weights.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "analysis/incident_point.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/error.hpp"
#include "minerisk/poisson_fit.hpp"
#include "minerisk/surfaces.hpp"

namespace minerisk {

namespace {

constexpr double kDaysPerYear = 365.25;
constexpr int kIncidentsPerCoefficient = 10;  // the usual rule of thumb for a Poisson regression

const FeatureLayer& incidents_of(const RunPlan& plan) {
    for (const auto& l : plan.inputs.layers)
        if (l.role == "incidents") {
            if (!l.column("date"))
                throw Error("'method: fitted' needs dated incidents, and the incidents have no date", plan.scenario.scoring.where,
                            "map their date column ('fields: date: ...'), or use method weighted_sum");
            return l;
        }
    throw Error("'method: fitted' estimates the weights from incidents, and the scenario has none", plan.scenario.scoring.where,
                "add 'incidents:' under 'inputs:', or use method weighted_sum");
}

// The incidents dated in (from, to] per grid cell (cells off the grid left out), keyed by cell.
std::unordered_map<std::int64_t, float> counts_per_cell(const RunPlan& plan, double from, double to) {
    const GridSpec& g = plan.grid;
    const FeatureLayer& inc = incidents_of(plan);
    const Column* dates = inc.column("date");
    std::unordered_map<std::int64_t, float> counts;
    for (size_t i = 0; i < static_cast<size_t>(inc.size()); ++i) {
        const double d = i < dates->number.size() ? dates->number[i] : NAN;
        if (!(std::isfinite(d) && d > from && d <= to)) continue;
        double x = 0, y = 0;
        if (!incident_point(inc, i, x, y)) continue;
        const double cx = std::floor((x - g.origin_x) / g.cell_size), cy = std::floor((g.origin_y - y) / g.cell_size);
        if (cx < 0 || cy < 0 || cx >= static_cast<double>(g.width) || cy >= static_cast<double>(g.height)) continue;
        counts[static_cast<std::int64_t>(cy) * g.width + static_cast<std::int64_t>(cx)] += 1;
    }
    return counts;
}

// The fitted factors' scores on the cells where every one has a value, with the incidents of (from, to] there.
// Every cell holding an incident is kept; of the others every m-th (in row-major order) with weight m, so that at
// most about kMaxEmptyCells enter the fit: the weighted likelihood is an unbiased estimate of the whole grid's,
// and a fit over 100 million cells costs what one over a few hundred thousand does.
constexpr std::int64_t kMaxEmptyCells = 300000;

fit::Sample sample(const RunPlan& plan, const Surfaces& s, const std::vector<size_t>& fitted, double from, double to) {
    const std::int64_t n = plan.grid.cells();
    const auto counts = counts_per_cell(plan, from, to);
    auto usable = [&](std::int64_t c) {
        bool ok = std::isfinite(s.risk[static_cast<size_t>(c)]);
        for (size_t k : fitted) ok = ok && std::isfinite(s.factors[k][static_cast<size_t>(c)]);
        return ok;
    };
    std::int64_t empty = 0;
    for (std::int64_t c = 0; c < n; ++c) empty += usable(c) && !counts.count(c);
    const std::int64_t stride = std::max<std::int64_t>(1, (empty + kMaxEmptyCells - 1) / kMaxEmptyCells);
    fit::Sample out;
    out.x.resize(fitted.size());
    out.exposure = (to - from) / kDaysPerYear;
    std::int64_t seen_empty = 0;
    for (std::int64_t c = 0; c < n; ++c) {
        if (!usable(c)) continue;
        const auto it = counts.find(c);
        float weight = 1;
        if (it == counts.end()) {
            if (seen_empty++ % stride != 0) continue;
            weight = static_cast<float>(stride);
        }
        for (size_t j = 0; j < fitted.size(); ++j) out.x[j].push_back(s.factors[fitted[j]][static_cast<size_t>(c)]);
        out.y.push_back(it == counts.end() ? 0.0f : it->second);
        out.w.push_back(weight);
    }
    return out;
}

double total(const fit::Sample& s) {
    double t = 0;
    for (float y : s.y) t += y;  // cells with incidents have weight 1
    return t;
}

void refuse_too_few(double have, size_t coefficients, double from, double to, const RunPlan& plan) {
    const double need = kIncidentsPerCoefficient * static_cast<double>(coefficients + 1);
    if (have >= need) return;
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "too few incidents to fit the weights: %.0f in the area between %s and %s, and %d factor(s) need at least %.0f",
                  have, date_to_string(from).c_str(), date_to_string(to).c_str(), static_cast<int>(coefficients), need);
    throw Error(buf, plan.scenario.scoring.where, "lengthen 'fit_years', fit fewer factors, or use method weighted_sum");
}

std::string words(const std::string& name, double coef, double lo, double hi) {
    char buf[400];
    if (coef <= 0)
        std::snprintf(buf, sizeof buf, "%s: weight 0 (it did not help predict where incidents happened in the fit period)",
                      name.c_str());
    else
        std::snprintf(buf, sizeof buf,
                      "%s: weight %.2f [%.2f, %.2f]: from a score of 0 to 1, expected incidents multiply by %.1f (%.1f to %.1f)",
                      name.c_str(), coef, lo, hi, std::exp(coef), std::exp(lo), std::exp(hi));
    return buf;
}

}  // namespace

void fit_weights(RunPlan& plan, double as_of, const Progress& progress) {
    FittedWeights fw;
    fw.as_of = as_of;
    fw.years = plan.scenario.scoring.fit_years;
    fw.from = as_of - fw.years * kDaysPerYear;
    fw.cv_from = fw.from - fw.years * kDaysPerYear;
    for (size_t k = 0; k < plan.factors.size(); ++k)
        if (plan.scenario.scoring.factors[k].weight > 0) fw.fitted.push_back(k);
    std::vector<std::string> names;
    for (size_t k : fw.fitted) names.push_back(plan.factors[k].spec.name);
    incidents_of(plan);
    const Surfaces at_from = compute_surfaces(plan, fw.from, progress.sub(0.0, 0.45));
    fit::Sample main = sample(plan, at_from, fw.fitted, fw.from, as_of);
    fw.incidents = static_cast<std::int64_t>(total(main));
    for (float w : main.w) fw.cells += static_cast<std::int64_t>(w);
    refuse_too_few(total(main), fw.fitted.size(), fw.from, as_of, plan);
    // The regularisation, chosen in time order: fit the period before on the factors as known at its start,
    // judge each fit on the fit period (on the factors as known at its start). A strength is a share of the
    // incidents, so that it means the same on any number of records.
    const double n = total(main);
    fw.lambdas = {0.0, 1e-3 * n, 1e-2 * n, 1e-1 * n, n};
    fw.lambda = 1e-2 * n;
    const Surfaces at_cv = compute_surfaces(plan, fw.cv_from, progress.sub(0.45, 0.9));
    const fit::Sample before = sample(plan, at_cv, fw.fitted, fw.cv_from, fw.from);
    fw.cv_incidents = static_cast<std::int64_t>(total(before));
    if (total(before) >= kIncidentsPerCoefficient * static_cast<double>(fw.fitted.size() + 1)) {
        double best = INFINITY;
        for (double l : fw.lambdas) {
            const double d = fit::deviance(fit::fit_poisson(before, l, names), main);
            fw.cv_deviance.push_back(d);
            if (d < best - 1e-9 * std::fabs(best)) best = d, fw.lambda = l;
        }
    } else {
        fw.notes.push_back("too few incidents in the period before the fit period (" + std::to_string(fw.cv_incidents) +
                           ") to choose the regularisation: a moderate one (1 % of the incidents) is used");
    }
    const fit::Fit f = fit::fit_poisson(main, fw.lambda, names);
    progress.report(1.0);
    double sum = 0;
    for (size_t j = 0; j < fw.fitted.size(); ++j) {
        fw.coef.push_back(f.coef[j]);
        fw.ci_low.push_back(std::max(0.0, f.coef[j] - 1.96 * f.se[j]));
        fw.ci_high.push_back(f.coef[j] + 1.96 * f.se[j]);
        sum += f.coef[j];
        fw.notes.push_back(words(names[j], f.coef[j], fw.ci_low.back(), fw.ci_high.back()));
    }
    if (sum <= 0)
        throw Error("no factor helped predict where the incidents of the fit period happened: every fitted weight is 0",
                    plan.scenario.scoring.where, "check the factors' inputs, or use method weighted_sum with weights you choose");
    fw.dispersion = f.dispersion;
    const double cell_km2 = plan.grid.cell_size * plan.grid.cell_size / 1e6;
    fw.rate_at_one = std::exp(f.intercept + sum) / cell_km2;
    {
        char buf[300];
        std::snprintf(buf, sizeof buf,
                      "risk 1 means %.3g expected incidents per km2 per year (where every fitted factor scores 1), and a "
                      "risk of r means r times that; fitted on %lld incidents from %s to %s",
                      fw.rate_at_one, static_cast<long long>(fw.incidents), date_to_string(fw.from).c_str(),
                      date_to_string(as_of).c_str());
        fw.notes.push_back(buf);
    }
    for (size_t k = 0; k < plan.factors.size(); ++k) plan.factors[k].spec.weight = 0;
    for (size_t j = 0; j < fw.fitted.size(); ++j) plan.factors[fw.fitted[j]].spec.weight = f.coef[j];
    fw.done = true;
    plan.fit = std::move(fw);
}

}  // namespace minerisk
