#define GEOS_USE_ONLY_R_API
#include "io/geometry_repair.hpp"

#include <geos_c.h>
#include <ogr_geometry.h>

#include <vector>

namespace minerisk {
namespace {

GEOSContextHandle_t H(void* p) { return static_cast<GEOSContextHandle_t>(p); }

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

}  // namespace

GeometryRepairer::GeometryRepairer() : ctx_(GEOS_init_r()) {}
GeometryRepairer::~GeometryRepairer() { GEOS_finish_r(H(ctx_)); }

RepairOutcome GeometryRepairer::make_valid_polygonal(std::unique_ptr<OGRGeometry>& geom, std::string* reason) {
    GEOSContextHandle_t h = H(ctx_);
    GEOSGeometry* g = to_geos(h, *geom);
    if (!g) {
        if (reason) *reason = "GEOS could not read the geometry";
        return RepairOutcome::collapsed;
    }
    if (GEOSisValid_r(h, g) == 1) {
        GEOSGeom_destroy_r(h, g);
        return RepairOutcome::unchanged;
    }
    if (reason) {
        char* why = GEOSisValidReason_r(h, g);
        *reason = why ? why : "invalid";
        GEOSFree_r(h, why);
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

}  // namespace minerisk
