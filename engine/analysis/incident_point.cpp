#include "analysis/incident_point.hpp"

#include <ogr_api.h>
#include <ogr_geometry.h>

namespace minerisk {

bool incident_point(const FeatureLayer& layer, size_t i, double& x, double& y) {
    const OGRGeometry* g = i < layer.geometry.size() ? layer.geometry[i].get() : nullptr;
    if (g && !g->IsEmpty() && wkbFlatten(g->getGeometryType()) == wkbPoint) {
        x = g->toPoint()->getX();
        y = g->toPoint()->getY();
        return true;
    }
    if (g && !g->IsEmpty()) {
        OGRGeometryH on = OGR_G_PointOnSurface(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(g)));
        if (on) {
            const OGRGeometry* p = OGRGeometry::FromHandle(on);
            const bool ok = wkbFlatten(p->getGeometryType()) == wkbPoint && !p->IsEmpty();
            if (ok) {
                x = p->toPoint()->getX();
                y = p->toPoint()->getY();
            }
            OGR_G_DestroyGeometry(on);
            if (ok) return true;
        }
    }
    if (i < layer.bounds.size() && !layer.bounds[i].empty()) {
        x = (layer.bounds[i].xmin + layer.bounds[i].xmax) / 2;
        y = (layer.bounds[i].ymin + layer.bounds[i].ymax) / 2;
        return true;
    }
    return false;
}

}  // namespace minerisk
