// QGIS styles (QML) for the layers minerisk writes: the zones and ranked settlements graduated by rank, the inputs
// in the colours of the field (CHA red, SHA orange, ...), and the rasters as colour ramps. A Style is the list of
// elements QGIS reads from a layer: printed inside <qgis> it is a .qml file (or a layer_styles row), and the same
// elements go inside the layer's <maplayer> in the project.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "export/qgis_xml.hpp"

namespace minerisk::qgis {

// What a vector layer's features are, as QGIS groups geometry types.
enum class GeomKind { point, line, polygon };

const char* kind_name(GeomKind kind);  // "Point", "Line", "Polygon" (the maplayer's geometry attribute)
int kind_code(GeomKind kind);          // 0, 1, 2 (QML layerGeometryType)

struct Style {
    bool raster = false;
    GeomKind kind = GeomKind::polygon;  // vector layers: the geometry the symbols draw
    bool check_kind = true;             // vector layers: QGIS refuses the style on a layer of another kind
    bool labels = false;                // labelsEnabled
    // > 0: the layer draws only when zoomed in closer than 1:visible_below (QGIS's scale-based visibility), for
    // layers so dense that at full extent they hide what lies under them (the signs over the hazard hatching).
    double visible_below = 0;
    std::vector<Xml> elements;          // renderer-v2 / labeling / blendMode, or pipe / blendMode
};

// The whole .qml document.
std::string to_qml(const Style& style);
// hasScaleBasedVisibilityFlag, minScale and maxScale of a <qgis> (.qml) or <maplayer> (project) element.
void scale_visibility(Xml& element, const Style& style);

// A symbol layer of class `cls` ("SimpleMarker", ...) with its properties, written both ways QGIS 3 reads them.
using Props = std::vector<std::pair<std::string, std::string>>;
Xml symbol_layer(const std::string& cls, const Props& props);

// How a layer's labels look (QGIS's "simple" labelling: a text with a white halo, placed around points, along
// lines, over polygons).
struct LabelLook {
    double size = 9;  // points
    bool bold = false, italic = false;
    std::string colour = "30,30,30,255";
    double buffer = 0.8;    // mm of white halo
    bool show_all = false;  // draw even where labels collide
    double min_scale = 0;   // > 0: labels only when zoomed in closer than 1:min_scale
    int priority = 5;       // 0-10: which labels win where they collide
};
// Labels from `field` (none when it is empty), and labelsEnabled.
void add_labels(Style& s, const std::string& field, const LabelLook& look);
// The <settings> of one labelling rule: `text` is a field name, or an expression when is_expression.
Xml label_settings(const std::string& text, bool is_expression, GeomKind kind, const LabelLook& look);
// Rule-based labels by rank (qgis_labels.cpp): ranks 1..top always (no overlap, rank 1 winning), every other rank
// only when zoomed in closer than 1:all_below. `text` is the label's field.
// atlas_coverage: the layer the zone atlas pages through (its page's own feature labelled at any scale).
void add_rank_labels(Style& s, const std::string& text, const LabelLook& look, int top, double all_below,
                     bool atlas_coverage = false);
// The blend modes and opacity that end a vector style.
void finish_vector(Style& s);

// One class of ranks, for the graduated renderers: ranks first..last, coloured `rgb` ("r,g,b").
struct RankClass {
    int first = 1, last = 1;
    std::string rgb;
    std::string label;  // "1", "4 – 5"
};
// Classes for ranks 1..max_rank: 1, 2, 3, 4–5, 6–10, 11–20, 21–50, ... (the last one up to max_rank), from dark
// red (rank 1) to yellow (the last class). max_rank < 1 gives the single class "1".
std::vector<RankClass> rank_classes(int max_rank);

// The layers of minerisk.gpkg.
// all_below: labels of ranks beyond the top ones show only when zoomed in closer than 1:all_below (0 = always).
Style zones_style(int max_rank, double all_below = 0);
Style survey_referrals_style();  // magenta stars labelled with their number of incidents
Style ranked_settlements_style(int max_rank, GeomKind kind, double all_below = 0);
Style area_ranking_style(int max_rank);  // the areas of summary_by, washed in the colour of their rank, labelled by name
Style hazards_style(bool has_status);
// far_field: the layer has the far_from_hazard field; the far incidents then draw in the referrals' magenta.
Style incidents_style(GeomKind kind, bool far_field = false);
Style settlements_style(GeomKind kind, const std::string& label_field);  // label_field "" = no labels
Style signs_style(GeomKind kind, double visible_below = 0);
Style sessions_style(GeomKind kind);
Style extra_style(GeomKind kind);

// The rasters: scores in [0, 1] (white-transparent at 0 through yellow, orange and red to dark red at 1), and
// other values (distances, densities) over [min, max] in a purple-green-yellow ramp.
Style score_raster_style();
Style range_raster_style(double min, double max, const std::string& unit);
// The same ramp over the real values [min, max] in classes, and the sentinel value (e.g. 36500 = "never") as a
// grey class of its own, so that one far value does not stretch the ramp into a single colour.
Style range_raster_style_with_sentinel(double min, double max, const std::string& unit, double sentinel,
                                       const std::string& sentinel_label);

}  // namespace minerisk::qgis
