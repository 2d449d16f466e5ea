// The tables of backtest.html: the rounds with their periods and counts, the surfaces' figures, and the paired
// differences of the combined map against each baseline with their verdicts. Every body cell carries its
// column's name (data-label), so that on a narrow screen each row reads as a card of "name: value" lines.
#include <cmath>

#include "analysis/report_internal.hpp"
#include "export/report_format.hpp"
#include "minerisk/dates.hpp"

namespace minerisk::backtest::html {

using report::fixed;
using report::human;
using report::human_int;
using report::human_trim;

std::string esc(const std::string& s) { return report::html_escape(s); }

std::string share(double v) { return std::isfinite(v) ? human(v * 100, 1) + "&nbsp;%" : "-"; }

std::string points(double v) {
    if (!std::isfinite(v)) return "-";
    const double p = std::round(v * 1000) / 10;  // one decimal; -0.0 shown as 0.0
    return (p > 0 ? "+" : p < 0 ? "&minus;" : "") + human(std::fabs(p), 1) + "&nbsp;points";
}

std::string signed_auc(double v) {
    if (!std::isfinite(v)) return "-";
    const double a = std::round(v * 1000) / 1000;
    return (a > 0 ? "+" : a < 0 ? "&minus;" : "") + fixed(std::fabs(a), 3);
}

std::string km2(double cells, double cell_size) {
    if (!(cell_size > 0)) return "-";
    const double a = cells * cell_size * cell_size / 1e6;
    return human(a, a < 10 ? 2 : a < 1000 ? 1 : 0) + "&nbsp;km&sup2;";
}

std::string until_text(double to) { return std::isfinite(to) ? date_to_string(to - 1) : "the end of the data"; }

std::string verdict_label(const Estimate& d) {
    const std::string v = verdict(d);
    const char* cls = v == "clearly better" ? "better" : v == "clearly worse" ? "worse" : "same";
    return "<span class=\"verdict " + std::string(cls) + "\">" + v + "</span>";
}

namespace {

// A signed share in points with one decimal, without the unit: "+0.5", "&minus;1.2".
std::string signed_points(double v) {
    const double p = std::round(v * 1000) / 10;
    return (p > 0 ? "+" : p < 0 ? "&minus;" : "") + human(std::fabs(p), 1);
}

}  // namespace

std::string difference_interval(const Estimate& d, bool auc) {
    if (!std::isfinite(d.ci_low)) return "";
    return auc ? signed_auc(d.ci_low) + " to " + signed_auc(d.ci_high) : signed_points(d.ci_low) + " to " + signed_points(d.ci_high);
}

namespace {

std::string td(const std::string& label, const std::string& content, const std::string& cls = "n") {
    return "<td class=\"" + cls + "\" data-label=\"" + esc(label) + "\">" + content + "</td>";
}

std::string ci_line(const std::string& lo, const std::string& hi) {
    return "<br><span class=\"ci\">" + lo + "&ndash;" + hi + "</span>";
}

std::string auc_cell(const Estimate& e) {
    if (!std::isfinite(e.value)) return "-";
    std::string s = fixed(e.value, 3);
    if (std::isfinite(e.ci_low)) s += ci_line(fixed(e.ci_low, 3), fixed(e.ci_high, 3));
    return s;
}

std::string capture_cell(const Estimate& c, const Estimate& pai) {
    if (!std::isfinite(c.value)) return "-";
    std::string s = share(c.value);
    if (std::isfinite(c.ci_low)) s += ci_line(human(c.ci_low * 100, 1), human(c.ci_high * 100, 1));
    if (std::isfinite(pai.value)) s += "<br><span class=\"pai\">PAI " + human(pai.value, 1) + "</span>";
    return s;
}

std::string capture_heading(double p) { return "Top " + human_trim(p, 2) + " % of the area"; }

const Estimate kNone{NAN, NAN, NAN};
const Estimate& at(const std::vector<Estimate>& v, size_t k) { return k < v.size() ? v[k] : kNone; }

// The best baseline of each column: -1 the AUC, then each capture level.
std::vector<const ModelScore*> best_per_column(const std::vector<ModelScore>& models, size_t levels) {
    std::vector<const ModelScore*> best;
    for (int k = -1; k < static_cast<int>(levels); ++k) best.push_back(best_baseline(models, k));
    return best;
}

void write_head(std::ostringstream& o, const std::string& first, const std::vector<double>& percents, bool incidents) {
    o << "<thead><tr><th>" << first << "</th><th class=\"n\">AUC<br><span class=\"ci\">95&nbsp;% interval</span></th>";
    for (double p : percents)
        o << "<th class=\"n\">Top " << human_trim(p, 2) << "&nbsp;% of the area<br><span class=\"ci\">"
          << (incidents ? "captured, interval, PAI" : "difference, interval") << "</span></th>";
    if (incidents) o << "<th class=\"n\">Incidents</th>";
    o << "</tr></thead>\n<tbody>\n";
}

}  // namespace

void write_rounds_table(std::ostringstream& o, const Result& r) {
    const bool blocks = r.mode == "spatial blocks";
    o << "<div class=\"wide\"><table class=\"rounds\">\n<thead><tr><th>" << (blocks ? "Fold" : "Split") << "</th>";
    if (blocks) o << "<th class=\"n\">Blocks</th>";
    else o << "<th>Surfaces as known on</th><th>Scored on incidents dated</th>";
    o << "<th class=\"n\">Incidents known</th><th class=\"n\">Held out</th><th class=\"n\">Scored</th>"
         "<th class=\"n\">Cells scored</th><th class=\"n\">Area scored</th></tr></thead>\n<tbody>\n";
    std::int64_t held = 0, scored = 0;
    for (const auto& round : r.rounds) {
        const SurfaceScore* s = round.models.empty() ? nullptr : &round.models.front().score;
        o << "<tr><th>" << esc(round.label) << "</th>";
        if (blocks) o << td("Blocks", human_int(round.blocks));
        else
            o << td("Surfaces as known on", date_to_string(round.as_of), "") <<
                td("Scored on incidents dated", date_to_string(round.from) + " to " + esc(until_text(round.to)), "");
        o << td("Incidents known", human_int(round.known_incidents)) << td("Held out", human_int(round.held_out))
          << td("Scored", s ? human_int(s->incidents) : "0") << td("Cells scored", s ? human_int(s->cells) : "-")
          << td("Area scored", s ? km2(static_cast<double>(s->cells), r.cell_size) : "-") << "</tr>\n";
        held += round.held_out;
        scored += s ? s->incidents : 0;
    }
    if (r.rounds.size() > 1)
        o << "<tr class=\"total\"><th>all</th>" << (blocks ? "<td></td>" : "<td></td><td></td>") << "<td></td>"
          << td("Held out", human_int(held)) << td("Scored", human_int(scored)) << "<td></td><td></td></tr>\n";
    o << "</tbody>\n</table></div>\n";
}

void write_scores_table(std::ostringstream& o, const std::vector<double>& percents, const std::vector<ModelScore>& models) {
    const auto best = best_per_column(models, percents.size());
    o << "<div class=\"wide\"><table class=\"backtest\">\n";
    write_head(o, "Surface", percents, true);
    for (const auto& m : models) {
        const bool model = m.kind == "model";
        auto cls = [&](size_t col) { return std::string(best[col] == &m ? "n best" : "n"); };
        o << "<tr class=\"" << (model ? "model" : "baseline") << "\"><th class=\"name\">" << esc(m.name)
          << (model ? "" : " <span class=\"ci\">(baseline)</span>") << "</th>" << td("AUC", auc_cell(m.score.auc), cls(0));
        for (size_t k = 0; k < percents.size(); ++k)
            o << td(capture_heading(percents[k]), capture_cell(at(m.score.capture, k), at(m.score.pai, k)), cls(k + 1));
        o << td("Incidents", human_int(m.score.incidents)) << "</tr>\n";
    }
    o << "<tr class=\"bestrow\"><th>Best baseline</th>";
    for (size_t col = 0; col < best.size(); ++col)
        o << td(col == 0 ? std::string("AUC") : capture_heading(percents[col - 1]), best[col] ? esc(best[col]->name) : "-", "best");
    o << "<td></td></tr>\n</tbody>\n</table></div>\n";
}

void write_differences_table(std::ostringstream& o, const std::vector<double>& percents, const std::vector<ModelScore>& models,
                             const std::vector<Difference>& diffs) {
    if (diffs.empty()) return;
    const auto best = best_per_column(models, percents.size());
    o << "<div class=\"wide\"><table class=\"backtest diff\">\n";
    write_head(o, "Combined map minus", percents, false);
    for (const auto& d : diffs) {
        auto cls = [&](size_t col) { return std::string(best[col] && best[col]->name == d.baseline ? "n best" : "n"); };
        o << "<tr><th class=\"name\">" << esc(d.model) << " &minus; " << esc(d.baseline) << "</th>";
        std::string a = signed_auc(d.auc.value);
        if (std::isfinite(d.auc.ci_low)) a += "<br><span class=\"ci\">" + difference_interval(d.auc, true) + "</span>";
        o << td("AUC", a + "<br>" + verdict_label(d.auc), cls(0));
        for (size_t k = 0; k < percents.size(); ++k) {
            const Estimate& c = at(d.capture, k);
            std::string s = points(c.value);
            if (std::isfinite(c.ci_low)) s += "<br><span class=\"ci\">" + difference_interval(c, false) + "</span>";
            o << td(capture_heading(percents[k]), s + "<br>" + verdict_label(c), cls(k + 1));
        }
        o << "</tr>\n";
    }
    o << "</tbody>\n</table></div>\n";
}

}  // namespace minerisk::backtest::html
