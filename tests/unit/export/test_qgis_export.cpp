// The QGIS exports: minerisk.gpkg (layers, fields, layer_styles), the .qml beside each raster and minerisk.qgs,
// written from a small hand-made run and read back with GDAL and a strict XML well-formedness parser.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <cstring>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "export/qgis_styles.hpp"
#include "export/qgis_xml.hpp"
#include "minerisk/crs.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/exports.hpp"
#include "plugin_harness.hpp"

namespace fs = std::filesystem;
using namespace minerisk;

namespace {

// ---- a strict XML 1.0 well-formedness parser (elements, attributes, text, comments, CDATA, PIs, DOCTYPE
// without internal subset), building a small tree the tests navigate ---------------------------------------------

struct XNode {
    std::string name;
    std::vector<std::pair<std::string, std::string>> attrs;
    std::vector<XNode> children;
    std::string text;  // character data directly inside, entities resolved

    const std::string* attr(const std::string& key) const {
        for (const auto& [k, v] : attrs)
            if (k == key) return &v;
        return nullptr;
    }
    std::string attr_or(const std::string& key, const std::string& fallback = "") const {
        const std::string* v = attr(key);
        return v ? *v : fallback;
    }
    const XNode* first(const std::string& child_name) const {
        for (const auto& c : children)
            if (c.name == child_name) return &c;
        return nullptr;
    }
    // Every descendant (depth first) with that name.
    void find_all(const std::string& n, std::vector<const XNode*>& out) const {
        for (const auto& c : children) {
            if (c.name == n) out.push_back(&c);
            c.find_all(n, out);
        }
    }
    std::vector<const XNode*> all(const std::string& n) const {
        std::vector<const XNode*> out;
        find_all(n, out);
        return out;
    }
};

class XmlParser {
public:
    explicit XmlParser(const std::string& doc) : s_(doc) {}

    XNode parse() {
        check_utf8();
        if (s_.compare(0, 5, "<?xml") == 0) skip_pi();
        misc();
        if (s_.compare(pos_, 9, "<!DOCTYPE") == 0) {
            skip_doctype();
            misc();
        }
        if (pos_ >= s_.size() || s_[pos_] != '<') fail("no root element");
        XNode root = element();
        misc();
        if (pos_ != s_.size()) fail("content after the root element");
        return root;
    }

private:
    [[noreturn]] void fail(const std::string& why) const {
        throw std::runtime_error("XML not well-formed at byte " + std::to_string(pos_) + ": " + why);
    }
    bool starts(const char* lit) const { return s_.compare(pos_, std::strlen(lit), lit) == 0; }
    static bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
    void skip_space() {
        while (pos_ < s_.size() && space(s_[pos_])) ++pos_;
    }
    static bool name_start(unsigned char c) { return std::isalpha(c) || c == '_' || c == ':' || c >= 0x80; }
    static bool name_char(unsigned char c) { return name_start(c) || std::isdigit(c) || c == '-' || c == '.'; }

    void check_utf8() {
        for (size_t i = 0; i < s_.size();) {
            const auto c = static_cast<unsigned char>(s_[i]);
            int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
            if (n < 0) pos_ = i, fail("invalid UTF-8");
            if (n == 0 && c < 0x20 && c != '\t' && c != '\n' && c != '\r') pos_ = i, fail("control character");
            for (int k = 1; k <= n; ++k)
                if (i + k >= s_.size() || (static_cast<unsigned char>(s_[i + k]) >> 6) != 2) pos_ = i, fail("invalid UTF-8");
            i += static_cast<size_t>(n) + 1;
        }
    }
    std::string name() {
        const size_t start = pos_;
        if (pos_ >= s_.size() || !name_start(static_cast<unsigned char>(s_[pos_]))) fail("name expected");
        while (pos_ < s_.size() && name_char(static_cast<unsigned char>(s_[pos_]))) ++pos_;
        return s_.substr(start, pos_ - start);
    }
    void misc() {
        for (;;) {
            skip_space();
            if (starts("<!--")) comment();
            else if (starts("<?")) skip_pi();
            else return;
        }
    }
    void comment() {
        const size_t end = s_.find("-->", pos_ + 4);
        if (end == std::string::npos) fail("unterminated comment");
        if (s_.substr(pos_ + 4, end - pos_ - 4).find("--") != std::string::npos) fail("'--' inside a comment");
        pos_ = end + 3;
    }
    void skip_pi() {
        const size_t end = s_.find("?>", pos_);
        if (end == std::string::npos) fail("unterminated processing instruction");
        pos_ = end + 2;
    }
    void skip_doctype() {
        // <!DOCTYPE name (PUBLIC 'a' 'b' | SYSTEM 'b')? > ; an internal subset is not expected in these files.
        pos_ += 9;
        skip_space();
        name();
        while (pos_ < s_.size() && s_[pos_] != '>') {
            const char c = s_[pos_];
            if (c == '[') fail("DOCTYPE internal subset not supported");
            if (c == '"' || c == '\'') {
                const size_t end = s_.find(c, pos_ + 1);
                if (end == std::string::npos) fail("unterminated DOCTYPE literal");
                pos_ = end + 1;
            } else {
                ++pos_;
            }
        }
        if (pos_ >= s_.size()) fail("unterminated DOCTYPE");
        ++pos_;
    }
    // Character data with references resolved; stops at '<' (or the quote, for attribute values).
    std::string chars(char stop_quote) {
        std::string out;
        while (pos_ < s_.size()) {
            const char c = s_[pos_];
            if (c == stop_quote) return out;
            if (c == '<') {
                if (stop_quote) fail("'<' in an attribute value");
                return out;
            }
            if (c == '&') {
                out += reference();
                continue;
            }
            if (!stop_quote && starts("]]>")) fail("']]>' in text");
            out += c;
            ++pos_;
        }
        if (stop_quote) fail("unterminated attribute value");
        return out;
    }
    std::string reference() {
        const size_t end = s_.find(';', pos_);
        if (end == std::string::npos || end - pos_ > 12) fail("bad entity reference");
        const std::string ref = s_.substr(pos_ + 1, end - pos_ - 1);
        pos_ = end + 1;
        if (ref == "amp") return "&";
        if (ref == "lt") return "<";
        if (ref == "gt") return ">";
        if (ref == "quot") return "\"";
        if (ref == "apos") return "'";
        if (ref.size() > 1 && ref[0] == '#') {
            const bool hex = ref[1] == 'x';
            const std::string digits = ref.substr(hex ? 2 : 1);
            if (digits.empty() || digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") != std::string::npos)
                fail("bad character reference");
            const unsigned long cp = std::stoul(digits, nullptr, hex ? 16 : 10);
            if (!(cp == 9 || cp == 10 || cp == 13 || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0x10FFFF)))
                fail("character reference to a character XML forbids");
            return cp < 0x80 ? std::string(1, static_cast<char>(cp)) : std::string("?");
        }
        fail("unknown entity &" + ref + ";");
    }
    XNode element() {
        ++pos_;  // '<'
        XNode node;
        node.name = name();
        std::set<std::string> seen;
        for (;;) {
            const size_t before = pos_;
            skip_space();
            if (starts("/>")) {
                pos_ += 2;
                return node;
            }
            if (starts(">")) {
                ++pos_;
                break;
            }
            if (pos_ == before) fail("space expected before an attribute");
            std::string key = name();
            skip_space();
            if (!starts("=")) fail("'=' expected after attribute " + key);
            ++pos_;
            skip_space();
            if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) fail("quoted value expected");
            const char q = s_[pos_++];
            std::string value = chars(q);
            ++pos_;
            if (!seen.insert(key).second) fail("duplicate attribute " + key);
            node.attrs.emplace_back(std::move(key), std::move(value));
        }
        for (;;) {
            node.text += chars(0);
            if (pos_ >= s_.size()) fail("unterminated element " + node.name);
            if (starts("</")) {
                pos_ += 2;
                if (name() != node.name) fail("mismatched end tag for " + node.name);
                skip_space();
                if (!starts(">")) fail("'>' expected");
                ++pos_;
                return node;
            }
            if (starts("<!--")) {
                comment();
            } else if (starts("<![CDATA[")) {
                const size_t end = s_.find("]]>", pos_);
                if (end == std::string::npos) fail("unterminated CDATA");
                node.text += s_.substr(pos_ + 9, end - pos_ - 9);
                pos_ = end + 3;
            } else if (starts("<?")) {
                skip_pi();
            } else {
                node.children.push_back(element());
            }
        }
    }

    const std::string& s_;
    size_t pos_ = 0;
};

XNode parse_xml(const std::string& text) { return XmlParser(text).parse(); }

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// ---- GDAL helpers ----------------------------------------------------------------------------------------------

struct CloseDs {
    void operator()(GDALDataset* d) const {
        if (d) GDALClose(d);
    }
};
using Ds = std::unique_ptr<GDALDataset, CloseDs>;

Ds open_vector(const fs::path& p) {
    return Ds(static_cast<GDALDataset*>(GDALOpenEx(p.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
}

std::vector<std::unique_ptr<OGRFeature>> features(OGRLayer* layer) {
    std::vector<std::unique_ptr<OGRFeature>> out;
    layer->ResetReading();
    while (OGRFeature* f = layer->GetNextFeature()) out.emplace_back(f);
    return out;
}

// One feature by the value of an integer field.
std::unique_ptr<OGRFeature> feature_where(OGRLayer* layer, const char* field, int value) {
    for (auto& f : features(layer))
        if (f->GetFieldAsInteger(field) == value) return std::move(f);
    return nullptr;
}

void write_raster(const fs::path& p, const GridSpec& grid, const std::vector<float>& values, const char* unit = "") {
    fs::create_directories(p.parent_path());
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    Ds ds(gtiff->Create(p.c_str(), static_cast<int>(grid.width), static_cast<int>(grid.height), 1, GDT_Float32, nullptr));
    ASSERT_TRUE(ds);
    auto gt = grid.geotransform();
    ds->SetGeoTransform(gt.data());
    ds->SetProjection(grid.crs_wkt.c_str());
    GDALRasterBand* b = ds->GetRasterBand(1);
    b->SetNoDataValue(std::nan(""));
    if (*unit) b->SetUnitType(unit);
    ASSERT_EQ(b->RasterIO(GF_Write, 0, 0, static_cast<int>(grid.width), static_cast<int>(grid.height),
                          const_cast<float*>(values.data()), static_cast<int>(grid.width), static_cast<int>(grid.height),
                          GDT_Float32, 0, 0),
              CE_None);
}

std::vector<unsigned char> wkb_of(const std::string& wkt) {
    OGRGeometry* g = nullptr;
    if (OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &g) != OGRERR_NONE || !g) throw std::runtime_error("bad WKT " + wkt);
    std::unique_ptr<OGRGeometry> owned(g);
    std::vector<unsigned char> wkb(g->WkbSize());
    g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    return wkb;
}

// ---- the hand-made run -------------------------------------------------------------------------------------------

// Grid: 50 x 40 cells of 100 m, north-west corner (500000, 4404000), UTM 38N.
struct HandRun {
    fs::path dir;
    RunPlan plan;
    RunSummary summary;
    ZoneResult& zones = summary.zones;
    ExportContext ctx;
    std::vector<OutputFile> outputs;

    explicit HandRun(const std::string& tag, bool mixed_extra = false, bool with_zones = true, bool polygon_settlement = false) {
        GDALAllRegister();
        static int counter = 0;
        dir = fs::temp_directory_path() / ("minerisk_qgis_" + tag + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
        fs::remove_all(dir);
        fs::create_directories(dir / "factors");

        plan.scenario.name = "Test <district> & \"north\"";
        plan.grid = test::make_grid(50, 40, 100, 500000, 4404000);
        plan.as_of = days_from_civil(2026, 7, 1);
        plan.started = 1796310370;  // 2026-12-03T15:06:10Z: the run began months after its as-of date
        Inputs& in = plan.inputs;
        in.crs_wkt = plan.grid.crs_wkt;
        in.crs_name = "EPSG:32638";
        in.crs_reason = "from the scenario";
        in.layers.push_back(test::make_layer(
            "hazards",
            {{"POLYGON((501000 4401000,502000 4401000,502000 4402000,501000 4402000,501000 4401000))",
              {{"id", "HZ-1"}, {"status", "CHA"}, {"date", "2020-05-01"}, {"radius", "100"}}},
             {"POLYGON((503000 4401000,503500 4401000,503500 4401500,503000 4401500,503000 4401000))",
              {{"id", "HZ-2"}, {"status", "SHA"}}},
             {"MULTIPOLYGON(((504000 4402000,504500 4402000,504500 4402500,504000 4402000)))",
              {{"id", "HZ-3"}, {"status", "cleared"}}}},
            {{"id", "text"}, {"status", "text"}, {"date", "date"}, {"radius", "number"}}));
        in.layers.push_back(test::make_layer(
            "incidents",
            {{"POINT(501500 4401500)", {{"id", "I1"}, {"date", "2025-03-02"}, {"killed", "1"}}},
             {"POINT(501600 4401400)", {{"id", "I2"}, {"date", "2019-01-01"}, {"killed", "x"}}}},
            {{"id", "text"}, {"date", "date"}, {"killed", "number"}}));
        in.layers.push_back(test::make_layer(
            "settlements",
            {{"POINT(501200 4402500)", {{"id", "S1"}, {"name", "Qaraqaya & Sons"}, {"population", "1200"}, {"returnee", "true"}}},
             {"POINT(503200 4400500)", {{"id", "S2"}, {"name", "Boyuk <Bahmanli>"}, {"population", "300"}, {"returnee", "false"}}},
             {polygon_settlement ? "POLYGON((500000 4403000,500600 4403000,500600 4403200,500200 4403200,500200 4404000,"
                                   "500000 4404000,500000 4403000))"  // an L: its centroid (500240, 4403340) lies outside
                                 : "POINT(500200 4403800)",
              {{"id", "S3"}, {"name", "Şıxlar"}}}},
            {{"id", "text"}, {"name", "text"}, {"population", "number"}, {"returnee", "boolean"}}));
        in.layers.push_back(test::make_layer("signs", {{"POINT(501000 4401000)", {{"id", "SG1"}, {"date", "2024-01-01"}}}},
                                             {{"id", "text"}, {"date", "date"}}));
        in.layers.push_back(test::make_layer(
            "sessions", {{"POINT(501200 4402500)", {{"id", "E1"}, {"date", "2025-06-01"}, {"reached", "40"}, {"settlement", "S1"}}}},
            {{"id", "text"}, {"date", "date"}, {"reached", "number"}, {"settlement", "text"}}));
        in.layers.push_back(test::make_layer(
            "roads",
            {{"LINESTRING(500000 4400000,505000 4404000)", {{"class", "primary"}, {"fid", "7"}}},
             {"LINESTRING(500000 4404000,505000 4400000)", {{"class", "track"}}}},
            {{"class", "text"}, {"fid", "text"}}));
        if (mixed_extra)
            in.layers.push_back(test::make_layer(
                "layer_styles",  // a name the GeoPackage already uses: written as extra_layer_styles
                {{"POINT(502000 4402000)", {}},
                 {"POINT(502100 4402000)", {}},
                 {"POLYGON((502000 4402000,502100 4402000,502100 4402100,502000 4402000))", {}}},
                {}));

        if (with_zones) {
            zones.threshold = 0.5;
            zones.factor_names = {"hazard_proximity", "incident_density"};
            Zone z1;
            z1.id = 2;
            z1.rank = 1;
            z1.priority = 0.91;
            z1.wkb = wkb_of("POLYGON((500800 4400800,502200 4400800,502200 4402200,500800 4402200,500800 4400800))");
            z1.area_m2 = 1400.0 * 1400.0;
            z1.mean_risk = 0.8;
            z1.max_risk = 0.97;
            z1.factor_mean = {0.9, 0.6};
            z1.top_factor = "hazard_proximity";
            z1.settlements = {{0, "S1", "Qaraqaya & Sons", 1200, true, 0}, {1, "S2", "Boyuk <Bahmanli>", 300, false, 1500},
                              {2, "S3", "Şıxlar", 0, false, 1900, /*population_known=*/false}};
            z1.population_in_reach = 1500;
            z1.returnee_settlements = 1;
            z1.hazards = {{0, "HZ-1", "CHA", "AP", 800}, {1, "HZ-2", "SHA", "", 200}, {2, "HZ-3", " Cleared", "", 0, true}};
            z1.incidents_all = 2;
            z1.incidents_recent = 1;
            z1.incidents_far_from_hazards = 0;
            z1.unmarked_perimeter_m = 1000.04;
            z1.last_session = days_from_civil(2025, 6, 1);
            z1.action = "mark; hold sessions";
            z1.reason = "CHA 'HZ-1' is 80% unmarked; 2 incidents";
            Zone z2;
            z2.id = 1;
            z2.rank = 2;
            z2.priority = 0.5;
            z2.wkb = wkb_of("MULTIPOLYGON(((503000 4401000,503600 4401000,503600 4401600,503000 4401000)),"
                            "((504000 4403000,504200 4403000,504200 4403200,504000 4403000)))");
            z2.area_m2 = 200000;
            z2.factor_mean = {0.3, NAN};
            z2.hazards = {{1, "HZ-2", "SHA", "", 0}};
            z2.action = "refer for non-technical survey";
            Zone z3;
            z3.id = 3;
            z3.rank = 3;
            z3.wkb = wkb_of("POLYGON((500100 4403100,500400 4403100,500400 4403400,500100 4403100))");
            z3.factor_mean = {0.1, 0.1};
            zones.zones = {z1, z2, z3};
            RankedSettlement r1;
            r1.feature = 0, r1.id = "S1", r1.name = "Qaraqaya & Sons", r1.rank = 1, r1.priority = 0.9, r1.population = 1200;
            r1.returnee = true, r1.risk_mean = 0.7, r1.risk_max = 0.95, r1.distance_to_hazard_m = 512.345, r1.incidents_nearby = 2;
            r1.last_session = days_from_civil(2025, 6, 1), r1.zone_id = 2;
            RankedSettlement r2;
            r2.feature = 1, r2.id = "S2", r2.name = "Boyuk <Bahmanli>", r2.rank = 2, r2.zone_id = 1;
            RankedSettlement r3;
            r3.feature = 2, r3.id = "S3", r3.name = "Şıxlar", r3.rank = 3, r3.zone_id = 0;  // NaN distance, never a session
            zones.settlements = {r1, r2, r3};
            SurveyReferral ref;
            ref.id = 1;
            ref.x = 501600, ref.y = 4401400;
            ref.incidents = 1;
            ref.first_date = ref.last_date = days_from_civil(2019, 1, 1);
            ref.max_risk = 0.25;
            ref.nearest_settlement = "Boyuk <Bahmanli>";
            ref.settlement_distance_m = 1640.1234;
            ref.reason = "1 incident (2019-01) lies more than 500 m from any recorded hazard and in no zone";
            ref.incident_features = {1};
            zones.survey_referrals = {ref};
            zones.incident_far_from_hazard = {0, 1};
        }

        const GridSpec& g = plan.grid;
        std::vector<float> risk(static_cast<size_t>(g.cells())), dist(risk.size());
        for (std::int64_t i = 0; i < g.cells(); ++i) {
            risk[static_cast<size_t>(i)] = static_cast<float>(i % g.width) / static_cast<float>(g.width - 1);
            dist[static_cast<size_t>(i)] = 20.0f + static_cast<float>(i % g.width) * 60.0f;
        }
        risk[0] = NAN;
        dist[1] = NAN;
        write_raster(dir / "risk.tif", g, risk);
        write_raster(dir / "factors" / "hazard_proximity.tif", g, risk);
        write_raster(dir / "factors" / "hazard_proximity.distance.tif", g, dist, "m");

        ctx.plan = &plan;
        ctx.summary = with_zones ? &summary : nullptr;
        ctx.output_dir = dir.string();
        ctx.rasters = {{(dir / "risk.tif").string(), "risk", "combined risk (weighted_sum)", "", "risk"},
                       {(dir / "factors" / "hazard_proximity.tif").string(), "hazard_proximity", "hazard_proximity score", "", "factor"},
                       {(dir / "factors" / "hazard_proximity.distance.tif").string(), "hazard_proximity.distance",
                        "distance to the nearest hazard", "m", "extra"}};
        outputs = write_qgis_outputs(ctx);
    }
    ~HandRun() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    HandRun(const HandRun&) = delete;
    HandRun& operator=(const HandRun&) = delete;

    fs::path gpkg() const { return dir / "minerisk.gpkg"; }
    fs::path qgs() const { return dir / "minerisk.qgs"; }
};

std::vector<std::string> field_names(OGRLayer* layer) {
    std::vector<std::string> out;
    OGRFeatureDefn* d = layer->GetLayerDefn();
    for (int i = 0; i < d->GetFieldCount(); ++i) out.push_back(d->GetFieldDefn(i)->GetNameRef());
    return out;
}

OGRFieldDefn* field(OGRLayer* layer, const char* name) {
    const int i = layer->GetLayerDefn()->GetFieldIndex(name);
    return i < 0 ? nullptr : layer->GetLayerDefn()->GetFieldDefn(i);
}

// The style rows of layer_styles, by table name.
std::map<std::string, std::unique_ptr<OGRFeature>> style_rows(GDALDataset& ds) {
    std::map<std::string, std::unique_ptr<OGRFeature>> rows;
    OGRLayer* t = ds.GetLayerByName("layer_styles");
    if (!t) return rows;
    for (auto& f : features(t)) rows[f->GetFieldAsString("f_table_name")] = std::move(f);
    return rows;
}

const std::vector<std::string> kVectorLayers = {"zones",     "survey_referrals", "settlements_ranked", "hazards",
                                                "incidents", "settlements",      "signs",              "sessions", "roads"};

}  // namespace

// ---- XML and styles ------------------------------------------------------------------------------------------------

TEST(QgisXml, EscapesEverythingXmlReserves) {
    using qgis::Xml;
    const std::string nasty = "a<b>&c\"d'e\tf\ng\x01h";
    Xml root("root");
    root.attr("v", nasty);
    root.child("t", nasty);
    const XNode n = parse_xml(root.str());
    EXPECT_EQ(n.attr_or("v"), "a<b>&c\"d'e\tf\ng h");
    ASSERT_NE(n.first("t"), nullptr);
    EXPECT_EQ(n.first("t")->text, "a<b>&c\"d'e\tf\ng h");
    EXPECT_EQ(qgis::number_text(0.5), "0.5");
    EXPECT_EQ(qgis::number_text(-0.0), "0");
    EXPECT_EQ(qgis::number_text(4404000), "4404000");
}

TEST(QgisXml, TestParserRejectsMalformedXml) {
    EXPECT_THROW(parse_xml("<a><b></a></b>"), std::runtime_error);
    EXPECT_THROW(parse_xml("<a x=\"1\" x=\"2\"/>"), std::runtime_error);
    EXPECT_THROW(parse_xml("<a>&nbsp;</a>"), std::runtime_error);
    EXPECT_THROW(parse_xml("<a>a & b</a>"), std::runtime_error);
    EXPECT_THROW(parse_xml("<a x=\"<\"/>"), std::runtime_error);
    EXPECT_THROW(parse_xml("<a/><b/>"), std::runtime_error);
    EXPECT_THROW(parse_xml("<a>\x01</a>"), std::runtime_error);
    EXPECT_THROW(parse_xml("<a>\xff</a>"), std::runtime_error);
    EXPECT_NO_THROW(parse_xml("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<a x='1'><!-- c --><b/>t&amp;&#10;</a>\n"));
}

TEST(QgisStyles, RankClassesCoverEveryRankOnceFromDarkRed) {
    for (int max_rank = 0; max_rank <= 300; ++max_rank) {
        const auto classes = qgis::rank_classes(max_rank);
        ASSERT_FALSE(classes.empty());
        EXPECT_EQ(classes.front().first, 1);
        EXPECT_EQ(classes.front().last, 1);
        EXPECT_EQ(classes.front().rgb, "128,0,38");  // dark red for rank 1
        EXPECT_EQ(classes.back().last, std::max(max_rank, 1));
        for (size_t i = 1; i < classes.size(); ++i) EXPECT_EQ(classes[i].first, classes[i - 1].last + 1);
        if (classes.size() > 1) {
            EXPECT_EQ(classes.back().rgb, "255,237,160");  // yellow for the last class
        }
    }
    EXPECT_EQ(qgis::rank_classes(12).size(), 6u);  // 1, 2, 3, 4-5, 6-10, 11-12
}

TEST(QgisStyles, EveryStyleIsWellFormedQmlWithARenderer) {
    using qgis::GeomKind;
    std::vector<std::pair<std::string, qgis::Style>> styles = {
        {"zones", qgis::zones_style(7)},
        {"zones none", qgis::zones_style(0)},
        {"ranked points", qgis::ranked_settlements_style(12, GeomKind::point)},
        {"ranked polygons", qgis::ranked_settlements_style(3, GeomKind::polygon)},
        {"hazards", qgis::hazards_style(true)},
        {"hazards no status", qgis::hazards_style(false)},
        {"incidents", qgis::incidents_style(GeomKind::point)},
        {"incidents far", qgis::incidents_style(GeomKind::point, true)},
        {"survey referrals", qgis::survey_referrals_style()},
        {"settlements", qgis::settlements_style(GeomKind::polygon, "name")},
        {"settlements unlabelled", qgis::settlements_style(GeomKind::point, "")},
        {"signs", qgis::signs_style(GeomKind::point)},
        {"sessions", qgis::sessions_style(GeomKind::point)},
        {"extra line", qgis::extra_style(GeomKind::line)},
    };
    for (const auto& [what, style] : styles) {
        SCOPED_TRACE(what);
        const XNode q = parse_xml(qgis::to_qml(style));
        EXPECT_EQ(q.name, "qgis");
        const XNode* r = q.first("renderer-v2");
        ASSERT_NE(r, nullptr);
        EXPECT_FALSE(r->all("symbol").empty());
        EXPECT_EQ(q.attr_or("labelsEnabled"), style.labels ? "1" : "0");
        EXPECT_EQ(q.first("labeling") != nullptr, style.labels);
        ASSERT_NE(q.first("layerGeometryType"), nullptr);
        EXPECT_EQ(q.first("layerGeometryType")->text, std::to_string(qgis::kind_code(style.kind)));
    }
    const XNode zones = parse_xml(qgis::to_qml(qgis::zones_style(4)));
    EXPECT_EQ(zones.first("renderer-v2")->attr_or("type"), "graduatedSymbol");
    EXPECT_EQ(zones.first("renderer-v2")->attr_or("attr"), "rank");
    EXPECT_EQ(zones.all("range").size(), 4u);
    EXPECT_EQ(zones.all("text-style").at(0)->attr_or("fieldName"), "rank");
    const XNode hz = parse_xml(qgis::to_qml(qgis::hazards_style(true)));
    EXPECT_EQ(hz.first("renderer-v2")->attr_or("type"), "categorizedSymbol");
    std::set<std::string> values;
    for (const XNode* c : hz.all("category")) values.insert(c->attr_or("value"));
    EXPECT_EQ(values, (std::set<std::string>{"CHA", "SHA", "CLEARED", "CANCELLED", ""}));
    const XNode raster = parse_xml(qgis::to_qml(qgis::range_raster_style(20, 2960, "m")));
    ASSERT_EQ(raster.all("rasterrenderer").size(), 1u);
    EXPECT_EQ(raster.all("rasterrenderer")[0]->attr_or("type"), "singlebandpseudocolor");
    EXPECT_EQ(raster.all("item").back()->attr_or("value"), "2960");
}

// ---- the files ------------------------------------------------------------------------------------------------------

TEST(QgisExport, ReturnsEveryFileWrittenAndLeavesNoTemporaryFile) {
    HandRun run("files");
    std::set<std::string> paths;
    for (const auto& o : run.outputs) {
        EXPECT_TRUE(fs::exists(o.path)) << o.path;
        EXPECT_FALSE(o.what.empty());
        paths.insert(fs::path(o.path).lexically_relative(run.dir).generic_string());
    }
    EXPECT_EQ(paths, (std::set<std::string>{"minerisk.gpkg", "minerisk.qgs", "risk.qml", "factors/hazard_proximity.qml",
                                            "factors/hazard_proximity.distance.qml"}));
    for (const auto& e : fs::recursive_directory_iterator(run.dir)) {
        const std::string name = e.path().filename().string();
        EXPECT_EQ(name.find(".part"), std::string::npos) << name;
        EXPECT_EQ(name.find("-journal"), std::string::npos) << name;
        EXPECT_EQ(name.find(".aux.xml"), std::string::npos) << name;
    }
}

TEST(QgisExport, GeoPackageHasEveryLayerWithItsFeatureCountAndGeometry) {
    HandRun run("layers");
    Ds ds = open_vector(run.gpkg());
    ASSERT_TRUE(ds);
    const std::map<std::string, std::pair<GIntBig, OGRwkbGeometryType>> expected = {
        {"zones", {3, wkbMultiPolygon}},      {"settlements_ranked", {3, wkbPoint}}, {"hazards", {3, wkbMultiPolygon}},
        {"incidents", {2, wkbPoint}},         {"settlements", {3, wkbPoint}},        {"signs", {1, wkbPoint}},
        {"sessions", {1, wkbPoint}},          {"roads", {2, wkbMultiLineString}},    {"survey_referrals", {1, wkbPoint}},
        {"layer_styles", {9, wkbNone}}};
    EXPECT_EQ(ds->GetLayerCount(), static_cast<int>(expected.size()));
    for (const auto& [name, want] : expected) {
        SCOPED_TRACE(name);
        OGRLayer* l = ds->GetLayerByName(name.c_str());
        ASSERT_NE(l, nullptr);
        EXPECT_EQ(l->GetFeatureCount(), want.first);
        EXPECT_EQ(l->GetGeomType(), want.second);
        if (want.second != wkbNone) {
            EXPECT_STREQ(l->GetGeometryColumn(), "geom");
            ASSERT_NE(l->GetSpatialRef(), nullptr);
            EXPECT_STREQ(l->GetSpatialRef()->GetAuthorityCode(nullptr), "32638");
        }
    }
    // Registered as a table of attributes, as QGIS creates it.
    OGRLayer* r = ds->ExecuteSQL("SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'", nullptr, nullptr);
    ASSERT_NE(r, nullptr);
    std::unique_ptr<OGRFeature> f(r->GetNextFeature());
    ASSERT_TRUE(f);
    EXPECT_STREQ(f->GetFieldAsString(0), "attributes");
    f.reset();
    ds->ReleaseResultSet(r);
    // gpkg_contents timestamps are when the content was written: the run's start (not its as-of date), one
    // value for every table.
    r = ds->ExecuteSQL("SELECT DISTINCT last_change FROM gpkg_contents", nullptr, nullptr);
    ASSERT_NE(r, nullptr);
    const auto rows = features(r);
    EXPECT_EQ(rows.size(), 1u);
    for (auto& row : rows) EXPECT_STREQ(row->GetFieldAsString(0), "2026/12/03 15:06:10+00");  // OGR reads it as a time
    ds->ReleaseResultSet(r);
    r = ds->ExecuteSQL("SELECT DISTINCT update_time FROM layer_styles", nullptr, nullptr);
    ASSERT_NE(r, nullptr);
    for (auto& row : features(r)) EXPECT_STREQ(row->GetFieldAsString(0), "2026/12/03 15:06:10+00");
    ds->ReleaseResultSet(r);
}

TEST(QgisExport, ZonesCarryEveryAttribute) {
    HandRun run("zones");
    Ds ds = open_vector(run.gpkg());
    ASSERT_TRUE(ds);
    OGRLayer* zones = ds->GetLayerByName("zones");
    ASSERT_NE(zones, nullptr);
    EXPECT_EQ(field_names(zones),
              (std::vector<std::string>{"rank", "id", "priority", "area_ha", "mean_risk", "max_risk", "top_factor",
                                        "population_in_reach", "settlements", "returnee_settlements", "hazards", "hazard_status", "incidents",
                                        "incidents_recent", "incidents_far", "unmarked_m", "last_session", "action", "reason",
                                        "mean_hazard_proximity", "mean_incident_density"}));
    EXPECT_EQ(field(zones, "rank")->GetType(), OFTInteger);
    EXPECT_EQ(field(zones, "incidents")->GetType(), OFTInteger64);
    EXPECT_EQ(field(zones, "area_ha")->GetType(), OFTReal);
    EXPECT_EQ(field(zones, "last_session")->GetType(), OFTDate);
    auto z1 = feature_where(zones, "rank", 1);
    ASSERT_TRUE(z1);
    EXPECT_NEAR(z1->GetFieldAsDouble("priority"), 0.91, 1e-12);
    EXPECT_NEAR(z1->GetFieldAsDouble("area_ha"), 196.0, 1e-9);
    EXPECT_STREQ(z1->GetFieldAsString("top_factor"), "hazard_proximity");
    EXPECT_NEAR(z1->GetFieldAsDouble("population_in_reach"), 1500, 1e-9);
    EXPECT_EQ(z1->GetFieldAsInteger("id"), 2);  // the zone's id beside its rank
    EXPECT_EQ(feature_where(zones, "rank", 2)->GetFieldAsInteger("id"), 1);
    EXPECT_STREQ(z1->GetFieldAsString("settlements"), "Qaraqaya & Sons (1200); Boyuk <Bahmanli> (300); Şıxlar (unknown)");
    EXPECT_EQ(z1->GetFieldAsInteger64("returnee_settlements"), 1);
    EXPECT_STREQ(z1->GetFieldAsString("hazards"), "HZ-1; HZ-2; HZ-3");
    EXPECT_STREQ(z1->GetFieldAsString("hazard_status"), "CHA 1, SHA 1, cleared 1");
    EXPECT_EQ(z1->GetFieldAsInteger64("incidents"), 2);
    EXPECT_EQ(z1->GetFieldAsInteger64("incidents_recent"), 1);
    EXPECT_EQ(z1->GetFieldAsInteger64("incidents_far"), 0);
    EXPECT_NEAR(z1->GetFieldAsDouble("unmarked_m"), 1000.0, 1e-9);
    EXPECT_STREQ(z1->GetFieldAsString("last_session"), "2025/06/01");  // a date (OGR writes dates with '/')
    EXPECT_STREQ(z1->GetFieldAsString("action"), "mark; hold sessions");
    EXPECT_NEAR(z1->GetFieldAsDouble("mean_hazard_proximity"), 0.9, 1e-12);
    EXPECT_NEAR(z1->GetFieldAsDouble("mean_incident_density"), 0.6, 1e-12);
    ASSERT_NE(z1->GetGeometryRef(), nullptr);
    EXPECT_NEAR(z1->GetGeometryRef()->toMultiPolygon()->get_Area(), 1400.0 * 1400.0, 1e-6);

    auto z2 = feature_where(zones, "rank", 2);
    ASSERT_TRUE(z2);
    EXPECT_EQ(z2->GetGeometryRef()->toMultiPolygon()->getNumGeometries(), 2);
    EXPECT_TRUE(z2->IsFieldNull(z2->GetFieldIndex("last_session")));  // never
    EXPECT_STREQ(z2->GetFieldAsString("settlements"), "");
    EXPECT_TRUE(z2->IsFieldNull(z2->GetFieldIndex("mean_incident_density")));  // NaN is written as NULL
}

TEST(QgisExport, RankedSettlementsPointAtTheirZoneByRank) {
    HandRun run("ranked");
    Ds ds = open_vector(run.gpkg());
    ASSERT_TRUE(ds);
    OGRLayer* s = ds->GetLayerByName("settlements_ranked");
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(field_names(s), (std::vector<std::string>{"rank", "priority", "id", "name", "population", "returnee", "risk_mean",
                                                        "risk_max", "dist_hazard_m", "incidents_nearby", "last_session", "zone_rank"}));
    EXPECT_EQ(field(s, "returnee")->GetSubType(), OFSTBoolean);
    auto r1 = feature_where(s, "rank", 1);
    ASSERT_TRUE(r1);
    EXPECT_STREQ(r1->GetFieldAsString("name"), "Qaraqaya & Sons");
    EXPECT_EQ(r1->GetFieldAsInteger("zone_rank"), 1);  // zone id 2 has rank 1
    EXPECT_EQ(r1->GetFieldAsInteger("returnee"), 1);
    EXPECT_NEAR(r1->GetFieldAsDouble("dist_hazard_m"), 512.3, 1e-9);
    EXPECT_EQ(field(s, "last_session")->GetType(), OFTDate);
    EXPECT_STREQ(r1->GetFieldAsString("last_session"), "2025/06/01");
    const OGRPoint* p = r1->GetGeometryRef()->toPoint();
    EXPECT_DOUBLE_EQ(p->getX(), 501200);
    EXPECT_DOUBLE_EQ(p->getY(), 4402500);
    EXPECT_EQ(feature_where(s, "rank", 2)->GetFieldAsInteger("zone_rank"), 2);  // zone id 1 has rank 2
    auto r3 = feature_where(s, "rank", 3);
    EXPECT_EQ(r3->GetFieldAsInteger("zone_rank"), 0);
    EXPECT_TRUE(r3->IsFieldNull(r3->GetFieldIndex("dist_hazard_m")));
    EXPECT_TRUE(r3->IsFieldNull(r3->GetFieldIndex("last_session")));
    EXPECT_STREQ(r3->GetFieldAsString("name"), "Şıxlar");
}

TEST(QgisExport, InputsAreWrittenWithTypedFieldsAndTheirSourceFid) {
    HandRun run("inputs");
    Ds ds = open_vector(run.gpkg());
    ASSERT_TRUE(ds);
    OGRLayer* hz = ds->GetLayerByName("hazards");
    ASSERT_NE(hz, nullptr);
    EXPECT_EQ(field_names(hz), (std::vector<std::string>{"source_fid", "id", "status", "date", "radius"}));
    EXPECT_EQ(field(hz, "source_fid")->GetType(), OFTInteger64);
    EXPECT_EQ(field(hz, "date")->GetType(), OFTDate);
    EXPECT_EQ(field(hz, "radius")->GetType(), OFTReal);
    auto all = features(hz);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[1]->GetFieldAsInteger64("source_fid"), 1);
    EXPECT_STREQ(all[0]->GetFieldAsString("date"), "2020/05/01");
    EXPECT_TRUE(all[1]->IsFieldNull(all[1]->GetFieldIndex("date")));  // not given
    EXPECT_STREQ(all[2]->GetFieldAsString("status"), "cleared");

    OGRLayer* inc = ds->GetLayerByName("incidents");
    auto incs = features(inc);
    ASSERT_EQ(incs.size(), 2u);
    EXPECT_DOUBLE_EQ(incs[0]->GetFieldAsDouble("killed"), 1);
    EXPECT_TRUE(incs[1]->IsFieldNull(incs[1]->GetFieldIndex("killed")));  // "x" is not a number

    OGRLayer* st = ds->GetLayerByName("settlements");
    EXPECT_EQ(field(st, "returnee")->GetType(), OFTInteger);
    EXPECT_EQ(field(st, "returnee")->GetSubType(), OFSTBoolean);
    auto sts = features(st);
    EXPECT_EQ(sts[0]->GetFieldAsInteger("returnee"), 1);
    EXPECT_EQ(sts[1]->GetFieldAsInteger("returnee"), 0);
    EXPECT_TRUE(sts[2]->IsFieldNull(sts[2]->GetFieldIndex("returnee")));

    // An extra layer's role named like the GeoPackage's FID column is renamed, not lost.
    OGRLayer* roads = ds->GetLayerByName("roads");
    ASSERT_NE(roads, nullptr);
    EXPECT_EQ(field_names(roads), (std::vector<std::string>{"source_fid", "class", "fid_value"}));
    EXPECT_STREQ(features(roads)[0]->GetFieldAsString("fid_value"), "7");
}

TEST(QgisExport, LayerStylesHoldOneDefaultQgisStylePerLayer) {
    HandRun run("styles");
    Ds ds = open_vector(run.gpkg());
    ASSERT_TRUE(ds);
    auto rows = style_rows(*ds);
    ASSERT_EQ(rows.size(), kVectorLayers.size());
    for (const auto& name : kVectorLayers) {
        SCOPED_TRACE(name);
        ASSERT_TRUE(rows.count(name));
        const OGRFeature& row = *rows.at(name);
        // What QGIS matches on: f_table_schema = '' (not NULL), the table and its geometry column.
        EXPECT_FALSE(row.IsFieldNull(row.GetFieldIndex("f_table_schema")));
        EXPECT_STREQ(row.GetFieldAsString("f_table_schema"), "");
        EXPECT_STREQ(row.GetFieldAsString("f_geometry_column"), ds->GetLayerByName(name.c_str())->GetGeometryColumn());
        EXPECT_EQ(row.GetFieldAsInteger("useAsDefault"), 1);
        EXPECT_STREQ(row.GetFieldAsString("update_time"), "2026/12/03 15:06:10+00");
        XNode q;
        ASSERT_NO_THROW(q = parse_xml(row.GetFieldAsString("styleQML")));
        EXPECT_EQ(q.name, "qgis");
        ASSERT_NE(q.first("renderer-v2"), nullptr);
    }
    OGRLayer* t = ds->GetLayerByName("layer_styles");
    for (const char* f : {"f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName", "styleQML",
                          "styleSLD", "useAsDefault", "description", "owner", "ui", "update_time"})
        EXPECT_NE(field(t, f), nullptr) << f;
    EXPECT_STREQ(t->GetFIDColumn(), "id");

    const XNode zones = parse_xml(rows.at("zones")->GetFieldAsString("styleQML"));
    EXPECT_EQ(zones.first("renderer-v2")->attr_or("type"), "graduatedSymbol");
    const XNode referrals = parse_xml(rows.at("survey_referrals")->GetFieldAsString("styleQML"));
    EXPECT_EQ(referrals.all("symbol").at(0)->attr_or("type"), "marker");
    EXPECT_EQ(referrals.all("text-style").at(0)->attr_or("fieldName"), "incidents");
    bool star = false;
    for (const XNode* o : referrals.all("Option"))
        if (o->attr_or("name") == "name" && o->attr_or("value") == "star") star = true;
    EXPECT_TRUE(star);
    // The incidents far from every hazard draw apart: categorized on far_from_hazard.
    const XNode incidents = parse_xml(rows.at("incidents")->GetFieldAsString("styleQML"));
    EXPECT_EQ(incidents.first("renderer-v2")->attr_or("type"), "categorizedSymbol");
    EXPECT_NE(incidents.first("renderer-v2")->attr_or("attr").find("\"far_from_hazard\""), std::string::npos);
    EXPECT_EQ(zones.all("range").size(), 3u);  // ranks 1, 2, 3
    const XNode ranked = parse_xml(rows.at("settlements_ranked")->GetFieldAsString("styleQML"));
    EXPECT_EQ(ranked.all("text-style").at(0)->attr_or("fieldName"), "name");
    EXPECT_EQ(ranked.all("symbol").at(0)->attr_or("type"), "marker");
    const XNode hz = parse_xml(rows.at("hazards")->GetFieldAsString("styleQML"));
    EXPECT_EQ(hz.first("renderer-v2")->attr_or("type"), "categorizedSymbol");
    const XNode roads = parse_xml(rows.at("roads")->GetFieldAsString("styleQML"));
    EXPECT_EQ(roads.all("symbol").at(0)->attr_or("type"), "line");
    const XNode signs = parse_xml(rows.at("signs")->GetFieldAsString("styleQML"));
    bool triangle = false;
    for (const XNode* o : signs.all("Option"))
        if (o->attr_or("name") == "name" && o->attr_or("value") == "triangle") triangle = true;
    EXPECT_TRUE(triangle);
}

TEST(QgisExport, RasterStylesSitBesideTheirRasters) {
    HandRun run("rasters");
    for (const char* p : {"risk.qml", "factors/hazard_proximity.qml"}) {
        SCOPED_TRACE(p);
        XNode q;
        ASSERT_NO_THROW(q = parse_xml(read_file(run.dir / p)));
        EXPECT_EQ(q.name, "qgis");
        const auto rr = q.all("rasterrenderer");
        ASSERT_EQ(rr.size(), 1u);
        EXPECT_EQ(rr[0]->attr_or("type"), "singlebandpseudocolor");
        EXPECT_EQ(rr[0]->attr_or("classificationMin"), "0");
        EXPECT_EQ(rr[0]->attr_or("classificationMax"), "1");
        const auto items = q.all("item");
        ASSERT_GE(items.size(), 2u);
        EXPECT_EQ(items.front()->attr_or("alpha"), "0");  // no risk: transparent
        EXPECT_EQ(items.back()->attr_or("color"), "#800026");
    }
    const XNode extra = parse_xml(read_file(run.dir / "factors/hazard_proximity.distance.qml"));
    const auto rr = extra.all("rasterrenderer");
    ASSERT_EQ(rr.size(), 1u);
    EXPECT_EQ(rr[0]->attr_or("classificationMin"), "20");  // the band's own minimum and maximum
    EXPECT_EQ(rr[0]->attr_or("classificationMax"), "2960");
    EXPECT_EQ(extra.all("item").back()->attr_or("label"), "2960 m");
}

TEST(QgisExport, ProjectOpensEveryLayerFromFilesThatExist) {
    HandRun run("project");
    XNode q;
    ASSERT_NO_THROW(q = parse_xml(read_file(run.qgs())));
    EXPECT_EQ(q.name, "qgis");
    EXPECT_EQ(q.first("title")->text, "minerisk: Test <district> & \"north\"");

    // CRS: the working CRS.
    const XNode* crs = q.first("projectCrs");
    ASSERT_NE(crs, nullptr);
    const XNode* srs = crs->first("spatialrefsys");
    ASSERT_NE(srs, nullptr);
    EXPECT_EQ(srs->first("authid")->text, run.plan.inputs.crs_name);
    OGRSpatialReference a, b;
    ASSERT_EQ(a.importFromWkt(srs->first("wkt")->text.c_str()), OGRERR_NONE);
    ASSERT_EQ(b.importFromWkt(run.plan.grid.crs_wkt.c_str()), OGRERR_NONE);
    EXPECT_TRUE(a.IsSame(&b));

    const XNode* proj_srs = q.first("properties")->first("SpatialRefSys");
    ASSERT_NE(proj_srs, nullptr);
    EXPECT_EQ(proj_srs->first("ProjectionsEnabled")->text, "1");  // else QGIS ignores <projectCrs>
    EXPECT_EQ(proj_srs->first("ProjectCrs")->text, "EPSG:32638");

    // Extent: the grid's.
    const XNode* ext = q.first("mapcanvas")->first("extent");
    EXPECT_EQ(ext->first("xmin")->text, "500000");
    EXPECT_EQ(ext->first("ymin")->text, "4400000");
    EXPECT_EQ(ext->first("xmax")->text, "505000");
    EXPECT_EQ(ext->first("ymax")->text, "4404000");

    // Every layer's data exists; gpkg layers exist in the GeoPackage.
    Ds ds = open_vector(run.gpkg());
    ASSERT_TRUE(ds);
    const auto maplayers = q.first("projectlayers")->all("maplayer");
    ASSERT_EQ(maplayers.size(), kVectorLayers.size() + run.ctx.rasters.size());
    std::set<std::string> ids;
    for (const XNode* m : maplayers) {
        const std::string source = m->first("datasource")->text;
        SCOPED_TRACE(source);
        ASSERT_EQ(source.rfind("./", 0), 0u) << "relative paths";
        const std::string file = source.substr(0, source.find('|'));
        EXPECT_TRUE(fs::exists(run.dir / file));
        const std::string provider = m->first("provider")->text;
        if (m->attr_or("type") == "vector") {
            EXPECT_EQ(provider, "ogr");
            const std::string key = "|layername=";
            const auto at = source.find(key);
            ASSERT_NE(at, std::string::npos);
            const std::string layer = source.substr(at + key.size(), source.find('|', at + 1) - at - key.size());
            EXPECT_NE(ds->GetLayerByName(layer.c_str()), nullptr) << layer;
            EXPECT_NE(m->first("renderer-v2"), nullptr);
        } else {
            EXPECT_EQ(m->attr_or("type"), "raster");
            EXPECT_EQ(provider, "gdal");
            EXPECT_EQ(m->all("rasterrenderer").size(), 1u);
        }
        EXPECT_EQ(m->first("srs")->first("spatialrefsys")->first("authid")->text, "EPSG:32638");
        EXPECT_TRUE(ids.insert(m->first("id")->text).second) << "layer ids are unique";
    }

    // Layer tree: drawing order top to bottom, factor rasters in an unchecked group.
    const XNode* tree = q.first("layer-tree-group");
    ASSERT_NE(tree, nullptr);
    std::vector<std::string> order;
    for (const auto& c : tree->children) {
        if (c.name == "layer-tree-layer") {
            EXPECT_EQ(c.attr_or("checked"), "Qt::Checked") << c.attr_or("source");
            EXPECT_TRUE(ids.count(c.attr_or("id")));
            order.push_back(c.attr_or("source"));
        } else if (c.name == "layer-tree-group") {
            EXPECT_EQ(c.attr_or("checked"), "Qt::Unchecked");
            for (const auto& l : c.children)
                if (l.name == "layer-tree-layer") {
                    EXPECT_EQ(l.attr_or("checked"), "Qt::Unchecked");
                    order.push_back(l.attr_or("source"));
                }
        }
    }
    const std::string g = "./minerisk.gpkg|layername=";
    EXPECT_EQ(order, (std::vector<std::string>{g + "zones", g + "survey_referrals", g + "settlements_ranked", g + "incidents", g + "sessions",
                                               g + "hazards", g + "signs", g + "settlements", g + "roads", "./risk.tif",
                                               "./factors/hazard_proximity.tif", "./factors/hazard_proximity.distance.tif"}));
    // Relative paths are resolved against the project file.
    const XNode* abs = q.first("properties")->first("Paths")->first("Absolute");
    EXPECT_EQ(abs->text, "false");
}

TEST(QgisExport, OutputIsDeterministic) {
    HandRun a("det_a");
    HandRun b("det_b");
    for (const char* f : {"minerisk.qgs", "risk.qml", "factors/hazard_proximity.distance.qml"})
        EXPECT_EQ(read_file(a.dir / f), read_file(b.dir / f)) << f;
    Ds da = open_vector(a.gpkg()), db = open_vector(b.gpkg());
    auto ra = style_rows(*da), rb = style_rows(*db);
    ASSERT_EQ(ra.size(), rb.size());
    for (const auto& [name, row] : ra) EXPECT_STREQ(row->GetFieldAsString("styleQML"), rb.at(name)->GetFieldAsString("styleQML"));
}

TEST(QgisExport, LayersOfMixedGeometryOpenOneKindAtATime) {
    HandRun run("mixed", /*mixed_extra=*/true);
    Ds ds = open_vector(run.gpkg());
    ASSERT_TRUE(ds);
    OGRLayer* l = ds->GetLayerByName("extra_layer_styles");
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->GetGeomType(), wkbUnknown);
    EXPECT_EQ(l->GetFeatureCount(), 3);
    const auto rows = style_rows(*ds);
    ASSERT_TRUE(rows.count("extra_layer_styles"));
    const XNode style = parse_xml(rows.at("extra_layer_styles")->GetFieldAsString("styleQML"));
    EXPECT_EQ(style.first("layerGeometryType"), nullptr);  // no kind check: QGIS applies it to either kind
    EXPECT_EQ(style.all("symbol").at(0)->attr_or("type"), "marker");  // the most common kind

    const XNode q = parse_xml(read_file(run.qgs()));
    std::set<std::string> sources;
    for (const XNode* m : q.first("projectlayers")->all("maplayer")) sources.insert(m->first("datasource")->text);
    EXPECT_TRUE(sources.count("./minerisk.gpkg|layername=extra_layer_styles|geometrytype=Point"));
    EXPECT_TRUE(sources.count("./minerisk.gpkg|layername=extra_layer_styles|geometrytype=Polygon"));
}

TEST(QgisExport, WithoutZonesTheLayersAreEmptyButStyled) {
    HandRun run("nozones", false, /*with_zones=*/false);
    Ds ds = open_vector(run.gpkg());
    ASSERT_TRUE(ds);
    EXPECT_EQ(ds->GetLayerByName("zones")->GetFeatureCount(), 0);
    EXPECT_EQ(ds->GetLayerByName("settlements_ranked")->GetFeatureCount(), 0);
    EXPECT_EQ(style_rows(*ds).size(), kVectorLayers.size());
    EXPECT_NO_THROW(parse_xml(read_file(run.qgs())));
}

TEST(QgisExport, OverwritesAnEarlierExport) {
    HandRun run("again");
    const auto again = write_qgis_outputs(run.ctx);
    EXPECT_EQ(again.size(), run.outputs.size());
    Ds ds = open_vector(run.gpkg());
    ASSERT_TRUE(ds);
    EXPECT_EQ(ds->GetLayerByName("zones")->GetFeatureCount(), 3);
    EXPECT_EQ(style_rows(*ds).size(), kVectorLayers.size());
}

// ---- survey referrals, far incidents, settlements as points -----------------------------------------------------------

TEST(QgisExport, SurveyReferralsArePointsWithTheirFiguresAndAPositionForAGps) {
    HandRun run("referrals");
    Ds ds = open_vector(run.gpkg());
    ASSERT_TRUE(ds);
    OGRLayer* r = ds->GetLayerByName("survey_referrals");
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(field_names(r), (std::vector<std::string>{"id", "incidents", "first_date", "last_date", "spread_m", "max_risk",
                                                        "nearest_settlement", "settlement_distance_m", "lon", "lat",
                                                        "incident_fids", "reason"}));
    auto all = features(r);
    ASSERT_EQ(all.size(), 1u);
    const OGRFeature& f = *all[0];
    EXPECT_EQ(f.GetFieldAsInteger("id"), 1);
    EXPECT_EQ(f.GetFieldAsInteger64("incidents"), 1);
    EXPECT_EQ(field(r, "first_date")->GetType(), OFTDate);
    EXPECT_STREQ(f.GetFieldAsString("first_date"), "2019/01/01");
    EXPECT_STREQ(f.GetFieldAsString("last_date"), "2019/01/01");
    EXPECT_NEAR(f.GetFieldAsDouble("max_risk"), 0.25, 1e-12);
    EXPECT_STREQ(f.GetFieldAsString("nearest_settlement"), "Boyuk <Bahmanli>");
    EXPECT_NEAR(f.GetFieldAsDouble("settlement_distance_m"), 1640.1, 1e-9);
    EXPECT_STREQ(f.GetFieldAsString("incident_fids"), "1");  // the source_fid of the incident, as in the incidents layer
    EXPECT_STREQ(f.GetFieldAsString("reason"), "1 incident (2019-01) lies more than 500 m from any recorded hazard and in no zone");
    const OGRPoint* p = f.GetGeometryRef()->toPoint();
    EXPECT_DOUBLE_EQ(p->getX(), 501600);
    EXPECT_DOUBLE_EQ(p->getY(), 4401400);
    // lon/lat: the same point in WGS 84, as OGR transforms it.
    OGRSpatialReference utm, wgs;
    utm.importFromEPSG(32638);
    wgs.SetWellKnownGeogCS("WGS84");
    utm.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&utm, &wgs));
    double x = 501600, y = 4401400;
    ASSERT_TRUE(ct->Transform(1, &x, &y));
    EXPECT_NEAR(f.GetFieldAsDouble("lon"), x, 1e-9);
    EXPECT_NEAR(f.GetFieldAsDouble("lat"), y, 1e-9);
    EXPECT_NEAR(x, 45.02, 0.01);  // UTM 38N, 1.6 km east of its central meridian 45 E
}

TEST(QgisExport, IncidentsSayWhetherTheyAreFarFromEveryHazard) {
    HandRun run("far");
    Ds ds = open_vector(run.gpkg());
    ASSERT_TRUE(ds);
    OGRLayer* inc = ds->GetLayerByName("incidents");
    ASSERT_NE(field(inc, "far_from_hazard"), nullptr);
    EXPECT_EQ(field(inc, "far_from_hazard")->GetSubType(), OFSTBoolean);
    EXPECT_EQ(field_names(inc).back(), "far_from_hazard");
    auto all = features(inc);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0]->GetFieldAsInteger("far_from_hazard"), 0);
    EXPECT_EQ(all[1]->GetFieldAsInteger("far_from_hazard"), 1);
    ds.reset();

    run.zones.incident_far_from_hazard = {-1, 1};  // not judged (e.g. dated after the as-of date): NULL
    write_qgis_outputs(run.ctx);
    ds = open_vector(run.gpkg());
    all = features(ds->GetLayerByName("incidents"));
    EXPECT_TRUE(all[0]->IsFieldNull(all[0]->GetFieldIndex("far_from_hazard")));
    ds.reset();

    run.zones.incident_far_from_hazard.clear();  // the zone stage did not judge them: no field, a plain style
    write_qgis_outputs(run.ctx);
    ds = open_vector(run.gpkg());
    EXPECT_EQ(field(ds->GetLayerByName("incidents"), "far_from_hazard"), nullptr);
    const XNode style = parse_xml(style_rows(*ds).at("incidents")->GetFieldAsString("styleQML"));
    EXPECT_EQ(style.first("renderer-v2")->attr_or("type"), "singleSymbol");
}

TEST(QgisExport, RankedSettlementsArePointsEvenWhereMappedAsOutlines) {
    HandRun run("outline", false, true, /*polygon_settlement=*/true);
    Ds ds = open_vector(run.gpkg());
    ASSERT_TRUE(ds);
    OGRLayer* ranked = ds->GetLayerByName("settlements_ranked");
    EXPECT_EQ(ranked->GetGeomType(), wkbPoint);
    EXPECT_EQ(ranked->GetFeatureCount(), 3);
    auto s3 = feature_where(ranked, "rank", 3);
    ASSERT_TRUE(s3);
    ASSERT_NE(s3->GetGeometryRef(), nullptr);
    const OGRPoint* p = s3->GetGeometryRef()->toPoint();
    // A point inside the L, not its centroid (which lies outside it).
    OGRGeometry* outline = nullptr;
    OGRGeometryFactory::createFromWkt(
        "POLYGON((500000 4403000,500600 4403000,500600 4403200,500200 4403200,500200 4404000,500000 4404000,500000 4403000))",
        nullptr, &outline);
    std::unique_ptr<OGRGeometry> l(outline);
    EXPECT_TRUE(p->Within(l.get())) << p->getX() << " " << p->getY();
    // The outline stays in the settlements input layer; the project has one ranked-settlements layer.
    OGRLayer* input = ds->GetLayerByName("settlements");
    EXPECT_EQ(input->GetGeomType(), wkbUnknown);
    int polygons = 0;
    for (auto& f : features(input)) polygons += f->GetGeometryRef()->getDimension() == 2;
    EXPECT_EQ(polygons, 1);
    const XNode q = parse_xml(read_file(run.qgs()));
    int ranked_layers = 0;
    for (const XNode* m : q.first("projectlayers")->all("maplayer"))
        if (m->first("datasource")->text.find("layername=settlements_ranked") != std::string::npos) {
            ++ranked_layers;
            EXPECT_EQ(m->first("datasource")->text, "./minerisk.gpkg|layername=settlements_ranked");
            EXPECT_EQ(m->attr_or("geometry"), "Point");
        }
    EXPECT_EQ(ranked_layers, 1);
}

TEST(QgisExport, ZonesOnlyGeoPackageHoldsTheReferralsToo) {
    HandRun run("zonesonly");
    const auto files = write_zones_only(run.ctx);
    ASSERT_EQ(files.size(), 1u);
    Ds ds = open_vector(files[0].path);
    ASSERT_TRUE(ds);
    EXPECT_EQ(ds->GetLayerCount(), 3);  // zones, survey_referrals, layer_styles
    EXPECT_EQ(ds->GetLayerByName("zones")->GetFeatureCount(), 3);
    EXPECT_EQ(ds->GetLayerByName("survey_referrals")->GetFeatureCount(), 1);
    EXPECT_EQ(style_rows(*ds).size(), 2u);
}
