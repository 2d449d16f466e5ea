// backtest.csv and backtest.html: the backtest's figures for machines and for planners. The page is
// self-contained like report.html (inline CSS, the plot as a data: URI, no script, a Content-Security-Policy that
// loads nothing), and every text from the data is escaped.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include "export/report_format.hpp"
#include "export/report_style.hpp"
#include "minerisk/backtest.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/error.hpp"
#include "minerisk/version.hpp"

namespace fs = std::filesystem;

namespace minerisk::backtest {

namespace {

using report::csv_record;
using report::fixed;
using report::human;
using report::human_int;
using report::human_trim;

std::string esc(const std::string& s) { return report::html_escape(s); }

std::string metric_name(double percent) { return "capture_" + human_trim(percent, 3); }

std::string date_or_blank(double d) { return std::isfinite(d) ? date_to_string(d) : ""; }

// The last day of [from, to): to - 1 day.
std::string until_text(double to) { return std::isfinite(to) ? date_to_string(to - 1) : "the end of the data"; }

std::string round_heading(const Result& r, const Round& round) {
    const std::int64_t n = round.models.empty() ? 0 : round.models.front().score.incidents;
    if (r.mode == "spatial blocks")
        return round.label + ": surfaces built without the incidents of " + human_int(round.blocks) + " of the " +
               human_int(static_cast<long long>(r.options.blocks) * r.options.blocks) + " blocks, scored on " +
               human_int(n) + (n == 1 ? " incident" : " incidents") + " inside them";
    return "Split " + round.label + ": surfaces as known on " + date_to_string(round.as_of) + ", scored on " + human_int(n) +
           (n == 1 ? " incident" : " incidents") + " dated " + date_to_string(round.from) + " to " + until_text(round.to);
}

std::string share(double v) { return std::isfinite(v) ? human(v * 100, 1) + "&nbsp;%" : "-"; }
std::string share_ci(const Estimate& e) {
    if (!std::isfinite(e.ci_low)) return "";
    return "<br><span class=\"ci\">" + human(e.ci_low * 100, 1) + "&ndash;" + human(e.ci_high * 100, 1) + "</span>";
}
std::string auc_text(const Estimate& e) {
    if (!std::isfinite(e.value)) return "-";
    std::string s = fixed(e.value, 3);
    if (std::isfinite(e.ci_low)) s += "<br><span class=\"ci\">" + fixed(e.ci_low, 3) + "&ndash;" + fixed(e.ci_high, 3) + "</span>";
    return s;
}

std::pair<unsigned, unsigned> png_size(const std::string& png) {
    if (png.size() < 24 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return {0, 0};
    auto be32 = [&](size_t o) {
        unsigned v = 0;
        for (size_t k = 0; k < 4; ++k) v = (v << 8) | static_cast<unsigned char>(png[o + k]);
        return v;
    };
    return {be32(16), be32(20)};
}

void write_results_table(std::ostringstream& o, const std::vector<double>& percents, const std::vector<ModelScore>& models) {
    o << "<div class=\"wide\"><table class=\"backtest\">\n<thead><tr><th>Surface</th><th class=\"n\">AUC<br><span class=\"ci\">95&nbsp;% interval</span></th>";
    for (double p : percents) o << "<th class=\"n\">Captured in the top " << human_trim(p, 2) << "&nbsp;%</th>";
    o << "<th class=\"n\">Incidents</th></tr></thead>\n<tbody>\n";
    for (const auto& m : models) {
        o << "<tr class=\"" << (m.kind == "model" ? "model" : "baseline") << "\"><td class=\"name\">" << esc(m.name)
          << (m.kind == "baseline" ? " <span class=\"ci\">(baseline)</span>" : "") << "</td><td class=\"n\">" << auc_text(m.score.auc) << "</td>";
        for (size_t k = 0; k < percents.size(); ++k) {
            const Estimate e = k < m.score.capture.size() ? m.score.capture[k] : Estimate{NAN, NAN, NAN};
            o << "<td class=\"n\">" << share(e.value) << share_ci(e) << "</td>";
        }
        o << "<td class=\"n\">" << human_int(m.score.incidents) << "</td></tr>\n";
    }
    o << "</tbody>\n</table></div>\n";
}

// The mean over the rounds of each surface's figures (rounds without incidents left out).
std::vector<ModelScore> mean_over_rounds(const Result& r) {
    std::vector<ModelScore> out;
    std::vector<int> counts;
    for (const auto& round : r.rounds)
        for (const auto& m : round.models) {
            if (m.score.incidents == 0) continue;
            auto it = std::find_if(out.begin(), out.end(), [&](const ModelScore& x) { return x.name == m.name; });
            if (it == out.end()) {
                ModelScore z = m;
                z.score.auc = {0, NAN, NAN};
                z.score.capture.assign(m.score.capture.size(), {0, NAN, NAN});
                z.score.incidents = 0;
                z.score.cells = 0;
                out.push_back(z);
                counts.push_back(0);
                it = out.end() - 1;
            }
            const size_t i = static_cast<size_t>(it - out.begin());
            it->score.auc.value += m.score.auc.value;
            for (size_t k = 0; k < m.score.capture.size() && k < it->score.capture.size(); ++k)
                it->score.capture[k].value += m.score.capture[k].value;
            it->score.incidents += m.score.incidents;
            it->score.cells = std::max(it->score.cells, m.score.cells);
            ++counts[i];
        }
    for (size_t i = 0; i < out.size(); ++i) {
        out[i].score.auc.value /= counts[i];
        for (auto& c : out[i].score.capture) c.value /= counts[i];
    }
    return out;
}

std::vector<std::string> all_warnings(const Result& r) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    // Masked: an input warning may name a database connection.
    auto add = [&](const std::string& raw) {
        const std::string w = mask_secrets(raw);
        if (seen.insert(w).second) out.push_back(w);
    };
    for (const auto& w : r.input_warnings) add(w);
    for (const auto& w : r.warnings) add(w);
    for (const auto& w : r.baselines_missing) add(w);
    for (const auto& round : r.rounds)
        for (const auto& w : round.warnings) add(round.label + ": " + w);
    return out;
}

void write_how(std::ostringstream& o, const Result& r) {
    const bool blocks = r.mode == "spatial blocks";
    o << "<section id=\"how\">\n<h2>How to read this</h2>\n";
    if (blocks)
        o << "<p><strong>The test.</strong> The map was cut into " << r.options.blocks << " &times; " << r.options.blocks
          << " blocks, dealt at random into " << r.options.folds << " groups (folds). For each fold, minerisk rebuilt the risk "
             "map <em>without</em> the incidents inside that fold's blocks, then looked at where those hidden incidents are. "
             "A map that only repeats where incidents were recorded gains nothing here: it has to point at them from the "
             "other evidence (hazards, incidents nearby).</p>\n";
    else
        o << "<p><strong>The test.</strong> For each split date, minerisk rebuilt the risk map from what was known the day "
             "before (incidents before the date; hazards, signs and sessions as recorded by then), then looked at where the "
             "incidents of the following period happened. A good map puts them in its riskiest cells. This is the honest "
             "test: the map never saw the incidents it is scored on.</p>\n";
    o << "<p><strong>Captured in the top 5&nbsp;%</strong>: of the incidents held out, the share that happened in the 5&nbsp;% of "
         "the area the map ranks riskiest. If teams had worked only there, they would have been where that share of the "
         "incidents happened. Choosing places at random captures 5&nbsp;% in the top 5&nbsp;%: the <em>uniform</em> "
         "baseline.</p>\n"
      << "<p><strong>AUC</strong> (area under the ROC curve, 0 to 1): the chance that the cell of an incident ranks above a "
         "cell, chosen at random, where no incident happened. 0.5 is no better than chance, 1 means every incident cell "
         "ranks above every other cell. It looks at the whole ranking, the capture rates at its top, which is what a "
         "planner with few teams uses.</p>\n"
      << "<p><strong>Intervals</strong> (small grey figures): 95&nbsp;% bootstrap intervals. They show how much a figure "
         "would move if a different set of incidents had happened in the same places; with few incidents they are wide. "
         "Two surfaces whose intervals overlap widely are not clearly different.</p>\n"
      << "<p><strong>Baselines</strong> are scored on the same incidents and cells: <em>uniform</em> (the same score "
         "everywhere), and each of the scenario's distance-to-hazard and incident-density factors alone. If the scenario's "
         "risk does not beat them, its other factors add nothing to <em>where</em> incidents happen (they may still matter "
         "for who is exposed).</p>\n"
      << "<p class=\"note\">Incidents show where people were hurt <em>and the accident was recorded</em>. Places nobody "
         "reports from, or nobody goes to, look safe to every surface here. A high capture rate says the map points where "
         "recorded incidents happen; it is not a clearance and not a measure of contamination.</p>\n</section>\n";
}

// The headline: the scenario's risk against the best baseline, as plain means over the rounds.
void write_headline(std::ostringstream& o, const Result& r) {
    const auto means = mean_over_rounds(r);
    const ModelScore* model = nullptr;
    const ModelScore* best = nullptr;
    for (const auto& m : means) {
        if (m.kind == "model" && !model) model = &m;
        if (m.kind == "baseline" && m.name != "uniform" && (!best || m.score.auc.value > best->score.auc.value)) best = &m;
    }
    if (!model) return;
    auto capture_at = [&](const ModelScore& m, double p) {
        for (size_t k = 0; k < m.score.percents.size() && k < m.score.capture.size(); ++k)
            if (m.score.percents[k] == p) return m.score.capture[k].value;
        return static_cast<double>(NAN);
    };
    const std::string over = r.rounds.size() > 1 ? " (mean over the " + std::to_string(r.rounds.size()) +
                                                        (r.mode == "spatial blocks" ? " folds)" : " splits)")
                                                  : "";
    o << "<div class=\"figures\">\n<div class=\"fig\"><span class=\"num\">" << fixed(model->score.auc.value, 3)
      << "</span><span class=\"lbl\">AUC of the risk map" << over << "</span></div>\n";
    for (double p : {5.0, 10.0})
        if (std::isfinite(capture_at(*model, p)))
            o << "<div class=\"fig\"><span class=\"num\">" << share(capture_at(*model, p)) << "</span><span class=\"lbl\">of held-out "
              << "incidents in the riskiest " << human_trim(p, 2) << "&nbsp;% of the area</span></div>\n";
    if (best)
        o << "<div class=\"fig\"><span class=\"num\">" << fixed(best->score.auc.value, 3) << "</span><span class=\"lbl\">AUC of the "
          << "best baseline (" << esc(best->name) << ")</span></div>\n";
    o << "<div class=\"fig\"><span class=\"num\">0.500</span><span class=\"lbl\">AUC of chance (uniform)</span></div>\n</div>\n";
}

// What each surface is, once.
void write_surfaces(std::ostringstream& o, const Result& r) {
    std::vector<const ModelScore*> seen;
    for (const auto& round : r.rounds)
        for (const auto& m : round.models)
            if (std::none_of(seen.begin(), seen.end(), [&](const ModelScore* x) { return x->name == m.name; })) seen.push_back(&m);
    if (seen.empty()) return;
    o << "<dl class=\"surfaces small\">\n";
    for (const auto* m : seen) o << "<dt>" << esc(m->name) << "</dt><dd>" << esc(m->meaning) << "</dd>\n";
    o << "</dl>\n<div style=\"clear: both\"></div>\n";
}

void write_results(std::ostringstream& o, const Result& r) {
    o << "<section id=\"results\">\n<h2>Results</h2>\n";
    if (r.rounds.empty()) o << "<p class=\"muted\">No split or fold.</p>\n";
    write_headline(o, r);
    write_surfaces(o, r);
    const std::vector<double>& percents = r.options.percents;
    for (const auto& round : r.rounds) {
        o << "<h3>" << esc(round_heading(r, round)) << "</h3>\n";
        if (round.models.empty() || round.models.front().score.incidents == 0)
            o << "<p class=\"muted\">No incident to score in this " << (r.mode == "spatial blocks" ? "fold" : "period") << ".</p>\n";
        else
            write_results_table(o, percents, round.models);
        o << "<p class=\"small muted\">The surfaces were built from " << human_int(round.known_incidents)
          << " incidents. ";
        if (!round.models.empty() && round.models.front().score.incidents > 0) {
            const auto& sc = round.models.front().score;
            o << "Scored over " << human_int(sc.cells) << " cells; the held-out incidents lie in " << human_int(sc.incident_cells)
              << " of them. The intervals resample " << human_int(sc.units)
              << (r.options.cluster ? " accidents (incidents sharing a cell and a date, drawn together)" : " incidents") << ". ";
        }
        for (const auto& n : round.notes) o << esc(n) << ". ";
        o << "</p>\n";
    }
    int scored = 0;
    for (const auto& round : r.rounds) scored += !round.models.empty() && round.models.front().score.incidents > 0;
    if (scored > 1) {
        o << "<h3>Mean over the " << scored << " " << (r.mode == "spatial blocks" ? "folds" : "splits") << "</h3>\n"
          << "<p class=\"small muted\">Plain means of the figures above (no interval); incidents: the total scored.</p>\n";
        write_results_table(o, percents, mean_over_rounds(r));
    }
    o << "</section>\n";
}

void write_plot(std::ostringstream& o, const std::string& png) {
    o << "<section id=\"curves\">\n<h2>Capture curves</h2>\n";
    if (png.empty()) {
        o << "<p class=\"muted\">No picture. See capture.png beside this page.</p>\n</section>\n";
        return;
    }
    const auto [w, h] = png_size(png);
    o << "<figure>\n<img src=\"data:image/png;base64," << report::base64(png) << "\"";
    if (w && h) o << " width=\"" << w << "\" height=\"" << h << "\"";
    o << " alt=\"Capture curves: share of held-out incidents against share of the area, riskiest first, one line per surface\">\n"
      << "<figcaption>Read along a line from the left: how many of the held-out incidents lie in the riskiest part of the "
         "area. The higher and the steeper at the start, the better the map points at them. The straight diagonal is the "
         "uniform baseline (chance). Dotted lines mark the capture levels of the table. Also capture.png.</figcaption>\n"
         "</figure>\n</section>\n";
}

void write_method(std::ostringstream& o, const Result& r) {
    o << "<section id=\"method\">\n<h2>Method</h2>\n<pre>";
    if (r.mode == "spatial blocks")
        o << "blocks      the grid cut into " << r.options.blocks << " x " << r.options.blocks
          << " equal blocks; blocks dealt into " << r.options.folds << " folds (seeded shuffle, then in turn)\n"
          << "fold f      surfaces built without the incidents in the blocks of f (all dates, as of "
          << (r.rounds.empty() ? std::string("the run's date") : date_to_string(r.rounds.front().as_of)) << ");\n"
          << "            scored on those incidents, over the cells of those blocks\n";
    else
        o << "split D     surfaces built as of D - 1 day: incidents dated before D (undated ones too), hazards, signs\n"
          << "            and sessions recorded by then; scored on the incidents dated in [D, next split)"
          << (r.options.horizon_days > 0 ? " -- here [D, D + " + human_trim(r.options.horizon_days / 365.25, 2) + " years)" : "")
          << ",\n            the last split up to the end of the data; over every cell where the combined risk has data\n";
    o << "AUC         sum over incidents i of (N_below(i) + N_tied(i) / 2) / N0, divided by the number of incidents,\n"
         "            N0 = cells holding no held-out incident, N_below/N_tied(i) = those scoring below/equal to i's cell\n"
         "capture(p)  (incidents in cells above the cut + s x incidents in cells at the cut) / incidents,\n"
         "            the cut = the score of the ceil(p/100 x cells)-th riskiest cell, s = the share of the tied cells\n"
         "            needed to make exactly p % of the area (so a constant surface captures exactly p %)\n"
         "interval    "
      << r.options.replicates << " bootstrap resamples of the "
      << (r.options.cluster ? "accidents (incidents sharing a cell and a date, drawn together)" : "incidents")
      << ",\n            with replacement, seed " << r.options.seed << "; 2.5th and 97.5th percentiles\n"
         "no data     a surface's cell without data ranks lowest; incidents on cells where the risk has no data are not scored\n"
      << "</pre>\n<p class=\"small muted\">Details and limits: docs/backtest.md.</p>\n</section>\n";
}

void write_warnings(std::ostringstream& o, const Result& r) {
    const auto w = all_warnings(r);
    o << "<section id=\"warnings\">\n<h2>Warnings (" << w.size() << ")</h2>\n";
    if (w.empty()) o << "<p>None.</p>\n";
    else {
        o << "<ol class=\"warnings\">\n";
        for (const auto& x : w) o << "<li class=\"warning\">" << esc(x) << "</li>\n";
        o << "</ol>\n";
    }
    o << "</section>\n";
}

void write_timing(std::ostringstream& o, const Result& r) {
    o << "<section id=\"timing\">\n<h2>Run time</h2>\n<table class=\"kv timing\">\n<thead><tr><th>Stage</th><th class=\"n\">Seconds</th></tr></thead>\n<tbody>\n";
    for (const auto& s : r.stages)
        o << "<tr><td>" << esc(s.name) << "</td><td class=\"n\">" << human(s.seconds, s.seconds < 10 ? 2 : 1) << "</td></tr>\n";
    o << "<tr><th>total</th><th class=\"n\">" << human(r.seconds, r.seconds < 10 ? 2 : 1) << "</th></tr>\n</tbody>\n</table>\n</section>\n";
}

}  // namespace

std::string results_csv(const Result& r) {
    std::string out = csv_record({"split_or_fold", "model", "metric", "value", "ci_low", "ci_high", "n_later_incidents", "n_cells",
                                  "kind", "mode", "as_of", "later_from", "later_to", "n_incident_cells", "n_units"});
    for (const auto& round : r.rounds)
        for (const auto& m : round.models) {
            auto row = [&](const std::string& metric, const Estimate& e) {
                out += csv_record({round.label, m.name, metric, fixed(e.value, 6), fixed(e.ci_low, 6), fixed(e.ci_high, 6),
                                   std::to_string(m.score.incidents), std::to_string(m.score.cells), m.kind, r.mode,
                                   date_to_string(round.as_of), date_or_blank(round.from),
                                   std::isfinite(round.to) ? date_to_string(round.to - 1) : "", std::to_string(m.score.incident_cells), std::to_string(m.score.units)});
            };
            row("auc", m.score.auc);
            for (size_t k = 0; k < m.score.percents.size() && k < m.score.capture.size(); ++k)
                row(metric_name(m.score.percents[k]), m.score.capture[k]);
        }
    return out;
}

std::string results_html(const Result& r, const std::string& png, bool section_only) {
    std::ostringstream o;
    const std::string name = r.scenario_name.empty() ? std::string("minerisk scenario") : r.scenario_name;
    std::string what = r.mode == "spatial blocks"
                           ? "Spatial block cross-validation: " + std::to_string(r.options.blocks) + " &times; " +
                                 std::to_string(r.options.blocks) + " blocks in " + std::to_string(r.options.folds) + " folds"
                           : "Rolling-origin backtest over " + std::to_string(r.rounds.size()) +
                                 (r.rounds.size() == 1 ? " split" : " splits");
    if (!section_only) {
        o << report_style::page_head("Backtest: " + name, report_style::Page::backtest) << "<header>\n<h1>Backtest: " << esc(name) << "</h1>\n";
    } else {
        o << "<section id=\"backtest\">\n<h2>Backtest</h2>\n";
    }
    o << "<p class=\"sub\">" << what;
    if (r.mode != "spatial blocks" && !r.rounds.empty()) {
        o << " (";
        for (size_t i = 0; i < r.rounds.size(); ++i) o << (i ? ", " : "") << esc(r.rounds[i].label);
        o << ")";
    }
    o << ". Grid " << esc(r.grid) << ". " << human_int(r.options.replicates) << " bootstrap resamples. Run time "
      << human(r.seconds, r.seconds < 10 ? 2 : 1) << " s. Prepared with minerisk " << esc(MINERISK_VERSION_STRING) << ".</p>\n";
    if (!section_only)
        o << "<nav>Contents: <a href=\"#how\">How to read this</a><a href=\"#results\">Results</a><a href=\"#curves\">Capture curves</a>"
             "<a href=\"#method\">Method</a><a href=\"#warnings\">Warnings</a><a href=\"#timing\">Run time</a></nav>\n</header>\n<main>\n";
    write_how(o, r);
    write_results(o, r);
    write_plot(o, png);
    write_method(o, r);
    write_warnings(o, r);
    write_timing(o, r);
    if (section_only) {
        o << "</section>\n";
        return o.str();
    }
    o << "</main>\n<footer>Made by minerisk " << esc(MINERISK_VERSION_STRING)
      << ". Beside this page: backtest.csv (every figure with its interval) and capture.png (the curves). This page needs "
         "no network.</footer>\n</body>\n</html>\n";
    return o.str();
}

std::vector<OutputFile> write_outputs(const Result& r, const std::string& dir) {
    std::vector<OutputFile> files;
    const fs::path d(dir);
    const std::string csv = (d / "backtest.csv").string();
    report::write_file_atomically(csv, results_csv(r));
    files.push_back({csv, "every figure of every split or fold and surface, with its 95 % interval (CSV)"});
    const std::string png = capture_png(r);
    const std::string png_path = (d / "capture.png").string();
    report::write_file_atomically(png_path, png);
    files.push_back({png_path, "the capture curves, one panel per split or fold, one line per surface"});
    const std::string html = (d / "backtest.html").string();
    report::write_file_atomically(html, results_html(r, png));
    files.push_back({html, "the results for planners: tables, curves, what the figures mean (self-contained page)"});
    return files;
}

}  // namespace minerisk::backtest
