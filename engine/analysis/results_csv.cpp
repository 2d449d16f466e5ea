// backtest.csv: every figure of every round, the pooled rounds and the paired differences, one row per figure,
// for machines (layout in docs/backtest.md, "backtest.csv").
#include <algorithm>
#include <cmath>

#include "export/report_format.hpp"
#include "minerisk/backtest.hpp"
#include "minerisk/dates.hpp"

namespace minerisk::backtest {

namespace {

using report::csv_record;
using report::fixed;
using report::human_trim;

std::string date_or_blank(double d) { return std::isfinite(d) ? date_to_string(d) : ""; }
std::string last_day_or_blank(double to) { return std::isfinite(to) ? date_to_string(to - 1) : ""; }

// What the rows of one round (or of the pooled rounds) share.
struct RowContext {
    std::string label, mode, as_of, from, to;
};

// One figure's row. `counts` is the surface's score (for a difference: the model's, the incidents and cells
// being the same for both).
std::string row(const RowContext& c, const std::string& model, const std::string& kind, const std::string& metric,
                const Estimate& e, const SurfaceScore& counts, const std::string& verdict_text) {
    return csv_record({c.label, model, metric, fixed(e.value, 6), fixed(e.ci_low, 6), fixed(e.ci_high, 6),
                       std::to_string(counts.incidents), std::to_string(counts.cells), kind, c.mode, c.as_of, c.from, c.to,
                       std::to_string(counts.incident_cells), std::to_string(counts.units), verdict_text});
}

std::string metric(const char* what, double percent) { return std::string(what) + "_" + human_trim(percent, 3); }

// The rows of a set of surfaces and of the differences between them: auc, capture_p, pai_p for each.
void rows(std::string& out, const RowContext& c, const std::vector<ModelScore>& models, const std::vector<Difference>& diffs) {
    for (const auto& m : models) {
        const auto& s = m.score;
        out += row(c, m.name, m.kind, "auc", s.auc, s, "");
        for (size_t k = 0; k < s.percents.size() && k < s.capture.size(); ++k)
            out += row(c, m.name, m.kind, metric("capture", s.percents[k]), s.capture[k], s, "");
        for (size_t k = 0; k < s.percents.size() && k < s.pai.size(); ++k)
            out += row(c, m.name, m.kind, metric("pai", s.percents[k]), s.pai[k], s, "");
    }
    const auto model = std::find_if(models.begin(), models.end(), [](const ModelScore& m) { return m.kind == "model"; });
    if (model == models.end()) return;
    for (const auto& d : diffs) {
        out += row(c, d.name, "difference", "auc", d.auc, model->score, verdict(d.auc));
        for (size_t k = 0; k < d.percents.size() && k < d.capture.size(); ++k)
            out += row(c, d.name, "difference", metric("capture", d.percents[k]), d.capture[k], model->score, verdict(d.capture[k]));
        for (size_t k = 0; k < d.percents.size() && k < d.pai.size(); ++k)
            out += row(c, d.name, "difference", metric("pai", d.percents[k]), d.pai[k], model->score, verdict(d.pai[k]));
    }
}

}  // namespace

std::string results_csv(const Result& r) {
    std::string out = csv_record({"split_or_fold", "model", "metric", "value", "ci_low", "ci_high", "n_later_incidents", "n_cells",
                                  "kind", "mode", "as_of", "later_from", "later_to", "n_incident_cells", "n_units", "verdict"});
    for (const auto& round : r.rounds)
        rows(out, {round.label, r.mode, date_to_string(round.as_of), date_or_blank(round.from), last_day_or_blank(round.to)},
             round.models, differences(round.models));
    const Pooled p = pool(r);
    if (p.rounds > 1) {
        // The pooled period: from the first round's start to the last one's end (rolling origin; blank for folds).
        double from = INFINITY, to = -INFINITY;
        for (const auto& round : r.rounds) from = std::min(from, round.from), to = std::max(to, round.to);
        rows(out, {"pooled", r.mode, "", date_or_blank(from), last_day_or_blank(to)}, p.models, p.differences);
    }
    return out;
}

}  // namespace minerisk::backtest
