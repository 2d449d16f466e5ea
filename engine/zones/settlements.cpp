// Every settlement, ranked for risk-awareness sessions.
//
//   risk_mean, risk_max  of the combined risk over the cells whose centre lies within zones.reach of the
//                        settlement's geometry (a window of the grid around it, then a distance test per cell)
//   priority = risk_mean x (1 + log10(1 + population)) x (1.5 if returnee) x need
//   need     = 1 if the settlement never had a session or its last one is older than session_stale_days,
//              else 0.5 + 0.5 x days since the last session / session_stale_days
//   a settlement whose population is recorded as 0 (nobody to hold a session for) gets priority 0.
// Rank: priority (highest first), then id, then feature order.
#include <algorithm>
#include <limits>
#include <numeric>

#include "minerisk/error.hpp"
#include "zones/risk_reader.hpp"
#include "zones/zones_internal.hpp"

namespace minerisk::zones {

double settlement_priority(double risk_mean, double population, bool returnee, double last_session, double as_of,
                           double stale_days) {
    if (std::isfinite(population) && population <= 0) return 0;
    const double people = std::isfinite(population) ? population : 0;
    double need = 1;
    if (!std::isnan(last_session) && stale_days > 0)
        need = std::clamp(0.5 + 0.5 * (as_of - last_session) / stale_days, 0.5, 1.0);
    return risk_mean * (1 + std::log10(1 + people)) * (returnee ? 1.5 : 1.0) * need;
}

std::vector<RankedSettlement> rank_settlements(Context& ctx, const RiskReader& risk, const std::vector<Zone>& zones,
                                               const Progress& progress) {
    std::vector<RankedSettlement> out;
    if (!ctx.settlements) return out;
    const FeatureLayer& L = *ctx.settlements;
    const GridSpec& grid = risk.grid();
    const double reach = ctx.spec.reach, r2 = reach * reach;
    const GEOSContextHandle_t h = ctx.geos.h;

    // The zone each settlement is in or nearest in reach of (ties: the lower zone id).
    std::vector<int> zone_of(static_cast<size_t>(L.size()), 0);
    std::vector<double> zone_d(static_cast<size_t>(L.size()), INFINITY);
    for (const Zone& z : zones)
        for (const auto& s : z.settlements) {
            const size_t k = static_cast<size_t>(s.feature);
            if (s.distance_m < zone_d[k] || (s.distance_m == zone_d[k] && z.id < zone_of[k]))
                zone_d[k] = s.distance_m, zone_of[k] = z.id;
        }

    // In the grid's row-major order, not the layer's: each settlement reads the risk around it, and the scored
    // tiles keep only the latest rows of tiles decompressed, so settlements in file order (anywhere on the grid)
    // decompressed a whole tile for almost every one (12 s for 1,000 settlements on a 100 M-cell grid). The
    // results are sorted by priority below, so the order they are computed in changes nothing.
    std::vector<std::int64_t> order(static_cast<size_t>(L.size()));
    std::iota(order.begin(), order.end(), std::int64_t{0});
    // By bands of the rows the source decompresses at once (a scored tile's), north to south, each band west to
    // east, by the top row of each settlement's window: a band's windows touch two rows of tiles at most (a
    // window is smaller than a tile), which stay decompressed while the band is read. A settlement without a
    // place sorts last.
    const double band_rows = static_cast<double>(risk.cached_rows());
    auto place = [&](std::int64_t k) {
        const Extent& e = L.bounds[static_cast<size_t>(k)];
        const double last = std::numeric_limits<double>::infinity();
        const double top = std::floor((grid.origin_y - (e.ymax + reach)) / grid.cell_size);
        if (e.empty() || !std::isfinite(top) || !std::isfinite(e.xmin)) return std::make_pair(last, last);
        return std::make_pair(std::floor(std::max(0.0, top) / band_rows), e.xmin);
    };
    std::vector<std::pair<double, double>> at(order.size());
    for (size_t k = 0; k < order.size(); ++k) at[k] = place(static_cast<std::int64_t>(k));
    std::stable_sort(order.begin(), order.end(),
                     [&](std::int64_t a, std::int64_t b) { return at[static_cast<size_t>(a)] < at[static_cast<size_t>(b)]; });
    for (std::int64_t done = 0; done < L.size(); ++done) {
        const std::int64_t s = order[static_cast<size_t>(done)];
        RankedSettlement r;
        r.feature = s;
        r.id = ctx.settlement_id(s);
        r.name = ctx.settlement_label(s);
        const double pop = ctx.settlement_population(s);
        r.population = std::isfinite(pop) && pop > 0 ? pop : 0;
        r.returnee = ctx.settlement_returnee(s);
        r.last_session = ctx.settlement_last_session[static_cast<size_t>(s)];
        r.zone_id = zone_of[static_cast<size_t>(s)];
        const Extent& b = L.bounds[static_cast<size_t>(s)];
        const GEOSGeometry* g = ctx.settlement_geoms.get(s);
        const GEOSPreparedGeometry* pg = ctx.settlement_geoms.prepared(s);
        if (g && pg && !b.empty()) {
            // Risk within reach. For a polygon, two buffers settle most cells cheaply: inside the inner one
            // (reach - tol) a cell is in, outside the outer one (reach + tol) it is out; the exact distance is
            // computed only for the band between. GEOS buffers put their vertices on the offset curve and cut
            // the arcs inside it by at most 0.5 % of the radius at 8 segments a quarter circle, which tol covers.
            const bool is_point = b.xmin == b.xmax && b.ymin == b.ymax;
            const double tol = 0.01 * reach + 1.0;
            GEOSGeometry* inner = nullptr;
            GEOSGeometry* outer = nullptr;
            const GEOSPreparedGeometry* pin = nullptr;
            const GEOSPreparedGeometry* pout = nullptr;
            if (!is_point) {
                if (reach > tol) inner = GEOSBuffer_r(h, g, reach - tol, 8);
                outer = GEOSBuffer_r(h, g, reach + tol, 8);
                if (inner) pin = GEOSPrepare_r(h, inner);
                if (outer) pout = GEOSPrepare_r(h, outer);
            }
            const Window w = grid.window_of(b.grown(reach));
            const std::vector<float> cells = risk.window(w);  // a few hundred cells, read from the risk raster
            double sum = 0, mx = -INFINITY;
            std::int64_t n = 0;
            for (std::int64_t row = w.row0; row < w.row0 + w.height; ++row) {
                const double y = grid.origin_y - (double(row) + 0.5) * grid.cell_size;
                for (std::int64_t col = w.col0; col < w.col0 + w.width; ++col) {
                    const double x = grid.origin_x + (double(col) + 0.5) * grid.cell_size;
                    const double dx = std::max({b.xmin - x, 0.0, x - b.xmax}), dy = std::max({b.ymin - y, 0.0, y - b.ymax});
                    if (dx * dx + dy * dy > r2) continue;  // farther than reach from the bounding box
                    if (!is_point) {
                        GEOSGeometry* p = ctx.geos.point(x, y);
                        bool within;
                        if (pin && GEOSPreparedContains_r(h, pin, p) == 1) within = true;
                        else if (pout && GEOSPreparedIntersects_r(h, pout, p) == 0) within = false;
                        else within = GEOSPreparedDistanceWithin_r(h, pg, p, reach) == 1;
                        GEOSGeom_destroy_r(h, p);
                        if (!within) continue;
                    }
                    const float v = cells[static_cast<size_t>((row - w.row0) * w.width + (col - w.col0))];
                    if (std::isnan(v)) continue;
                    sum += v;
                    mx = std::max<double>(mx, v);
                    ++n;
                }
            }
            if (pin) GEOSPreparedGeom_destroy_r(h, pin);
            if (pout) GEOSPreparedGeom_destroy_r(h, pout);
            if (inner) GEOSGeom_destroy_r(h, inner);
            if (outer) GEOSGeom_destroy_r(h, outer);
            r.risk_mean = n ? sum / double(n) : 0;
            r.risk_max = n ? mx : 0;
            r.distance_to_hazard_m = nearest_distance(ctx.hazard_geoms, ctx.hazard_counted, g, b);
            if (ctx.incidents)
                for (std::int64_t i : ctx.incidents->query(b.grown(reach))) {
                    if (!ctx.incident_counted[static_cast<size_t>(i)]) continue;
                    const GEOSGeometry* ig = ctx.incident_geoms.get(i);
                    if (ig && GEOSPreparedDistanceWithin_r(h, pg, ig, reach) == 1) ++r.incidents_nearby;
                }
        }
        r.priority = settlement_priority(r.risk_mean, pop, r.returnee, r.last_session, ctx.as_of, ctx.spec.session_stale_days);
        out.push_back(std::move(r));
        if (!progress.report(double(done + 1) / double(L.size()), "ranking settlements")) throw Error("cancelled");
    }
    std::sort(out.begin(), out.end(), [](const RankedSettlement& a, const RankedSettlement& b) {
        if (a.priority != b.priority) return a.priority > b.priority;
        if (a.id != b.id) return a.id < b.id;
        return a.feature < b.feature;
    });
    for (size_t i = 0; i < out.size(); ++i) out[i].rank = static_cast<int>(i + 1);
    return out;
}

}  // namespace minerisk::zones
