// What each zone holds and touches. Per zone, only the features its bounding box (grown by the reach) meets
// in the layers' R-trees are tested with GEOS (prepared zone polygon); incidents are placed with one lookup in
// the label raster each.
//
// - settlements in reach: distance from the settlement's geometry to the zone polygon <= zones.reach (0 inside).
// - hazards: every hazard whose polygon intersects the zone polygon (sharing only an edge counts), whatever its
//   status; its unmarked perimeter is 0 when it is cleared or cancelled.
// - incidents in the zone: those whose point falls in a cell of the zone (the polygon is exactly those cells).
//   Far from hazards: no counted hazard within zones.survey_distance of the incident. Far incidents in no zone
//   are collected for the survey referrals (the risk there stayed below the threshold).
// - last session: the latest counted session held within reach of the zone polygon, or belonging to a
//   settlement in reach (see context.cpp).
#include <algorithm>

#include "minerisk/error.hpp"
#include "zones/runs.hpp"
#include "zones/zones_internal.hpp"

namespace minerisk::zones {
namespace {

struct GeomHolder {
    GEOSContextHandle_t h;
    GEOSGeometry* g = nullptr;
    const GEOSPreparedGeometry* p = nullptr;
    ~GeomHolder() {
        if (p) GEOSPreparedGeom_destroy_r(h, p);
        if (g) GEOSGeom_destroy_r(h, g);
    }
};

Extent envelope(GEOSContextHandle_t h, const GEOSGeometry* g) {
    Extent e;
    GEOSGeom_getXMin_r(h, g, &e.xmin);
    GEOSGeom_getYMin_r(h, g, &e.ymin);
    GEOSGeom_getXMax_r(h, g, &e.xmax);
    GEOSGeom_getYMax_r(h, g, &e.ymax);
    return e;
}

}  // namespace

void zone_attributes(Context& ctx, std::vector<Zone>& zones, const RowRuns& labels, const GridSpec& grid,
                     const Progress& progress) {
    const GEOSContextHandle_t h = ctx.geos.h;
    const double reach = ctx.spec.reach;
    ctx.zone_far_first.assign(zones.size() + 1, NAN);

    // Incidents: one label lookup each, then the survey-distance test only for those inside a zone.
    if (ctx.incidents) {
        const FeatureLayer& inc = *ctx.incidents;
        for (std::int64_t i = 0; i < inc.size(); ++i) {
            if (!ctx.incident_counted[static_cast<size_t>(i)]) continue;
            const Extent& b = inc.bounds[static_cast<size_t>(i)];
            if (b.empty()) continue;
            const double x = 0.5 * (b.xmin + b.xmax), y = 0.5 * (b.ymin + b.ymax);
            const double fc = std::floor((x - grid.origin_x) / grid.cell_size);
            const double fr = std::floor((grid.origin_y - y) / grid.cell_size);
            const bool on_grid = fc >= 0 && fr >= 0 && fc < double(grid.width) && fr < double(grid.height);
            const std::int32_t l = on_grid ? labels.label_at(static_cast<std::int64_t>(fr), static_cast<std::int64_t>(fc)) : 0;
            const GEOSGeometry* ig = ctx.incident_geoms.get(i);
            // Far from every counted hazard: judged once per incident, inside zones or not (the incidents layer
            // of the exports carries it).
            const bool far = ig && !any_within(ctx.hazard_geoms, ctx.hazard_counted, ig, b, ctx.spec.survey_distance);
            if (ig) ctx.incident_far[static_cast<size_t>(i)] = far ? 1 : 0;
            if (l <= 0) {
                // Not in a zone: referred for survey on its own (survey_referrals) when far from every hazard.
                if (far) ctx.far_outside.push_back(i);
                continue;
            }
            Zone& z = zones[static_cast<size_t>(l - 1)];
            ++z.incidents_all;
            if (ctx.incident_recent(i)) ++z.incidents_recent;
            if (far) {
                ++z.incidents_far_from_hazards;
                const double d = ctx.incident_date[static_cast<size_t>(i)];
                double& first = ctx.zone_far_first[static_cast<size_t>(l)];
                if (std::isfinite(d) && (std::isnan(first) || d < first)) first = d;
            }
        }
    }

    for (size_t k = 0; k < zones.size(); ++k) {
        Zone& z = zones[k];
        GeomHolder zg{h};
        zg.g = ctx.geos.read_wkb(z.wkb);
        if (!zg.g) throw Error("zone id " + std::to_string(z.id) + ": GEOS cannot read its polygon");
        zg.p = GEOSPrepare_r(h, zg.g);
        const Extent box = envelope(h, zg.g);

        // Settlements within reach, nearest first.
        if (ctx.settlements) {
            for (std::int64_t s : ctx.settlements->query(box.grown(reach))) {
                const GEOSGeometry* sg = ctx.settlement_geoms.get(s);
                double d = NAN;
                if (!sg || GEOSPreparedDistance_r(h, zg.p, sg, &d) != 1 || !(d <= reach)) continue;
                ZoneSettlement zs;
                zs.feature = s;
                zs.id = ctx.settlement_id(s);
                zs.name = ctx.settlement_label(s);
                const double pop = ctx.settlement_population(s);
                zs.population = std::isfinite(pop) && pop > 0 ? pop : 0;
                zs.population_known = std::isfinite(pop);
                zs.returnee = ctx.settlement_returnee(s);
                zs.distance_m = d;
                z.settlements.push_back(std::move(zs));
            }
            std::sort(z.settlements.begin(), z.settlements.end(), [](const ZoneSettlement& a, const ZoneSettlement& b) {
                return a.distance_m != b.distance_m ? a.distance_m < b.distance_m : a.feature < b.feature;
            });
            for (const auto& s : z.settlements) {
                z.population_in_reach += s.population;
                if (s.returnee) ++z.returnee_settlements;
                const double last = ctx.settlement_last_session[static_cast<size_t>(s.feature)];
                if (!std::isnan(last) && (std::isnan(z.last_session) || last > z.last_session)) z.last_session = last;
            }
        }

        // Hazards the zone touches.
        if (ctx.hazards) {
            for (std::int64_t hz : ctx.hazards->query(box)) {
                const GEOSGeometry* hg = ctx.hazard_geoms.get(hz);
                if (!hg || GEOSPreparedIntersects_r(h, zg.p, hg) != 1) continue;
                ZoneHazard zh;
                zh.feature = hz;
                zh.id = ctx.hazard_label(hz);
                zh.status = ctx.text(ctx.hazards, "status", hz);
                zh.ordnance = ctx.text(ctx.hazards, "ordnance", hz);
                zh.unmarked_m = ctx.unmarked(hz);
                zh.released = !ctx.hazard_counted[static_cast<size_t>(hz)];
                z.unmarked_perimeter_m += zh.unmarked_m;
                z.hazards.push_back(std::move(zh));
            }
        }

        // Sessions held within reach of the zone.
        if (ctx.sessions) {
            for (std::int64_t q : ctx.sessions->query(box.grown(reach))) {
                if (!ctx.session_counted[static_cast<size_t>(q)]) continue;
                const double d = ctx.session_date[static_cast<size_t>(q)];
                if (!std::isnan(z.last_session) && d <= z.last_session) continue;
                const GEOSGeometry* qg = ctx.session_geoms.get(q);
                if (qg && GEOSPreparedDistanceWithin_r(h, zg.p, qg, reach) == 1) z.last_session = d;
            }
        }
        if (!progress.report(double(k + 1) / double(zones.size()), "zone attributes")) throw Error("cancelled");
    }
}

}  // namespace minerisk::zones
