// End to end: the minerisk command line on the bundled demo, with every output opened by GDAL/OGR; and the
// command line's own behaviour: usage errors, progress, the summary, the disk guard.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "minerisk/pipeline.hpp"
#include "minerisk/surfaces.hpp"
#include <regex>
#include <sstream>

namespace fs = std::filesystem;

namespace {

struct Result {
    int code = -1;
    std::string out, err;
};

// Runs the CLI with arguments, capturing stdout and stderr.
Result cli(const std::string& args) {
    const fs::path dir = fs::temp_directory_path() / ("minerisk-cli-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string out = (dir / "out.txt").string(), err = (dir / "err.txt").string();
    const std::string cmd = std::string(MINERISK_CLI) + " " + args + " >" + out + " 2>" + err;
    const int status = std::system(cmd.c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::stringstream so, se;
    so << std::ifstream(out).rdbuf();
    se << std::ifstream(err).rdbuf();
    r.out = so.str();
    r.err = se.str();
    return r;
}

std::string file_text(const fs::path& p) {
    std::stringstream ss;
    ss << std::ifstream(p).rdbuf();
    return ss.str();
}

// One demo run shared by the tests that only read its outputs: ctest runs it once as the fixture
// `demo_run`; run by hand, the first test makes it.
class DemoRun : public ::testing::Test {
protected:
    static fs::path out;
    static Result result;
    static void SetUpTestSuite() {
        GDALAllRegister();
        out = MINERISK_DEMO_OUTPUT;
        const fs::path summary = out.string() + ".summary.txt";
        if (!fs::exists(out / "run.json") || !fs::exists(summary)) {
            fs::create_directories(out);
            const Result r = cli("demo -q --overwrite -o " + out.string());
            std::ofstream(summary) << r.out;
            if (r.code != 0) {
                result = r;
                return;
            }
        }
        std::stringstream ss;
        ss << std::ifstream(summary).rdbuf();
        result.code = 0;
        result.out = ss.str();
    }
};
fs::path DemoRun::out;
Result DemoRun::result;

struct Raster {
    std::unique_ptr<GDALDataset> ds;
    std::vector<float> v;
    explicit Raster(const fs::path& p) {
        ds.reset(static_cast<GDALDataset*>(GDALOpen(p.string().c_str(), GA_ReadOnly)));
        if (!ds) return;
        v.resize(static_cast<size_t>(ds->GetRasterXSize()) * ds->GetRasterYSize());
        if (ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, ds->GetRasterXSize(), ds->GetRasterYSize(), v.data(),
                                           ds->GetRasterXSize(), ds->GetRasterYSize(), GDT_Float32, 0, 0) != CE_None)
            v.clear();
    }
};

TEST_F(DemoRun, ExitsZeroAndSummarises) {
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_NE(result.out.find("grid: "), std::string::npos);
    EXPECT_NE(result.out.find("EPSG:32638"), std::string::npos);
    EXPECT_NE(result.out.find("time per stage"), std::string::npos);
    EXPECT_NE(result.out.find("repaired"), std::string::npos);
    EXPECT_NE(result.out.find("as of: 2026-07-01 (from the scenario)"), std::string::npos) << result.out;
}

TEST(Cli, QuietRunPrintsNothingOnStderr) {
    const fs::path dir = fs::temp_directory_path() / ("minerisk-quiet-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const Result r = cli("run -q --tile-size 512 -o " + dir.string() + " " + MINERISK_TESTDATA + "/demo/scenario.yaml");
    fs::remove_all(dir);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "");
}

TEST_F(DemoRun, EveryRasterOpensWithGdalOnTheSameGrid) {
    ASSERT_EQ(result.code, 0) << result.err;
    std::vector<fs::path> rasters;
    for (const auto& e : fs::recursive_directory_iterator(out))
        if (e.path().extension() == ".tif") rasters.push_back(e.path());
    ASSERT_GE(rasters.size(), 6u);  // risk, two factors, three extra bands
    Raster risk(out / "risk.tif");
    ASSERT_TRUE(risk.ds);
    double gt0[6];
    risk.ds->GetGeoTransform(gt0);
    for (const auto& p : rasters) {
        Raster r(p);
        ASSERT_TRUE(r.ds) << p;
        EXPECT_EQ(r.ds->GetRasterXSize(), risk.ds->GetRasterXSize()) << p;
        EXPECT_EQ(r.ds->GetRasterYSize(), risk.ds->GetRasterYSize()) << p;
        double gt[6];
        r.ds->GetGeoTransform(gt);
        for (int i = 0; i < 6; ++i) EXPECT_DOUBLE_EQ(gt[i], gt0[i]) << p;
        EXPECT_DOUBLE_EQ(gt[1], 20.0);
        const OGRSpatialReference* srs = r.ds->GetSpatialRef();
        ASSERT_NE(srs, nullptr) << p;
        EXPECT_STREQ(srs->GetAuthorityCode(nullptr), "32638") << p;
        EXPECT_FALSE(r.v.empty()) << p;
        EXPECT_STRNE(r.ds->GetRasterBand(1)->GetDescription(), "") << p;
        const char* software = r.ds->GetMetadataItem("TIFFTAG_SOFTWARE");
        EXPECT_EQ(std::string(software ? software : "").rfind("minerisk ", 0), 0u) << p << ": the TIFF Software tag";
    }
    // No temporary file is left behind.
    for (const auto& e : fs::recursive_directory_iterator(out)) EXPECT_EQ(e.path().extension(), e.path().extension() == ".part" ? ".none" : e.path().extension());
}

TEST_F(DemoRun, RastersAreValidCloudOptimizedGeoTiffs) {
    ASSERT_EQ(result.code, 0) << result.err;
    const char* validator = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py";
    if (!fs::exists(validator)) GTEST_SKIP() << "GDAL's COG validator (python3-gdal) is not installed";
    for (const auto& e : fs::recursive_directory_iterator(out)) {
        if (e.path().extension() != ".tif") continue;
        const std::string cmd = std::string("/usr/bin/python3 ") + validator + " -q '" + e.path().string() + "'";
        EXPECT_EQ(std::system(cmd.c_str()), 0) << e.path() << " is not a valid COG";
        Raster r(e.path());
        EXPECT_GE(r.ds->GetRasterBand(1)->GetOverviewCount(), 1) << e.path();
        int has_nodata = 0;
        r.ds->GetRasterBand(1)->GetNoDataValue(&has_nodata);
        EXPECT_TRUE(has_nodata) << e.path();
    }
}

TEST_F(DemoRun, RiskAndFactorsAreInZeroOne) {
    ASSERT_EQ(result.code, 0) << result.err;
    for (const char* f : {"risk.tif", "factors/hazard_proximity.tif", "factors/incident_density.tif"}) {
        Raster r(out / f);
        ASSERT_FALSE(r.v.empty()) << f;
        float lo = 1, hi = 0;
        for (float x : r.v) {
            ASSERT_FALSE(std::isnan(x)) << f;
            lo = std::min(lo, x), hi = std::max(hi, x);
        }
        EXPECT_GE(lo, 0.0f) << f;
        EXPECT_LE(hi, 1.0f) << f;
        EXPECT_GT(hi, 0.5f) << f;  // something is risky in the demo
    }
}

TEST_F(DemoRun, RiskIsTheWeightedSumOfTheFactors) {
    ASSERT_EQ(result.code, 0) << result.err;
    std::ifstream in(out / "run.json");
    const auto j = nlohmann::json::parse(in);
    ASSERT_EQ(j["scoring"]["method"], "weighted_sum");
    Raster risk(out / "risk.tif");
    std::vector<std::pair<double, Raster>> factors;
    double total = 0;
    for (const auto& f : j["scoring"]["factors"]) {
        factors.emplace_back(f["weight"].get<double>(), Raster(out / "factors" / (f["name"].get<std::string>() + ".tif")));
        total += f["weight"].get<double>();
        ASSERT_EQ(factors.back().second.v.size(), risk.v.size()) << f["name"];
    }
    ASSERT_GE(factors.size(), 6u);  // every built-in factor takes part in the demo
    for (size_t i = 0; i < risk.v.size(); i += 997) {
        double expected = 0;
        for (const auto& [w, r] : factors) expected += w / total * r.v[i];
        EXPECT_NEAR(risk.v[i], expected, 1e-6) << "cell " << i;
    }
}

TEST_F(DemoRun, EachFactorBehavesAsTheModelSays) {
    ASSERT_EQ(result.code, 0) << result.err;
    // marking_gap: inside a fully signed hazard the share is 0; inside an unsigned one it is 1; both occur.
    Raster share(out / "factors/marking_gap.unmarked_share.tif"), gap(out / "factors/marking_gap.tif");
    size_t fully_marked = 0, unmarked = 0;
    for (size_t i = 0; i < share.v.size(); ++i) {
        if (std::isnan(share.v[i])) continue;
        if (share.v[i] == 0.0f) {
            ++fully_marked;
            EXPECT_LT(gap.v[i], 1.0f);
        }
        if (share.v[i] == 1.0f) {
            ++unmarked;
            EXPECT_EQ(gap.v[i], 1.0f);
        }
    }
    EXPECT_GT(fully_marked, 100u);
    EXPECT_GT(unmarked, 100u);
    // population_exposure: its people band is largest at a settlement and zero far from all of them.
    Raster people(out / "factors/population_exposure.people.tif"), pop(out / "factors/population_exposure.tif");
    float max_people = 0;
    size_t zero = 0;
    for (size_t i = 0; i < people.v.size(); ++i) {
        max_people = std::max(max_people, people.v[i]);
        zero += people.v[i] == 0.0f;
        if (people.v[i] == 0.0f) {
            EXPECT_EQ(pop.v[i], 0.0f);
        }
    }
    EXPECT_GT(max_people, 1000.0f);
    EXPECT_GT(zero, 1000u);
    // outreach_gap: 1 at a never-visited settlement (days band 36500); on average far lower around
    // settlements visited in the last 100 days.
    Raster og(out / "factors/outreach_gap.tif"), days(out / "factors/outreach_gap.days_since_session.tif");
    size_t never = 0, recent = 0;
    double never_sum = 0, recent_sum = 0;
    for (size_t i = 0; i < og.v.size(); ++i) {
        if (days.v[i] == 36500.0f) ++never, never_sum += og.v[i];
        if (days.v[i] < 100.0f) ++recent, recent_sum += og.v[i];
    }
    ASSERT_GT(never, 0u);
    ASSERT_GT(recent, 0u);
    EXPECT_GT(never_sum / never, 2 * recent_sum / recent);
    // incident_density: the score is a rising function of the density band (a robust normalisation), it is
    // 1 at the densest cells, zero where no incident lies within the kernel's radius, and positive at the cell
    // of every incident the run used (the incidents layer of minerisk.gpkg, in the working CRS).
    Raster id(out / "factors/incident_density.tif"), density(out / "factors/incident_density.density.tif");
    std::vector<std::pair<float, float>> by_density;
    for (size_t i = 0; i < id.v.size(); i += 7) by_density.emplace_back(density.v[i], id.v[i]);
    std::sort(by_density.begin(), by_density.end());
    size_t no_density = 0;
    for (size_t k = 0; k < by_density.size(); ++k) {
        if (by_density[k].first == 0.0f) {
            ++no_density;
            EXPECT_EQ(by_density[k].second, 0.0f) << "a score without any incident in reach";
        }
        if (k > 0) {
            EXPECT_GE(by_density[k].second, by_density[k - 1].second - 1e-6f) << "the score fell as the density rose";
        }
    }
    EXPECT_GT(no_density, by_density.size() / 10) << "the demo has land far from every incident";
    EXPECT_EQ(by_density.back().second, 1.0f);
    {
        std::unique_ptr<GDALDataset> gpkg(static_cast<GDALDataset*>(
            GDALOpenEx((out / "minerisk.gpkg").string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
        ASSERT_TRUE(gpkg);
        OGRLayer* incidents = gpkg->GetLayerByName("incidents");
        ASSERT_NE(incidents, nullptr);
        double gt[6];
        id.ds->GetGeoTransform(gt);
        const int w = id.ds->GetRasterXSize(), h = id.ds->GetRasterYSize();
        size_t at_incident = 0, positive = 0;
        for (auto& f : *incidents) {
            const OGRPoint* p = f->GetGeometryRef() ? f->GetGeometryRef()->toPoint() : nullptr;
            if (!p) continue;
            const int col = static_cast<int>(std::floor((p->getX() - gt[0]) / gt[1]));
            const int row = static_cast<int>(std::floor((p->getY() - gt[3]) / gt[5]));
            if (col < 0 || row < 0 || col >= w || row >= h) continue;
            ++at_incident;
            positive += density.v[static_cast<size_t>(row) * w + col] > 0.0f;
        }
        EXPECT_GT(at_incident, 900u);
        EXPECT_EQ(positive, at_incident) << "an incident's own cell has no density";
    }
    // land_use (raster_factor): only the class scores of the table appear.
    Raster lu(out / "factors/land_use.tif");
    for (size_t i = 0; i < lu.v.size(); i += 101) {
        const float v = lu.v[i];
        EXPECT_TRUE(v == 0.4f || v == 0.8f || v == 1.0f || v == 0.6f || v == 0.1f || v == 0.0f) << v;
    }
}

TEST_F(DemoRun, HazardProximityFallsWithDistance) {
    ASSERT_EQ(result.code, 0) << result.err;
    Raster hp(out / "factors/hazard_proximity.tif"), dist(out / "factors/hazard_proximity.distance.tif"),
        weight(out / "factors/hazard_proximity.hazard_weight.tif");
    // Inside counted hazards the distance is 0 and the score is at least the hazard's weight (a heavier
    // hazard nearby may raise it), and most cells there score exactly their weight.
    size_t inside = 0, exact = 0;
    for (size_t i = 0; i < hp.v.size(); ++i)
        if (weight.v[i] > 0) {
            ++inside;
            EXPECT_EQ(dist.v[i], 0.0f);
            ASSERT_GE(hp.v[i], weight.v[i] - 1e-6);
            exact += std::fabs(hp.v[i] - weight.v[i]) < 1e-6;
        }
    EXPECT_GT(inside, 1000u);
    EXPECT_GT(exact, inside * 9 / 10);
    // Mean score by distance band decreases.
    double sum[4] = {0}, n[4] = {0};
    for (size_t i = 0; i < hp.v.size(); ++i) {
        const float d = dist.v[i];
        if (std::isnan(d)) continue;
        const int band = d == 0 ? 0 : d < 250 ? 1 : d < 1000 ? 2 : 3;
        sum[band] += hp.v[i], n[band] += 1;
    }
    for (int b = 0; b < 3; ++b) EXPECT_GT(sum[b] / n[b], sum[b + 1] / n[b + 1]) << "band " << b;
}

TEST_F(DemoRun, RunJsonRecordsScenarioPluginsAndWeights) {
    ASSERT_EQ(result.code, 0) << result.err;
    std::ifstream in(out / "run.json");
    const auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j["scoring"]["method"], "weighted_sum");
    ASSERT_EQ(j["scoring"]["factors"].size(), 6u);
    EXPECT_EQ(j["scoring"]["factors"][0]["plugin"], "hazard_proximity");
    EXPECT_EQ(j["scoring"]["factors"][0]["weight"], 0.35);
    EXPECT_FALSE(j["scoring"]["factors"][0]["version"].get<std::string>().empty());
    EXPECT_EQ(j["inputs"][0]["repaired"], 6);
    for (const char* lib : {"gdal", "geos", "proj"})
        EXPECT_FALSE(j["libraries"][lib].get<std::string>().empty()) << "run.json names the " << lib << " version";
    Raster risk(out / "risk.tif");
    EXPECT_NE(std::string(risk.ds->GetMetadataItem("MINERISK_FACTORS")).find("hazard_proximity"), std::string::npos);
}

TEST_F(DemoRun, ExistingOutputFolderIsNotOverwrittenWithoutFlag) {
    ASSERT_EQ(result.code, 0) << result.err;
    const Result again = cli("demo -q -o " + out.string());
    EXPECT_NE(again.code, 0);
    EXPECT_NE(again.err.find("--overwrite"), std::string::npos) << again.err;
}

TEST(Cli, ValidatePrintsTheGridWithoutWriting) {
    const Result r = cli(std::string("validate ") + MINERISK_TESTDATA + "/demo/scenario.yaml");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("grid: "), std::string::npos);
    EXPECT_NE(r.out.find("tiles: "), std::string::npos);
    EXPECT_NE(r.out.find("The scenario is valid."), std::string::npos);
}

TEST(Cli, InfoPrintsLibraryVersions) {
    const Result r = cli("info");
    ASSERT_EQ(r.code, 0) << r.err;
    for (const char* lib : {"minerisk", "GDAL", "GEOS", "PROJ"}) EXPECT_NE(r.out.find(lib), std::string::npos) << lib;
}

TEST(Cli, HelpOnEveryCommand) {
    for (const char* c : {"", "run ", "validate ", "demo ", "info ", "plugins "}) {
        const Result r = cli(std::string(c) + "--help");
        EXPECT_EQ(r.code, 0) << c;
        EXPECT_NE(r.out.find("Usage"), std::string::npos) << c << r.out;
    }
}

TEST(Cli, VersionPrintsOneLineWithTheLibraries) {
    const Result r = cli("--version");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("minerisk ", 0), 0u) << r.out;
    for (const char* lib : {"GDAL ", "GEOS ", "PROJ "}) EXPECT_NE(r.out.find(lib), std::string::npos) << lib << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
}

TEST(Cli, BadScenarioFailsWithOneLineNamingFileAndLine) {
    const fs::path dir = fs::temp_directory_path() / ("minerisk-bad-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "s.yaml") << "name: x\nresolutoin: 20\n";
    const Result r = cli("validate " + (dir / "s.yaml").string());
    fs::remove_all(dir);
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.err.find("s.yaml:2:1"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("did you mean 'resolution'"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// The QGIS GeoPackage opens with OGR: every layer, in the working CRS, with the counts run.json gives, and
// a default style for each.
TEST_F(DemoRun, GeoPackageOpensWithOgrWithEveryLayerAndStyle) {
    ASSERT_EQ(result.code, 0) << result.err;
    const auto j = nlohmann::json::parse(std::ifstream(out / "run.json"));
    std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(
        GDALOpenEx((out / "minerisk.gpkg").c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    ASSERT_TRUE(ds) << "minerisk.gpkg does not open with OGR";
    EXPECT_STREQ(ds->GetDriver()->GetDescription(), "GPKG");
    std::map<std::string, OGRLayer*> layers;
    for (int i = 0; i < ds->GetLayerCount(); ++i) layers[ds->GetLayer(i)->GetName()] = ds->GetLayer(i);
    for (const char* name : {"zones", "settlements_ranked", "hazards", "incidents", "settlements", "signs", "sessions", "layer_styles"})
        ASSERT_TRUE(layers.count(name)) << "no layer " << name << " in minerisk.gpkg";
    // The zones: as many as run.json says, polygons in the working CRS, ranked 1..N.
    OGRLayer* zones = layers["zones"];
    EXPECT_EQ(zones->GetFeatureCount(), j["zones"]["count"].get<long long>());
    EXPECT_GT(zones->GetFeatureCount(), 0);
    EXPECT_EQ(wkbFlatten(zones->GetGeomType()) == wkbMultiPolygon || wkbFlatten(zones->GetGeomType()) == wkbPolygon, true);
    ASSERT_NE(zones->GetSpatialRef(), nullptr);
    EXPECT_STREQ(zones->GetSpatialRef()->GetAuthorityCode(nullptr), "32638");
    EXPECT_GE(zones->GetLayerDefn()->GetFieldIndex("rank"), 0);
    zones->ResetReading();
    std::vector<int> ranks;
    for (auto& f : *zones) {
        ranks.push_back(f->GetFieldAsInteger("rank"));
        ASSERT_NE(f->GetGeometryRef(), nullptr);
        EXPECT_TRUE(f->GetGeometryRef()->IsValid()) << "zone rank " << ranks.back();
    }
    std::sort(ranks.begin(), ranks.end());
    for (size_t i = 0; i < ranks.size(); ++i) EXPECT_EQ(ranks[i], static_cast<int>(i + 1));
    // The inputs as used: as many features as run.json says were loaded.
    for (const auto& in : j["inputs"]) {
        const std::string role = in["role"];
        ASSERT_TRUE(layers.count(role)) << role;
        EXPECT_EQ(layers[role]->GetFeatureCount(), in["loaded"].get<long long>()) << role;
    }
    // One default style per layer.
    OGRLayer* styles = layers["layer_styles"];
    std::set<std::string> styled;
    styles->ResetReading();
    for (auto& f : *styles)
        if (f->GetFieldAsInteger("useAsDefault")) styled.insert(f->GetFieldAsString("f_table_name"));
    for (const auto& [name, layer] : layers)
        if (name != "layer_styles") {
            EXPECT_TRUE(styled.count(name)) << "no default style for " << name;
        }
}

// ---- the command line itself -------------------------------------------------------------------------------

TEST(Cli, UsageErrorsAreOneLineExitTwoAndPointAtHelp) {
    struct Case {
        std::string args, expect;
    };
    for (const Case& c : {Case{"run", "minerisk: error: scenario is required (see minerisk run --help)"},
                          Case{"run no-such.yaml -o x", "(see minerisk run --help)"},
                          Case{"validate --bogus " + std::string(MINERISK_TESTDATA) + "/demo/scenario.yaml",
                               "The following argument was not expected: --bogus (see minerisk validate --help)"},
                          Case{"frobnicate", "unknown command 'frobnicate'; the commands are run, validate"},
                          Case{"", "(see minerisk --help)"},
                          Case{"--progress=sometimes info", "--progress"}}) {
        SCOPED_TRACE(c.args);
        const Result r = cli(c.args);
        EXPECT_EQ(r.code, 2) << r.err;
        EXPECT_EQ(r.err.rfind("minerisk: error: ", 0), 0u) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("--help)"), std::string::npos) << r.err;
    }
}

// Off a terminal (and with --progress=gdal): GDAL's own progress, one line per stage.
TEST(Cli, ProgressOffATerminalIsGdalStyleOneLinePerStage) {
    for (const std::string opt : {"", "--progress=gdal "}) {
        SCOPED_TRACE(opt);
        const Result r = cli(opt + "validate " + std::string(MINERISK_TESTDATA) + "/demo/scenario.yaml");
        ASSERT_EQ(r.code, 0) << r.err;
        std::istringstream lines(r.err);
        std::string line;
        std::vector<std::string> stages;
        const std::regex gdal_line(R"re(^([a-z ]+): 0\.\.\.10\.\.\.20\.\.\.30\.\.\.40\.\.\.50\.\.\.60\.\.\.70\.\.\.80\.\.\.90\.\.\.100 - done\.$)re");
        while (std::getline(lines, line)) {
            std::smatch m;
            ASSERT_TRUE(std::regex_match(line, m, gdal_line)) << "not a GDAL progress line: '" << line << "'";
            stages.push_back(m[1]);
        }
        EXPECT_EQ(stages, (std::vector<std::string>{"checking plugins", "reading inputs"}));
    }
    // --progress=none and -q: nothing.
    EXPECT_EQ(cli("--progress=none validate " + std::string(MINERISK_TESTDATA) + "/demo/scenario.yaml").err, "");
    // --progress=bar: the bar (redrawn with carriage returns), also into a file when asked for.
    const Result bar = cli("--progress=bar validate " + std::string(MINERISK_TESTDATA) + "/demo/scenario.yaml");
    EXPECT_NE(bar.err.find("\rreading inputs"), std::string::npos) << bar.err;
    EXPECT_NE(bar.err.find("100%"), std::string::npos) << bar.err;
}

// validate prints the grid's size, the memory and the disk space a run needs; a scenario without a name is
// named by its file; a PROJ-string CRS by its string.
TEST(Cli, ValidatePrintsGridMemoryAndDiskAndNamesWhatHasNoName) {
    const fs::path dir = fs::temp_directory_path() / ("minerisk-validate-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string data = std::string(MINERISK_TESTDATA) + "/demo/data/";
    std::ofstream(dir / "unnamed.yaml") << "crs: '+proj=utm +zone=38 +datum=WGS84 +units=m +no_defs'\nresolution: 50\n"
                                        << "inputs:\n  hazards: " << data << "hazards.gpkg\n"
                                        << "scoring:\n  factors:\n    - plugin: hazard_proximity\n";
    const Result r = cli("validate -q " + (dir / "unnamed.yaml").string());
    fs::remove_all(dir);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("scenario: unnamed.yaml (no 'name' in the scenario)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("working CRS: +proj=utm +zone=38 +datum=WGS84 +units=m +no_defs (EPSG:32638)"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("unknown"), std::string::npos) << r.out;
    EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(grid: \d+ x \d+ cells of 50 m \([0-9.]+ M cells\))"))) << r.out;
    EXPECT_NE(r.out.find("memory needed: about"), std::string::npos) << r.out;
    // risk + hazard_proximity + its two extra bands
    EXPECT_NE(r.out.find("disk needed for the outputs: about"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("(4 float32 raster(s) written uncompressed first)"), std::string::npos) << r.out;
}

// A run whose outputs cannot fit on the disk is refused before any work, with the sizes and what to do.
TEST(Cli, RunIsRefusedBeforeAnyWorkWhenTheDiskIsTooSmall) {
    const fs::path dir = fs::temp_directory_path() / ("minerisk-disk-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    // The demo's hazards at 0.5 m: about 1.4e10 cells, 4 rasters of 56 GB each.
    std::ofstream(dir / "s.yaml") << "name: huge\ncrs: EPSG:32638\nresolution: 0.5\ninputs:\n  hazards: " << MINERISK_TESTDATA
                                  << "/demo/data/hazards.gpkg\nscoring:\n  factors:\n    - plugin: hazard_proximity\n"
                                  << "run:\n  max_cells: 1e11\n";
    const std::uintmax_t free_bytes = fs::space(dir).available;
    if (free_bytes > 300ull * 1000 * 1000 * 1000) GTEST_SKIP() << "this disk has room for the outputs";
    const Result r = cli("run -q -o " + (dir / "out").string() + " " + (dir / "s.yaml").string());
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_NE(r.err.find("the outputs need about"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("on disk, and the file system of the output folder has only"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("choose an output folder on another disk"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(dir / "out")) << "the refused run created its output folder";
    fs::remove_all(dir);
}

// Every output in the summary is an absolute path, whatever the -o given (here a relative one).
TEST(Cli, SummaryListsEveryOutputWithItsAbsolutePath) {
    const fs::path dir = fs::temp_directory_path() / ("minerisk-abs-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "s.yaml") << "name: small\ncrs: EPSG:32638\nresolution: 100\ninputs:\n  hazards: " << MINERISK_TESTDATA
                                  << "/demo/data/hazards.gpkg\nscoring:\n  factors:\n    - plugin: hazard_proximity\n";
    // Run from the scratch folder, with a relative output folder.
    const std::string cmd = "cd '" + dir.string() + "' && " + std::string(MINERISK_CLI) + " run -q -o rel-out s.yaml > summary.txt 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << file_text(dir / "summary.txt");
    std::ifstream in(dir / "summary.txt");
    std::string line;
    bool in_outputs = false;
    size_t listed = 0;
    while (std::getline(in, line)) {
        if (line == "outputs:") {
            in_outputs = true;
            continue;
        }
        if (!in_outputs) continue;
        ASSERT_EQ(line.rfind("  /", 0), 0u) << "not an absolute path: " << line;
        ++listed;
        if (line.find("run.json") != std::string::npos) {
            EXPECT_EQ(line.rfind("  " + (dir / "rel-out" / "run.json").string(), 0), 0u) << line;
        }
    }
    EXPECT_GE(listed, 5u);
    fs::remove_all(dir);
}

TEST(Cli, PluginsListsTheBuiltIns) {
    const Result r = cli("plugins");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("hazard_proximity"), std::string::npos);
    EXPECT_NE(r.out.find("incident_density"), std::string::npos);
    const Result one = cli("plugins hazard_proximity");
    ASSERT_EQ(one.code, 0);
    EXPECT_NE(one.out.find("half_distance"), std::string::npos);
}

}  // namespace

namespace {

// Surfaces computed in memory are the rasters a run writes, cell for cell.
TEST_F(DemoRun, SurfacesInMemoryEqualTheWrittenRasters) {
    ASSERT_EQ(result.code, 0) << result.err;
    minerisk::RunOptions o;
    minerisk::RunPlan plan = minerisk::plan_run(minerisk::load_scenario(std::string(MINERISK_TESTDATA) + "/demo/scenario.yaml"), o);
    const minerisk::Surfaces s = minerisk::compute_surfaces(plan, plan.as_of);
    Raster risk(out / "risk.tif");
    ASSERT_EQ(s.risk.size(), risk.v.size());
    for (size_t i = 0; i < s.risk.size(); ++i) ASSERT_EQ(s.risk[i], risk.v[i]) << "cell " << i;
    for (size_t k = 0; k < s.factors.size(); ++k) {
        Raster f(out / "factors" / (s.factor_names[k] + ".tif"));
        for (size_t i = 0; i < s.risk.size(); i += 13) ASSERT_EQ(s.factors[k][i], f.v[i]) << s.factor_names[k] << " cell " << i;
    }
}

}  // namespace
