#include "export/qgis_styles.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <utility>

namespace minerisk::qgis {

// ---- symbols -------------------------------------------------------------------------------------------------

// A symbol layer's properties, written both ways QGIS 3 reads them: an Option map (3.16 and later) and the
// older <prop> list.
Xml symbol_layer(const std::string& cls, const Props& props) {
    Xml layer("layer");
    layer.attr("class", cls).attr("enabled", "1").attr("locked", "0").attr("pass", "0");
    Xml& map = layer.child("Option").attr("type", "Map");
    for (const auto& [k, v] : props) map.child("Option").attr("type", "QString").attr("name", k).attr("value", v);
    for (const auto& [k, v] : props) layer.child("prop").attr("k", k).attr("v", v);
    return layer;
}

namespace {


// How a feature looks, whatever its geometry: fill and outline colours ("r,g,b,a"), widths and sizes in mm.
struct Look {
    std::string fill = "255,255,255,255";
    std::string outline = "35,35,35,255";
    double outline_width = 0.26;
    std::string fill_style = "solid";     // solid | no | b_diagonal | f_diagonal | ...
    std::string outline_style = "solid";  // solid | dash | dot | no
    std::string marker = "circle";        // circle | triangle | square | diamond | ...
    double size = 2.0;                    // marker diameter
    double line_width = 0.5;              // line features
};

Xml fill_layer(const Look& look) {
    return symbol_layer("SimpleFill", {{"color", look.fill},
                                       {"joinstyle", "bevel"},
                                       {"offset", "0,0"},
                                       {"offset_unit", "MM"},
                                       {"outline_color", look.outline},
                                       {"outline_style", look.outline_style},
                                       {"outline_width", number_text(look.outline_width)},
                                       {"outline_width_unit", "MM"},
                                       {"style", look.fill_style}});
}

Xml marker_layer(const Look& look) {
    return symbol_layer("SimpleMarker", {{"angle", "0"},
                                         {"color", look.fill},
                                         {"joinstyle", "bevel"},
                                         {"name", look.marker},
                                         {"offset", "0,0"},
                                         {"offset_unit", "MM"},
                                         {"outline_color", look.outline},
                                         {"outline_style", look.outline_style},
                                         {"outline_width", number_text(look.outline_width)},
                                         {"outline_width_unit", "MM"},
                                         {"scale_method", "diameter"},
                                         {"size", number_text(look.size)},
                                         {"size_unit", "MM"},
                                         {"vertical_anchor_point", "1"},
                                         {"horizontal_anchor_point", "1"}});
}

Xml line_layer(const Look& look) {
    // Line features take the outline colour unless the fill is the visible part (as for graduated classes).
    return symbol_layer("SimpleLine", {{"capstyle", "round"},
                                       {"joinstyle", "round"},
                                       {"line_color", look.fill_style == "no" ? look.outline : look.fill},
                                       {"line_style", look.outline_style == "no" ? "solid" : look.outline_style},
                                       {"line_width", number_text(look.line_width)},
                                       {"line_width_unit", "MM"},
                                       {"offset", "0"},
                                       {"offset_unit", "MM"}});
}

const char* symbol_type(GeomKind kind) {
    switch (kind) {
        case GeomKind::point: return "marker";
        case GeomKind::line: return "line";
        default: return "fill";
    }
}

Xml symbol(GeomKind kind, const Look& look, const std::string& name) {
    Xml s("symbol");
    s.attr("type", symbol_type(kind)).attr("name", name).attr("alpha", "1").attr("clip_to_extent", "1").attr("force_rhr", "0");
    switch (kind) {
        case GeomKind::point: s.add(marker_layer(look)); break;
        case GeomKind::line: s.add(line_layer(look)); break;
        default: s.add(fill_layer(look));
    }
    return s;
}

Xml renderer(const std::string& type) {
    Xml r("renderer-v2");
    r.attr("type", type).attr("symbollevels", "0").attr("forceraster", "0").attr("enableorderby", "0").attr("referencescale", "-1");
    return r;
}

Xml single_renderer(GeomKind kind, const Look& look) {
    Xml r = renderer("singleSymbol");
    r.child("symbols").add(symbol(kind, look, "0"));
    r.child("rotation");
    r.child("sizescale");
    return r;
}

struct Category {
    std::string value;  // "" = every other value
    std::string label;
    Look look;
};

Xml categorized_renderer(const std::string& expression, GeomKind kind, const std::vector<Category>& cats) {
    Xml r = renderer("categorizedSymbol");
    r.attr("attr", expression);
    Xml& list = r.child("categories");
    Xml& symbols = r.child("symbols");
    for (size_t i = 0; i < cats.size(); ++i) {
        list.child("category").attr("value", cats[i].value).attr("symbol", std::to_string(i)).attr("label", cats[i].label).attr("render", "true");
        symbols.add(symbol(kind, cats[i].look, std::to_string(i)));
    }
    r.child("rotation");
    r.child("sizescale");
    return r;
}

// Graduated by an integer field: each class covers ranks first-0.5 .. last+0.5, so no rank falls on a boundary.
Xml rank_renderer(const std::string& field, GeomKind kind, int max_rank, const Look& base, const std::string& alpha) {
    Xml r = renderer("graduatedSymbol");
    r.attr("attr", field).attr("graduatedMethod", "GraduatedColor");
    Xml& ranges = r.child("ranges");
    Xml& symbols = r.child("symbols");
    const auto classes = rank_classes(max_rank);
    for (size_t i = 0; i < classes.size(); ++i) {
        const auto& c = classes[i];
        ranges.child("range")
            .attr("lower", c.first - 0.5)
            .attr("upper", c.last + 0.5)
            .attr("symbol", std::to_string(i))
            .attr("label", c.label)
            .attr("render", "true");
        Look look = base;
        look.fill = c.rgb + "," + alpha;
        symbols.add(symbol(kind, look, std::to_string(i)));
    }
    r.child("rotation");
    r.child("sizescale");
    return r;
}

Style vector_style(GeomKind kind, Xml renderer_element) {
    Style s;
    s.kind = kind;
    s.elements.push_back(std::move(renderer_element));
    return s;
}

}  // namespace

void finish_vector(Style& s) {
    s.elements.push_back(Xml("blendMode").text("0"));
    s.elements.push_back(Xml("featureBlendMode").text("0"));
    s.elements.push_back(Xml("layerOpacity").text("1"));
}

namespace {

// ---- colours -------------------------------------------------------------------------------------------------

// The ranks labelled at every scale (qgis_labels.cpp): the first page of the report's zones.
constexpr int kTopRanks = 10;

// Magenta: survey referrals and the incidents behind them, apart from the red-yellow of risk and ranks.
const std::string kReferralColour = "200,0,160";

struct Rgb {
    double r, g, b;
};

// Yellow-orange-red, from dark red (t = 0) to pale yellow (t = 1).
const std::array<Rgb, 8> kRankRamp = {{{128, 0, 38}, {189, 0, 38}, {227, 26, 28}, {252, 78, 42},
                                       {253, 141, 60}, {254, 178, 76}, {254, 217, 118}, {255, 237, 160}}};

std::string ramp_rgb(double t) {
    t = std::clamp(t, 0.0, 1.0) * (kRankRamp.size() - 1);
    const size_t i = std::min(static_cast<size_t>(t), kRankRamp.size() - 2);
    const double f = t - static_cast<double>(i);
    auto mix = [&](double a, double b) { return std::to_string(static_cast<int>(std::lround(a + (b - a) * f))); };
    const Rgb& a = kRankRamp[i];
    const Rgb& b = kRankRamp[i + 1];
    return mix(a.r, b.r) + "," + mix(a.g, b.g) + "," + mix(a.b, b.b);
}

// ---- rasters -------------------------------------------------------------------------------------------------

struct RampStop {
    double value;
    std::string colour;  // #rrggbb
    int alpha;
    std::string label;
};

// discrete: each colour covers the values up to its stop (classes), else colours blend between stops.
Style pseudocolor_style(double min, double max, const std::vector<RampStop>& stops, bool discrete = false) {
    Style s;
    s.raster = true;
    Xml pipe("pipe");
    Xml& provider = pipe.child("provider");
    provider.child("resampling")
        .attr("enabled", "false")
        .attr("zoomedInResamplingMethod", "nearestNeighbour")
        .attr("zoomedOutResamplingMethod", "nearestNeighbour")
        .attr("maxOversampling", "2");
    Xml& rr = pipe.child("rasterrenderer");
    rr.attr("type", "singlebandpseudocolor")
        .attr("band", "1")
        .attr("opacity", "1")
        .attr("alphaBand", "-1")
        .attr("classificationMin", min)
        .attr("classificationMax", max)
        .attr("nodataColor", "");
    rr.child("rasterTransparency");
    Xml& origin = rr.child("minMaxOrigin");  // "None": keep these limits, do not stretch to the data
    origin.child("limits", "None");
    origin.child("extent", "WholeRaster");
    origin.child("statAccuracy", "Estimated");
    origin.child("cumulativeCutLower", "0.02");
    origin.child("cumulativeCutUpper", "0.98");
    origin.child("stdDevFactor", "2");
    Xml& shader = rr.child("rastershader").child("colorrampshader");
    shader.attr("colorRampType", discrete ? "DISCRETE" : "INTERPOLATED")
        .attr("classificationMode", "1")
        .attr("clip", "0")
        .attr("minimumValue", min)
        .attr("maximumValue", max)
        .attr("labelPrecision", "2");
    for (const auto& st : stops)
        shader.child("item").attr("value", st.value).attr("color", st.colour).attr("alpha", st.alpha).attr("label", st.label);
    pipe.child("brightnesscontrast").attr("brightness", "0").attr("contrast", "0").attr("gamma", "1");
    pipe.child("huesaturation")
        .attr("saturation", "0")
        .attr("grayscaleMode", "0")
        .attr("invertColors", "0")
        .attr("colorizeOn", "0")
        .attr("colorizeRed", "255")
        .attr("colorizeGreen", "128")
        .attr("colorizeBlue", "128")
        .attr("colorizeStrength", "100");
    pipe.child("rasterresampler").attr("maxOversampling", "2");
    s.elements.push_back(std::move(pipe));
    s.elements.push_back(Xml("blendMode").text("0"));
    return s;
}

std::string value_label(double v, const std::string& unit) {
    // Whole numbers from 100 up (and whole values), one decimal from 1, two below; locale-independent.
    const double a = std::fabs(v);
    const int decimals = a >= 100 || v == std::round(v) ? 0 : a >= 1 ? 1 : 2;
    char buf[512];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
    const std::string text(buf, r.ptr);
    return unit.empty() ? text : text + " " + unit;
}

}  // namespace

// ---- public ----------------------------------------------------------------------------------------------------

const char* kind_name(GeomKind kind) {
    switch (kind) {
        case GeomKind::point: return "Point";
        case GeomKind::line: return "Line";
        default: return "Polygon";
    }
}

int kind_code(GeomKind kind) {
    switch (kind) {
        case GeomKind::point: return 0;
        case GeomKind::line: return 1;
        default: return 2;
    }
}

void scale_visibility(Xml& element, const Style& style) {
    // minScale is QGIS's zoomed-out limit (the largest denominator), maxScale 0 = no zoomed-in limit.
    const bool limited = style.visible_below > 0;
    element.attr("hasScaleBasedVisibilityFlag", limited ? "1" : "0");
    element.attr("minScale", limited ? number_text(style.visible_below) : std::string("1e+08")).attr("maxScale", "0");
}

std::string to_qml(const Style& style) {
    Xml root("qgis");
    root.attr("version", kQgisVersion).attr("styleCategories", "AllStyleCategories");
    if (style.raster) {
        scale_visibility(root, style);
    } else {
        root.attr("labelsEnabled", style.labels ? "1" : "0");
        scale_visibility(root, style);
    }
    for (const auto& e : style.elements) root.add(e);
    if (!style.raster && style.check_kind) root.child("layerGeometryType", std::to_string(kind_code(style.kind)));
    return std::string(kQgisDoctype) + "\n" + root.str();
}

std::vector<RankClass> rank_classes(int max_rank) {
    max_rank = std::max(max_rank, 1);
    // Upper bounds: 1, 2, 3, 5, 10, 20, 50, 100, 200, 500, ...
    std::vector<long long> uppers = {1, 2, 3};
    for (long long scale = 1; uppers.back() < max_rank; scale *= 10)
        for (long long m : {5, 10, 20})
            if (uppers.back() < max_rank) uppers.push_back(std::min<long long>(m * scale, max_rank));
    std::vector<RankClass> out;
    int first = 1;
    for (long long up : uppers) {
        if (first > max_rank) break;
        RankClass c;
        c.first = first;
        c.last = static_cast<int>(std::min<long long>(up, max_rank));
        c.label = c.first == c.last ? "rank " + std::to_string(c.first)
                                    : "ranks " + std::to_string(c.first) + "\u2013" + std::to_string(c.last);
        out.push_back(c);
        first = c.last + 1;
    }
    for (size_t i = 0; i < out.size(); ++i)
        out[i].rgb = ramp_rgb(out.size() == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(out.size() - 1));
    return out;
}

namespace {

// A look for markers (and the fill and outline of the same layer drawn as polygons or lines).
Look marker_look(const std::string& fill, const std::string& outline, double outline_width, const std::string& marker,
                 double size) {
    Look look;
    look.fill = fill;
    look.outline = outline;
    look.outline_width = outline_width;
    look.marker = marker;
    look.size = size;
    return look;
}

// One symbol for every feature, nothing else.
Style single_symbol_style(GeomKind kind, const Look& look) {
    Style s = vector_style(kind, single_renderer(kind, look));
    finish_vector(s);
    return s;
}

// A bold label with a wide halo, drawn even where labels collide: the figures a planner looks for first.
LabelLook emphasised_label(double size, const std::string& colour) {
    LabelLook label;
    label.size = size;
    label.bold = true;
    label.colour = colour;
    label.buffer = 1.0;
    label.show_all = true;
    return label;
}

}  // namespace

Style zones_style(int max_rank, double all_below) {
    Look base;
    base.outline = "128,0,38,255";
    base.outline_width = 0.5;
    Style s = vector_style(GeomKind::polygon, rank_renderer("rank", GeomKind::polygon, max_rank, base, "100"));
    add_rank_labels(s, "rank", emphasised_label(12, "128,0,38,255"), kTopRanks, all_below, true);
    finish_vector(s);
    return s;
}

// Areas are large: a light wash of the rank's colour (so the risk beneath still shows) under a dark outline.
Style area_ranking_style(int max_rank) {
    Look base;
    base.outline = "60,60,60,255";
    base.outline_width = 0.8;
    Style s = vector_style(GeomKind::polygon, rank_renderer("rank", GeomKind::polygon, max_rank, base, "60"));
    LabelLook label = emphasised_label(11, "60,60,60,255");
    label.show_all = false, label.priority = 1;  // the areas' names give way to the zone ranks inside them
    add_labels(s, "name", label);
    finish_vector(s);
    return s;
}

Style ranked_settlements_style(int max_rank, GeomKind kind, double all_below) {
    Look base;
    base.outline = "20,20,20,255";
    base.outline_width = kind == GeomKind::point ? 0.3 : 0.4;
    base.size = 3.2;
    base.line_width = 0.8;
    Style s = vector_style(kind, rank_renderer("rank", kind, max_rank, base, kind == GeomKind::polygon ? "200" : "255"));
    LabelLook label;
    label.size = 9;
    label.colour = "20,20,20,255";
    add_rank_labels(s, "name", label, kTopRanks, all_below);
    finish_vector(s);
    return s;
}

Style hazards_style(bool has_status) {
    Look cha;
    cha.fill = "227,26,28,255";
    cha.fill_style = "b_diagonal";
    cha.outline = "227,26,28,255";
    cha.outline_width = 0.6;
    Look sha = cha;
    sha.fill = sha.outline = "255,127,0,255";
    sha.fill_style = "f_diagonal";
    Look cleared;
    cleared.fill = "150,150,150,255";
    cleared.fill_style = "no";
    cleared.outline = "150,150,150,255";
    cleared.outline_style = "dash";
    cleared.outline_width = 0.4;
    Look cancelled = cleared;
    cancelled.outline_style = "dot";
    Look other;
    other.fill_style = "no";
    other.outline = "120,60,160,255";
    other.outline_width = 0.5;
    Style s;
    if (has_status) {
        s = vector_style(GeomKind::polygon,
                         categorized_renderer("upper(trim(\"status\"))", GeomKind::polygon,
                                              {{"CHA", "CHA (confirmed hazardous area)", cha},
                                               {"SHA", "SHA (suspected hazardous area)", sha},
                                               {"CLEARED", "cleared", cleared},
                                               {"CANCELLED", "cancelled", cancelled},
                                               {"", "other or no status", other}}));
    } else {
        s = vector_style(GeomKind::polygon, single_renderer(GeomKind::polygon, cha));
    }
    finish_vector(s);
    return s;
}

Style survey_referrals_style() {
    const Look look = marker_look(kReferralColour + ",255", "255,255,255,255", 0.4, "star", 5.0);
    Style s = vector_style(GeomKind::point, single_renderer(GeomKind::point, look));
    add_labels(s, "incidents", emphasised_label(10, "120,0,95,255"));
    finish_vector(s);
    return s;
}

Style incidents_style(GeomKind kind, bool far_field) {
    Look look;
    look.fill = "45,20,20,255";
    look.outline = "255,255,255,255";
    look.outline_width = 0.2;
    look.size = 1.8;
    Style s;
    if (far_field) {
        // The boolean read as an expression, so that QGIS matches it whatever type it gives the field.
        Look far = look;
        far.fill = kReferralColour + ",255";
        far.size = 2.2;
        s = vector_style(kind, categorized_renderer("CASE WHEN \"far_from_hazard\" THEN 'far' ELSE 'near' END", kind,
                                                    {{"far", "far from any recorded hazard", far},
                                                     {"near", "near a recorded hazard (or not judged)", look}}));
    } else {
        s = vector_style(kind, single_renderer(kind, look));
    }
    finish_vector(s);
    return s;
}

Style settlements_style(GeomKind kind, const std::string& label_field) {
    Look look;
    look.fill = kind == GeomKind::polygon ? "230,230,230,120" : "255,255,255,255";
    look.outline = "70,70,70,255";
    look.outline_width = kind == GeomKind::polygon ? 0.3 : 0.4;
    look.size = 2.0;
    look.fill_style = kind == GeomKind::line ? "no" : "solid";
    Style s = vector_style(kind, single_renderer(kind, look));
    LabelLook label;
    label.size = 8;
    label.italic = true;
    label.colour = "60,60,60,255";
    label.min_scale = 50000;  // when asked for: the project names settlements on Settlements (ranked) instead
    add_labels(s, label_field, label);
    finish_vector(s);
    return s;
}

Style signs_style(GeomKind kind, double visible_below) {
    // Smaller than the proposed signs (4.2 mm) and hidden at full extent: a thousand triangles would cover the
    // hazard hatching they stand around. Not by the layer's scale visibility, which no print layout can lift: one
    // rule draws them closer than 1:visible_below, another on every page of the zone atlas (@atlas_featureid is set
    // there, NULL elsewhere), where a large zone's page is zoomed out farther than that and its team needs the signs.
    // (A filter on @map_scale would be one rule, but a map drawn without the map's variables never has it.)
    const Look look = marker_look("220,0,0,255", "0,0,0,255", 0.2, "triangle", 2.0);
    if (!(visible_below > 0)) return single_symbol_style(kind, look);
    Xml r = renderer("RuleRenderer");
    Xml& rules = r.child("rules");
    rules.attr("key", "{minerisk-signs}");
    rules.child("rule")
        .attr("key", "{minerisk-signs-zoomed-in}")
        .attr("filter", "@atlas_featureid IS NULL")
        .attr("scalemaxdenom", visible_below)
        .attr("symbol", "0")
        .attr("label", "warning sign in place");
    rules.child("rule")
        .attr("key", "{minerisk-signs-atlas-page}")
        .attr("filter", "@atlas_featureid IS NOT NULL")
        .attr("symbol", "1")
        .attr("label", "warning sign in place (zone atlas)");
    Xml& symbols = r.child("symbols");
    symbols.add(symbol(kind, look, "0"));
    symbols.add(symbol(kind, look, "1"));
    Style s = vector_style(kind, std::move(r));
    finish_vector(s);
    return s;
}

Style sessions_style(GeomKind kind) {
    return single_symbol_style(kind, marker_look("31,120,180,255", "255,255,255,255", 0.3, "circle", 2.0));
}

Style extra_style(GeomKind kind) {
    const bool point = kind == GeomKind::point;
    return single_symbol_style(kind, marker_look(point ? "120,60,160,255" : "120,60,160,60",
                                                 point ? "255,255,255,255" : "120,60,160,255", point ? 0.2 : 0.5,
                                                 "diamond", 2.0));
}

Style score_raster_style() {
    return pseudocolor_style(0, 1,
                             {{0.0, "#ffffff", 0, "0 (none)"},
                              {0.2, "#ffffb2", 255, "0.2"},
                              {0.4, "#fecc5c", 255, "0.4"},
                              {0.6, "#fd8d3c", 255, "0.6"},
                              {0.8, "#e31a1c", 255, "0.8"},
                              {1.0, "#800026", 255, "1 (highest)"}});
}

Style range_raster_style(double min, double max, const std::string& unit) {
    if (!std::isfinite(min) || !std::isfinite(max)) min = 0, max = 1;
    if (max <= min) max = min + 1;
    static const std::array<const char*, 5> colours = {"#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"};
    std::vector<RampStop> stops;
    for (size_t i = 0; i < colours.size(); ++i) {
        const double v = i + 1 == colours.size() ? max : min + (max - min) * static_cast<double>(i) / (colours.size() - 1);
        stops.push_back({v, colours[i], 255, value_label(v, unit)});
    }
    return pseudocolor_style(min, max, stops);
}

Style range_raster_style_with_sentinel(double min, double max, const std::string& unit, double sentinel,
                                       const std::string& sentinel_label) {
    if (!std::isfinite(min) || !std::isfinite(max)) min = 0, max = 1;
    if (max <= min) max = min + 1;
    // Discrete classes (each colour up to its value): five over the real values, then the sentinel in grey.
    static const std::array<const char*, 5> colours = {"#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"};
    std::vector<RampStop> stops;
    double lower = min;
    for (size_t i = 0; i < colours.size(); ++i) {
        const double v = i + 1 == colours.size() ? max : min + (max - min) * static_cast<double>(i + 1) / colours.size();
        stops.push_back({v, colours[i], 255, value_label(lower, "") + " \u2013 " + value_label(v, unit)});
        lower = v;
    }
    stops.push_back({sentinel, "#9e9e9e", 255, value_label(sentinel, "") + ": " + sentinel_label});
    return pseudocolor_style(min, sentinel, stops, true);
}

}  // namespace minerisk::qgis
