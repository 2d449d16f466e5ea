// Which vector layers the QGIS exports write, under which names, with which geometry and style. Decided once,
// then used by the GeoPackage writer (data and layer_styles) and by the project writer (layer tree).
#pragma once
#include <ogr_core.h>

#include <string>
#include <vector>

#include "export/qgis_styles.hpp"
#include "minerisk/exports.hpp"

class OGRGeometry;

namespace minerisk::qgis {

struct VectorLayerPlan {
    std::string name;         // the layer's name in minerisk.gpkg
    std::string role;         // "zones", "survey_referrals", "settlements_ranked", or the input's role
    std::string title;        // the name QGIS shows in the layers panel: short ("Zones")
    std::string description;  // gpkg_contents description, and the layer's abstract in the project
    const FeatureLayer* input = nullptr;  // inputs: the layer; settlements_ranked: the settlements (may be null)
    std::vector<GeomKind> kinds;          // geometry kinds present, most features first; never empty
    bool multi_points = false;            // some point features are multipoints
    std::vector<Style> styles;            // one per kind, same order

    bool mixed() const { return kinds.size() > 1; }
    // The layer's geometry type in the GeoPackage: Point/MultiPoint, MultiLineString, MultiPolygon, or
    // wkbUnknown ("GEOMETRY") when kinds are mixed.
    OGRwkbGeometryType ogr_type() const;
};

// zones, survey_referrals, settlements_ranked, then one layer per input (hazards, incidents, settlements, signs,
// sessions, extras).
std::vector<VectorLayerPlan> plan_vector_layers(const ExportContext& ctx);

// Whether an input layer gets the far_from_hazard field: the incidents, when the zone stage judged each of them.
bool has_far_field(const ExportContext& ctx, const FeatureLayer& layer);

GeomKind kind_of(const OGRGeometry& geometry);

// The scale below which the project shows its detail (every rank's label, the signs, the outreach labels): a
// quarter of the full extent of the grid on a 25 cm map, rounded down to 1, 2, 2.5 or 5 x 10^n; 0 without an
// extent.
double detail_scale(const ExportContext& ctx);
// The largest of 1, 2, 2.5, 5 x 10^n not above `scale` (0 for no positive scale).
double nice_scale_below(double scale);

}  // namespace minerisk::qgis
