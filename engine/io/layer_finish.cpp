// Reprojection (PROJ through OGR), repair (GEOS), buffering of point hazards and points for place layers:
// what each feature goes through between its source and the engine.
#include "io/layer_finish.hpp"

#include <ogr_api.h>
#include <ogr_geometry.h>

#include <cmath>
#include <cstdlib>
#include <memory>

#include "io/feature_geometry.hpp"
#include "io/field_mapping.hpp"
#include "io/layer_warnings.hpp"

namespace minerisk::reader {
namespace {

bool is_polygonal(OGRwkbGeometryType t) {
    t = wkbFlatten(t);
    return t == wkbPolygon || t == wkbMultiPolygon || t == wkbCurvePolygon || t == wkbMultiSurface;
}
bool is_point(OGRwkbGeometryType t) {
    t = wkbFlatten(t);
    return t == wkbPoint || t == wkbMultiPoint;
}

// From the layer's CRS to the working CRS; none when they are the same.
std::unique_ptr<OGRCoordinateTransformation> transformation_to(const RawLayer& raw, const OGRSpatialReference& target,
                                                               const std::string& target_name, GdalMessages& gdal) {
    std::unique_ptr<OGRCoordinateTransformation> ct;
    if (raw.srs.IsSame(&target)) return ct;
    const size_t m = gdal.mark();
    ct.reset(OGRCreateCoordinateTransformation(&raw.srs, &target));
    if (!ct) {
        std::string why = gdal.failures_since(m);
        throw Error("PROJ cannot transform from " + raw.stats.source_crs + " to the working CRS " + target_name +
                        (why.empty() ? "" : ": " + why),
                    Location{raw.spec->source, 0, 0, raw.stats.layer_name}, "check the layer's CRS");
    }
    return ct;
}

// Reprojects the feature into the working CRS, in 2D and without a CRS of its own. False (counted) when PROJ
// cannot, or gives coordinates out of range.
bool to_working_crs(RawLayer& raw, RawFeature& f, OGRCoordinateTransformation* ct, const std::string& target_name,
                    GdalMessages& gdal, LayerStats& stats) {
    auto& g = f.geom;
    const size_t m = gdal.mark();
    if (ct && g->transform(ct) != OGRERR_NONE) {
        ++stats.skipped_bad;
        OGREnvelope env;
        g->getEnvelope(&env);
        std::string why = gdal.failures_since(m);
        raw.problems["bad"].add(label(raw, f) + " at " + coords_text(raw, env) + ": cannot be reprojected into " + target_name +
                                (why.empty() ? "" : " (" + why + ")"));
        return false;
    }
    if (ct && !all_coordinates_finite(*g)) {  // e.g. 1e300 in a projected CRS: no error, but infinite
        ++stats.skipped_bad;
        raw.problems["bad"].add(label(raw, f) + ": cannot be reprojected into " + target_name + " (coordinates out of range)");
        return false;
    }
    g->assignSpatialReference(nullptr);
    g->flattenTo2D();
    return true;
}

// The buffer radius of a hazard recorded as a point or line: its 'radius' role when positive, else the
// input's point_radius.
double hazard_radius(const InputSpec& in, const RawFeature& f, int radius_i) {
    double radius = in.point_radius;
    if (radius_i >= 0 && f.present[radius_i]) {
        char* end = nullptr;
        const double r = std::isnan(f.numbers[radius_i]) ? std::strtod(f.values[radius_i].c_str(), &end) : f.numbers[radius_i];
        if (std::isfinite(r) && r > 0) radius = r;
    }
    return radius;
}

// The shape the layer's role needs: hazards are areas (points and lines buffered, polygons repaired);
// incidents, signs and sessions are places (a polygon or line stands for a point inside it). False
// (counted) when nothing usable is left.
bool shape_for_role(RawLayer& raw, RawFeature& f, int radius_i, GeometryRepairer& repairer, LayerStats& stats) {
    const InputSpec& in = *raw.spec;
    auto& g = f.geom;
    const OGRwkbGeometryType type = g->getGeometryType();
    if (g->hasCurveGeometry()) g.reset(g->getLinearGeometry());
    if (in.role == "hazards" && !is_polygonal(type)) {
        auto b = repairer.buffer(*g, hazard_radius(in, f, radius_i));
        if (!b || b->IsEmpty()) {
            ++stats.skipped_bad;
            raw.problems["bad"].add(label(raw, f) + ": cannot be buffered");
            return false;
        }
        g = std::move(b);
        ++stats.buffered;
    } else if (is_polygonal(type)) {
        std::string why;
        const RepairOutcome r = repairer.make_valid_polygonal(g, &why);
        if (r == RepairOutcome::collapsed) {
            ++stats.skipped_bad;
            raw.problems["bad"].add(label(raw, f) + ": invalid polygon with no area left after repair (" + why + ")");
            return false;
        }
        if (r == RepairOutcome::repaired) {
            ++stats.repaired;
            raw.problems["repaired"].add(label(raw, f) + ": " + why);
        }
        if (r == RepairOutcome::tangled) {
            ++stats.repaired;
            raw.tangled.add(label(raw, f) + ": " + why);
        }
    } else if (is_polygon_layer(in.role)) {
        // An area is a polygon: a point or a line divides nothing, and counting features into it would be a guess.
        ++stats.skipped_bad;
        raw.problems["bad"].add(label(raw, f) + ": not a polygon");
        return false;
    } else if (!is_point(type) && in.role != "settlements" && field_roles(in.role).size() > 0) {
        // Incidents, signs and sessions are places: a polygon or line stands for its inner point.
        OGRGeometryH inner = OGR_G_PointOnSurface(OGRGeometry::ToHandle(g.get()));
        OGRPoint p;
        if (inner) p = *OGRGeometry::FromHandle(inner)->toPoint(), OGR_G_DestroyGeometry(inner);
        else g->Centroid(&p);
        raw.problems["point"].add(label(raw, f));
        g = std::make_unique<OGRPoint>(p.getX(), p.getY());
    }
    return true;
}

// Appends the feature to the layer: its bounds, its ISO WKB for plugins, its id and geometry.
void add_feature(FeatureLayer& out, RawFeature& f) {
    auto& g = f.geom;
    OGREnvelope env;
    g->getEnvelope(&env);
    out.bounds.push_back({env.MinX, env.MinY, env.MaxX, env.MaxY});
    std::vector<unsigned char> wkb(g->WkbSize());
    g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    out.wkb.push_back(std::move(wkb));
    out.fid.push_back(f.fid);
    out.geometry.push_back(std::move(g));
}

}  // namespace

FeatureLayer finish_layer(RawLayer& raw, const OGRSpatialReference& target, const std::string& target_name,
                          GeometryRepairer& repairer, GdalMessages& gdal, std::vector<std::string>& warnings) {
    FeatureLayer out;
    out.role = raw.spec->role;
    out.stats = raw.stats;
    const std::unique_ptr<OGRCoordinateTransformation> ct = transformation_to(raw, target, target_name, gdal);
    int radius_i = -1;
    for (size_t i = 0; i < raw.roles.size(); ++i)
        if (raw.roles[i] == "radius") radius_i = static_cast<int>(i);

    std::vector<size_t> kept;
    for (size_t k = 0; k < raw.features.size(); ++k) {
        RawFeature& f = raw.features[k];
        if (!to_working_crs(raw, f, ct.get(), target_name, gdal, out.stats)) continue;
        if (!shape_for_role(raw, f, radius_i, repairer, out.stats)) continue;
        add_feature(out, f);
        kept.push_back(k);
    }
    for (size_t i = 0; i < raw.roles.size(); ++i) out.columns[raw.roles[i]] = make_column(raw, i, kept);
    out.stats.loaded = out.size();
    out.build_index();
    count_duplicates(raw, out, kept, repairer);
    raw.stats = out.stats;

    // Masked here too: the counted examples quote GDAL's messages and the source's own values.
    for (const auto& note : raw.notes) warnings.push_back(mask_secrets(note));
    if (raw.tangled.count > 0)
        warnings.push_back(who(*raw.spec, raw.stats.layer_name) + ": " + std::to_string(raw.tangled.count) +
                           " polygon(s) too tangled to repair replaced by their convex hull (" + raw.tangled.summary() +
                           "). the hull covers at least the recorded area, usually much more: redraw the polygon in the "
                           "source (its vertices are probably out of order)");
    for (auto& w : problem_warnings(raw)) warnings.push_back(mask_secrets(w));
    return out;
}

}  // namespace minerisk::reader
