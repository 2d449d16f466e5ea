// report.html: one self-contained page for planners. No network at all: inline CSS, the quick-look as a data:
// URI, no script, and a Content-Security-Policy that forbids loading anything else. Every text from the data
// is escaped. The body speaks to planners (factors, settings and files in plain words, the first ten zones in
// full); the appendix (report_appendix.cpp) keeps the technical words. The page says when the run began
// ("Prepared on", in a span of its own so that runs can be compared without it) and the stage times; nothing
// else in it depends on when or where it was made.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "crs/lon_lat.hpp"
#include "export/area_outputs.hpp"
#include "export/plan_outputs.hpp"
#include "export/report_format.hpp"
#include "export/report_sections.hpp"
#include "export/report_style.hpp"
#include "export/zone_text.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/version.hpp"

namespace minerisk::report {

namespace {

constexpr size_t kSettlementRows = 10;  // settlements shown in the page (few, to print short); all are in settlements.csv
constexpr size_t kNamesPerZone = 4;     // settlement names (and hazard ids) listed in a zone's row

std::string esc(const std::string& s) { return html_escape(s); }

std::string plural(long long n, const std::string& one, const std::string& many) {
    return human_int(n) + " " + (n == 1 ? one : many);
}

// "a, b, c and 4 more"
std::string short_list(const std::vector<std::string>& items, size_t max, const std::string& sep = ", ") {
    std::string out;
    for (size_t i = 0; i < items.size() && i < max; ++i) out += (i ? sep : "") + items[i];
    if (items.size() > max) out += " and " + human_int(static_cast<long long>(items.size() - max)) + " more";
    return out;
}

std::vector<std::string> split_actions(const std::string& action) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= action.size()) {
        size_t end = action.find(';', start);
        if (end == std::string::npos) end = action.size();
        std::string part = action.substr(start, end - start);
        const size_t a = part.find_first_not_of(" \t"), b = part.find_last_not_of(" \t");
        if (a != std::string::npos) out.push_back(part.substr(a, b - a + 1));
        start = end + 1;
    }
    return out;
}

// Width and height of a PNG from its IHDR chunk (0 when not a PNG).
std::pair<unsigned, unsigned> png_size(const std::string& png) {
    if (png.size() < 24 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return {0, 0};
    auto be32 = [&](size_t o) {
        return (static_cast<unsigned>(static_cast<unsigned char>(png[o])) << 24) |
               (static_cast<unsigned>(static_cast<unsigned char>(png[o + 1])) << 16) |
               (static_cast<unsigned>(static_cast<unsigned char>(png[o + 2])) << 8) |
               static_cast<unsigned>(static_cast<unsigned char>(png[o + 3]));
    };
    return {be32(16), be32(20)};
}

std::string zone_link(int rank) {
    return "<a href=\"#zone-" + std::to_string(rank) + "\">" + std::to_string(rank) + "</a>";
}

void write_head(std::ostringstream& o, const std::string& title) {
    o << report_style::page_head(title, report_style::Page::run);
}

void write_header(std::ostringstream& o, const ExportContext& ctx, const std::string& name, bool zone_maps) {
    o << "<header>\n<h1>Outreach priorities: " << esc(name) << "</h1>\n";
    if (ctx.plan) {
        o << "<p class=\"sub\">Situation as of <strong>" << esc(date_to_string(ctx.plan->as_of)) << "</strong>";
        if (!ctx.plan->as_of_reason.empty()) o << " (" << esc(ctx.plan->as_of_reason) << ")";
        o << ".";
        if (ctx.plan->started > 0) {
            const std::string t = utc_timestamp(ctx.plan->started);  // "2026-12-03T15:06:10Z"
            o << " Prepared on <span class=\"prepared\">" << esc(t.substr(0, 10) + " " + t.substr(11, 5)) << " UTC</span>";
        } else {
            o << " Prepared";
        }
        o << " with minerisk " << esc(MINERISK_VERSION_STRING) << ".</p>\n";
        if (!ctx.plan->scenario.description.empty())
            o << "<p>" << esc(ctx.plan->scenario.description) << "</p>\n";
    }
    o << "<nav>Contents: <a href=\"#how\">How to read this</a><a href=\"#summary\">Summary</a><a href=\"#map\">Map</a>"
         "<a href=\"#zones\">Top zones</a>"
      << (zone_maps ? "<a href=\"#zone-maps\">Zone maps</a>" : "") << "<a href=\"#referrals\">Survey referrals</a><a href=\"#settlements\">Settlements</a>"
      << (ctx.plans() ? exports::plans_nav(*ctx.plans()) : std::string())
      << "<a href=\"#sources\">Data sources</a><a href=\"#warnings\">Warnings</a><a href=\"#all-zones\">Other zones</a>"
         "<a href=\"#technical\">Technical details</a></nav>\n"
         "</header>\n";
}

std::string threshold_text(const ExportContext& ctx) {
    if (!ctx.zones()) return "";
    std::string t = "a combined risk of " + human_trim(ctx.zones()->threshold, 3) + " or more";
    if (ctx.plan && ctx.plan->scenario.zones.top_percent)
        t += " (the riskiest " + human_trim(*ctx.plan->scenario.zones.top_percent, 2) + " % of the area)";
    return t;
}

void write_how(std::ostringstream& o, const ExportContext& ctx) {
    o << "<section id=\"how\">\n<h2>How to read this</h2>\n"
      << "<p>Every cell of the area has a <strong>combined risk</strong> from 0 to 1, computed from the factors listed under "
         "<a href=\"#technical\">technical details</a> (nearness to recorded hazards, past incidents, people living nearby, "
         "unmarked hazard edges, time since the last risk-education session, as the scenario chose them). The map shows it from light yellow (low) to "
         "dark red (high). <strong>Zones</strong> are connected areas with "
      << (ctx.zones() ? esc(threshold_text(ctx)) : std::string("a high combined risk"));
    if (ctx.plan)
        o << "; zones smaller than " << human_trim(ctx.plan->scenario.zones.min_area / 10000.0, 2)
          << " ha are left out and holes smaller than " << human_trim(ctx.plan->scenario.zones.fill_holes / 10000.0, 2)
          << " ha are filled";
    o << ". Zones are ranked: <strong>rank 1 is where to act first</strong>. Each zone comes with a recommended action "
         "and the figures behind it. Settlements are ranked separately for risk-awareness sessions.</p>\n"
      << "<p class=\"note\">The ranking only knows the data that went in. An area without records is not known to be "
         "safe, and a low risk is not a clearance. Read the <a href=\"#warnings\">warnings</a>: they say which records "
         "could not be used.</p>\n</section>\n";
}

void write_summary(std::ostringstream& o, const ExportContext& ctx) {
    o << "<section id=\"summary\">\n<h2>Summary</h2>\n";
    const std::vector<Zone> none;
    const auto& zones = ctx.zones() ? ctx.zones()->zones : none;
    double area = 0;
    long long incidents = 0;
    std::map<std::string, double> people;  // unique settlements in reach of any zone
    std::set<std::string> active, released;  // unique hazards touched: still contaminated, or cleared / cancelled
    for (const auto& z : zones) {
        area += z.area_m2;
        incidents += z.incidents_all;
        for (const auto& s : z.settlements)
            people[s.feature >= 0 ? "#" + std::to_string(s.feature) : "id:" + s.id + "/" + s.name] = s.population;
        for (const auto& h : z.hazards)
            (h.released ? released : active).insert(h.feature >= 0 ? "#" + std::to_string(h.feature) : "id:" + h.id);
    }
    const std::vector<SurveyReferral> no_referrals;
    const auto& referrals = ctx.zones() ? ctx.zones()->survey_referrals : no_referrals;
    long long referred = 0;
    for (const auto& r : referrals) referred += r.incidents;
    double population = 0;
    for (const auto& [k, v] : people) population += v;
    const auto warnings = all_warnings(ctx);

    auto fig = [&](const std::string& num, const std::string& label) {
        o << "<div class=\"fig\"><span class=\"num\">" << num << "</span><span class=\"lbl\">" << label << "</span></div>\n";
    };
    o << "<div class=\"figures\">\n";
    fig(human_int(static_cast<long long>(zones.size())), zones.size() == 1 ? "zone to act on" : "zones to act on");
    fig(human(area / 10000.0, area < 1e6 ? 1 : 0) + " ha", "in zones (" + human(area / 1e6, 2) + " km&sup2;)");
    fig(human(population, 0), "people in reach, in " + plural(static_cast<long long>(people.size()), "settlement", "settlements"));
    fig(human_int(incidents), "incidents inside zones");
    fig(human_int(static_cast<long long>(active.size())), active.size() == 1 ? "active hazard touched (CHA, SHA, ...)"
                                                                            : "active hazards touched (CHA, SHA, ...)");
    // The released statuses in the run's own words: a scenario may exclude others than cleared and cancelled.
    const std::string released_words = ctx.plan ? ctx.plan->hazard_rules.excluded_words() : HazardRules().excluded_words();
    fig(human_int(static_cast<long long>(released.size())),
        (released.size() == 1 ? "released hazard touched (" : "released hazards touched (") + esc(released_words) + ")");
    fig("<a href=\"#referrals\">" + human_int(static_cast<long long>(referrals.size())) + "</a>",
        (referrals.size() == 1 ? "survey referral outside zones (" : "survey referrals outside zones (") +
            plural(referred, "incident", "incidents") + ")");
    fig("<a href=\"#warnings\">" + human_int(static_cast<long long>(warnings.size())) + "</a>",
        warnings.size() == 1 ? "warning" : "warnings");
    o << "</div>\n";
    if (!people.empty())
        o << "<p class=\"small muted\">People in reach: settlements within " << (ctx.plan ? human_metres(ctx.plan->scenario.zones.reach) : "reach")
          << " of a zone, each counted once even when near several zones.</p>\n";

    if (zones.empty()) {
        o << "<p><strong>No zone.</strong> No area reached " << (ctx.zones() ? esc(threshold_text(ctx)) : "the zone threshold")
          << " over the minimum zone size. See the map for the combined risk, and the warnings below.</p>\n";
    } else {
        o << "<h3>What to do first</h3>\n<ol class=\"first\">\n";
        for (size_t i = 0; i < zones.size() && i < 3; ++i) {
            const Zone& z = zones[i];
            o << "<li><a href=\"#zone-" << z.rank << "\">Zone " << z.rank << "</a>: <span class=\"action\">"
              << esc(z.action.empty() ? std::string("no action given") : z.action) << "</span>";
            if (!z.reason.empty()) o << ". " << esc(z.reason);
            o << "</li>\n";
        }
        o << "</ol>\n";
        if (!referrals.empty())
            o << "<p>Also <a href=\"#referrals\">" << plural(static_cast<long long>(referrals.size()), "survey referral", "survey referrals")
              << "</a> outside every zone: " << plural(referred, "incident", "incidents")
              << " far from any recorded hazard where the risk stayed below the threshold.</p>\n";

        std::vector<std::pair<std::string, std::vector<int>>> actions;  // in order of the first zone needing each
        for (const auto& z : zones)
            for (const auto& a : split_actions(z.action)) {
                auto it = std::find_if(actions.begin(), actions.end(), [&](const auto& p) { return p.first == a; });
                if (it == actions.end()) actions.push_back({a, {z.rank}});
                else it->second.push_back(z.rank);
            }
        if (!actions.empty()) {
            o << "<h3>Actions across all zones</h3>\n<table class=\"kv actions\">\n<thead><tr><th>Action</th>"
                 "<th class=\"n\">Zones</th><th>Zone ranks</th></tr></thead>\n<tbody>\n";
            for (const auto& [a, ranks] : actions) {
                o << "<tr><td class=\"action\">" << esc(a) << "</td><td class=\"n\">" << human_int(static_cast<long long>(ranks.size()))
                  << "</td><td>";
                for (size_t i = 0; i < ranks.size() && i < 15; ++i) o << (i ? ", " : "") << zone_link(ranks[i]);
                if (ranks.size() > 15) o << " and " << human_int(static_cast<long long>(ranks.size() - 15)) << " more";
                o << "</td></tr>\n";
            }
            o << "</tbody>\n</table>\n";
        }
    }
    if (ctx.summary)
        o << "<p class=\"small muted\">Combined risk over the whole grid: lowest " << human(ctx.summary->risk_min, 2) << ", mean "
          << human(ctx.summary->risk_mean, 2) << ", highest " << human(ctx.summary->risk_max, 2) << ".</p>\n";
    o << "</section>\n";
}

void write_map(std::ostringstream& o, const std::string& png) {
    o << "<section id=\"map\">\n<h2>Map</h2>\n";
    if (png.empty()) {
        o << "<p class=\"muted\">No quick-look picture was made for this run. Open minerisk.qgs in QGIS for the map.</p>\n";
    } else {
        const auto [w, h] = png_size(png);
        o << "<figure>\n<img src=\"data:image/png;base64," << base64(png) << "\"";
        if (w && h) o << " width=\"" << w << "\" height=\"" << h << "\"";
        o << " alt=\"Map of the combined risk from light yellow (low) to dark red (high), with the zones outlined in dark "
             "blue and the first ten numbered by rank\">\n"
          << "<figcaption>Combined risk (light yellow: low, dark red: high; white: none; grey: no data). Zones are outlined "
             "in dark blue; the first ten carry their rank. The same picture is quicklook.png beside this report; "
             "minerisk.qgs opens every layer in QGIS.</figcaption>\n</figure>\n";
    }
    o << "</section>\n";
}

void write_zones(std::ostringstream& o, const ExportContext& ctx, bool zone_maps) {
    const std::vector<Zone> none;
    const auto& zones = ctx.zones() ? ctx.zones()->zones : none;
    const size_t shown = std::min(zones.size(), kBodyZones);
    o << "<section id=\"zones\">\n<h2>" << (shown < zones.size() ? "The first " + human_int(static_cast<long long>(shown)) + " of " : std::string("All "))
      << human_int(static_cast<long long>(zones.size())) << " zones by rank</h2>\n"
      << "<p class=\"small muted\">Zones are named by rank (Zone 1 is where to act first); the zone id under it is the "
         "zone's number in the GeoPackage and zones.csv, the same for the same inputs. "
         "Priority is the score the ranking sorts by. Risk is the combined risk (0 to 1) over the "
         "zone. People in reach live within "
      << (ctx.plan ? human_metres(ctx.plan->scenario.zones.reach) : std::string("reach")) << " of the zone. "
      << "Incidents: inside the zone; recent: in the last "
      << (ctx.plan ? human(ctx.plan->scenario.zones.recent_days, 0) : std::string("365")) << " days; far: more than "
      << (ctx.plan ? human_metres(ctx.plan->scenario.zones.survey_distance) : std::string("500 m"))
      << " from any recorded hazard (a sign of unrecorded contamination). "
      << (shown < zones.size() ? "The other zones are in the <a href=\"#all-zones\">appendix</a>; every zone is in zones.csv.</p>\n"
                               : "The same table is zones.csv.</p>\n");
    o << "<table class=\"zones\">\n<thead><tr><th>Rank</th><th class=\"n\">Priority</th><th class=\"n\">Area (ha)</th>"
         "<th class=\"n\">Risk<br>mean / max</th><th>Main factor</th><th>People in reach</th><th>Hazards touched</th>"
         "<th>Incidents</th><th class=\"n\">Unmarked<br>perimeter</th><th>Last session</th><th>Action</th>"
         "<th class=\"reason\">Why</th></tr></thead>\n<tbody>\n";
    for (size_t i = 0; i < shown; ++i) {
        const Zone& z = zones[i];
        std::vector<std::string> names, hazard_ids;
        for (const auto& s : z.settlements) names.push_back(esc(exports::settlement_with_population(s, true)));
        for (const auto& h : z.hazards) hazard_ids.push_back(esc(exports::hazard_with_status(h)));
        o << "<tr id=\"zone-" << z.rank << "\" class=\"zone-row\">"
          << "<th class=\"rank\" scope=\"row\">" << z.rank << "<span class=\"zid\">zone id " << z.id << "</span>"
          << (zone_maps ? "<a class=\"maplink\" href=\"#zone-map-" + std::to_string(z.rank) + "\">map</a>" : std::string())
          << "</th>"
          << "<td class=\"n\">" << human(z.priority, 2) << "</td>"
          << "<td class=\"n\">" << human(z.area_m2 / 10000.0, 1) << "</td>"
          << "<td class=\"n\">" << human(z.mean_risk, 2) << " / " << human(z.max_risk, 2) << "</td>"
          << "<td>" << esc(factor_words(ctx, z.top_factor)) << "</td>"
          << "<td><strong>" << human(z.population_in_reach, 0) << "</strong>";
        if (!names.empty()) o << "<br><span class=\"list\">" << short_list(names, kNamesPerZone, "; ") << "</span>";
        if (z.returnee_settlements > 0)
            o << "<br><span class=\"list\">" << plural(z.returnee_settlements, "with returnees", "with returnees") << "</span>";
        o << "</td><td>" << human_int(static_cast<long long>(hazard_ids.size()));
        if (!hazard_ids.empty())
            o << ": " << esc(exports::hazard_status_summary(z.hazards)) << "<br><span class=\"list\">"
              << short_list(hazard_ids, kNamesPerZone) << "</span>";
        o << "</td><td>" << human_int(z.incidents_all) << "<br><span class=\"list\">recent " << human_int(z.incidents_recent)
          << ", far " << human_int(z.incidents_far_from_hazards) << "</span></td>"
          << "<td class=\"n\">" << human_metres(z.unmarked_perimeter_m) << "</td>"
          << "<td class=\"nowrap\">" << esc(date_or(z.last_session, "never")) << "</td>"
          << "<td class=\"action\">" << esc(z.action) << "</td>"
          << "<td class=\"reason\">" << esc(plain_words(z.reason)) << "</td></tr>\n";
    }
    o << "</tbody>\n</table>\n";
    if (zones.empty()) o << "<p class=\"muted\">No zone.</p>\n";
    o << "</section>\n";
}

// "40.081234° N, 46.912345° E"
std::string degrees(double lon, double lat) {
    return fixed(std::fabs(lat), 5) + "&deg; " + (lat < 0 ? "S" : "N") + ", " + fixed(std::fabs(lon), 5) + "&deg; " + (lon < 0 ? "W" : "E");
}

// "2021-07-01<br>to 2023-05-15" (HTML): each date kept on one line.
std::string date_span(double first, double last) {
    if (!std::isfinite(first)) return "undated";
    const std::string a = date_to_string(first), b = date_to_string(last);
    return a == b ? a : a + "<br>to " + b;
}

void write_referrals(std::ostringstream& o, const ExportContext& ctx) {
    const std::vector<SurveyReferral> none;
    const auto& list = ctx.zones() ? ctx.zones()->survey_referrals : none;
    const std::string survey = ctx.plan ? human_metres(ctx.plan->scenario.zones.survey_distance) : std::string("500 m");
    o << "<section id=\"referrals\">\n<h2>Survey referrals outside zones (" << human_int(static_cast<long long>(list.size()))
      << ")</h2>\n<p class=\"small muted\">Incidents more than " << survey
      << " from any recorded hazard that lie in no zone, because the combined risk around them stayed below the zone threshold: "
         "contamination nobody has recorded, and no zone to carry the referral. Incidents at most "
      << survey << " apart are grouped (an isolated incident is a group of one); each group is one referral for "
         "non-technical survey, the largest first. Where: the centre of the group, in the working CRS and in WGS 84 "
         "for a GPS. The same table is survey_referrals.csv; the GeoPackage layer survey_referrals shows them.</p>\n";
    if (list.empty()) {
        o << "<p>None: every incident far from a recorded hazard lies in a zone (whose action then includes the survey "
             "referral), or there is none.</p>\n</section>\n";
        return;
    }
    const std::string wkt = ctx.plan ? (!ctx.plan->grid.crs_wkt.empty() ? ctx.plan->grid.crs_wkt : ctx.plan->inputs.crs_wkt) : "";
    const LonLat lon_lat(wkt);
    o << "<table class=\"referrals\">\n<thead><tr><th>No.</th><th class=\"n\">Incidents</th><th>Dates</th>"
         "<th>Where (centre)</th><th class=\"n\">Spread</th><th>Nearest settlement</th><th class=\"n\">Risk<br>at most</th>"
         "<th class=\"reason\">Why</th></tr></thead>\n<tbody>\n";
    for (const SurveyReferral& r : list) {
        double lon = NAN, lat = NAN;
        o << "<tr id=\"referral-" << r.id << "\" class=\"referral-row\"><th class=\"rank\" scope=\"row\">" << r.id << "</th>"
          << "<td class=\"n\">" << human_int(r.incidents) << "</td>"
          << "<td class=\"nowrap\">" << date_span(r.first_date, r.last_date) << "</td>"
          << "<td class=\"nowrap\">E " << fixed(r.x, 0) << " N " << fixed(r.y, 0);
        if (lon_lat(r.x, r.y, lon, lat)) o << "<br><span class=\"list\">" << degrees(lon, lat) << "</span>";
        o << "</td><td class=\"n\">" << (r.incidents > 1 ? human_metres(r.spread_m) : std::string("-")) << "</td>"
          << "<td>" << (r.nearest_settlement.empty() ? std::string("-")
                                                     : esc(r.nearest_settlement) + " <span class=\"list\">(" +
                                                           human_metres(r.settlement_distance_m) + ")</span>")
          << "</td><td class=\"n\">" << human(r.max_risk, 2) << "</td>"
          << "<td class=\"reason\">" << esc(plain_words(r.reason)) << "</td></tr>\n";
    }
    o << "</tbody>\n</table>\n</section>\n";
}

void write_settlements(std::ostringstream& o, const ExportContext& ctx) {
    const std::vector<RankedSettlement> none;
    const auto& list = ctx.zones() ? ctx.zones()->settlements : none;
    o << "<section id=\"settlements\">\n<h2>Settlements for risk-awareness sessions</h2>\n";
    if (list.empty()) {
        o << "<p class=\"muted\">No settlement ranked.</p>\n";
    } else {
        o << "<p class=\"small muted\">";
        if (list.size() > kSettlementRows)
            o << "The first " << kSettlementRows << " of " << human_int(static_cast<long long>(list.size())) << " settlements; all are in settlements.csv. ";
        else
            o << "All " << human_int(static_cast<long long>(list.size())) << " ranked settlements (also in settlements.csv). ";
        o << "Risk is the combined risk within " << (ctx.plan ? human_metres(ctx.plan->scenario.zones.reach) : std::string("reach"))
          << " of the settlement.</p>\n";
    }
    o << "<table class=\"settlements\">\n<thead><tr><th class=\"n\">Rank</th><th>Settlement</th><th class=\"n\">Population</th>"
         "<th>Returnees</th><th class=\"n\">Risk mean / max</th><th class=\"n\">Nearest hazard</th>"
         "<th class=\"n\">Incidents nearby</th><th>Last session</th><th>Zone</th></tr></thead>\n<tbody>\n";
    for (size_t i = 0; i < list.size() && i < kSettlementRows; ++i) {
        const RankedSettlement& s = list[i];
        const int zr = ctx.zones() ? zone_rank_of(*ctx.zones(), s.zone_id) : 0;
        o << "<tr class=\"settlement-row\"><td class=\"n\">" << s.rank << "</td><td>" << esc(s.name.empty() ? s.id : s.name);
        if (!s.id.empty() && !s.name.empty()) o << " <span class=\"list\">(" << esc(s.id) << ")</span>";
        o << "</td><td class=\"n\">" << (s.population > 0 ? human(s.population, 0) : "unknown") << "</td>"
          << "<td>" << (s.returnee ? "yes" : "") << "</td>"
          << "<td class=\"n\">" << human(s.risk_mean, 2) << " / " << human(s.risk_max, 2) << "</td>"
          << "<td class=\"n\">" << (std::isfinite(s.distance_to_hazard_m) ? human_metres(s.distance_to_hazard_m) : "none counted") << "</td>"
          << "<td class=\"n\">" << human_int(s.incidents_nearby) << "</td>"
          << "<td class=\"nowrap\">" << esc(date_or(s.last_session, "never")) << "</td>"
          << "<td>" << (zr > 0 ? zone_link(zr) : std::string("")) << "</td></tr>\n";
    }
    o << "</tbody>\n</table>\n</section>\n";
}

// What each input is, in planners' words.
std::string role_words(const std::string& role) {
    if (role == "hazards") return "recorded hazards (CHA, SHA)";
    if (role == "incidents") return "mine and ERW incidents";
    if (role == "settlements") return "settlements and their people";
    if (role == "signs") return "warning signs and marking";
    if (role == "sessions") return "risk-education sessions";
    return role;
}

// The earliest and latest date of the layer's records, over every date field it was read with: "2019-03-02 to
// 2024-04-30"; empty when the layer has no dates.
std::string record_dates(const FeatureLayer& l) {
    double first = INFINITY, last = -INFINITY;
    for (const auto& [name, c] : l.columns) {
        if (c.type != "date") continue;
        for (double d : c.number)
            if (std::isfinite(d)) first = std::min(first, d), last = std::max(last, d);
    }
    if (!std::isfinite(first)) return "";
    return first == last ? date_to_string(first) : date_to_string(first) + " to " + date_to_string(last);
}

void write_sources(std::ostringstream& o, const ExportContext& ctx) {
    o << "<section id=\"sources\">\n<h2>Data sources</h2>\n";
    if (!ctx.plan) {
        o << "<p class=\"muted\">Not recorded.</p>\n</section>\n";
        return;
    }
    o << "<p class=\"small muted\">The records this report is made from. Dates: the earliest and latest date in the "
         "records (of incidents, sessions, surveys); the situation is as of " << esc(date_to_string(ctx.plan->as_of))
      << ". Paths, layers and counts of skipped records are in the <a href=\"#inputs\">technical details</a>.</p>\n"
         "<table class=\"sources\">\n<thead><tr><th>What</th><th>File</th><th class=\"n\">Records used</th>"
         "<th>Dates of the records</th></tr></thead>\n<tbody>\n";
    for (const auto& l : ctx.plan->inputs.layers) {
        const std::string dates = record_dates(l);
        o << "<tr class=\"source-row\"><td>" << esc(role_words(l.role)) << "</td><td>" << esc(file_name(l.stats.source))
          << "</td><td class=\"n\">" << human_int(l.stats.loaded) << "</td><td>"
          << (dates.empty() ? std::string("<span class=\"muted\">no dates in the records</span>") : esc(dates)) << "</td></tr>\n";
    }
    // The polygons that frame the run, and the rasters factors read (a parameter named 'path', as raster_factor's).
    const auto polygons = [&](const FeatureLayer& l, const std::string& what) {
        if (l.size() == 0) return;
        o << "<tr class=\"source-row\"><td>" << esc(what) << "</td><td>" << esc(file_name(l.stats.source)) << "</td><td class=\"n\">"
          << human_int(l.stats.loaded) << "</td><td><span class=\"muted\">boundaries, undated</span></td></tr>\n";
    };
    polygons(ctx.plan->area, "area of interest (only land inside it is mapped)");
    polygons(ctx.plan->areas, "administrative areas (districts)");
    for (const auto& f : ctx.plan->factors)
        for (const auto& p : f.spec.params)
            if (p.name == "path" && !p.is_table && !p.text.empty())
                o << "<tr class=\"source-row\"><td>" << esc("map layer for " + factor_words(ctx, f.spec.name)) << "</td><td>"
                  << esc(file_name(p.text)) << "</td><td class=\"n\">raster</td><td><span class=\"muted\">as the file is"
                     "</span></td></tr>\n";
    if (ctx.plan->inputs.layers.empty()) o << "<tr><td colspan=\"4\" class=\"muted\">No input recorded.</td></tr>\n";
    o << "</tbody>\n</table>\n</section>\n";
}

void write_warnings(std::ostringstream& o, const ExportContext& ctx) {
    const auto warnings = all_warnings(ctx);
    o << "<section id=\"warnings\">\n<h2>Warnings (" << human_int(static_cast<long long>(warnings.size())) << ")</h2>\n";
    if (warnings.empty()) {
        o << "<p>None: every record was used as given.</p>\n";
    } else {
        o << "<p class=\"small muted\">Problems the run counted and went on with. Each may leave a gap in the picture: "
             "fix the records named and run again.</p>\n<ol class=\"warnings\">\n";
        for (const auto& w : warnings) o << "<li class=\"warning\">" << esc(plain_words(w)) << "</li>\n";
        o << "</ol>\n";
    }
    o << "</section>\n";
}

}  // namespace

std::string report_html(const ExportContext& ctx, const std::string& quicklook_png,
                        const std::vector<quicklook::ZoneMap>& zone_maps) {
    std::string name = ctx.plan && !ctx.plan->scenario.name.empty() ? ctx.plan->scenario.name : std::string("minerisk run");
    std::string title = "Outreach priorities: " + name;
    if (ctx.plan) title += " (as of " + date_to_string(ctx.plan->as_of) + ")";
    std::ostringstream o;
    write_head(o, title);
    write_header(o, ctx, name, !zone_maps.empty());
    o << "<main>\n";
    write_how(o, ctx);
    write_summary(o, ctx);
    write_map(o, quicklook_png);
    write_area_ranking(o, ctx);  // summary_by: the areas first (export/report_areas.cpp)
    write_zones(o, ctx, !zone_maps.empty());
    write_zone_maps(o, ctx, zone_maps);  // export/report_zone_maps.cpp
    write_referrals(o, ctx);
    write_settlements(o, ctx);
    if (ctx.plans() && ctx.zones()) o << exports::plans_html(*ctx.plans(), *ctx.zones());  // rank stability, sign and outreach plans
    write_sources(o, ctx);
    write_warnings(o, ctx);
    write_appendix(o, ctx);  // the other zones and the technical details (export/report_appendix.cpp)
    o << "</main>\n<footer>Made by minerisk " << esc(MINERISK_VERSION_STRING)
      << ". Beside this page: zones.csv, survey_referrals.csv and settlements.csv (the full tables), quicklook.png (the map), minerisk.gpkg and "
         "minerisk.qgs (every layer for QGIS), run.json (the run's record). This page needs no network: it can be "
         "e-mailed, copied to a USB stick or printed as it is.</footer>\n</body>\n</html>\n";
    return label_cells(o.str());
}

}  // namespace minerisk::report
