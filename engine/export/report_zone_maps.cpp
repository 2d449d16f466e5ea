// The report's section of small zone maps (report_sections.hpp): one figure per zone of the body, in rank order,
// linked to and from the zone's row of the table.
#include <sstream>
#include <string>
#include <vector>

#include "export/report_format.hpp"
#include "export/report_sections.hpp"

namespace minerisk::report {

void write_zone_maps(std::ostringstream& o, const ExportContext& ctx, const std::vector<quicklook::ZoneMap>& maps) {
    if (maps.empty()) return;
    const ZoneResult* zones = ctx.zones();
    o << "<section id=\"zone-maps\">\n<h2>The first " << human_int(static_cast<long long>(maps.size()))
      << " zones on the map</h2>\n<p class=\"small muted\">Each map is centred on its zone, outlined thick in dark blue; "
         "other zones are outlined thin. Colours as on the map above: the combined risk from light yellow to dark red, "
         "hazards outlined red (CHA), orange (SHA) or dashed grey (other), settlements as dark dots, proposed signs as "
         "yellow triangles, survey referrals as purple diamonds. North is up; the bar gives the scale. The zone atlas "
         "of minerisk.qgs prints one page per zone.</p>\n<div class=\"zone-maps\">\n";
    for (const auto& m : maps) {
        const Zone* z = nullptr;
        if (zones)
            for (const auto& candidate : zones->zones)
                if (candidate.rank == m.rank) z = &candidate;
        const std::string rank = std::to_string(m.rank);
        o << "<figure id=\"zone-map-" << rank << "\"><img src=\"data:image/png;base64," << base64(m.png) << "\" width=\""
          << m.side << "\" height=\"" << m.side << "\" alt=\"Map of zone " << rank << " and what lies around it, "
          << human_metres(m.metres_across) << " across\">\n<figcaption><a href=\"#zone-" << rank << "\">Zone " << rank
          << "</a>";
        o << "<span class=\"more\">";
        if (z)
            o << ": " << human(z->area_m2 / 10000.0, 1) << " ha, " << human(z->population_in_reach, 0) << " people in reach";
        o << "; " << human_metres(m.metres_across) << " across</span></figcaption></figure>\n";
    }
    o << "</div>\n</section>\n";
}

}  // namespace minerisk::report
