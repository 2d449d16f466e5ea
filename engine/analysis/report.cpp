// backtest.html: the backtest's figures for planners. The page is self-contained like report.html (inline CSS,
// the plot as a data: URI, no script, a Content-Security-Policy that loads nothing), and every text from the data
// is escaped. Its tables are in report_tables.cpp, backtest.csv in results_csv.cpp.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include "analysis/report_internal.hpp"
#include "export/report_format.hpp"
#include "export/report_style.hpp"
#include "minerisk/backtest.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/error.hpp"
#include "minerisk/version.hpp"

namespace fs = std::filesystem;

namespace minerisk::backtest {

namespace {

using html::esc;
using html::share;
using report::fixed;
using report::human;
using report::human_int;
using report::human_trim;

// The backtest page's own rules, after the shared sheet: figures that wrap, verdict colours, the best baseline
// marked, and on a narrow screen every table row a card of "column: value" lines (data-label on each cell), the
// method's text wrapped, so that nothing needs scrolling sideways at 400 px.
const char* const kExtraCss =
    "body { overflow-wrap: break-word; }\n"
    ".verdict { font-size: 0.88em; font-weight: 600; white-space: nowrap; }\n"
    ".verdict.better { color: #0a6b2e; }\n"
    ".verdict.worse { color: #a01818; }\n"
    ".verdict.same { color: var(--muted); }\n"
    ".pai { color: var(--accent); font-size: 0.88em; font-weight: normal; }\n"
    "td.best { background: #fff3cc; }\n"
    "tr.bestrow th, tr.bestrow td { font-size: 0.9em; color: var(--muted); }\n"
    "table.rounds { width: auto; }\n"
    "table.backtest th.name { white-space: nowrap; text-align: left; font-weight: 600; background: none; }\n"
    "tr.total th, tr.total td { font-weight: 600; }\n"
    ".fig .ci, .fig .verdict { display: block; }\n"
    "@media screen and (max-width: 700px) {\n"
    "  body { padding: 10px 12px 30px; }\n"
    "  .wide { overflow-x: visible; }\n"
    "  table, table tbody, table tr, table tbody td, table tbody th { display: block; width: auto; min-width: 0; }\n"
    "  table thead { display: none; }\n"
    "  table tbody tr { border: 1px solid var(--line); border-radius: 4px; margin: 0 0 10px; padding: 4px 8px; }\n"
    "  table tbody td, table tbody th { border: none; padding: 2px 0; text-align: left; white-space: normal; }\n"
    "  table tbody td.n, table tbody th.n { text-align: left; }\n"
    "  table tbody td:empty { display: none; }\n"
    "  table tbody [data-label]::before { content: attr(data-label) \": \"; font-weight: 600; color: var(--muted); }\n"
    "  table tbody td br { display: none; }\n"
    "  table tbody td .ci, table tbody td .pai, table tbody td .verdict { margin-left: 0.5em; white-space: normal; }\n"
    "  table.backtest th.name { white-space: normal; }\n"
    "  pre { white-space: pre-wrap; overflow-x: visible; overflow-wrap: anywhere; }\n"
    "  dl.surfaces dt { float: none; min-width: 0; }\n"
    "  dl.surfaces dd { margin: 0 0 6px 1em; }\n"
    "  .fig { min-width: 0; flex: 1 1 40%; }\n"
    "}\n";

// The shared head with the page's own rules added to its stylesheet.
std::string page_head(const std::string& title) {
    std::string head = report_style::page_head(title, report_style::Page::backtest);
    const size_t at = head.find("</style>");
    if (at != std::string::npos) head.insert(at, kExtraCss);
    return head;
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

bool blocks(const Result& r) { return r.mode == "spatial blocks"; }
std::string rounds_word(const Result& r, size_t n) {
    return blocks(r) ? (n == 1 ? "fold" : "folds") : (n == 1 ? "split" : "splits");
}

// The largest area any round scored (the rounds of a rolling origin share it).
double scored_cells(const Result& r) {
    double cells = 0;
    for (const auto& round : r.rounds)
        if (!round.models.empty()) cells = std::max(cells, static_cast<double>(round.models.front().score.cells));
    return cells;
}

void write_how(std::ostringstream& o, const Result& r) {
    o << "<section id=\"how\">\n<h2>How to read this</h2>\n";
    if (blocks(r))
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
      << "<p><strong>PAI</strong> (prediction accuracy index, as crime forecasting uses it): the share captured divided by "
         "the share of the area. 60&nbsp;% of the incidents in 5&nbsp;% of the area is a PAI of 12: that part of the area holds "
         "twelve times as many incidents per km&sup2; as the average. Chance is 1.</p>\n"
      << "<p><strong>AUC</strong> (area under the ROC curve, 0 to 1): the chance that the cell of an incident ranks above a "
         "cell, chosen at random, where no incident happened. 0.5 is no better than chance, 1 means every incident cell "
         "ranks above every other cell. It looks at the whole ranking, the capture rates at its top, which is what a "
         "planner with few teams uses.</p>\n"
      << "<p><strong>Intervals</strong> (small grey figures): 95&nbsp;% bootstrap intervals. They show how much a figure "
         "would move if a different set of incidents had happened in the same places; with few incidents they are wide.</p>\n"
      << "<p><strong>Is the combined map better than a baseline?</strong> Read the tables of differences: the combined map's "
         "figure minus the baseline's, with its own 95&nbsp;% interval. Both maps are scored on the same resampled incidents "
         "each time, so the interval of the difference is often much narrower than the two maps' intervals side by side. "
         "<span class=\"verdict better\">clearly better</span>: the interval lies entirely above 0; "
         "<span class=\"verdict same\">not clearly different</span>: it contains 0; "
         "<span class=\"verdict worse\">clearly worse</span>: entirely below 0. The shaded cells are the best baseline of "
         "each column.</p>\n"
      << "<p><strong>Baselines</strong> are scored on the same incidents and cells: <em>uniform</em> (the same score "
         "everywhere), and each single factor of the scenario marked as a baseline, alone. If the combined risk does not beat "
         "them, its other factors add nothing to <em>where</em> incidents happen (they may still matter for who is "
         "exposed).</p>\n"
      << "<p class=\"note\">Incidents show where people were hurt <em>and the accident was recorded</em>. Places nobody "
         "reports from, or nobody goes to, look safe to every surface here. A high capture rate says the map points where "
         "recorded incidents happen; it is not a clearance and not a measure of contamination.</p>\n</section>\n";
}

const Estimate* capture_at(const SurfaceScore& s, double p, size_t& k) {
    for (k = 0; k < s.percents.size() && k < s.capture.size(); ++k)
        if (s.percents[k] == p) return &s.capture[k];
    return nullptr;
}

// The headline: the combined map over every held-out incident of every round, and against the best baseline of
// the AUC and of the top 5 %.
void write_headline(std::ostringstream& o, const Result& r, const Pooled& p) {
    const auto model = std::find_if(p.models.begin(), p.models.end(), [](const ModelScore& m) { return m.kind == "model"; });
    if (model == p.models.end()) return;
    const auto& s = model->score;
    const std::string over = p.rounds > 1 ? ", all " + std::to_string(p.rounds) + " " + rounds_word(r, 2) + " pooled" : "";
    auto ci = [](const std::string& lo, const std::string& hi) { return "<span class=\"ci\">" + lo + "&ndash;" + hi + "</span>"; };
    o << "<div class=\"figures\">\n<div class=\"fig\"><span class=\"num\">" << fixed(s.auc.value, 3) << "</span>";
    if (std::isfinite(s.auc.ci_low)) o << ci(fixed(s.auc.ci_low, 3), fixed(s.auc.ci_high, 3));
    o << "<span class=\"lbl\">AUC of the risk map (" << human_int(s.incidents) << " held-out incidents" << over << ")</span></div>\n";
    for (double pc : {5.0, 10.0}) {
        size_t k = 0;
        const Estimate* c = capture_at(s, pc, k);
        if (!c || !std::isfinite(c->value)) continue;
        o << "<div class=\"fig\"><span class=\"num\">" << share(c->value) << "</span>";
        if (std::isfinite(c->ci_low)) o << ci(human(c->ci_low * 100, 1), human(c->ci_high * 100, 1));
        o << "<span class=\"lbl\">of them in the riskiest " << human_trim(pc, 2) << "&nbsp;% of the area (PAI "
          << human(s.pai[k].value, 1) << ")</span></div>\n";
    }
    // Against the best baseline of each of the two columns a planner reads first.
    size_t k5 = 0;
    const bool has5 = capture_at(s, 5.0, k5) != nullptr;
    for (int figure : {-1, has5 ? static_cast<int>(k5) : -2}) {
        const ModelScore* best = figure >= -1 ? best_baseline(p.models, figure) : nullptr;
        if (!best) continue;
        const Difference d = difference(*model, *best);
        const Estimate& e = figure < 0 ? d.auc : d.capture[static_cast<size_t>(figure)];
        o << "<div class=\"fig\"><span class=\"num\">" << (figure < 0 ? html::signed_auc(e.value) : html::points(e.value))
          << "</span>";
        if (std::isfinite(e.ci_low))
            o << "<span class=\"ci\">" << html::difference_interval(e, figure < 0) << "</span>";
        o << html::verdict_label(e) << "<span class=\"lbl\">" << (figure < 0 ? "AUC" : "top 5&nbsp;%")
          << " against the best baseline there (" << esc(best->name) << ")</span></div>\n";
    }
    o << "</div>\n";
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

std::string round_heading(const Result& r, const Round& round) {
    const std::int64_t n = round.models.empty() ? 0 : round.models.front().score.incidents;
    const std::string scored = human_int(n) + (n == 1 ? " incident" : " incidents");
    if (blocks(r)) return round.label + ": scored on " + scored + " inside its " + human_int(round.blocks) + " blocks";
    return "Split " + round.label + ": " + scored + " dated " + date_to_string(round.from) + " to " + html::until_text(round.to);
}

void write_round(std::ostringstream& o, const Result& r, const Round& round) {
    o << "<h3>" << esc(round_heading(r, round)) << "</h3>\n";
    const bool empty = round.models.empty() || round.models.front().score.incidents == 0;
    if (empty) {
        o << "<p class=\"muted\">No incident to score in this " << (blocks(r) ? "fold" : "period") << ".</p>\n";
    } else {
        html::write_scores_table(o, r.options.percents, round.models);
        html::write_differences_table(o, r.options.percents, round.models, differences(round.models));
    }
    o << "<p class=\"small muted\">";
    if (!empty) {
        const auto& sc = round.models.front().score;
        o << "The held-out incidents lie in " << human_int(sc.incident_cells) << " of the " << human_int(sc.cells)
          << " cells scored. The intervals resample " << human_int(sc.units)
          << (r.options.cluster ? " accidents (incidents sharing a cell and a date, drawn together)" : " incidents") << ". ";
    }
    for (const auto& n : round.notes) o << esc(n) << ". ";
    o << "</p>\n";
}

void write_results(std::ostringstream& o, const Result& r, const Pooled& p) {
    o << "<section id=\"results\">\n<h2>Results</h2>\n";
    if (r.rounds.empty()) o << "<p class=\"muted\">No split or fold.</p>\n";
    write_headline(o, r, p);
    write_surfaces(o, r);
    o << "<h3 id=\"rounds\">The " << rounds_word(r, r.rounds.size()) << "</h3>\n";
    html::write_rounds_table(o, r);
    if (p.rounds > 1) {
        o << "<h3 id=\"pooled\">All " << p.rounds << " " << rounds_word(r, 2) << " pooled: " << human_int(p.incidents)
          << " held-out incidents</h3>\n"
          << "<p class=\"small muted\">Every held-out incident counted once in its own " << rounds_word(r, 1)
          << ", ranked among that " << rounds_word(r, 1) << "'s cells; not a mean of the " << rounds_word(r, 2)
          << ", so a period with more incidents weighs more. The intervals resample each " << rounds_word(r, 1)
          << "'s incidents within it.</p>\n";
        html::write_scores_table(o, r.options.percents, p.models);
        html::write_differences_table(o, r.options.percents, p.models, p.differences);
    }
    for (const auto& round : r.rounds) write_round(o, r, round);
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
         "uniform baseline (chance). Left: the whole area; right: its riskiest 20&nbsp;% enlarged, with the 95&nbsp;% "
         "intervals of the capture rates as bars. Also capture.png.</figcaption>\n"
         "</figure>\n</section>\n";
}

void write_method(std::ostringstream& o, const Result& r) {
    o << "<section id=\"method\">\n<h2>Method</h2>\n<pre>";
    if (blocks(r))
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
         "PAI(p)      capture(p) / (p / 100)\n"
         "area        cells x " << human_trim(r.cell_size, 3) << " m x " << human_trim(r.cell_size, 3) << " m\n"
         "pooled      over every held-out incident of every round: AUC = the mean of each incident's\n"
         "            (N_below + N_tied / 2) / N0 within its own round; capture(p) = the incidents captured in all\n"
         "            rounds (pro rata at each round's cut) / all incidents\n"
         "interval    "
      << r.options.replicates << " bootstrap resamples of the "
      << (r.options.cluster ? "accidents (incidents sharing a cell and a date, drawn together)" : "incidents")
      << ",\n            with replacement, seed " << r.options.seed << "; 2.5th and 97.5th percentiles. Pooled: each\n"
         "            round's units drawn within it (stratified by round), the same seed\n"
         "difference  risk minus a baseline, per resample (the same draws for both), 2.5th and 97.5th percentiles\n"
         "            of those differences; clearly better: above 0, clearly worse: below 0, else not clearly different\n"
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
        o << "<tr><td data-label=\"Stage\">" << esc(s.name) << "</td><td class=\"n\" data-label=\"Seconds\">"
          << human(s.seconds, s.seconds < 10 ? 2 : 1) << "</td></tr>\n";
    o << "<tr><th>total</th><th class=\"n\">" << human(r.seconds, r.seconds < 10 ? 2 : 1) << "</th></tr>\n</tbody>\n</table>\n</section>\n";
}

void write_sub(std::ostringstream& o, const Result& r) {
    o << "<p class=\"sub\">";
    if (blocks(r))
        o << "Spatial block cross-validation: " << r.options.blocks << " &times; " << r.options.blocks << " blocks in "
          << r.options.folds << " folds";
    else
        o << "Rolling-origin backtest over " << r.rounds.size() << " " << rounds_word(r, r.rounds.size());
    if (!blocks(r) && !r.rounds.empty()) {
        o << " (";
        for (size_t i = 0; i < r.rounds.size(); ++i) o << (i ? ", " : "") << esc(r.rounds[i].label);
        o << ")";
    }
    o << ". Grid " << esc(r.grid) << "; area scored " << html::km2(scored_cells(r), r.cell_size) << ". "
      << human_int(r.options.replicates) << " bootstrap resamples. Run time " << human(r.seconds, r.seconds < 10 ? 2 : 1)
      << " s. Prepared with minerisk " << esc(MINERISK_VERSION_STRING) << ".</p>\n";
}

}  // namespace

std::string results_html(const Result& r, const std::string& png, bool section_only) {
    std::ostringstream o;
    const std::string name = r.scenario_name.empty() ? std::string("minerisk scenario") : r.scenario_name;
    if (!section_only) o << page_head("Backtest: " + name) << "<header>\n<h1>Backtest: " << esc(name) << "</h1>\n";
    else o << "<section id=\"backtest\">\n<h2>Backtest</h2>\n";
    write_sub(o, r);
    if (!section_only)
        o << "<nav>Contents: <a href=\"#how\">How to read this</a><a href=\"#results\">Results</a><a href=\"#curves\">Capture curves</a>"
             "<a href=\"#method\">Method</a><a href=\"#warnings\">Warnings</a><a href=\"#timing\">Run time</a></nav>\n</header>\n<main>\n";
    const Pooled p = pool(r);
    write_how(o, r);
    write_results(o, r, p);
    write_plot(o, png);
    write_method(o, r);
    write_warnings(o, r);
    write_timing(o, r);
    if (section_only) {
        o << "</section>\n";
        return o.str();
    }
    o << "</main>\n<footer>Made by minerisk " << esc(MINERISK_VERSION_STRING)
      << ". Beside this page: backtest.csv (every figure with its interval, the pooled figures and the differences) and "
         "capture.png (the curves). This page needs no network.</footer>\n</body>\n</html>\n";
    return o.str();
}

std::vector<OutputFile> write_outputs(const Result& r, const std::string& dir) {
    std::vector<OutputFile> files;
    const fs::path d(dir);
    const std::string csv = (d / "backtest.csv").string();
    report::write_file_atomically(csv, results_csv(r));
    files.push_back({csv, "every figure of every split or fold and surface, pooled, and risk minus each baseline, with 95 % intervals (CSV)"});
    const std::string png = capture_png(r);
    const std::string png_path = (d / "capture.png").string();
    report::write_file_atomically(png_path, png);
    files.push_back({png_path, "the capture curves, whole area and riskiest 20 %, one row per split or fold, one line per surface"});
    const std::string html = (d / "backtest.html").string();
    report::write_file_atomically(html, results_html(r, png));
    files.push_back({html, "the results for planners: tables, differences, curves, what the figures mean (self-contained page)"});
    return files;
}

}  // namespace minerisk::backtest
