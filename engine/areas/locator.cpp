// Which area holds a point. The areas' R-tree (FeatureLayer::query, ascending ids) gives the few areas whose box
// holds the point; the prepared polygons decide, the first that intersects the point (border included) winning, so
// that a point on a shared border counts once, in the area listed first.
#include "areas/areas_internal.hpp"
#include "plans/plans_internal.hpp"
#include "zones/zones_internal.hpp"

namespace minerisk::areas {

struct AreaLocator::Impl {
    explicit Impl(const FeatureLayer& l) : layer(l), cache(geos, &l) {}
    const FeatureLayer& layer;
    zones::Geos geos;
    zones::GeomCache cache;
};

AreaLocator::AreaLocator(const FeatureLayer& areas) : impl_(std::make_unique<Impl>(areas)) {}
AreaLocator::~AreaLocator() = default;

std::int64_t AreaLocator::area_of(double x, double y) {
    if (!std::isfinite(x) || !std::isfinite(y)) return -1;
    const std::vector<std::int64_t> near = impl_->layer.query(Extent{x, y, x, y});
    if (near.empty()) return -1;
    const GEOSContextHandle_t h = impl_->geos.h;
    GEOSGeometry* p = impl_->geos.point(x, y);
    std::int64_t found = -1;
    for (std::int64_t a : near) {
        const GEOSPreparedGeometry* pg = impl_->cache.prepared(a);
        if (pg && GEOSPreparedIntersects_r(h, pg, p) == 1) {
            found = a;
            break;
        }
    }
    GEOSGeom_destroy_r(h, p);
    return found;
}

std::int64_t AreaLocator::area_of(const OGRGeometry* g) {
    double x = 0, y = 0;
    if (!plans::point_of(g, x, y)) return -1;
    return area_of(x, y);
}

}  // namespace minerisk::areas
