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
    std::vector<Xml> elements;          // renderer-v2 / labeling / blendMode, or pipe / blendMode
};

// The whole .qml document.
std::string to_qml(const Style& style);

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
Style zones_style(int max_rank);
Style survey_referrals_style();  // magenta stars labelled with their number of incidents
Style ranked_settlements_style(int max_rank, GeomKind kind);
Style area_ranking_style(int max_rank);  // the areas of summary_by, washed in the colour of their rank, labelled by name
Style hazards_style(bool has_status);
// far_field: the layer has the far_from_hazard field; the far incidents then draw in the referrals' magenta.
Style incidents_style(GeomKind kind, bool far_field = false);
Style settlements_style(GeomKind kind, const std::string& label_field);  // label_field "" = no labels
Style signs_style(GeomKind kind);
Style sessions_style(GeomKind kind);
Style extra_style(GeomKind kind);

// The rasters: scores in [0, 1] (white-transparent at 0 through yellow, orange and red to dark red at 1), and
// other values (distances, densities) over [min, max] in a purple-green-yellow ramp.
Style score_raster_style();
Style range_raster_style(double min, double max, const std::string& unit);

}  // namespace minerisk::qgis
