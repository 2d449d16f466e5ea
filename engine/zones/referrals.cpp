// Survey referrals: incidents farther than zones.survey_distance from every counted hazard that no zone holds.
// They are the clearest sign of contamination nobody has recorded, but the risk around them stayed below the zone
// threshold (one incident adds little density), so no zone can carry the referral. Each group of them becomes a
// referral of its own, with where to send the survey team and why.
//
// - Groups: single linkage at zones.survey_distance. Two incidents that close are one group, and so are their
//   groups; an isolated incident is a group of one. So every such incident is in exactly one referral.
// - Centre: the mean of the incidents' points; spread: the farthest of them from the centre.
// - Nearest settlement: to the centre, through the settlements' R-tree.
// - Order: most incidents first, then the latest incident first, then the first incident in the layer.
#include <algorithm>
#include <tuple>
#include <map>
#include <numeric>

#include "zones/risk_reader.hpp"
#include "zones/zones_internal.hpp"

namespace minerisk::zones {
namespace {

struct UnionFind {
    std::vector<std::int64_t> parent;
    explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), std::int64_t{0}); }
    std::int64_t find(std::int64_t a) {
        while (parent[static_cast<size_t>(a)] != a) {
            parent[static_cast<size_t>(a)] = parent[static_cast<size_t>(parent[static_cast<size_t>(a)])];
            a = parent[static_cast<size_t>(a)];
        }
        return a;
    }
    void unite(std::int64_t a, std::int64_t b) {
        a = find(a), b = find(b);
        if (a != b) parent[static_cast<size_t>(std::max(a, b))] = std::min(a, b);
    }
};

// "0.295": risks in a reason, three significant digits (the threshold may come from top_percent, e.g. 0.31493).
std::string risk_text(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.3g", v);
    return b;
}

std::string dates_text(double first, double last, std::int64_t undated, std::int64_t n) {
    std::vector<std::string> parts;
    if (std::isfinite(first)) parts.push_back(last > first && month_of(last) != month_of(first) ? month_of(first) + " to " + month_of(last)
                                                                                               : month_of(first));
    if (undated == n) parts.push_back(n == 1 ? "undated" : "all undated");
    else if (undated > 0) parts.push_back(thousands(double(undated)) + " undated");
    return " (" + join(parts, ", ") + ")";
}

std::string reason_of(const Context& ctx, const SurveyReferral& r, std::int64_t undated, float threshold) {
    const std::int64_t n = r.incidents;
    std::string s = plural(n, "incident", "incidents") + dates_text(r.first_date, r.last_date, undated, n);
    if (n > 1) s += " within " + metres(r.spread_m) + " of this point";
    s += std::string(" ") + verb(n, "lies", "lie") + " more than " + metres(ctx.spec.survey_distance) +
         " from any recorded hazard and in no zone";
    if (std::isfinite(r.max_risk) && r.max_risk < threshold)
        s += std::string(" (the combined risk ") + (n == 1 ? "there is " : "at them is at most ") + risk_text(r.max_risk) +
             ", below the zone threshold " + risk_text(threshold) + ")";
    else if (std::isfinite(r.max_risk))  // at or above the threshold, but the area was dropped as too small
        s += " (the combined risk reaches " + risk_text(r.max_risk) + " there, at or above the zone threshold " +
             risk_text(threshold) + ", but over less than zones.min_area)";
    s += ": contamination nobody has recorded";
    if (!r.nearest_settlement.empty())
        s += "; nearest settlement " + r.nearest_settlement + " (" + metres(r.settlement_distance_m) + ")";
    return s;
}

}  // namespace

std::vector<std::int64_t> link_groups(GEOSContextHandle_t h, const std::vector<Pt>& points, double link) {
    const size_t n = points.size();
    UnionFind uf(n);
    // Points at the same place are one group; the triangulation sees each place once.
    std::map<std::pair<double, double>, std::int64_t> place;
    for (size_t i = 0; i < n; ++i) {
        auto [it, fresh] = place.emplace(std::make_pair(points[i].x, points[i].y), static_cast<std::int64_t>(i));
        if (!fresh) uf.unite(it->second, static_cast<std::int64_t>(i));
    }
    if (place.size() >= 2 && link >= 0) {
        std::vector<GEOSGeometry*> parts;
        parts.reserve(place.size());
        for (const auto& [xy, i] : place) parts.push_back(GEOSGeom_createPointFromXY_r(h, xy.first, xy.second));
        GEOSGeometry* all = GEOSGeom_createCollection_r(h, GEOS_MULTIPOINT, parts.data(), static_cast<unsigned>(parts.size()));
        // The edges of the Delaunay triangulation hold the Euclidean minimum spanning tree, so testing only them finds
        // every group single linkage makes, in O(n log n). GEOS keeps the input coordinates exactly (tolerance 0),
        // so each edge's ends are found again by their coordinates.
        GEOSGeometry* edges = all ? GEOSDelaunayTriangulation_r(h, all, 0.0, 1) : nullptr;
        const int m = edges ? GEOSGetNumGeometries_r(h, edges) : 0;
        for (int e = 0; e < m; ++e) {
            const GEOSCoordSequence* cs = GEOSGeom_getCoordSeq_r(h, GEOSGetGeometryN_r(h, edges, e));
            double ax = 0, ay = 0, bx = 0, by = 0;
            if (!cs || !GEOSCoordSeq_getXY_r(h, cs, 0, &ax, &ay) || !GEOSCoordSeq_getXY_r(h, cs, 1, &bx, &by)) continue;
            if (std::hypot(bx - ax, by - ay) > link) continue;
            const auto a = place.find({ax, ay}), b = place.find({bx, by});
            if (a != place.end() && b != place.end()) uf.unite(a->second, b->second);
        }
        if (edges) GEOSGeom_destroy_r(h, edges);
        if (all) GEOSGeom_destroy_r(h, all);
    }
    // Number the groups in the order of their first points.
    std::vector<std::int64_t> group(n, -1), number(n, -1);
    std::int64_t next = 0;
    for (size_t i = 0; i < n; ++i) {
        const auto root = static_cast<size_t>(uf.find(static_cast<std::int64_t>(i)));
        if (number[root] < 0) number[root] = next++;
        group[i] = number[root];
    }
    return group;
}

std::vector<SurveyReferral> survey_referrals(Context& ctx, const RiskReader& risk, float threshold) {
    std::vector<SurveyReferral> out;
    const auto& far = ctx.far_outside;
    if (far.empty() || !ctx.incidents) return out;
    std::vector<Pt> pts;
    pts.reserve(far.size());
    for (std::int64_t i : far) {
        const Extent& b = ctx.incidents->bounds[static_cast<size_t>(i)];
        pts.push_back({0.5 * (b.xmin + b.xmax), 0.5 * (b.ymin + b.ymax)});
    }
    const auto group = link_groups(ctx.geos.h, pts, ctx.spec.survey_distance);
    const std::int64_t groups = group.empty() ? 0 : *std::max_element(group.begin(), group.end()) + 1;
    out.resize(static_cast<size_t>(groups));
    std::vector<double> sx(out.size(), 0), sy(out.size(), 0);
    std::vector<std::int64_t> undated(out.size(), 0);
    const GridSpec& grid = risk.grid();
    std::vector<std::tuple<std::int64_t, std::int64_t, size_t>> cells;  // (row, col, group) of each incident's cell
    cells.reserve(far.size());
    for (size_t k = 0; k < far.size(); ++k) {
        const size_t g = static_cast<size_t>(group[k]);
        SurveyReferral& r = out[g];
        const std::int64_t i = far[k];
        r.incident_features.push_back(i);
        ++r.incidents;
        sx[g] += pts[k].x, sy[g] += pts[k].y;
        const double d = ctx.incident_date[static_cast<size_t>(i)];
        if (std::isfinite(d)) {
            if (std::isnan(r.first_date) || d < r.first_date) r.first_date = d;
            if (std::isnan(r.last_date) || d > r.last_date) r.last_date = d;
        } else {
            ++undated[g];
        }
        const double fc = std::floor((pts[k].x - grid.origin_x) / grid.cell_size);
        const double fr = std::floor((grid.origin_y - pts[k].y) / grid.cell_size);
        if (fc >= 0 && fr >= 0 && fc < double(grid.width) && fr < double(grid.height))
            cells.push_back({static_cast<std::int64_t>(fr), static_cast<std::int64_t>(fc), g});
    }
    // The risk at each incident, read in the grid's row-major order: in the incidents' order (anywhere on the
    // grid) nearly every read decompressed a whole scored tile (4,500 far incidents took 9 s on 100 M cells).
    // A maximum does not depend on the order.
    std::sort(cells.begin(), cells.end());
    for (const auto& [row, col, g] : cells) {
        SurveyReferral& r = out[g];
        const float v = risk.window({col, row, 1, 1})[0];
        if (!std::isnan(v) && !(v <= r.max_risk)) r.max_risk = v;  // NaN max_risk: the first value
    }
    for (size_t g = 0; g < out.size(); ++g) {
        SurveyReferral& r = out[g];
        r.x = sx[g] / double(r.incidents);
        r.y = sy[g] / double(r.incidents);
    }
    for (size_t k = 0; k < far.size(); ++k) {
        SurveyReferral& r = out[static_cast<size_t>(group[k])];
        r.spread_m = std::max(r.spread_m, std::hypot(pts[k].x - r.x, pts[k].y - r.y));
    }
    std::vector<size_t> order(out.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const SurveyReferral &ra = out[a], &rb = out[b];
        if (ra.incidents != rb.incidents) return ra.incidents > rb.incidents;
        const double la = std::isfinite(ra.last_date) ? ra.last_date : -INFINITY;
        const double lb = std::isfinite(rb.last_date) ? rb.last_date : -INFINITY;
        if (la != lb) return la > lb;
        return ra.incident_features.front() < rb.incident_features.front();
    });
    std::vector<SurveyReferral> sorted;
    sorted.reserve(out.size());
    for (size_t g : order) {
        SurveyReferral r = std::move(out[g]);
        r.id = static_cast<int>(sorted.size() + 1);
        if (ctx.settlements && ctx.settlements->size() > 0) {
            GEOSGeometry* p = ctx.geos.point(r.x, r.y);
            std::int64_t near = -1;
            const double d = nearest_distance(ctx.settlement_geoms, {}, p, Extent{r.x, r.y, r.x, r.y}, &near);
            GEOSGeom_destroy_r(ctx.geos.h, p);
            if (near >= 0) r.nearest_settlement = ctx.settlement_label(near), r.settlement_distance_m = d;
        }
        r.reason = reason_of(ctx, r, undated[g], threshold);
        sorted.push_back(std::move(r));
    }
    return sorted;
}

}  // namespace minerisk::zones
