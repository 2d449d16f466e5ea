// The report's area ranking (<section id="areas">): which district gets the teams first, before the zones and
// settlements within it. Written only when the scenario sets summary_by; the same table is area_ranking.csv.
#include <sstream>

#include "export/area_outputs.hpp"
#include "export/report_format.hpp"
#include "export/report_sections.hpp"

namespace minerisk::report {

namespace {

std::string zone_link(int rank) {
    return "<a href=\"#zone-" + std::to_string(rank) + "\">" + std::to_string(rank) + "</a>";
}

void write_explanation(std::ostringstream& o, const AreaRanking& r) {
    o << "<p class=\"small muted\">Each area of " << html_escape(r.input)
      << " with what lies in it: a settlement, hazard, incident or zone counts in the area that holds its point (a "
         "point inside it, for a polygon), once. Areas are ranked by the people in reach of risk (the population of "
         "their settlements within "
      << human_metres(r.reach)
      << " of a zone), then by recent incidents (the last " << human(r.recent_days, 0)
      << " days), then by unmarked perimeter, then by counted hazards. Unmarked perimeter: the hazards' boundary "
         "farther than "
      << human_metres(r.cover) << " (" << html_escape(report::plain_words(r.cover_from))
      << ") from every sign that marks. Never reached: settlements that have had no session (nobody-lives-there "
         "settlements left out). The same table is area_ranking.csv; the areas are the area_ranking layer of "
         "minerisk.gpkg.</p>\n";
}

void write_row(std::ostringstream& o, const AreaSummary& a) {
    o << "<tr class=\"area-row\"><th class=\"rank\" scope=\"row\">" << a.rank << "</th><td><strong>" << html_escape(a.name)
      << "</strong>";
    if (!a.id.empty() && a.id != a.name) o << " <span class=\"list\">(" << html_escape(a.id) << ")</span>";
    o << "<br><span class=\"list\">" << human(a.area_km2, 0) << " km²</span></td>"
      << "<td class=\"n\"><strong>" << human(a.people_in_reach, 0) << "</strong><br><span class=\"list\">"
      << human_int(a.settlements_in_reach) << " of " << human_int(a.settlements) << " settlements</span></td>"
      << "<td class=\"n\">" << human_int(a.zones);
    if (a.best_zone_rank > 0) o << "<br><span class=\"list\">best " << zone_link(a.best_zone_rank) << "</span>";
    o << "</td><td class=\"n\">" << human_int(a.hazards) << "</td>"
      << "<td class=\"n\">" << human_metres(a.unmarked_m) << "<br><span class=\"list\">of " << human_metres(a.perimeter_m)
      << "</span></td>"
      << "<td class=\"n\">" << human_int(a.incidents_recent) << "<br><span class=\"list\">of " << human_int(a.incidents)
      << "</span></td>"
      << "<td class=\"n\">" << human_int(a.settlements_never_reached) << "</td>"
      << "<td class=\"reason\">" << html_escape(a.reason) << "</td></tr>\n";
}

}  // namespace

void write_area_ranking(std::ostringstream& o, const ExportContext& ctx) {
    const AreaRanking* r = ctx.areas();
    if (!r) return;
    o << "<section id=\"areas\">\n<h2>Areas by priority (" << human_int(static_cast<long long>(r->areas.size()))
      << ")</h2>\n";
    write_explanation(o, *r);
    const long long outside = r->settlements_outside + r->hazards_outside + r->incidents_outside + r->zones_outside;
    if (outside > 0)
      o << "<p class=\"note\">Outside every area: " << human_int(r->settlements_outside) << " settlements, "
        << human_int(r->hazards_outside) << " counted hazards, " << human_int(r->incidents_outside) << " incidents, "
        << human_int(r->zones_outside) << " zones. They are in no row below.</p>\n";
    o << "<div class=\"wide\">\n<table class=\"areas\">\n<thead><tr><th>Rank</th><th>Area</th>"
         "<th class=\"n\">People in reach<br>of risk</th><th class=\"n\">Zones</th><th class=\"n\">Counted<br>hazards</th>"
         "<th class=\"n\">Unmarked<br>perimeter</th><th class=\"n\">Recent<br>incidents</th>"
         "<th class=\"n\">Settlements<br>never reached</th><th class=\"reason\">Why</th></tr></thead>\n<tbody>\n";
    for (const AreaSummary& a : r->areas) write_row(o, a);
    o << "</tbody>\n</table>\n</div>\n</section>\n";
}

}  // namespace minerisk::report
