#define GEOS_USE_ONLY_R_API
#include "io/geometry_repair.hpp"

#include <geos_c.h>
#include <ogr_geometry.h>

#include <algorithm>
#include <numeric>
#include <vector>

namespace minerisk {
namespace {

GEOSContextHandle_t H(void* p) { return static_cast<GEOSContextHandle_t>(p); }

// GEOS reports errors (e.g. an unreadable ring) through a handler; keep the last one for the reason.
void on_geos_message(const char* message, void* user) {
    if (message && user) *static_cast<std::string*>(user) = message;
}

GEOSGeometry* to_geos(GEOSContextHandle_t h, const OGRGeometry& g) {
    std::vector<unsigned char> wkb(g.WkbSize());
    g.exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    GEOSWKBReader* r = GEOSWKBReader_create_r(h);
    GEOSGeometry* out = GEOSWKBReader_read_r(h, r, wkb.data(), wkb.size());
    GEOSWKBReader_destroy_r(h, r);
    return out;
}

std::unique_ptr<OGRGeometry> from_geos(GEOSContextHandle_t h, const GEOSGeometry* g) {
    GEOSWKBWriter* w = GEOSWKBWriter_create_r(h);
    GEOSWKBWriter_setOutputDimension_r(h, w, 2);
    size_t size = 0;
    unsigned char* buf = GEOSWKBWriter_write_r(h, w, g, &size);
    GEOSWKBWriter_destroy_r(h, w);
    if (!buf) return nullptr;
    OGRGeometry* out = nullptr;
    OGRGeometryFactory::createFromWkb(buf, nullptr, &out, size);
    GEOSFree_r(h, buf);
    return std::unique_ptr<OGRGeometry>(out);
}

// Keeps only polygons of a MakeValid result (which may also hold the lines and points a polygon collapsed to).
GEOSGeometry* polygonal_part(GEOSContextHandle_t h, GEOSGeometry* g) {
    const int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) return g;
    std::vector<GEOSGeometry*> polys;
    const int n = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* part = GEOSGetGeometryN_r(h, g, i);
        const int t = GEOSGeomTypeId_r(h, part);
        if (t == GEOS_POLYGON) polys.push_back(GEOSGeom_clone_r(h, part));
        else if (t == GEOS_MULTIPOLYGON)
            for (int j = 0; j < GEOSGetNumGeometries_r(h, part); ++j) polys.push_back(GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, part, j)));
    }
    GEOSGeom_destroy_r(h, g);
    if (polys.empty()) return nullptr;
    return GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys.data(), static_cast<unsigned>(polys.size()));
}

// True when a ring of a (multi)polygon does not end at its first point. OGR's readers accept such rings
// (GeoJSON, WKT); GEOS refuses to read them.
bool has_unclosed_ring(const OGRGeometry& g) {
    const OGRwkbGeometryType t = wkbFlatten(g.getGeometryType());
    if (t == wkbPolygon || t == wkbCurvePolygon || t == wkbTriangle) {
        for (const OGRCurve* ring : *g.toCurvePolygon())
            if (ring && ring->getNumPoints() > 0 && !ring->get_IsClosed()) return true;
        return false;
    }
    if (OGR_GT_IsSubClassOf(t, wkbGeometryCollection)) {
        for (const OGRGeometry* part : *g.toGeometryCollection())
            if (part && has_unclosed_ring(*part)) return true;
    }
    return false;
}

struct Segment {
    double x0, y0, x1, y1;
    double xmin() const { return std::min(x0, x1); }
    double xmax() const { return std::max(x0, x1); }
    double ymin() const { return std::min(y0, y1); }
    double ymax() const { return std::max(y0, y1); }
    std::size_t ring, index, ring_size;
};

// Every ring of a (multi)polygon, in order.
template <class F> void for_each_ring(const OGRGeometry& g, F&& f) {
    const OGRwkbGeometryType t = wkbFlatten(g.getGeometryType());
    if (t == wkbPolygon || t == wkbTriangle) {
        for (const OGRLinearRing* ring : *g.toPolygon())
            if (ring) f(*ring);
    } else if (OGR_GT_IsSubClassOf(t, wkbGeometryCollection)) {
        for (const OGRGeometry* part : *g.toGeometryCollection())
            if (part) for_each_ring(*part, f);
    }
}

int side(double ax, double ay, double bx, double by, double px, double py) {
    const double v = (bx - ax) * (py - ay) - (by - ay) * (px - ax);
    return (v > 0) - (v < 0);
}

bool cross(const Segment& a, const Segment& b) {
    return side(a.x0, a.y0, a.x1, a.y1, b.x0, b.y0) * side(a.x0, a.y0, a.x1, a.y1, b.x1, b.y1) < 0 &&
           side(b.x0, b.y0, b.x1, b.y1, a.x0, a.y0) * side(b.x0, b.y0, b.x1, b.y1, a.x1, a.y1) < 0;
}

// Segments that share a vertex by construction: neighbours along one ring (the closing one included).
bool neighbours(const Segment& a, const Segment& b) {
    if (a.ring != b.ring) return false;
    const std::size_t d = a.index > b.index ? a.index - b.index : b.index - a.index;
    return d == 1 || d + 1 == a.ring_size;
}

}  // namespace

long long vertex_count(const OGRGeometry& geom) {
    long long n = 0;
    for_each_ring(geom, [&](const OGRLinearRing& r) { n += r.getNumPoints(); });
    return n;
}

long long count_ring_crossings(const OGRGeometry& geom, long long cap) {
    std::vector<Segment> segs;
    std::size_t ring_no = 0;
    for_each_ring(geom, [&](const OGRLinearRing& r) {
        const int n = r.getNumPoints();
        for (int i = 0; i + 1 < n; ++i)
            segs.push_back({r.getX(i), r.getY(i), r.getX(i + 1), r.getY(i + 1), ring_no, static_cast<std::size_t>(i),
                            static_cast<std::size_t>(n - 1)});
        ++ring_no;
    });
    // A sweep along x: only segments whose x ranges overlap are compared.
    std::sort(segs.begin(), segs.end(), [](const Segment& a, const Segment& b) { return a.xmin() < b.xmin(); });
    long long crossings = 0, pairs = 0;
    for (std::size_t i = 0; i < segs.size(); ++i)
        for (std::size_t j = i + 1; j < segs.size() && segs[j].xmin() <= segs[i].xmax(); ++j) {
            if (++pairs > kMaxCrossingPairs) return -1;
            const Segment &a = segs[i], &b = segs[j];
            if (b.ymin() > a.ymax() || b.ymax() < a.ymin() || neighbours(a, b) || !cross(a, b)) continue;
            if (++crossings > cap) return cap + 1;
        }
    return crossings;
}

GeometryRepairer::GeometryRepairer() : ctx_(GEOS_init_r()) {
    GEOSContext_setErrorMessageHandler_r(H(ctx_), on_geos_message, &message_);
    GEOSContext_setNoticeMessageHandler_r(H(ctx_), on_geos_message, &message_);
}
GeometryRepairer::~GeometryRepairer() { GEOS_finish_r(H(ctx_)); }

RepairOutcome GeometryRepairer::make_valid_polygonal(std::unique_ptr<OGRGeometry>& geom, std::string* reason) {
    GEOSContextHandle_t h = H(ctx_);
    message_.clear();
    // An unclosed ring: close it (on a copy, so that `geom` stays untouched if nothing is left).
    std::unique_ptr<OGRGeometry> closed;
    if (has_unclosed_ring(*geom)) {
        closed.reset(geom->clone());
        closed->closeRings();
    }
    const OGRGeometry& source = closed ? *closed : *geom;
    GEOSGeometry* g = to_geos(h, source);
    if (!g) {
        if (reason) {
            *reason = closed ? "a ring did not return to its first point, and once closed GEOS could not read it"
                             : "GEOS could not read the geometry";
            if (!message_.empty()) *reason += ": " + message_;
        }
        return RepairOutcome::collapsed;
    }
    if (GEOSisValid_r(h, g) == 1) {
        GEOSGeom_destroy_r(h, g);
        if (!closed) return RepairOutcome::unchanged;
        if (reason) *reason = "a ring did not return to its first point: closed it";
        geom = std::move(closed);
        return RepairOutcome::repaired;
    }
    if (reason) {
        char* why = GEOSisValidReason_r(h, g);
        *reason = why ? why : "invalid";
        GEOSFree_r(h, why);
        if (closed) *reason = "a ring did not return to its first point (closed it); " + *reason;
    }
    // Over the budget: the convex hull, not MakeValid (see kMaxRepairCrossings).
    if (count_ring_crossings(source, kMaxRepairCrossings) > kMaxRepairCrossings) {
        GEOSGeometry* hull = GEOSConvexHull_r(h, g);
        GEOSGeom_destroy_r(h, g);
        double hull_area = 0;
        std::unique_ptr<OGRGeometry> out;
        if (hull && GEOSArea_r(h, hull, &hull_area) == 1 && hull_area > 0) out = from_geos(h, hull);
        if (hull) GEOSGeom_destroy_r(h, hull);
        if (!out) return RepairOutcome::collapsed;
        if (reason)
            *reason = std::to_string(vertex_count(source)) + " vertices whose rings cross themselves more than " +
                      std::to_string(kMaxRepairCrossings) + " times: too tangled to repair, replaced by its convex hull";
        geom = std::move(out);
        return RepairOutcome::tangled;
    }
    GEOSGeometry* fixed = GEOSMakeValid_r(h, g);
    GEOSGeom_destroy_r(h, g);
    if (!fixed) return RepairOutcome::collapsed;
    fixed = polygonal_part(h, fixed);
    double area = 0;
    if (!fixed || GEOSisEmpty_r(h, fixed) == 1 || GEOSArea_r(h, fixed, &area) != 1 || !(area > 0)) {
        if (fixed) GEOSGeom_destroy_r(h, fixed);
        return RepairOutcome::collapsed;
    }
    auto out = from_geos(h, fixed);
    GEOSGeom_destroy_r(h, fixed);
    if (!out) return RepairOutcome::collapsed;
    geom = std::move(out);
    return RepairOutcome::repaired;
}

std::unique_ptr<OGRGeometry> GeometryRepairer::buffer(const OGRGeometry& geom, double radius) {
    GEOSContextHandle_t h = H(ctx_);
    GEOSGeometry* g = to_geos(h, geom);
    if (!g) return nullptr;
    GEOSGeometry* b = GEOSBuffer_r(h, g, radius, 16);
    GEOSGeom_destroy_r(h, g);
    if (!b) return nullptr;
    auto out = from_geos(h, b);
    GEOSGeom_destroy_r(h, b);
    return out;
}

std::vector<OverlapFinding> GeometryRepairer::find_duplicates_and_nested(const std::vector<const OGRGeometry*>& geoms,
                                                                         const std::vector<Extent>& bounds) {
    GEOSContextHandle_t h = H(ctx_);
    const size_t n = std::min(geoms.size(), bounds.size());
    std::vector<GEOSGeometry*> gg(n, nullptr);
    std::vector<const GEOSPreparedGeometry*> prepared(n, nullptr);
    std::vector<char> tried(n, 0);
    auto geos_of = [&](size_t i) -> GEOSGeometry* {
        if (!tried[i]) {
            tried[i] = 1;
            if (geoms[i]) gg[i] = to_geos(h, *geoms[i]);
        }
        return gg[i];
    };
    auto prepared_of = [&](size_t i) -> const GEOSPreparedGeometry* {
        if (!prepared[i] && geos_of(i)) prepared[i] = GEOSPrepare_r(h, gg[i]);
        return prepared[i];
    };
    auto box_inside = [](const Extent& in, const Extent& out) {
        return in.xmin >= out.xmin && in.xmax <= out.xmax && in.ymin >= out.ymin && in.ymax <= out.ymax;
    };

    // Sweep over the boxes sorted by their west edge: only pairs whose boxes nest can be equal or nested.
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return bounds[a].xmin < bounds[b].xmin; });
    std::vector<char> reported(n, 0);
    std::vector<OverlapFinding> out;
    for (size_t oi = 0; oi < n; ++oi) {
        const size_t a = order[oi];
        if (bounds[a].empty()) continue;
        for (size_t oj = oi + 1; oj < n && bounds[order[oj]].xmin <= bounds[a].xmax; ++oj) {
            const size_t b = order[oj];
            const Extent &ba = bounds[a], &bb = bounds[b];
            if (bb.empty() || bb.ymin > ba.ymax || bb.ymax < ba.ymin) continue;
            const bool b_in_a = box_inside(bb, ba), a_in_b = box_inside(ba, bb);
            if (!b_in_a && !a_in_b) continue;
            if (!geos_of(a) || !geos_of(b)) continue;
            if (b_in_a && a_in_b) {  // the same box: the same area?
                if (GEOSEquals_r(h, gg[a], gg[b]) == 1) {
                    const size_t first = std::min(a, b), second = std::max(a, b);
                    if (!reported[second]) out.push_back({first, second, true}), reported[second] = 1;
                    continue;
                }
            }
            if (b_in_a && !reported[b] && prepared_of(a) && GEOSPreparedContains_r(h, prepared[a], gg[b]) == 1)
                out.push_back({a, b, false}), reported[b] = 1;
            else if (a_in_b && !reported[a] && prepared_of(b) && GEOSPreparedContains_r(h, prepared[b], gg[a]) == 1)
                out.push_back({b, a, false}), reported[a] = 1;
        }
    }
    for (size_t i = 0; i < n; ++i) {
        if (prepared[i]) GEOSPreparedGeom_destroy_r(h, prepared[i]);
        if (gg[i]) GEOSGeom_destroy_r(h, gg[i]);
    }
    std::sort(out.begin(), out.end(), [](const OverlapFinding& x, const OverlapFinding& y) { return x.inner < y.inner; });
    return out;
}

}  // namespace minerisk
