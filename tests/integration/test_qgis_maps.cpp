// Issue 14, clear maps at every scale, read from the demo's minerisk.qgs (the demo_run fixture): short layer names
// with the description as abstract, the zones' rank labels by rule (top ranks always, the others zoomed in, no
// overlap), the signs under the hazards and hidden at full extent, the outreach labels in words, the
// days-since-session ramp with "never" as its own class, and the GeoPackage's styles saying the same. The
// rendering itself is checked with QGIS in tests/qgis_maps.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kDemo = MINERISK_DEMO_OUTPUT;

std::string read_text(const fs::path& p) {
    std::stringstream ss;
    ss << std::ifstream(p).rdbuf();
    return ss.str();
}

const std::string& project() {
    static const std::string text = read_text(kDemo / "minerisk.qgs");
    return text;
}

// The <maplayer> elements of the project, each as its text.
std::vector<std::string> map_layers() {
    std::vector<std::string> out;
    const std::string& q = project();
    for (size_t at = q.find("<maplayer "); at != std::string::npos; at = q.find("<maplayer ", at + 1))
        out.push_back(q.substr(at, q.find("</maplayer>", at) - at));
    return out;
}

std::string between(const std::string& text, const std::string& open, const std::string& close) {
    const size_t a = text.find(open);
    if (a == std::string::npos) return "";
    const size_t b = text.find(close, a + open.size());
    return b == std::string::npos ? "" : text.substr(a + open.size(), b - a - open.size());
}

std::string layer_named(const std::string& name) {
    for (const auto& l : map_layers())
        if (between(l, "<layername>", "</layername>") == name) return l;
    return "";
}

double attr_number(const std::string& element, const std::string& attr) {
    std::smatch m;
    if (!std::regex_search(element, m, std::regex(attr + "=\"([0-9.e+]+)\""))) return -1;
    return std::stod(m[1].str());
}

// The scale of the full extent on a 25 cm map: the project's DefaultViewExtent.
double full_extent_scale() {
    const std::string view = between(project(), "<DefaultViewExtent", ">");
    const double w = attr_number(view, "xmax") - attr_number(view, "xmin");
    const double h = attr_number(view, "ymax") - attr_number(view, "ymin");
    return std::max(w, h) / 0.25;
}

TEST(QgisMaps, LayerNamesAreShortWithTheDescriptionAsAbstract) {
    const auto layers = map_layers();
    ASSERT_GT(layers.size(), 10u);
    for (const auto& l : layers) {
        const std::string name = between(l, "<layername>", "</layername>");
        EXPECT_LE(name.size(), 40u) << name;
        EXPECT_EQ(name.find(':'), std::string::npos) << name;
        EXPECT_EQ(between(l, "<abstract>", "</abstract>").rfind("minerisk: ", 0), 0u) << name << " has no abstract";
    }
    for (const char* name : {"Zones", "Survey referrals", "Proposed signs", "Outreach plan", "Settlements (ranked)", "Signs",
                             "Incidents", "Sessions", "Hazards", "Risk"})
        EXPECT_FALSE(layer_named(name).empty()) << name;
}

TEST(QgisMaps, ZoneRanksTopTenAlwaysTheOthersZoomedInWithoutOverlap) {
    const std::string zones = layer_named("Zones");
    ASSERT_FALSE(zones.empty());
    EXPECT_NE(zones.find("<labeling type=\"rule-based\">"), std::string::npos);
    // No rule draws over other labels but the atlas page's own zone (checked below).
    const size_t own_rule = zones.find("{minerisk-atlas-page-zone}");
    ASSERT_NE(own_rule, std::string::npos);
    EXPECT_EQ(zones.substr(0, own_rule).find("displayAll=\"1\""), std::string::npos) << "rank labels drawn over each other";
    std::smatch top, rest;
    ASSERT_TRUE(std::regex_search(zones, top, std::regex("<rule [^>]*filter=\"&quot;rank&quot; &lt;= 10\"[^>]*>")));
    EXPECT_EQ(top.str().find("scalemaxdenom"), std::string::npos) << "the top ranks must show at every scale";
    ASSERT_TRUE(std::regex_search(zones, rest, std::regex("<rule [^>]*filter=\"&quot;rank&quot; &gt; 10 AND NOT [^\"]*\"[^>]*>")));
    const double below = attr_number(rest.str(), "scalemaxdenom");
    EXPECT_GT(below, 0);
    EXPECT_LT(below, full_extent_scale() / 2) << "the other ranks would show at full extent";
    // On the atlas, the page's own zone at any scale: a third rule, for that zone only, with no scale limit.
    std::smatch page;
    ASSERT_TRUE(std::regex_search(zones, page, std::regex(
        R"re(<rule [^>]*filter="&quot;rank&quot; &gt; 10 AND coalesce\(@atlas_featureid = \$id, false\)"[^>]*>)re")));
    EXPECT_EQ(page.str().find("scalemaxdenom"), std::string::npos);
    const std::string page_rule = zones.substr(own_rule, zones.find("</rule>", own_rule) - own_rule);
    EXPECT_NE(page_rule.find("displayAll=\"1\""), std::string::npos) << "the page's own zone is labelled whatever is near";
    // The ranked settlements: the same rule.
    const std::string ranked = layer_named("Settlements (ranked)");
    EXPECT_NE(ranked.find("filter=\"&quot;rank&quot; &gt; 10\""), std::string::npos);
}

TEST(QgisMaps, SignsDrawUnderTheHazardsAndOnlyWhenZoomedIn) {
    const std::string signs = layer_named("Signs");
    ASSERT_FALSE(signs.empty());
    // Not by the layer's scale visibility, which the zone atlas could not lift: one rule, zoomed in or on an atlas page.
    const std::string head = signs.substr(0, signs.find('>'));
    EXPECT_NE(head.find("hasScaleBasedVisibilityFlag=\"0\""), std::string::npos);
    std::smatch zoomed, page;
    ASSERT_TRUE(std::regex_search(signs, zoomed, std::regex("<rule [^>]*filter=\"@atlas_featureid IS NULL\"[^>]*>")));
    const double below = attr_number(zoomed.str(), "scalemaxdenom");
    EXPECT_GT(below, 0);
    EXPECT_LT(below, full_extent_scale() / 2);
    ASSERT_TRUE(std::regex_search(signs, page, std::regex("<rule [^>]*filter=\"@atlas_featureid IS NOT NULL\"[^>]*>")));
    EXPECT_EQ(page.str().find("scalemaxdenom"), std::string::npos) << "on an atlas page at any scale";
    const std::string order = between(project(), "<layerorder>", "</layerorder>");
    EXPECT_LT(order.find("minerisk_hazards\""), order.find("minerisk_signs\"")) << "signs drawn over the hatching";
}

TEST(QgisMaps, OutreachLabelsArePlainWordsShownZoomedIn) {
    const std::string plan = layer_named("Outreach plan");
    ASSERT_FALSE(plan.empty());
    EXPECT_NE(plan.find("scaleVisibility=\"1\""), std::string::npos);
    EXPECT_NE(plan.find("label=\"week 1\""), std::string::npos) << "the legend names the weeks";
    GDALAllRegister();
    std::unique_ptr<GDALDataset> ds(
        GDALDataset::Open((kDemo / "minerisk.gpkg").string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    ASSERT_TRUE(ds);
    OGRLayer* layer = ds->GetLayerByName("outreach_plan");
    ASSERT_NE(layer, nullptr);
    std::unique_ptr<OGRFeature> f(layer->GetNextFeature());
    ASSERT_TRUE(f);
    EXPECT_TRUE(std::regex_match(f->GetFieldAsString("label"), std::regex("week [0-9]+, facilitator [0-9]+")))
        << f->GetFieldAsString("label");
}

TEST(QgisMaps, DaysSinceSessionRampLeavesNeverToItsOwnClass) {
    const std::string qml = read_text(kDemo / "factors/outreach_gap.days_since_session.qml");
    ASSERT_FALSE(qml.empty());
    EXPECT_NE(qml.find("colorRampType=\"DISCRETE\""), std::string::npos);
    std::vector<double> values;
    std::string never_label;
    const std::regex item("<item value=\"([0-9.]+)\"[^>]*label=\"([^\"]*)\"");
    for (std::sregex_iterator it(qml.begin(), qml.end(), item), end; it != end; ++it) {
        values.push_back(std::stod((*it)[1].str()));
        if (values.back() == 36500) never_label = (*it)[2].str();
    }
    ASSERT_GE(values.size(), 3u);
    EXPECT_EQ(values.back(), 36500);
    EXPECT_NE(never_label.find("never"), std::string::npos);
    // The class below "never" ends at the largest real value, far below the sentinel.
    EXPECT_LT(values[values.size() - 2], 36500 / 4.0);
}

TEST(QgisMaps, GeoPackageStylesCarryTheSameRulesAndDescriptions) {
    GDALAllRegister();
    std::unique_ptr<GDALDataset> ds(
        GDALDataset::Open((kDemo / "minerisk.gpkg").string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    ASSERT_TRUE(ds);
    OGRLayer* styles = ds->GetLayerByName("layer_styles");
    ASSERT_NE(styles, nullptr);
    int seen = 0;
    for (auto& f : *styles) {
        const std::string table = f->GetFieldAsString("f_table_name"), qml = f->GetFieldAsString("styleQML");
        const std::string description = f->GetFieldAsString("description");
        if (table == "zones") {
            ++seen;
            EXPECT_NE(qml.find("<labeling type=\"rule-based\">"), std::string::npos);
            EXPECT_NE(description.find("Zones. minerisk: prioritised outreach zones"), std::string::npos) << description;
        }
        if (table == "signs") {
            ++seen;
            EXPECT_NE(qml.find("filter=\"@atlas_featureid IS NOT NULL\""), std::string::npos);
        }
    }
    EXPECT_EQ(seen, 2);
}

TEST(QgisMaps, ProjectHasThePriorityMapAndTheZoneAtlas) {
    const std::string layouts = between(project(), "<Layouts>", "</Layouts>");
    ASSERT_FALSE(layouts.empty());
    const std::string map = between(layouts, "<Layout name=\"Priority map\"", "</Layout>");
    const std::string atlas = between(layouts, "<Layout name=\"Zone atlas\"", "</Layout>");
    ASSERT_FALSE(map.empty());
    ASSERT_FALSE(atlas.empty());
    // Priority map: map, legend, scale bar, north arrow (a picture), labels (QgsLayoutItemRegistry's types).
    for (const char* type : {"65639", "65642", "65646", "65640", "65641"})
        EXPECT_NE(map.find("type=\"" + std::string(type) + "\""), std::string::npos) << type;
    // The dates the run knows: the as-of date and the day it was prepared (run.json).
    const std::string run = read_text(kDemo / "run.json");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(run, m, std::regex("\"as_of\": \\{\\s*\"date\": \"([0-9-]+)\"")));
    EXPECT_NE(map.find("As of " + m[1].str()), std::string::npos);
    ASSERT_TRUE(std::regex_search(run, m, std::regex("\"started\": \"([0-9-]{10})")));
    EXPECT_NE(map.find("prepared " + m[1].str()), std::string::npos);
    EXPECT_NE(map.find("Data: hazards: "), std::string::npos);
    // The risk's legend entry in words that fit beside the map, not QGIS's "Band 1: <the band's description>".
    EXPECT_NE(map.find("key=\"legend/label-0\" value=\"combined risk, 0 (low) to 1 (high)\""), std::string::npos);
    // Atlas: on the zones, by rank, its map driven by the atlas, the figures, action and reasons on the page.
    std::smatch a;
    ASSERT_TRUE(std::regex_search(atlas, a, std::regex("<Atlas [^>]*>")));
    EXPECT_NE(a.str().find("enabled=\"1\""), std::string::npos);
    EXPECT_NE(a.str().find("coverageLayer=\"minerisk_zones\""), std::string::npos);
    EXPECT_NE(a.str().find("sortKey=\"&quot;rank&quot;\""), std::string::npos);
    EXPECT_NE(atlas.find("atlasDriven=\"1\""), std::string::npos);
    for (const char* field : {"&quot;action&quot;", "&quot;reason&quot;", "&quot;priority&quot;", "&quot;population_in_reach&quot;"})
        EXPECT_NE(atlas.find(field), std::string::npos) << field;
}

}  // namespace
