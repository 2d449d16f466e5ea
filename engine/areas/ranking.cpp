// The area ranking (docs/areas.md): each settlement, counted hazard, incident and zone placed in one area by its
// point (locator.cpp), the figures summed per area, the areas ordered by ranks_before().
//
//   people in reach     settlements whose ranked entry has a zone within zones.reach (RankedSettlement::zone_id),
//                       the zones' own notion of "in reach of risk"; their known populations summed
//   never reached       settlements with no counted session (RankedSettlement::last_session NaN), except those
//                       whose population is recorded as 0 (nobody to reach)
//   hazards             those the sign plan counts (status not released by the HazardRules, recorded on or before
//                       as_of); perimeter and unmarked perimeter measured as marking_gap and the sign plan measure
//                       them (alg/cover.hpp): the boundary farther than the cover from every sign that marks
//   incidents           dated on or before as_of, or undated (as the zones count them); recent: dated within
//                       zones.recent_days before as_of
//   zones               placed by a point inside the zone polygon; the best (lowest) rank among them
#include <ogr_geometry.h>

#include <ogr_api.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "areas/areas_internal.hpp"
#include "minerisk/error.hpp"
#include "plans/plans_internal.hpp"
#include "zones/zones_internal.hpp"

namespace minerisk::areas {
namespace {

using plans::number_of;
using plans::text_of;

// Where features that lie in no area are counted.
struct Outside {
    std::int64_t settlements = 0, hazards = 0, incidents = 0, zones = 0;
};

void add_settlements(const plans::PlanInputs& in, AreaLocator& where, std::vector<AreaSummary>& rows, Outside& out) {
    const FeatureLayer* l = in.inputs ? in.inputs->find("settlements") : nullptr;
    if (!l) return;
    std::map<std::int64_t, const RankedSettlement*> ranked;
    if (in.zones)
        for (const auto& s : in.zones->settlements) ranked[s.feature] = &s;
    for (std::int64_t i = 0; i < l->size(); ++i) {
        const std::int64_t a = where.area_of(l->geometry[static_cast<size_t>(i)].get());
        if (a < 0) {
            ++out.settlements;
            continue;
        }
        AreaSummary& r = rows[static_cast<size_t>(a)];
        const double pop = number_of(l, "population", i);
        const double people = std::isfinite(pop) && pop > 0 ? pop : 0;
        const auto it = ranked.find(i);
        const RankedSettlement* rs = it == ranked.end() ? nullptr : it->second;
        ++r.settlements;
        r.population += people;
        if (rs && rs->zone_id != 0) {
            ++r.settlements_in_reach;
            r.people_in_reach += people;
        }
        const bool never = rs ? std::isnan(rs->last_session) : true;
        if (never && !(std::isfinite(pop) && pop <= 0)) ++r.settlements_never_reached;
    }
}

// The perimeter of a hazard and the part of it no sign that marks covers.
void measure_hazard(const plans::PlanInputs& in, const FeatureLayer& hazards, std::int64_t i, double& perimeter,
                    double& unmarked) {
    std::vector<std::vector<zones::Pt>> rings;
    zones::rings_of(hazards.geometry[static_cast<size_t>(i)].get(), rings);
    std::vector<zones::Pt> signs;
    if (const FeatureLayer* s = in.inputs->find("signs"))
        for (std::int64_t k : s->query(hazards.bounds[static_cast<size_t>(i)].grown(in.cover))) {
            if (!in.rules.sign_marks(text_of(s, "condition", k))) continue;
            const double placed = number_of(s, "date", k);
            if (std::isfinite(placed) && placed > in.as_of) continue;
            zones::points_of(s->geometry[static_cast<size_t>(k)].get(), signs);
        }
    alg::PerimeterCover sum;
    std::vector<alg::Interval> scratch;
    for (const auto& ring : rings)
        alg::add_perimeter_cover(ring.data(), ring.size(), signs.data(), signs.size(), in.cover, scratch, sum);
    perimeter = sum.covered + sum.uncovered;
    unmarked = sum.uncovered;
}

void add_hazards(const plans::PlanInputs& in, AreaLocator& where, std::vector<AreaSummary>& rows, Outside& out) {
    const FeatureLayer* h = in.inputs ? in.inputs->find("hazards") : nullptr;
    if (!h) return;
    const std::vector<char> counted = plans::counted_hazards(in);
    for (std::int64_t i = 0; i < h->size(); ++i) {
        if (!counted[static_cast<size_t>(i)]) continue;
        const std::int64_t a = where.area_of(h->geometry[static_cast<size_t>(i)].get());
        if (a < 0) {
            ++out.hazards;
            continue;
        }
        AreaSummary& r = rows[static_cast<size_t>(a)];
        double perimeter = 0, unmarked = 0;
        measure_hazard(in, *h, i, perimeter, unmarked);
        ++r.hazards;
        r.perimeter_m += perimeter;
        r.unmarked_m += unmarked;
    }
}

void add_incidents(const plans::PlanInputs& in, AreaLocator& where, std::vector<AreaSummary>& rows, Outside& out) {
    const FeatureLayer* l = in.inputs ? in.inputs->find("incidents") : nullptr;
    if (!l) return;
    for (std::int64_t i = 0; i < l->size(); ++i) {
        const double d = number_of(l, "date", i);
        if (d > in.as_of) continue;  // after the reference date: not yet happened, as far as this run knows
        const std::int64_t a = where.area_of(l->geometry[static_cast<size_t>(i)].get());
        if (a < 0) {
            ++out.incidents;
            continue;
        }
        AreaSummary& r = rows[static_cast<size_t>(a)];
        ++r.incidents;
        if (std::isfinite(d) && d >= in.as_of - in.zone_spec.recent_days) ++r.incidents_recent;
    }
}

void add_zones(const plans::PlanInputs& in, AreaLocator& where, std::vector<AreaSummary>& rows, Outside& out) {
    if (!in.zones) return;
    for (const Zone& z : in.zones->zones) {
        OGRGeometry* g = nullptr;
        if (!z.wkb.empty())
            OGRGeometryFactory::createFromWkb(z.wkb.data(), nullptr, &g, z.wkb.size(), wkbVariantIso);
        const std::unique_ptr<OGRGeometry> owned(g);
        const std::int64_t a = where.area_of(owned.get());
        if (a < 0) {
            ++out.zones;
            continue;
        }
        AreaSummary& r = rows[static_cast<size_t>(a)];
        ++r.zones;
        if (r.best_zone_rank == 0 || z.rank < r.best_zone_rank) r.best_zone_rank = z.rank;
    }
}

std::string area_reason(const AreaSummary& r, const AreaRanking& ranking) {
    using zones::plural;
    using zones::thousands;
    std::vector<std::string> parts;
    if (r.zones > 0)
        parts.push_back(thousands(r.people_in_reach) + " people in " + plural(r.settlements_in_reach, "settlement", "settlements") +
                        " within " + zones::metres(ranking.reach) + " of a zone; " + plural(r.zones, "zone", "zones") +
                        ", the best ranked " + std::to_string(r.best_zone_rank));
    else if (r.people_in_reach > 0)
        parts.push_back(thousands(r.people_in_reach) + " people within " + zones::metres(ranking.reach) +
                        " of a zone in a neighbouring area");
    else
        parts.push_back("nobody within " + zones::metres(ranking.reach) + " of a zone");
    if (r.incidents_recent > 0)
        parts.push_back(plural(r.incidents_recent, "incident", "incidents") + " in the last " +
                        thousands(ranking.recent_days) + " days");
    if (r.hazards > 0)
        parts.push_back(plural(r.hazards, "counted hazard", "counted hazards") + ", " + zones::metres(r.unmarked_m) +
                        " of perimeter unmarked");
    if (r.settlements_never_reached > 0)
        parts.push_back(plural(r.settlements_never_reached, "settlement", "settlements") + " never reached by a session");
    return zones::join(parts, "; ");
}

// "districts.gpkg, layer 'districts'".
std::string layer_words(const FeatureLayer& l) {
    const std::string file = std::filesystem::path(l.stats.source).filename().string();
    return (file.empty() ? l.stats.source : file) + ", layer '" + l.stats.layer_name + "'";
}

std::string outside_warning(const Outside& o, const AreaRanking& ranking) {
    std::vector<std::string> parts;
    if (o.settlements) parts.push_back(zones::plural(o.settlements, "settlement", "settlements"));
    if (o.hazards) parts.push_back(zones::plural(o.hazards, "counted hazard", "counted hazards"));
    if (o.incidents) parts.push_back(zones::plural(o.incidents, "incident", "incidents"));
    if (o.zones) parts.push_back(zones::plural(o.zones, "zone", "zones"));
    if (parts.empty()) return {};
    return "area ranking: " + zones::join(parts, ", ") + " lie in no area of " + ranking.input +
           " and are left out of its figures. check that the areas cover the data (their 'where' filter, their CRS)";
}

}  // namespace

bool ranks_before(const AreaSummary& a, const AreaSummary& b) {
    if (a.people_in_reach != b.people_in_reach) return a.people_in_reach > b.people_in_reach;
    if (a.incidents_recent != b.incidents_recent) return a.incidents_recent > b.incidents_recent;
    if (a.unmarked_m != b.unmarked_m) return a.unmarked_m > b.unmarked_m;
    if (a.hazards != b.hazards) return a.hazards > b.hazards;
    if (a.id != b.id) return a.id < b.id;
    return a.feature < b.feature;
}

AreaRanking rank_areas(const FeatureLayer& layer, const plans::PlanInputs& in, const Progress& progress) {
    AreaRanking ranking;
    ranking.done = true;
    ranking.input = layer_words(layer);
    ranking.reach = in.zone_spec.reach;
    ranking.recent_days = in.zone_spec.recent_days;
    ranking.cover = in.cover;
    ranking.cover_from = in.cover_from;
    std::vector<AreaSummary> rows(static_cast<size_t>(layer.size()));
    for (std::int64_t a = 0; a < layer.size(); ++a) {
        AreaSummary& r = rows[static_cast<size_t>(a)];
        r.feature = a;
        r.id = text_of(&layer, "id", a);
        r.name = text_of(&layer, "name", a);
        if (r.name.empty()) r.name = r.id.empty() ? "area #" + std::to_string(layer.fid[static_cast<size_t>(a)]) : r.id;
        if (const OGRGeometry* g = layer.geometry[static_cast<size_t>(a)].get())
            r.area_km2 = OGR_G_Area(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(g))) / 1e6;
    }
    AreaLocator where(layer);
    Outside outside;
    add_settlements(in, where, rows, outside);
    add_hazards(in, where, rows, outside);
    progress.report(0.5, "area ranking");
    add_incidents(in, where, rows, outside);
    add_zones(in, where, rows, outside);
    std::sort(rows.begin(), rows.end(), ranks_before);
    for (size_t k = 0; k < rows.size(); ++k) {
        rows[k].rank = static_cast<int>(k + 1);
        rows[k].reason = area_reason(rows[k], ranking);
    }
    ranking.areas = std::move(rows);
    ranking.settlements_outside = outside.settlements;
    ranking.hazards_outside = outside.hazards;
    ranking.incidents_outside = outside.incidents;
    ranking.zones_outside = outside.zones;
    const std::string w = outside_warning(outside, ranking);
    if (!w.empty()) ranking.warnings.push_back(w);
    if (!progress.report(1.0, "area ranking")) throw Error("cancelled");
    return ranking;
}

}  // namespace minerisk::areas
