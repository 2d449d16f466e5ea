// QGIS labelling for the minerisk styles: the settings of one label (text, halo, placement, scale limits), the
// "simple" labelling of most layers, and the rule-based labelling by rank of the zones and ranked settlements.
#include <string>

#include "export/qgis_styles.hpp"

namespace minerisk::qgis {

namespace {

// <dd_properties> with one data-defined property (an expression), as QGIS 3.22 writes it.
Xml data_defined(const std::string& property, const std::string& expression) {
    Xml dd("dd_properties");
    Xml& map = dd.child("Option").attr("type", "Map");
    map.child("Option").attr("type", "QString").attr("name", "name").attr("value", "");
    Xml& props = map.child("Option").attr("type", "Map").attr("name", "properties");
    Xml& p = props.child("Option").attr("type", "Map").attr("name", property);
    p.child("Option").attr("type", "bool").attr("name", "active").attr("value", "true");
    p.child("Option").attr("type", "QString").attr("name", "expression").attr("value", expression);
    p.child("Option").attr("type", "int").attr("name", "type").attr("value", "3");
    map.child("Option").attr("type", "QString").attr("name", "type").attr("value", "collection");
    return dd;
}

}  // namespace

Xml label_settings(const std::string& text, bool is_expression, GeomKind kind, const LabelLook& look) {
    Xml settings("settings");
    settings.attr("calloutType", "simple");
    Xml& style = settings.child("text-style");
    style.attr("fieldName", text)
        .attr("isExpression", is_expression ? "1" : "0")
        .attr("fontSize", look.size)
        .attr("fontSizeUnit", "Point")
        .attr("fontWeight", look.bold ? 75 : 50)
        .attr("fontItalic", look.italic ? "1" : "0")
        .attr("textColor", look.colour)
        .attr("textOpacity", "1")
        .attr("multilineHeight", "1")
        .attr("blendMode", "0");
    style.child("text-buffer")
        .attr("bufferDraw", "1")
        .attr("bufferSize", look.buffer)
        .attr("bufferSizeUnits", "MM")
        .attr("bufferColor", "255,255,255,255")
        .attr("bufferOpacity", "1")
        .attr("bufferNoFill", "1")
        .attr("bufferJoinStyle", "128")
        .attr("bufferBlendMode", "0");
    settings.child("text-format").attr("wrapChar", "").attr("multilineAlign", "3").attr("formatNumbers", "0").attr("decimals", "0");
    // Placement: points around the point (cartographic), lines along the line, polygons horizontal anywhere
    // inside (over the centre alone, a zone whose centre holds a sign or another label lost its rank).
    const int placement = kind == GeomKind::point ? 6 : kind == GeomKind::line ? 2 : 4;
    settings.child("placement")
        .attr("placement", placement)
        .attr("placementFlags", "10")
        .attr("dist", kind == GeomKind::point ? 1.0 : 0.0)
        .attr("distUnits", "MM")
        .attr("centroidInside", "1")
        .attr("centroidWhole", "0")
        .attr("priority", look.priority)
        .attr("fitInPolygonOnly", "0");
    settings.child("rendering")
        .attr("obstacle", "1")
        .attr("obstacleFactor", "1")
        .attr("obstacleType", "1")
        .attr("displayAll", look.show_all ? "1" : "0")
        .attr("upsidedownLabels", "0")
        .attr("labelPerPart", "0")
        .attr("mergeLines", "0")
        .attr("scaleVisibility", look.min_scale > 0 ? "1" : "0")
        .attr("scaleMax", look.min_scale > 0 ? look.min_scale : 0.0)  // QGIS's name for the zoomed-out limit
        .attr("scaleMin", "0")
        .attr("drawLabels", "1")
        .attr("zIndex", "0")
        .attr("fontLimitPixelSize", "0");
    return settings;
}

void add_labels(Style& s, const std::string& field, const LabelLook& look) {
    if (field.empty()) return;
    s.labels = true;
    Xml labeling("labeling");
    labeling.attr("type", "simple");
    labeling.add(label_settings(field, false, s.kind, look));
    s.elements.push_back(std::move(labeling));
}

// Two rules rather than one label with "show all": at full extent the top ranks are what a planner looks for,
// and 82 overlapping numbers ("5 36 12") hide them. Neither rule draws over another label (displayAll off);
// where two collide the better rank wins (data-defined priority), and zooming in makes room for the rest.
void add_rank_labels(Style& s, const std::string& text, const LabelLook& look, int top, double all_below,
                     bool atlas_coverage) {
    s.labels = true;
    Xml labeling("labeling");
    labeling.attr("type", "rule-based");
    Xml& rules = labeling.child("rules").attr("key", "{minerisk-rank-labels}");
    const std::string rank = "\"rank\"";
    LabelLook first = look;
    first.show_all = false, first.min_scale = 0, first.priority = 10;
    Xml& top_rule = rules.child("rule");
    top_rule.attr("key", "{minerisk-top-ranks}").attr("description", "ranks 1-" + std::to_string(top) + ": always");
    top_rule.attr("filter", rank + " <= " + std::to_string(top));
    Xml settings = label_settings(text, false, s.kind, first);
    // Rank 1 priority 10, rank `top` about 5: the better rank keeps its place where two labels meet.
    settings.add(data_defined("Priority", "10 - 5 * (" + rank + " - 1) / " + std::to_string(std::max(1, top))));
    top_rule.add(std::move(settings));
    LabelLook rest = look;
    rest.show_all = false, rest.min_scale = 0, rest.priority = 3;
    Xml& rest_rule = rules.child("rule");
    // The zone of an atlas page is not one of "the others" on its own page: it is labelled there at any scale (a
    // large zone's page is zoomed out past the detail scale). @atlas_featureid is NULL outside an atlas.
    const std::string page = "@atlas_featureid = $id";
    const std::string not_page = atlas_coverage ? " AND NOT coalesce(" + page + ", false)" : "";
    rest_rule.attr("key", "{minerisk-other-ranks}").attr("filter", rank + " > " + std::to_string(top) + not_page);
    rest_rule.attr("description", "the other ranks: zoomed in");
    // QGIS's rule attribute for the zoomed-out limit (the largest scale denominator).
    if (all_below > 0) rest_rule.attr("scalemaxdenom", all_below);
    rest_rule.add(label_settings(text, false, s.kind, rest));
    if (atlas_coverage) {
        Xml& page_rule = rules.child("rule");
        page_rule.attr("key", "{minerisk-atlas-page-zone}").attr("description", "the zone of the atlas page: always");
        page_rule.attr("filter", rank + " > " + std::to_string(top) + " AND coalesce(" + page + ", false)");
        // Drawn even where it meets another label (displayAll): on its own page the zone's number is the one label
        // that must show, and among a large zone's hundreds of signs and names QGIS left it unplaced.
        LabelLook own = first;
        own.show_all = true;
        page_rule.add(label_settings(text, false, s.kind, own));
    }
    s.elements.push_back(std::move(labeling));
}

}  // namespace minerisk::qgis
