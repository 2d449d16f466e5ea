// report.html, zones.csv and settlements.csv from a hand-made run: three zones, settlements with awkward names,
// warnings with markup in them. Checks the page is self-contained, complete and escaped, and the CSVs parse back.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_geometry.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "export/report_format.hpp"
#include "minerisk/exports.hpp"
#include "plugin_harness.hpp"

namespace fs = std::filesystem;
using namespace minerisk;

namespace {

const std::string kAwkward = "O'Brien \"Kh\" <x>, & co";

struct TempDir {
    fs::path path;
    explicit TempDir(const std::string& name) {
        path = fs::temp_directory_path() / ("minerisk_report_" + name + "_" + std::to_string(getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

// RFC 4180: fields separated by commas, records by CRLF (LF accepted), quoted fields with doubled quotes and
// line breaks inside. Returns false on malformed input.
bool parse_csv(const std::string& text, std::vector<std::vector<std::string>>& rows) {
    rows.clear();
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, in_quotes = false, any = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_quotes) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else in_quotes = false;
            } else field += c;
            continue;
        }
        if (c == '"') {
            if (!field.empty() || quoted) return false;  // a quote inside an unquoted field
            quoted = in_quotes = any = true;
        } else if (c == ',') {
            row.push_back(field);
            field.clear();
            quoted = false;
        } else if (c == '\r' || c == '\n') {
            if (c == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n')) return false;
            if (c == '\r') ++i;
            row.push_back(field);
            rows.push_back(row);
            row.clear();
            field.clear();
            quoted = any = false;
        } else {
            if (quoted) return false;  // text after a closing quote
            field += c;
            any = true;
        }
    }
    if (in_quotes) return false;
    if (any || !row.empty()) {
        row.push_back(field);
        rows.push_back(row);
    }
    return true;
}

std::string base64_decode(const std::string& in) {
    auto val = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    std::string out;
    unsigned buf = 0;
    int bits = 0;
    for (char c : in) {
        if (c == '=') break;
        const int v = val(c);
        if (v < 0) continue;
        buf = (buf << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buf >> bits) & 0xFF);
        }
    }
    return out;
}

std::vector<unsigned char> wkb_of(const std::string& wkt) {
    OGRGeometry* g = nullptr;
    EXPECT_EQ(OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &g), OGRERR_NONE) << wkt;
    std::vector<unsigned char> wkb(g->WkbSize());
    g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    delete g;
    return wkb;
}

void write_risk(const fs::path& dir, const GridSpec& g) {
    GDALAllRegister();
    GDALDataset* ds = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(
        (dir / "risk.tif").string().c_str(), static_cast<int>(g.width), static_cast<int>(g.height), 1, GDT_Float32, nullptr);
    ASSERT_NE(ds, nullptr);
    auto gt = g.geotransform();
    ds->SetGeoTransform(gt.data());
    ds->GetRasterBand(1)->SetNoDataValue(std::nan(""));
    std::vector<float> v(static_cast<size_t>(g.cells()));
    for (std::int64_t i = 0; i < g.cells(); ++i) v[static_cast<size_t>(i)] = static_cast<float>(i % g.width) / static_cast<float>(g.width);
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, static_cast<int>(g.width), static_cast<int>(g.height), v.data(),
                                             static_cast<int>(g.width), static_cast<int>(g.height), GDT_Float32, 0, 0),
              CE_None);
    GDALClose(ds);
}

// A whole hand-made run: plan (scenario, inputs, factors), summary (warnings, stages) and three ranked zones.
struct HandRun {
    TempDir dir;
    LoadedPlugin proximity;
    LoadedPlugin fake;
    RunPlan plan;
    RunSummary summary;
    ZoneResult& zones = summary.zones;
    ExportContext ctx;

    explicit HandRun(const std::string& name) : dir(name) {
        const GridSpec grid = test::make_grid(100, 80, 20.0, 400000.0, 4500000.0);
        write_risk(dir.path, grid);

        plan.scenario.name = "Valley <north> & \"east\"";
        plan.scenario.description = "Demo run for the report test.";
        plan.scenario.file = "/data/scenario.yaml";
        plan.scenario.zones.threshold = 0.55;
        plan.scenario.zones.reach = 2500;
        plan.as_of = 19844;  // 2024-05-01
        plan.as_of_reason = "from the scenario";
        plan.grid = grid;
        plan.threads = 4;
        plan.tile_size = 1024;
        plan.inputs.crs_name = "EPSG:32638";
        plan.inputs.crs_reason = "auto: UTM zone of the inputs' centre (45.0E, 40.6N)";
        auto hazards = test::make_layer("hazards",
                                        {{"POLYGON((400100 4499900,400300 4499900,400300 4499700,400100 4499700,400100 4499900))", {{"id", "H-1"}}},
                                         {"POINT(401000 4499000)", {{"id", "H-2"}}}},
                                        {{"id", "text"}});
        hazards.stats.source = "/data/hazards.gpkg";
        hazards.stats.layer_name = "hazards";
        hazards.stats.source_crs = "EPSG:4326";
        hazards.stats.read = 1234;
        hazards.stats.loaded = 1230;
        hazards.stats.repaired = 7;
        hazards.stats.buffered = 15;
        hazards.stats.skipped_null = 3;
        hazards.stats.skipped_bad = 1;
        plan.inputs.layers.push_back(std::move(hazards));
        auto settlements = test::make_layer("settlements", {{"POINT(400500 4499500)", {{"name", kAwkward}}}}, {{"name", "text"}});
        settlements.stats.source = "/data/settlements.csv";
        settlements.stats.source_crs = "EPSG:4326";
        settlements.stats.read = settlements.stats.loaded = 1;
        plan.inputs.layers.push_back(std::move(settlements));

        proximity = test::load_builtin("hazard_proximity");
        BoundFactor f1;
        f1.spec.plugin = "hazard_proximity";
        f1.spec.name = "hazard_proximity";
        f1.spec.weight = 0.6;
        f1.plugin = &proximity;
        f1.params = resolve_params(*proximity.api, {test::param("half_distance", "300")}, Location{"test", 0, 0, "", -1});
        plan.factors.push_back(std::move(f1));
        fake.name = "my_factor";
        fake.version = "0.3.1";
        BoundFactor f2;
        f2.spec.plugin = "my_factor";
        f2.spec.name = "people <nearby>";
        f2.spec.weight = 0.4;
        f2.plugin = &fake;
        plan.factors.push_back(std::move(f2));

        summary.warnings = {"hazards (hazards): 3 features without geometry were skipped (ids 4, 9, 12)",
                            "settlements: <b>population</b> & \"returnee\" fields missing in 2 features"};
        summary.stages = {{"checking plugins", 0.012}, {"reading inputs", 1.5}, {"scoring and writing", 12.25}};
        summary.risk_min = 0;
        summary.risk_mean = 0.21;
        summary.risk_max = 0.97;

        zones.threshold = 0.55;
        zones.factor_names = {"hazard_proximity", "people <nearby>"};
        zones.warnings = {"zones: 2 zones smaller than 1 ha were dropped", summary.warnings[0]};  // one repeated
        const char* wkts[] = {
            "POLYGON((400100 4499900,400500 4499900,400500 4499500,400100 4499500,400100 4499900))",
            "POLYGON((401000 4499000,401400 4499000,401400 4498700,401000 4498700,401000 4499000))",
            "POLYGON((401500 4499800,401800 4499800,401800 4499500,401500 4499500,401500 4499800))"};
        const char* actions[] = {"hold sessions; mark", "refer for non-technical survey", "mark"};
        for (int i = 0; i < 3; ++i) {
            Zone z;
            z.id = 3 - i;  // ids in discovery order differ from ranks
            z.rank = i + 1;
            z.priority = 0.9 - 0.2 * i;
            z.wkb = wkb_of(wkts[i]);
            z.area_m2 = 160000 - 40000 * i;
            z.cells = static_cast<std::int64_t>(z.area_m2 / 400);
            z.mean_risk = 0.8 - 0.1 * i;
            z.max_risk = 0.95 - 0.05 * i;
            z.factor_mean = {0.7, 0.5};
            z.top_factor = i == 1 ? "people <nearby>" : "hazard_proximity";
            z.population_in_reach = 12500.0 / (i + 1);
            z.incidents_all = 5 - i;
            z.incidents_recent = 2;
            z.incidents_far_from_hazards = i;
            z.unmarked_perimeter_m = 1234.4;
            z.last_session = i == 0 ? NAN : 19500.0 + i;
            z.action = actions[i];
            z.reason = "reason for zone " + std::to_string(i + 1) + ": 5 incidents, 2 recent, \"no\" marking";
            ZoneHazard h;
            h.feature = i;
            h.id = "H-" + std::to_string(i + 1);
            h.status = i == 0 ? "CHA" : i == 1 ? "Cleared" : "";
            h.released = i == 1;
            z.hazards.push_back(h);
            ZoneSettlement s;
            s.feature = i;
            s.id = "S" + std::to_string(i + 1);
            s.name = i == 0 ? kAwkward : "Village " + std::to_string(i + 1);
            s.population = 1000.0 * (i + 1);
            z.settlements.push_back(s);
            zones.zones.push_back(z);
        }
        zones.zones[0].settlements.push_back({7, "S7", "Kalan", 250, true, 300});
        zones.zones[0].settlements.push_back({8, "S8", "Yeni Ev", 0, false, 900, /*population_known=*/false});
        zones.zones[0].hazards.push_back({9, "H-9", "sha", "", 10});
        for (int i = 0; i < 2; ++i) {
            SurveyReferral r;
            r.id = i + 1;
            r.x = 401005 + 1000 * i, r.y = 4498505;
            r.incidents = 3 - i;
            r.spread_m = i == 0 ? 412.4 : 120;
            r.first_date = 19000 + i, r.last_date = 19500;
            r.max_risk = 0.31;
            r.nearest_settlement = i == 0 ? kAwkward : "";
            r.settlement_distance_m = i == 0 ? 1305.2 : NAN;
            r.reason = "referral reason " + std::to_string(i + 1) + " <far>";
            r.incident_features = i == 0 ? std::vector<std::int64_t>{0, 2, 5} : std::vector<std::int64_t>{7, 9};
            zones.survey_referrals.push_back(r);
        }
        for (int i = 0; i < 40; ++i) {  // more than the page shows
            RankedSettlement s;
            s.feature = i;
            s.id = "S" + std::to_string(i + 1);
            s.name = i == 0 ? kAwkward : "Village " + std::to_string(i + 1);
            s.rank = i + 1;
            s.priority = 1.0 - i * 0.01;
            s.population = i == 5 ? 0 : 100.0 * (40 - i);
            s.returnee = i % 3 == 0;
            s.risk_mean = 0.5;
            s.risk_max = 0.9;
            s.distance_to_hazard_m = i == 2 ? NAN : 150.0 * i;
            s.incidents_nearby = i % 4;
            s.last_session = i % 2 ? NAN : 19000.0 + i;
            s.zone_id = i < 3 ? 3 - i : 0;
            zones.settlements.push_back(s);
        }

        ctx.plan = &plan;
        ctx.summary = &summary;
        ctx.output_dir = dir.path.string();
        ctx.rasters.push_back({(dir.path / "risk.tif").string(), "risk", "combined risk", "", "risk"});
    }
};

}  // namespace

TEST(Report, NumbersForPeopleAndMachines) {
    using namespace report;
    EXPECT_EQ(human(1234567.891, 1), "1,234,567.9");
    EXPECT_EQ(human(999.5, 0), "1,000");
    EXPECT_EQ(human(-1234.5, 2), "-1,234.50");
    EXPECT_EQ(human(-0.001, 2), "0.00");
    EXPECT_EQ(human(std::nan(""), 2), "-");
    EXPECT_EQ(human_int(12), "12");
    EXPECT_EQ(human_trim(0.50, 3), "0.5");
    EXPECT_EQ(human_trim(1.0, 2), "1");
    EXPECT_EQ(human_trim(12345.25, 2), "12,345.25");
    EXPECT_EQ(human_trim(-0.0001, 2), "0");
    EXPECT_EQ(human_metres(850), "850 m");
    EXPECT_EQ(human_metres(12400), "12.4 km");
    EXPECT_EQ(fixed(0.1234, 3), "0.123");
    EXPECT_EQ(fixed(1e7, 2), "10000000.00");
    EXPECT_EQ(fixed(std::nan(""), 2), "");
    EXPECT_EQ(date_or(19844, "never"), "2024-05-01");
    EXPECT_EQ(date_or(NAN, "never"), "never");
}

TEST(Report, EscapingAndQuoting) {
    using namespace report;
    EXPECT_EQ(html_escape(kAwkward), "O&#39;Brien &quot;Kh&quot; &lt;x&gt;, &amp; co");
    EXPECT_EQ(csv_field(kAwkward), "\"O'Brien \"\"Kh\"\" <x>, & co\"");
    EXPECT_EQ(csv_field("plain"), "plain");
    EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csv_field(" padded"), "\" padded\"");
    EXPECT_EQ(csv_record({"a", "b,c", ""}), "a,\"b,c\",\r\n");
}

TEST(Report, Base64MatchesRfc4648) {
    using namespace report;
    EXPECT_EQ(base64(""), "");
    EXPECT_EQ(base64("f"), "Zg==");
    EXPECT_EQ(base64("fo"), "Zm8=");
    EXPECT_EQ(base64("foo"), "Zm9v");
    EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
    std::string bytes;
    for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
    EXPECT_EQ(base64_decode(base64(bytes)), bytes);
}

TEST(Report, WritesFourFilesAndNothingElse) {
    HandRun r("files");
    write_quicklook(r.ctx);
    const auto files = write_reports(r.ctx);
    ASSERT_EQ(files.size(), 4u);
    std::set<std::string> names;
    for (const auto& f : files) {
        names.insert(fs::path(f.path).filename().string());
        EXPECT_FALSE(f.what.empty());
        EXPECT_TRUE(fs::exists(f.path)) << f.path;
    }
    EXPECT_EQ(names, (std::set<std::string>{"report.html", "zones.csv", "settlements.csv", "survey_referrals.csv"}));
    for (const auto& e : fs::directory_iterator(r.dir.path))
        EXPECT_NE(e.path().filename().string()[0], '.') << "temporary file left: " << e.path();
}

TEST(Report, HtmlHasEveryZoneRowInRankOrder) {
    HandRun r("zones");
    write_quicklook(r.ctx);
    write_reports(r.ctx);
    const std::string html = slurp(r.dir.path / "report.html");
    EXPECT_EQ(count(html, "class=\"zone-row\""), 3u);
    const size_t z1 = html.find("id=\"zone-1\""), z2 = html.find("id=\"zone-2\""), z3 = html.find("id=\"zone-3\"");
    ASSERT_NE(z1, std::string::npos);
    ASSERT_NE(z2, std::string::npos);
    ASSERT_NE(z3, std::string::npos);
    EXPECT_LT(z1, z2);
    EXPECT_LT(z2, z3);
    // Every zone row carries its action and its reason (escaped).
    for (int i = 1; i <= 3; ++i)
        EXPECT_NE(html.find("reason for zone " + std::to_string(i) + ": 5 incidents, 2 recent, &quot;no&quot; marking"), std::string::npos);
    EXPECT_NE(html.find("refer for non-technical survey"), std::string::npos);
    // Settlements: the first 30 of 40.
    EXPECT_EQ(count(html, "class=\"settlement-row\""), 10u);
    EXPECT_NE(html.find("The first 10 of 40 settlements"), std::string::npos);
}

TEST(Report, HtmlHasEveryWarningEscapedOnce) {
    HandRun r("warnings");
    write_reports(r.ctx);
    const std::string html = slurp(r.dir.path / "report.html");
    EXPECT_NE(html.find("hazards (hazards): 3 features without geometry were skipped (ids 4, 9, 12)"), std::string::npos);
    EXPECT_NE(html.find("settlements: &lt;b&gt;population&lt;/b&gt; &amp; &quot;returnee&quot; fields missing in 2 features"),
              std::string::npos);
    EXPECT_EQ(html.find("<b>population</b>"), std::string::npos) << "warning text must not become markup";
    EXPECT_NE(html.find("zones: 2 zones smaller than 1 ha were dropped"), std::string::npos);
    EXPECT_EQ(count(html, "class=\"warning\""), 3u) << "the repeated warning is listed once";
    EXPECT_NE(html.find("Warnings (3)"), std::string::npos);
}

TEST(Report, HtmlIsSelfContained) {
    HandRun r("selfcontained");
    write_quicklook(r.ctx);
    write_reports(r.ctx);
    const std::string html = slurp(r.dir.path / "report.html");
    EXPECT_EQ(html.find("http://"), std::string::npos);
    EXPECT_EQ(html.find("https://"), std::string::npos);
    // No attribute that loads anything from elsewhere: every src is a data: URI, every href an anchor.
    // The values of every ` NAME = "..."` attribute. A plain scan, not std::regex: libstdc++'s regex recurses once
    // per character matched and overflows the stack on the inlined picture in the sanitizer build.
    const auto values_of = [&](const std::string& name) {
        const auto space = [&](size_t i) { return std::isspace(static_cast<unsigned char>(html[i])) != 0; };
        std::vector<std::string> values;
        for (size_t at = html.find(name); at != std::string::npos; at = html.find(name, at + 1)) {
            if (at == 0 || !space(at - 1)) continue;
            size_t p = at + name.size();
            while (p < html.size() && space(p)) ++p;
            if (p >= html.size() || html[p] != '=') continue;
            ++p;
            while (p < html.size() && space(p)) ++p;
            if (p >= html.size() || html[p] != '"') continue;
            const size_t end = html.find('"', p + 1);
            if (end == std::string::npos) break;
            values.push_back(html.substr(p + 1, end - p - 1));
        }
        return values;
    };
    const auto srcs = values_of("src");
    for (const auto& v : srcs) EXPECT_EQ(v.rfind("data:image/png;base64,", 0), 0u) << v.substr(0, 60);
    // The quick-look, and the small map of each zone of the body.
    EXPECT_EQ(srcs.size(), 1u + std::min<size_t>(r.ctx.zones()->zones.size(), 10));
    for (const auto& v : values_of("href")) EXPECT_EQ(v[0], '#') << v;
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_EQ(html.find("@import"), std::string::npos);
    EXPECT_EQ(html.find("url("), std::string::npos);
    EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
    // The inlined picture is quicklook.png byte for byte.
    const size_t at = html.find("data:image/png;base64,");
    ASSERT_NE(at, std::string::npos);
    const size_t start = at + std::string("data:image/png;base64,").size();
    const std::string b64 = html.substr(start, html.find('"', start) - start);
    EXPECT_EQ(base64_decode(b64), slurp(r.dir.path / "quicklook.png"));
}

TEST(Report, HtmlWithoutQuicklookSaysSo) {
    HandRun r("noquicklook");
    write_reports(r.ctx);
    const std::string html = slurp(r.dir.path / "report.html");
    const size_t map = html.find("<section id=\"map\">");
    ASSERT_NE(map, std::string::npos);
    const std::string section = html.substr(map, html.find("</section>", map) - map);
    EXPECT_EQ(section.find("data:image/png"), std::string::npos);
    EXPECT_NE(section.find("No quick-look picture"), std::string::npos);
}

TEST(Report, HtmlEscapesNamesAndTitles) {
    HandRun r("escape");
    write_reports(r.ctx);
    const std::string html = slurp(r.dir.path / "report.html");
    EXPECT_NE(html.find("O&#39;Brien &quot;Kh&quot; &lt;x&gt;, &amp; co"), std::string::npos);
    EXPECT_EQ(html.find(kAwkward), std::string::npos);
    EXPECT_EQ(html.find("<x>"), std::string::npos);
    EXPECT_NE(html.find("<title>Outreach priorities: Valley &lt;north&gt; &amp; &quot;east&quot; (as of 2024-05-01)</title>"),
              std::string::npos);
    EXPECT_NE(html.find("people &lt;nearby&gt;"), std::string::npos);
}

TEST(Report, HtmlListsInputsParametersAndStages) {
    HandRun r("params");
    write_reports(r.ctx);
    const std::string html = slurp(r.dir.path / "report.html");
    // Inputs, with thousands separators.
    EXPECT_EQ(count(html, "class=\"input-row\""), 2u);
    EXPECT_NE(html.find("/data/hazards.gpkg"), std::string::npos);
    EXPECT_NE(html.find("<td data-label=\"Read\" class=\"n\">1,234</td><td data-label=\"Used\" class=\"n\">1,230</td><td data-label=\"Repaired\" "
                        "class=\"n\">7</td><td data-label=\"Buffered\" class=\"n\">15</td><td data-label=\"Skipped\" class=\"n\">4</td>"),
              std::string::npos);
    EXPECT_NE(html.find("3 without geometry, 1 unreadable or collapsed"), std::string::npos);
    // Factors: plugin, version, weight, parameters.
    EXPECT_NE(html.find(r.proximity.version), std::string::npos);
    EXPECT_NE(html.find("half_distance=300"), std::string::npos);
    EXPECT_NE(html.find("0.3.1"), std::string::npos);
    EXPECT_NE(html.find("<td data-label=\"Weight\" class=\"n\">0.6</td>"), std::string::npos);  // weight
    EXPECT_NE(html.find("weighted_sum"), std::string::npos);
    // Zone settings, grid, CRS and why, as of.
    EXPECT_NE(html.find("<th>threshold</th><td class=\"n\">0.55</td>"), std::string::npos);
    EXPECT_NE(html.find("2,500 m"), std::string::npos);
    EXPECT_NE(html.find(r.plan.grid.describe()), std::string::npos);
    EXPECT_NE(html.find("auto: UTM zone of the inputs&#39; centre (45.0E, 40.6N)"), std::string::npos);
    EXPECT_NE(html.find("2024-05-01 (from the scenario)"), std::string::npos);
    // Stages and their total.
    EXPECT_NE(html.find("<td data-label=\"Stage\">scoring and writing</td><td data-label=\"Seconds\" class=\"n\">12.2</td>"), std::string::npos);  // 12.25 -> 12.2 (binary)
    EXPECT_NE(html.find("<td data-label=\"Stage\">checking plugins</td><td data-label=\"Seconds\" class=\"n\">0.01</td>"), std::string::npos);
    EXPECT_NE(html.find("13.8"), std::string::npos);
    // Summary: zones, area, people counted once per settlement.
    EXPECT_NE(html.find("<span class=\"num\">3</span><span class=\"lbl\">zones to act on</span>"), std::string::npos);
    EXPECT_NE(html.find("<span class=\"num\">36.0 ha</span>"), std::string::npos);
    EXPECT_NE(html.find("<span class=\"num\">6,250</span><span class=\"lbl\">people in reach, in 5 settlements</span>"),
              std::string::npos);
}

TEST(Report, HtmlIsTheSameForTheSameRun) {
    HandRun a("same_a"), b("same_b");
    write_quicklook(a.ctx);
    write_quicklook(b.ctx);
    write_reports(a.ctx);
    write_reports(b.ctx);
    EXPECT_EQ(slurp(a.dir.path / "report.html"), slurp(b.dir.path / "report.html"));
    EXPECT_EQ(slurp(a.dir.path / "zones.csv"), slurp(b.dir.path / "zones.csv"));
}

TEST(Report, ZonesCsvParsesBack) {
    HandRun r("zonescsv");
    write_reports(r.ctx);
    std::vector<std::vector<std::string>> rows;
    const std::string text = slurp(r.dir.path / "zones.csv");
    ASSERT_TRUE(parse_csv(text, rows));
    ASSERT_EQ(rows.size(), 4u);
    const std::vector<std::string> header = {"rank", "id", "priority", "area_ha", "mean_risk", "max_risk", "top_factor",
                                             "population_in_reach", "settlements", "returnee_settlements", "hazards",
                                             "hazard_status", "incidents", "incidents_recent", "incidents_far", "unmarked_m",
                                             "last_session", "action", "reason",
                                             // the factors' means, as the GeoPackage's zones layer has them
                                             "mean_hazard_proximity", "mean_people <nearby>"};
    EXPECT_EQ(rows[0], header);
    for (size_t i = 1; i < rows.size(); ++i) {
        ASSERT_EQ(rows[i].size(), header.size()) << "row " << i;
        EXPECT_EQ(rows[i][0], std::to_string(i));
        EXPECT_EQ(rows[i][1], std::to_string(4 - i));  // the zone id beside the rank
    }
    EXPECT_EQ(rows[1][2], "0.9000");
    EXPECT_EQ(rows[1][3], "16.00");
    EXPECT_EQ(rows[1][4], "0.800");
    EXPECT_EQ(rows[1][7], "12500");
    EXPECT_EQ(rows[1][8], kAwkward + " (1000); Kalan (250); Yeni Ev (unknown)");
    EXPECT_EQ(rows[1][10], "H-1; H-9");
    EXPECT_EQ(rows[1][11], "CHA 1, SHA 1");
    EXPECT_EQ(rows[2][11], "cleared 1");
    EXPECT_EQ(rows[3][11], "no status 1");
    EXPECT_EQ(rows[1][15], "1234");
    EXPECT_EQ(rows[1][16], "");  // never
    EXPECT_EQ(rows[2][16], "2023-05-24");
    EXPECT_EQ(rows[2][6], "people <nearby>");
    EXPECT_EQ(rows[1][17], "hold sessions; mark");
    EXPECT_EQ(rows[1][18], "reason for zone 1: 5 incidents, 2 recent, \"no\" marking");
    EXPECT_EQ(rows[1][19], "0.700");
    EXPECT_EQ(rows[1][20], "0.500");
    EXPECT_EQ(text.find('\n'), text.find("\r\n") + 1) << "records end with CRLF";
    EXPECT_NE(text.substr(0, 3), "\xEF\xBB\xBF") << "no byte-order mark";
}

TEST(Report, SettlementsCsvParsesBack) {
    HandRun r("settlementscsv");
    write_reports(r.ctx);
    std::vector<std::vector<std::string>> rows;
    ASSERT_TRUE(parse_csv(slurp(r.dir.path / "settlements.csv"), rows));
    ASSERT_EQ(rows.size(), 41u);
    EXPECT_EQ(rows[0], (std::vector<std::string>{"rank", "priority", "id", "name", "population", "returnee", "risk_mean",
                                                 "risk_max", "dist_hazard_m", "incidents_nearby", "last_session", "zone_rank"}));
    EXPECT_EQ(rows[1][1], "1.0000");  // the priority the rank sorts by, as in the GeoPackage
    EXPECT_EQ(rows[2][1], "0.9900");
    EXPECT_EQ(rows[1][3], kAwkward);
    EXPECT_EQ(rows[1][5], "yes");
    EXPECT_EQ(rows[1][11], "1");  // zone id 3 is rank 1
    EXPECT_EQ(rows[2][11], "2");
    EXPECT_EQ(rows[3][8], "");  // no hazard counted
    EXPECT_EQ(rows[4][11], "");  // in no zone
    EXPECT_EQ(rows[1][10], "2022-01-08");
    for (size_t i = 1; i < rows.size(); ++i) EXPECT_EQ(rows[i][0], std::to_string(i));
}

TEST(Report, NoZonesGivesHeadersAndAnEmptyTable) {
    HandRun r("nozones");
    r.zones.zones.clear();
    r.zones.settlements.clear();
    write_reports(r.ctx);
    std::vector<std::vector<std::string>> rows;
    ASSERT_TRUE(parse_csv(slurp(r.dir.path / "zones.csv"), rows));
    EXPECT_EQ(rows.size(), 1u);
    const std::string html = slurp(r.dir.path / "report.html");
    EXPECT_EQ(count(html, "class=\"zone-row\""), 0u);
    EXPECT_NE(html.find("No zone."), std::string::npos);

    r.ctx.summary = nullptr;
    write_reports(r.ctx);
    ASSERT_TRUE(parse_csv(slurp(r.dir.path / "settlements.csv"), rows));
    EXPECT_EQ(rows.size(), 1u);
}

TEST(Report, ZoneRowsNameTheZoneIdHazardStatusesAndPopulations) {
    HandRun r("zonedetail");
    write_reports(r.ctx);
    const std::string html = slurp(r.dir.path / "report.html");
    // Rank first (the report's "Zone 1"), the zone id under it, as in zones.csv and the GeoPackage.
    EXPECT_NE(html.find("<tr id=\"zone-1\" class=\"zone-row\"><th data-label=\"Rank\" class=\"rank\" scope=\"row\">1<span class=\"zid\">zone id 3</span>"
                        "<a class=\"maplink\" href=\"#zone-map-1\">map</a></th>"),
              std::string::npos);
    EXPECT_NE(html.find("<tr id=\"zone-3\" class=\"zone-row\"><th data-label=\"Rank\" class=\"rank\" scope=\"row\">3<span class=\"zid\">zone id 1</span>"
                        "<a class=\"maplink\" href=\"#zone-map-3\">map</a></th>"),
              std::string::npos);
    // Hazards with their status, and counted by status.
    EXPECT_NE(html.find("2: CHA 1, SHA 1<br><span class=\"list\">H-1 (CHA), H-9 (SHA)</span>"), std::string::npos);
    EXPECT_NE(html.find("H-2 (cleared)"), std::string::npos);
    EXPECT_NE(html.find("H-3 (no status)"), std::string::npos);
    // Settlements with their population.
    EXPECT_NE(html.find("O&#39;Brien &quot;Kh&quot; &lt;x&gt;, &amp; co (1,000); Kalan (250); Yeni Ev (unknown)"), std::string::npos);
    // The summary tells active hazards from released ones, each counted once.
    EXPECT_NE(html.find("<span class=\"num\">3</span><span class=\"lbl\">active hazards touched (CHA, SHA, ...)</span>"),
              std::string::npos);
    EXPECT_NE(html.find("<span class=\"num\">1</span><span class=\"lbl\">released hazard touched (cleared or cancelled)</span>"),
              std::string::npos);
    EXPECT_EQ(html.find("recorded hazards touched"), std::string::npos);
}

TEST(Report, HtmlHasASurveyReferralSectionWithEveryReferral) {
    HandRun r("referrals");
    write_reports(r.ctx);
    const std::string html = slurp(r.dir.path / "report.html");
    EXPECT_NE(html.find("<a href=\"#referrals\">Survey referrals</a>"), std::string::npos);
    const size_t section = html.find("<section id=\"referrals\">");
    ASSERT_NE(section, std::string::npos);
    EXPECT_LT(html.find("<section id=\"zones\">"), section);
    EXPECT_LT(section, html.find("<section id=\"settlements\">"));
    EXPECT_NE(html.find("Survey referrals outside zones (2)"), std::string::npos);
    EXPECT_EQ(count(html, "class=\"referral-row\""), 2u);
    EXPECT_LT(html.find("id=\"referral-1\""), html.find("id=\"referral-2\""));
    EXPECT_NE(html.find("referral reason 1 &lt;far&gt;"), std::string::npos);
    EXPECT_NE(html.find("referral reason 2 &lt;far&gt;"), std::string::npos);
    EXPECT_NE(html.find("E 401005 N 4498505"), std::string::npos);
    EXPECT_NE(html.find("&deg; N, "), std::string::npos);  // WGS 84 for a GPS
    EXPECT_NE(html.find("<td data-label=\"Dates\" class=\"nowrap\">2022-01-08<br>to 2023-05-23</td>"), std::string::npos);
    EXPECT_NE(html.find("412 m"), std::string::npos);
    // The summary counts them and links to the section.
    EXPECT_NE(html.find("<a href=\"#referrals\">2</a></span><span class=\"lbl\">survey referrals outside zones (5 incidents)</span>"),
              std::string::npos);

    r.zones.survey_referrals.clear();
    write_reports(r.ctx);
    const std::string none = slurp(r.dir.path / "report.html");
    EXPECT_NE(none.find("Survey referrals outside zones (0)"), std::string::npos);
    EXPECT_EQ(count(none, "class=\"referral-row\""), 0u);
}

TEST(Report, SurveyReferralsCsvParsesBack) {
    HandRun r("referralscsv");
    write_reports(r.ctx);
    std::vector<std::vector<std::string>> rows;
    ASSERT_TRUE(parse_csv(slurp(r.dir.path / "survey_referrals.csv"), rows));
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0], (std::vector<std::string>{"id", "incidents", "first_date", "last_date", "x", "y", "lon", "lat", "spread_m",
                                                 "max_risk", "nearest_settlement", "settlement_distance_m", "incident_fids",
                                                 "reason"}));
    EXPECT_EQ(rows[1][0], "1");
    EXPECT_EQ(rows[1][1], "3");
    EXPECT_EQ(rows[1][2], "2022-01-08");
    EXPECT_EQ(rows[1][3], "2023-05-23");
    EXPECT_EQ(rows[1][4], "401005.0");
    EXPECT_EQ(rows[1][5], "4498505.0");
    const double lon = std::stod(rows[1][6]), lat = std::stod(rows[1][7]);
    EXPECT_GT(lon, 43.0);  // UTM 38N lies between 42 E and 48 E
    EXPECT_LT(lon, 46.0);
    EXPECT_GT(lat, 40.0);
    EXPECT_LT(lat, 41.0);
    EXPECT_EQ(rows[1][8], "412");
    EXPECT_EQ(rows[1][9], "0.310");
    EXPECT_EQ(rows[1][10], kAwkward);
    EXPECT_EQ(rows[1][11], "1305");
    EXPECT_EQ(rows[1][12], "0; 2; 5");  // no incidents layer in this run: the incidents' indices
    EXPECT_EQ(rows[1][13], "referral reason 1 <far>");
    EXPECT_EQ(rows[2][10], "");
    EXPECT_EQ(rows[2][11], "");

    r.zones = ZoneResult{};  // no referrals
    write_reports(r.ctx);
    ASSERT_TRUE(parse_csv(slurp(r.dir.path / "survey_referrals.csv"), rows));
    EXPECT_EQ(rows.size(), 1u);  // the header alone
}
