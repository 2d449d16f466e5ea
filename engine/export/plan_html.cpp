// The report's sections for the plans: how stable the ranks are, the sign plan and the outreach plan. They use the
// report's own classes (figures, tables, notes) and escape every text from the data.
#include <algorithm>
#include <cctype>
#include <sstream>

#include "export/report_format.hpp"
#include "export/report_sections.hpp"
#include "minerisk/dates.hpp"
#include "export/plan_outputs.hpp"

namespace minerisk::exports {

namespace {

using report::fixed;
using report::human;
using report::human_int;
using report::human_metres;

std::string esc(const std::string& s) { return report::html_escape(s); }

std::string pct(double share) { return std::isfinite(share) ? human(100 * share, share > 0 && share < 0.01 ? 1 : 0) + "&nbsp;%" : "-"; }

void figure(std::ostringstream& o, const std::string& num, const std::string& label) {
    o << "<div class=\"fig\"><span class=\"num\">" << num << "</span><span class=\"lbl\">" << label << "</span></div>\n";
}

std::string verdict(const RankSpread& r, int k) {
    if (r.p_top_k >= 0.999) return "in the top " + std::to_string(k) + " in every draw";
    if (r.p_top_k >= 0.9) return "in the top " + std::to_string(k) + " (settled)";
    if (r.p_top_k <= 0.001) return "outside the top " + std::to_string(k) + " in every draw";
    if (r.p_top_k <= 0.1) return "outside the top " + std::to_string(k) + " (settled)";
    return "<strong>not settled</strong>: in the top " + std::to_string(k) + " in " + pct(r.p_top_k) + " of draws";
}

// Rows worth showing: the base top 2k, and every item that reached the top k in some draw.
bool shown(const RankSpread& r, int k) { return r.rank <= 2 * k || r.p_top_k > 0; }

void stability_section(std::ostringstream& o, const Stability& st, const ZoneResult& zr) {
    const int k = st.top_k;
    o << "<section id=\"stability\">\n<h2>How stable are the ranks?</h2>\n"
      << "<p>The ranks above follow from the data <em>and</em> from choices: the factor weights above all. To see which ranks "
         "the data settle and which hang on those choices, the run redrew them "
      << human_int(st.draws) << " times (seed " << st.seed << ") and ranked the zones and the settlements again each time. "
      << "<strong>In the top " << k << "</strong> is the share of draws in which an item ranked " << k
      << " or better; the <strong>90&nbsp;% range</strong> runs from its 5th to its 95th percentile rank. An item is "
         "<strong>not settled</strong> when it is in the top "
      << k << " in more than 10&nbsp;% and less than 90&nbsp;% of draws: the data cannot say whether it belongs there, so "
         "weigh it with what you know on the ground.</p>\n";
    o << "<div class=\"figures\">\n";
    figure(o, human_int(st.unsettled_zones) + " of " + human_int(static_cast<long long>(st.zones.size())),
           "zones whose place in the top " + std::to_string(k) + " is not settled");
    figure(o, human_int(st.unsettled_settlements) + " of " + human_int(static_cast<long long>(st.settlements.size())),
           "settlements whose place in the top " + std::to_string(k) + " is not settled");
    // A count, not the time the draws took: the report says what the run found, the same whatever the machine
    // (the time is in the run's summary and in the time-per-stage table, under "plans").
    const auto always = std::count_if(st.zones.begin(), st.zones.end(), [](const RankSpread& z) { return z.p_top_k >= 1.0; });
    figure(o, human_int(always), "zones in the top " + std::to_string(k) + " in every one of the " + human_int(st.draws) + " draws");
    o << "</div>\n<p><strong>Redrawn:</strong></p>\n<ul>\n";
    for (const auto& v : st.varied) o << "<li>" << esc(v) << "</li>\n";
    o << "</ul>\n<p><strong>Held fixed:</strong></p>\n<ul>\n";
    for (const auto& v : st.fixed) o << "<li>" << esc(report::plain_words(v)) << "</li>\n";
    o << "</ul>\n<p class=\"small muted\">Zone risk recombined: " << esc(st.method) << ". How the draws are made is written up in minerisk's documentation on rank stability.</p>\n";
    if (!st.base_weights.empty()) {
        o << "<table class=\"kv\">\n<thead><tr><th>Factor weight (normalised)</th><th class=\"n\">Scenario</th>"
             "<th class=\"n\">Draws: 5th&ndash;95th percentile</th></tr></thead>\n<tbody>\n";
        for (size_t f = 0; f < st.base_weights.size() && f < zr.factor_names.size(); ++f)
            o << "<tr><td>" << esc(report::factor_words(ExportContext{}, zr.factor_names[f])) << "</td><td class=\"n\">" << fixed(st.base_weights[f], 3) << "</td><td class=\"n\">"
              << fixed(st.weight_p05[f], 3) << " &ndash; " << fixed(st.weight_p95[f], 3) << "</td></tr>\n";
        o << "</tbody></table>\n";
    }
    auto table = [&](const std::vector<RankSpread>& rows, bool zones_table) {
        o << "<div class=\"wide\"><table class=\"stability\">\n<thead><tr><th>Rank</th><th>" << (zones_table ? "Zone" : "Settlement")
          << "</th><th class=\"n\">Priority</th><th class=\"n\">In the top " << k
          << "</th><th class=\"n\">90&nbsp;% range of its rank<br>(median)</th><th>Verdict</th></tr></thead>\n<tbody>\n";
        size_t n = 0, hidden = 0;
        for (const auto& r : rows) {
            if (!shown(r, k)) {
                ++hidden;
                continue;
            }
            ++n;
            o << "<tr class=\"stability-row" << (r.settled ? "" : " unsettled") << "\"><td class=\"n\">" << r.rank << "</td><td>";
            if (zones_table) o << "<a href=\"#zone-" << r.rank << "\">Zone " << r.rank << "</a> <span class=\"list\">(zone id " << r.id << ")</span>";
            else o << esc(r.name);
            o << "</td><td class=\"n\">" << human(r.priority, 2) << "</td><td class=\"n\">" << pct(r.p_top_k) << "</td><td class=\"n\">"
              << r.rank_p05 << "&ndash;" << r.rank_p95 << " (" << r.rank_p50 << ")</td><td>" << verdict(r, k) << "</td></tr>\n";
        }
        if (n == 0) o << "<tr><td colspan=\"6\" class=\"muted\">None.</td></tr>\n";
        o << "</tbody></table></div>\n";
        if (hidden)
            o << "<p class=\"small muted\">" << human_int(static_cast<long long>(hidden))
              << " more, never in the top " << k << " and ranked below " << 2 * k << ": all in rank_stability.csv.</p>\n";
    };
    o << "<h3>Zones</h3>\n";
    table(st.zones, true);
    o << "<h3>Settlements</h3>\n";
    table(st.settlements, false);
    o << "</section>\n";
}

// Which hazards need no sign, from the released statuses in words ("cleared or cancelled", or "none").
std::string no_sign_sentence(std::string words) {
    if (words.empty() || words == "none") return "Hazards recorded after the as-of date need no sign. ";
    const size_t last_or = words.rfind(" or ");
    if (last_or != std::string::npos) words.replace(last_or, 4, " and ");
    words[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(words[0])));
    return words + " hazards, and hazards recorded after the as-of date, need no sign. ";
}

void sign_section(std::ostringstream& o, const SignPlan& p) {
    o << "<section id=\"sign-plan\">\n<h2>Where the next signs go</h2>\n"
      << "<p>A sign covers the parts of a hazard's perimeter within " << human_metres(p.cover) << " of it (" << esc(report::plain_words(p.cover_from))
      << "), as in the marking measure of the zones. The plan proposes points on the perimeters that no sign covers, one every "
      << human_metres(p.spacing) << " of perimeter at most, so that each is in sight of the next; each new sign answers for "
      << human_metres(p.credit) << " either side. They are taken one at a time, each time the one whose perimeter weighs most: "
         "metres of perimeter times the hazard's class and ordnance weight times (1 + log10(1 + the people living near it)). "
      << esc(no_sign_sentence(p.released_words))
      << "Check each point on the ground: the map does not know the terrain, the paths or what can be seen from where.</p>\n";
    o << "<div class=\"figures\">\n";
    figure(o, human_int(static_cast<long long>(p.signs.size())) + " of " + human_int(p.stock), "signs placed from the stock");
    figure(o, human(p.unmarked_before_m / 1000, 1) + " &rarr; " + human(p.unmarked_after_m / 1000, 1) + "&nbsp;km",
           "perimeter with no sign within " + human_metres(p.cover) + ", before and after");
    figure(o, pct(p.weighted_before > 0 ? 1 - p.weighted_after / p.weighted_before : 0), "of the exposure-weighted unmarked perimeter marked");
    figure(o, human_int(p.signs_to_finish), "signs to mark every counted perimeter at this spacing");
    o << "</div>\n<p class=\"small muted\">" << human_int(p.hazards_counted) << " hazards counted, "
      << human_int(p.hazards_unmarked) << " of them with unmarked perimeter; " << human(p.perimeter_m / 1000, 1)
      << " km of perimeter; " << human_int(p.candidates)
      << " candidate points. Files: sign_plan.csv, sign_plan.gpx (waypoints S001, S002, ... for a GPS), the sign_plan layer of "
         "minerisk.gpkg.</p>\n";
    if (p.signs.empty()) {
        o << "<p class=\"muted\">No sign to propose: every counted perimeter is covered.</p>\n</section>\n";
        return;
    }
    // The first signs and sessions only, so that the report prints in a few pages: the CSV files hold them all.
    const size_t shown_rows = std::min<size_t>(p.signs.size(), 12);
    o << "<div class=\"wide\"><table class=\"signs\">\n<thead><tr><th class=\"n\">Order</th><th>Hazard</th><th class=\"n\">Marks</th>"
         "<th class=\"n\">People near</th><th>Where</th><th class=\"reason\">Why</th></tr></thead>\n<tbody>\n";
    for (size_t i = 0; i < shown_rows; ++i) {
        const ProposedSign& s = p.signs[i];
        o << "<tr class=\"sign-row\"><td class=\"n\">" << s.order << "</td><td>" << esc(s.hazard_id);
        if (!s.status.empty() || !s.ordnance.empty())
            o << " <span class=\"list\">(" << esc(s.status) << (!s.status.empty() && !s.ordnance.empty() ? ", " : "") << esc(s.ordnance) << ")</span>";
        o << "</td><td class=\"n\">" << human_metres(s.marks_m) << "</td><td class=\"n\">" << human(s.people, 0) << "</td>"
          << "<td class=\"nowrap\">E " << fixed(s.x, 0) << " N " << fixed(s.y, 0) << "<br><span class=\"list\">" << fixed(s.lat, 5)
          << ", " << fixed(s.lon, 5) << "</span></td><td class=\"reason\">" << esc(s.reason) << "</td></tr>\n";
    }
    o << "</tbody></table></div>\n";
    if (shown_rows < p.signs.size())
        o << "<p class=\"small muted\">The first " << shown_rows << " of " << human_int(static_cast<long long>(p.signs.size()))
          << " signs; all are in sign_plan.csv.</p>\n";
    o << "</section>\n";
}

void outreach_section(std::ostringstream& o, const OutreachPlan& p) {
    o << "<section id=\"outreach-plan\">\n<h2>Outreach plan: sessions by week</h2>\n"
      << "<p>" << human_int(static_cast<long long>(p.facilitators.size())) << (p.facilitators.size() == 1 ? " facilitator" : " facilitators")
      << ", " << p.sessions_per_week << " sessions each a week, over " << p.weeks
      << " weeks. Each week the sessions go, one at a time, to the settlement of highest priority (risk around it, people, "
         "returnees) divided by (1 + its straight-line distance from the facilitator's base / "
      << human(p.travel_km, 0) << " km), among the settlements whose last session is older than the staleness limit (or that "
         "never had one). A settlement visited is not offered again before that limit. Travel is measured as the crow flies: "
         "roads, rivers and the front line are not known, so check each week's route.</p>\n";
    o << "<div class=\"figures\">\n";
    figure(o, human_int(static_cast<long long>(p.sessions.size())), "sessions scheduled");
    figure(o, human_int(p.settlements_covered), "settlements reached");
    figure(o, human(p.people_covered, 0), "people living in them");
    figure(o, pct(p.top_people > 0 ? p.top_people_reached / p.top_people : 0),
           "of the people of the " + std::to_string(p.top) + " highest-ranked settlements reached by week " + std::to_string(p.weeks));
    o << "</div>\n";
    o << "<p class=\"small muted\">At the end, " << human_int(p.settlements_waiting)
      << (p.settlements_waiting == 1 ? " settlement with people is due and still waits" : " settlements with people are due and still wait")
      << " (no slot was left for them); " << human_int(p.settlements_not_due)
      << " more had a session within the staleness limit and "
      << (p.settlements_not_due == 1 ? "is" : "are") << " not due before the last week"
      << (p.out_of_reach ? "; " + human_int(p.out_of_reach) + " lie beyond the maximum travel" : std::string())
      << (p.slots_unused ? "; " + human_int(p.slots_unused) + " session slots found no settlement due" : std::string())
      << ". Files: outreach_plan.csv, the outreach_plan layer of minerisk.gpkg (labels W3 F2: week 3, facilitator 2).</p>\n";
    o << "<table class=\"kv\">\n<thead><tr><th>Facilitator</th><th>Base</th><th class=\"n\">Sessions</th></tr></thead>\n<tbody>\n";
    for (const auto& f : p.facilitators) {
        const auto n = std::count_if(p.sessions.begin(), p.sessions.end(), [&](const ScheduledSession& s) { return s.facilitator == f.number; });
        o << "<tr><td class=\"n\">" << f.number << "</td><td>" << esc(f.base_name) << "</td><td class=\"n\">" << human_int(n) << "</td></tr>\n";
    }
    o << "</tbody></table>\n";
    o << "<table class=\"kv weeks\">\n<thead><tr><th class=\"n\">Week</th><th>From</th><th class=\"n\">Sessions</th>"
         "<th class=\"n\">People reached<br>that week</th><th class=\"n\">People reached<br>so far</th></tr></thead>\n<tbody>\n";
    for (const auto& w : p.weeks_summary)
        o << "<tr class=\"week-row\"><td class=\"n\">" << w.week << "</td><td class=\"nowrap\">" << date_to_string(w.start) << "</td><td class=\"n\">"
          << human_int(w.sessions) << "</td><td class=\"n\">" << human(w.people, 0) << "</td><td class=\"n\">" << human(w.people_cumulative, 0)
          << "</td></tr>\n";
    o << "</tbody></table>\n";
    const size_t rows = std::min<size_t>(p.sessions.size(), 15);  // all are in outreach_plan.csv
    if (rows) {
        o << "<div class=\"wide\"><table class=\"schedule\">\n<thead><tr><th class=\"n\">Week</th><th class=\"n\">Facilitator</th>"
             "<th>Settlement</th><th class=\"n\">Population</th><th class=\"n\">From base</th><th class=\"reason\">Why</th></tr></thead>\n<tbody>\n";
        for (size_t i = 0; i < rows; ++i) {
            const ScheduledSession& s = p.sessions[i];
            o << "<tr class=\"session-row\"><td class=\"n\">" << s.week << "</td><td class=\"n\">" << s.facilitator << "</td><td>"
              << esc(s.settlement_name) << "</td><td class=\"n\">" << (s.population > 0 ? human(s.population, 0) : "unknown")
              << "</td><td class=\"n\">" << human(s.distance_km, 1) << "&nbsp;km</td><td class=\"reason\">" << esc(s.reason) << "</td></tr>\n";
        }
        o << "</tbody></table></div>\n";
        if (rows < p.sessions.size())
            o << "<p class=\"small muted\">The first " << rows << " of " << human_int(static_cast<long long>(p.sessions.size()))
              << " sessions; all are in outreach_plan.csv.</p>\n";
    }
    o << "</section>\n";
}

}  // namespace

std::string plans_nav(const PlansResult& p) {
    std::string s;
    if (p.stability_done) s += "<a href=\"#stability\">Rank stability</a>";
    if (p.signs_done) s += "<a href=\"#sign-plan\">Sign plan</a>";
    if (p.outreach_done) s += "<a href=\"#outreach-plan\">Outreach plan</a>";
    return s;
}

std::string plans_html(const PlansResult& p, const ZoneResult& zr) {
    std::ostringstream o;
    if (p.stability_done) stability_section(o, p.stability, zr);
    if (p.signs_done) sign_section(o, p.signs);
    if (p.outreach_done) outreach_section(o, p.outreach);
    return o.str();
}

}  // namespace minerisk::exports
