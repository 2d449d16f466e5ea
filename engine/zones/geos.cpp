// GEOS (reentrant C API only) for the zone stage: a context, feature geometries converted once, and the
// two spatial questions the attributes ask, answered through the layers' R-trees.
#include <ogr_geometry.h>

#include <algorithm>
#include <limits>

#include "zones/zones_internal.hpp"

namespace minerisk::zones {

Geos::Geos() : h(GEOS_init_r()) {}
Geos::~Geos() { GEOS_finish_r(h); }

GEOSGeometry* Geos::read_wkb(const std::vector<unsigned char>& wkb) const {
    if (wkb.empty()) return nullptr;
    GEOSWKBReader* r = GEOSWKBReader_create_r(h);
    GEOSGeometry* g = GEOSWKBReader_read_r(h, r, wkb.data(), wkb.size());
    GEOSWKBReader_destroy_r(h, r);
    return g;
}

GEOSGeometry* Geos::point(double x, double y) const { return GEOSGeom_createPointFromXY_r(h, x, y); }

double Geos::distance(const GEOSGeometry* a, const GEOSGeometry* b) const {
    double d = NAN;
    if (!a || !b || GEOSDistance_r(h, a, b, &d) != 1) return NAN;
    return d;
}

GeomCache::GeomCache(const Geos& geos, const FeatureLayer* layer) : geos_(geos), layer_(layer) {
    if (layer_) extent_ = layer_->extent();
    const size_t n = static_cast<size_t>(size());
    geoms_.assign(n, nullptr);
    prepared_.assign(n, nullptr);
    tried_.assign(n, 0);
}

GeomCache::~GeomCache() {
    for (auto* p : prepared_)
        if (p) GEOSPreparedGeom_destroy_r(geos_.h, p);
    for (auto* g : geoms_)
        if (g) GEOSGeom_destroy_r(geos_.h, g);
}

const GEOSGeometry* GeomCache::get(std::int64_t i) {
    if (i < 0 || i >= size()) return nullptr;
    const size_t k = static_cast<size_t>(i);
    if (!tried_[k]) {
        tried_[k] = 1;
        if (k < layer_->wkb.size() && !layer_->wkb[k].empty()) {
            geoms_[k] = geos_.read_wkb(layer_->wkb[k]);
        } else if (k < layer_->geometry.size() && layer_->geometry[k]) {
            const OGRGeometry& g = *layer_->geometry[k];
            std::vector<unsigned char> wkb(static_cast<size_t>(g.WkbSize()));
            g.exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
            geoms_[k] = geos_.read_wkb(wkb);
        }
        if (geoms_[k] && GEOSisEmpty_r(geos_.h, geoms_[k]) == 1) {
            GEOSGeom_destroy_r(geos_.h, geoms_[k]);
            geoms_[k] = nullptr;
        }
    }
    return geoms_[k];
}

const GEOSPreparedGeometry* GeomCache::prepared(std::int64_t i) {
    const GEOSGeometry* g = get(i);
    if (!g) return nullptr;
    const size_t k = static_cast<size_t>(i);
    if (!prepared_[k]) prepared_[k] = GEOSPrepare_r(geos_.h, g);
    return prepared_[k];
}

double nearest_distance(GeomCache& cache, const std::vector<char>& keep, const GEOSGeometry* g, const Extent& b,
                        std::int64_t* id_out) {
    std::int64_t best_id = -1;
    if (id_out) *id_out = -1;
    const FeatureLayer* l = cache.layer();
    if (!l || l->size() == 0 || !g || b.empty()) return NAN;
    const Extent all = cache.extent().grown(1.0);
    auto kept = [&](std::int64_t id) { return keep.empty() || keep[static_cast<size_t>(id)]; };
    auto best_of = [&](const Extent& box) {
        double best = std::numeric_limits<double>::infinity();
        for (std::int64_t id : l->query(box)) {
            if (!kept(id)) continue;
            const GEOSPreparedGeometry* p = cache.prepared(id);
            double d = NAN;
            if (p && GEOSPreparedDistance_r(cache.handle(), p, g, &d) == 1 && d < best) best = d, best_id = id;
        }
        if (id_out) *id_out = best_id;
        return best;
    };
    double r = std::max({100.0, b.width(), b.height()});
    for (;;) {
        const Extent box = b.grown(r);
        const double best = best_of(box);
        // Any feature nearer than r has its bounding box within r of g's: the search was complete up to r.
        if (best <= r) return best;
        if (std::isfinite(best)) return best_of(b.grown(best));
        if (box.xmin <= all.xmin && box.ymin <= all.ymin && box.xmax >= all.xmax && box.ymax >= all.ymax) return NAN;
        r *= 4;
    }
}

bool any_within(GeomCache& cache, const std::vector<char>& keep, const GEOSGeometry* g, const Extent& b, double d) {
    const FeatureLayer* l = cache.layer();
    if (!l || l->size() == 0 || !g) return false;
    for (std::int64_t id : l->query(b.grown(d))) {
        if (!keep.empty() && !keep[static_cast<size_t>(id)]) continue;
        const GEOSPreparedGeometry* p = cache.prepared(id);
        if (p && GEOSPreparedDistanceWithin_r(cache.handle(), p, g, d) == 1) return true;
    }
    return false;
}

}  // namespace minerisk::zones
