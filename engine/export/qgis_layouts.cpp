#include "export/qgis_layouts.hpp"

#include <algorithm>

namespace minerisk::qgis {

namespace {

// QgsLayoutItemRegistry's item types (QGIS 3.22).
constexpr int kPage = 65638, kMap = 65639, kPicture = 65640, kLabel = 65641, kLegend = 65642, kScaleBar = 65646;

// A4 landscape, in mm.
constexpr double kPageW = 297, kPageH = 210;

struct Box {
    double x, y, w, h;
};

std::string mm(double a, double b) { return number_text(a) + "," + number_text(b) + ",mm"; }

// Fixed uuids: the same run writes the same project; the map items are referred to by them.
std::string uuid(int layout, int item) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "{6d696e65-7269-4b00-8000-%06d%06d}", layout, item);
    return buf;
}

// Attributes every layout item carries; QGIS fills the others with its defaults.
Xml item(int type, const Box& b, const std::string& id, const std::string& uuid_text, int z) {
    Xml x("LayoutItem");
    x.attr("type", type).attr("id", id).attr("uuid", uuid_text).attr("templateUuid", uuid_text).attr("zValue", z);
    x.attr("position", mm(b.x, b.y)).attr("positionOnPage", mm(b.x, b.y)).attr("size", mm(b.w, b.h));
    x.attr("referencePoint", "0").attr("visibility", "1").attr("opacity", "1").attr("blendMode", "0");
    x.attr("frame", "false").attr("background", "false").attr("positionLock", "false").attr("itemRotation", "0");
    x.attr("excludeFromExports", "0").attr("groupUuid", "");
    return x;
}

Xml page() {
    Xml pages("PageCollection");
    pages.add(item(kPage, {0, 0, kPageW, kPageH}, "", "", 0).attr("background", "true"));
    pages.child("GuideCollection").attr("visible", "1");
    return pages;
}

// A text; [% expression %] parts are evaluated by QGIS (atlas fields, variables). Words wrap within the box.
Xml label(const Box& b, const std::string& id, const std::string& uuid_text, const std::string& text, double size,
          bool bold) {
    Xml x = item(kLabel, b, id, uuid_text, 5);
    x.attr("labelText", text).attr("htmlState", "0").attr("halign", "1").attr("valign", "32").attr("marginX", "0").attr("marginY", "0");
    // Qt's font description: family, point size, pixel size, style hint, weight (50 normal, 75 bold), ...
    x.child("LabelFont").attr("description", "DejaVu Sans," + number_text(size) + ",-1,5," + (bold ? "75" : "50") + ",0,0,0,0,0").attr("style", "");
    x.child("FontColor").attr("red", "30").attr("green", "30").attr("blue", "30").attr("alpha", "255");
    return x;
}

Xml map_item(const Box& b, const std::string& uuid_text, const Extent& e, bool atlas) {
    Xml x = item(kMap, b, atlas ? "zone map" : "priority map", uuid_text, 1);
    x.attr("frame", "true").attr("background", "true").attr("keepLayerSet", "false").attr("drawCanvasItems", "true");
    x.attr("mapRotation", "0").attr("followPreset", "false").attr("followPresetName", "").attr("mapFlags", "0").attr("isTemporal", "0");
    x.attr("labelMargin", "0,mm");
    // The extent fitted to the item's shape around the grid's centre (the atlas replaces it page by page).
    double w = e.xmax - e.xmin, h = e.ymax - e.ymin;
    const double cx = (e.xmin + e.xmax) / 2, cy = (e.ymin + e.ymax) / 2;
    if (w / h > b.w / b.h) h = w * b.h / b.w; else w = h * b.w / b.h;
    x.child("Extent").attr("xmin", cx - w / 2).attr("ymin", cy - h / 2).attr("xmax", cx + w / 2).attr("ymax", cy + h / 2);
    x.child("LayerSet");  // empty, keepLayerSet false: the layers shown in the project
    // Auto scaling with a margin of 40 % of the zone's size: the zone fills the page with its surroundings.
    x.child("AtlasMap").attr("atlasDriven", atlas ? "1" : "0").attr("scalingMode", "2").attr("margin", "0.4");
    return x;
}

Xml north_arrow(const Box& b, const std::string& uuid_text, const std::string& map_uuid) {
    Xml x = item(kPicture, b, "north arrow", uuid_text, 4);
    // The arrow built into QGIS (no file to find), turned with the map's north.
    x.attr("file", ":/images/north_arrows/layout_default_north_arrow.svg").attr("mode", "2").attr("resizeMode", "0");
    x.attr("mapUuid", map_uuid).attr("northMode", "0").attr("northOffset", "0").attr("pictureRotation", "0").attr("anchorPoint", "0");
    x.attr("svgFillColor", "255,255,255,255").attr("svgBorderColor", "0,0,0,255").attr("svgBorderWidth", "0.2");
    return x;
}

Xml scale_bar(const Box& b, const std::string& uuid_text, const std::string& map_uuid) {
    Xml x = item(kScaleBar, b, "scale bar", uuid_text, 3);
    // Kilometres, segments sized by QGIS to fit 30-60 mm (segmentSizeMode 1: fit width).
    x.attr("mapUuid", map_uuid).attr("style", "Single Box").attr("unitType", "kilometers").attr("unitLabel", "km");
    x.attr("numMapUnitsPerScaleBarUnit", "1000").attr("numSegments", "2").attr("numSegmentsLeft", "0");
    x.attr("numUnitsPerSegment", "1").attr("segmentSizeMode", "1").attr("minBarWidth", "30").attr("maxBarWidth", "60");
    x.attr("height", "2").attr("labelBarSpace", "2").attr("boxContentSpace", "1").attr("alignment", "0");
    x.attr("background", "true");
    return x;
}

Xml legend(const Box& b, const std::string& uuid_text, const std::string& map_uuid, const std::vector<LayoutLayer>& layers,
           bool atlas) {
    Xml x = item(kLegend, b, "legend", uuid_text, 2);
    x.attr("map_uuid", map_uuid).attr("title", "Legend").attr("resizeToContents", "1");
    x.attr("symbolWidth", "5").attr("symbolHeight", "3").attr("wrapChar", "").attr("splitLayer", "0").attr("equalColumnWidth", "0");
    // Only the classes of what the map draws: the legend matches the map (on each atlas page, too).
    x.attr("legendFilterByMap", "1").attr("legendFilterByAtlas", atlas ? "1" : "0").attr("background", "true");
    // Small type in two columns: the legend of every layer drawn fits beside the map on A4.
    x.attr("columnCount", "2").attr("splitLayer", "1").attr("columnSpace", "2").attr("boxSpace", "1.5");
    Xml& styles = x.child("styles");
    auto style = [&](const char* name, double size, bool bold, double top) {
        Xml& st = styles.child("style").attr("name", name).attr("marginTop", top).attr("alignment", "1").attr("indent", "0");
        st.child("styleFont").attr("description", "DejaVu Sans," + number_text(size) + ",-1,5," + (bold ? "75" : "50") + ",0,0,0,0,0").attr("style", "");
    };
    style("title", 10, true, 0);
    style("group", 8, true, 2);
    style("subgroup", 7, true, 1.5);
    style("symbol", 7, false, 1);
    style("symbolLabel", 7, false, 1);
    Xml& tree = x.child("layer-tree-group");
    tree.child("customproperties");
    for (const auto& l : layers) {
        Xml& t = tree.child("layer-tree-layer");
        t.attr("id", l.id).attr("name", l.name).attr("source", l.source).attr("providerKey", l.provider);
        t.attr("checked", "Qt::Checked").attr("expanded", "1").attr("legend_exp", "");
        Xml& props = t.child("customproperties");
        // QGIS's own key for a legend entry renamed in the layout (QgsMapLayerLegendUtils), legacy form it still reads.
        if (!l.first_entry_label.empty())
            props.child("property").attr("key", "legend/label-0").attr("value", l.first_entry_label);
    }
    return x;
}

Xml layout(const std::string& name) {
    Xml x("Layout");
    x.attr("name", name).attr("units", "mm").attr("printResolution", "300").attr("worldFileMap", "");
    x.child("Snapper").attr("snapToGrid", "0").attr("tolerance", "5").attr("snapToGuides", "1").attr("snapToItems", "1");
    x.child("Grid").attr("resolution", "10").attr("resUnits", "mm").attr("offsetX", "0").attr("offsetY", "0").attr("offsetUnits", "mm");
    x.add(page());
    return x;
}

std::string dates_line(const LayoutInfo& info) {
    return "As of " + info.as_of + " \u00b7 prepared " + info.prepared + " with minerisk";
}

Xml priority_map(const LayoutInfo& info) {
    Xml x = layout("Priority map");
    const Box map{10, 20, 200, 180};
    const std::string m = uuid(1, 1);
    x.add(label({10, 6, 277, 10}, "title", uuid(1, 2), "Priority map \u2014 " + info.title, 16, true));
    x.add(map_item(map, m, info.extent, false));
    x.add(north_arrow({map.x + map.w - 14, map.y + 3, 10, 14}, uuid(1, 3), m));
    x.add(scale_bar({map.x + 3, map.y + map.h - 14, 60, 11}, uuid(1, 4), m));
    x.add(legend({213, 20, 76, 140}, uuid(1, 5), m, info.legend, false));
    x.add(label({213, 164, 76, 36}, "dates and sources", uuid(1, 6),
                dates_line(info) + ".\nZones ranked 1 = act here first; ranks 1\u201310 labelled.\nData: " + info.sources, 7,
                false));
    x.add(Xml("Atlas").attr("enabled", "0").attr("coverageLayer", "").attr("hideCoverage", "0").attr("filterFeatures", "0")
              .attr("sortFeatures", "0").attr("filenamePattern", "").attr("pageNameExpression", ""));
    return x;
}

// A QGIS expression string literal: in single quotes, a quote inside doubled.
std::string quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

// The zone's top factor in a planner's words ("nearness to recorded hazards", not hazard_proximity), as the report
// says it; a name the run does not know is printed as it is.
std::string top_factor_words(const LayoutInfo& info) {
    if (info.factor_words.empty()) return "\"top_factor\"";
    std::string e = "CASE";  // QGIS has only the searched form (CASE WHEN condition THEN ...)
    for (const auto& [name, words] : info.factor_words) e += " WHEN \"top_factor\" = " + quoted(name) + " THEN " + quoted(words);
    return e + " ELSE \"top_factor\" END";
}

// The zone's figures, as the report gives them; NULL fields read "none"/"never".
std::string figures_text(const LayoutInfo& info) {
    return "Priority [% format_number(\"priority\", 3) %] \u00b7 area [% format_number(\"area_ha\", 1) %] ha\n"
           "Risk: mean [% format_number(\"mean_risk\", 2) %], max [% format_number(\"max_risk\", 2) %]; "
           "main factor: [% " + top_factor_words(info) + " %]\n"
           "People in reach: [% format_number(\"population_in_reach\", 0) %]\n"
           "Settlements: [% coalesce(nullif(\"settlements\", ''), 'none') %]\n"
           "Hazards: [% coalesce(nullif(\"hazard_status\", ''), 'none') %]\n"
           "Incidents: [% \"incidents\" %] ([% \"incidents_recent\" %] recent, [% \"incidents_far\" %] far from hazards)\n"
           "Unmarked perimeter: [% format_number(\"unmarked_m\", 0) %] m\n"
           "Last session: [% coalesce(to_string(\"last_session\"), 'never') %]";
}

Xml zone_atlas(const LayoutInfo& info) {
    Xml x = layout("Zone atlas");
    const Box map{10, 20, 180, 170};
    const std::string m = uuid(2, 1);
    x.add(label({10, 6, 277, 10}, "title", uuid(2, 2),
                "Zone [% \"rank\" %] of [% @atlas_totalfeatures %] (zone id [% \"id\" %]) \u2014 " + info.title, 16, true));
    x.add(map_item(map, m, info.extent, true));
    x.add(north_arrow({map.x + map.w - 14, map.y + 3, 10, 14}, uuid(2, 3), m));
    x.add(scale_bar({map.x + 3, map.y + map.h - 14, 60, 11}, uuid(2, 4), m));
    x.add(label({195, 20, 92, 62}, "figures", uuid(2, 5), figures_text(info), 8, false));
    x.add(label({195, 84, 92, 34}, "action", uuid(2, 6), "Action: [% \"action\" %]", 9, true));
    x.add(label({195, 120, 92, 70}, "reasons", uuid(2, 7), "Why: [% \"reason\" %]", 8, false));
    x.add(label({10, 193, 277, 12}, "dates and sources", uuid(2, 8), dates_line(info) + ". Data: " + info.sources, 7, false));
    Xml& atlas = x.child("Atlas");
    atlas.attr("enabled", "1").attr("coverageLayer", info.zones.id).attr("coverageLayerName", info.zones.name);
    atlas.attr("coverageLayerSource", info.zones.source).attr("coverageLayerProvider", info.zones.provider);
    atlas.attr("hideCoverage", "0").attr("filterFeatures", "0").attr("sortFeatures", "1").attr("sortKey", "\"rank\"");
    atlas.attr("sortAscending", "1").attr("pageNameExpression", "'Zone ' || \"rank\"");
    atlas.attr("filenamePattern", "'zone_' || lpad(\"rank\", 3, '0')");
    return x;
}

}  // namespace

Xml layouts_xml(const LayoutInfo& info) {
    Xml x("Layouts");
    x.add(priority_map(info));
    if (!info.zones.id.empty()) x.add(zone_atlas(info));
    return x;
}

}  // namespace minerisk::qgis
