// A third party can write a plugin: install this build tree into a temporary prefix, build
// examples/plugin (layer_proximity) against the INSTALLED package only (find_package(minerisk)), install
// the plugin, then load it, document it with the CLI and run scenarios with it, checking the values.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "minerisk/pipeline.hpp"
#include "minerisk/plugins.hpp"

namespace fs = std::filesystem;
using namespace minerisk;

namespace {

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << "in: " << (text)

struct Shell {
    int code = -1;
    std::string output;  // stdout and stderr together
};

// Runs a shell command, capturing its output in a log file beside the other temporary files.
Shell sh(const std::string& command, const fs::path& log) {
    const int status = std::system((command + " >" + log.string() + " 2>&1").c_str());
    Shell r;
    r.code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::stringstream ss;
    ss << std::ifstream(log).rdbuf();
    r.output = ss.str();
    return r;
}

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

// The cmake that configured this build, else the first on PATH; empty when there is none.
std::string find_cmake() {
    if (fs::exists(MINERISK_CMAKE)) return MINERISK_CMAKE;
    const int status = std::system("command -v cmake >/dev/null 2>&1");
    return status == 0 ? "cmake" : "";
}

// Reads band 1 of a raster as floats (empty when it cannot be read).
std::vector<float> read_raster(const fs::path& p, int* width = nullptr) {
    std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(GDALOpen(p.string().c_str(), GA_ReadOnly)));
    if (!ds) return {};
    const int w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
    if (width) *width = w;
    std::vector<float> v(static_cast<size_t>(w) * h);
    if (ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, v.data(), w, h, GDT_Float32, 0, 0) != CE_None) return {};
    return v;
}

// The distance from a point to a segment, computed independently of the plugin.
double segment_distance(double px, double py, double ax, double ay, double bx, double by) {
    const double dx = bx - ax, dy = by - ay;
    const double t = std::clamp(((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy), 0.0, 1.0);
    return std::hypot(px - (ax + t * dx), py - (ay + t * dy));
}

class ExamplePlugin : public ::testing::Test {
protected:
    static std::string cmake;
    static fs::path tmp, prefix, build, installed_so;
    static std::string setup_failure;

    static void SetUpTestSuite() {
        GDALAllRegister();
        cmake = find_cmake();
        if (cmake.empty()) return;
        std::string templ = (fs::temp_directory_path() / "minerisk-example-plugin-XXXXXX").string();
        if (!::mkdtemp(templ.data())) {
            setup_failure = "mkdtemp failed";
            return;
        }
        tmp = templ;
        prefix = tmp / "prefix";
        build = tmp / "build";
        installed_so = prefix / "lib" / "minerisk" / "plugins" / "layer_proximity.so";
        const fs::path example = fs::path(MINERISK_SOURCE_DIR) / "examples" / "plugin";
        const std::vector<std::pair<std::string, std::string>> steps = {
            {"install minerisk", cmake + " --install " + quoted(MINERISK_BUILD_DIR) + " --prefix " + quoted(prefix)},
            {"configure the example", cmake + " -S " + quoted(example) + " -B " + quoted(build) +
                                          " -DCMAKE_PREFIX_PATH=" + quoted(prefix) +
                                          " -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXPORT_COMPILE_COMMANDS=ON"},
            {"build the example", cmake + " --build " + quoted(build)},
            {"install the example", cmake + " --install " + quoted(build)},
        };
        for (size_t i = 0; i < steps.size(); ++i) {
            const Shell r = sh(steps[i].second, tmp / ("step" + std::to_string(i) + ".log"));
            if (r.code != 0) {
                setup_failure = steps[i].first + " failed (exit " + std::to_string(r.code) + "): " + steps[i].second +
                                "\n" + r.output;
                return;
            }
        }
    }
    static void TearDownTestSuite() {
        std::error_code ec;
        if (!tmp.empty() && setup_failure.empty()) fs::remove_all(tmp, ec);  // kept after a failure, to look at
    }
    void SetUp() override {
        if (cmake.empty()) GTEST_SKIP() << "cmake is not installed";
        ASSERT_EQ(setup_failure, "");
    }

    // A run folder with a hazard polygon and a road line (an extra layer), both in EPSG:32638.
    //   hazard: the square [500050, 500100] x [4400050, 4400100]
    //   road:   from (500100, 4400205) to (500300, 4400205)
    static fs::path make_inputs(const std::string& name) {
        const fs::path dir = tmp / name;
        fs::create_directories(dir);
        const char* crs = R"("crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32638"}},)";
        std::ofstream(dir / "hazards.geojson") << R"({"type": "FeatureCollection", )" << crs << R"(
"features": [{"type": "Feature", "properties": {"status": "CHA"},
  "geometry": {"type": "Polygon", "coordinates": [[[500050, 4400050], [500100, 4400050], [500100, 4400100],
                                                   [500050, 4400100], [500050, 4400050]]]}}]}
)";
        std::ofstream(dir / "roads.geojson") << R"({"type": "FeatureCollection", )" << crs << R"(
"features": [{"type": "Feature", "properties": {"kind": "track"},
  "geometry": {"type": "LineString", "coordinates": [[500100, 4400205], [500300, 4400205]]}}]}
)";
        return dir;
    }

    // 80 x 80 cells of 10 m over [500000, 500800] x [4400000, 4400800]; tiles of 64 cells: 4 tiles, 2 threads.
    static std::string scenario_text(const std::string& factors, const std::string& plugin_paths) {
        std::string s =
            "name: example plugin test\n"
            "crs: EPSG:32638\n"
            "resolution: 10\n"
            "extent: [500000, 4400000, 500800, 4400800]\n"
            "as_of: 2025-01-01\n"
            "inputs:\n"
            "  hazards:\n"
            "    path: hazards.geojson\n"
            "  extra:\n"
            "    roads:\n"
            "      path: roads.geojson\n"
            "run:\n"
            "  threads: 2\n"
            "  tile_size: 64\n"
            "scoring:\n";
        if (!plugin_paths.empty()) s += "  plugin_paths: " + plugin_paths + "\n";
        return s + "  factors:\n" + factors;
    }
};

std::string ExamplePlugin::cmake;
fs::path ExamplePlugin::tmp, ExamplePlugin::prefix, ExamplePlugin::build, ExamplePlugin::installed_so;
std::string ExamplePlugin::setup_failure;

TEST_F(ExamplePlugin, BuiltAgainstTheInstalledHeadersOnly) {
    EXPECT_TRUE(fs::exists(prefix / "include" / "minerisk" / "plugin.h"));
    EXPECT_TRUE(fs::exists(prefix / "include" / "minerisk" / "plugin.hpp"));
    EXPECT_TRUE(fs::exists(prefix / "lib" / "cmake" / "minerisk" / "minerisk-config.cmake"));
    EXPECT_TRUE(fs::exists(build / "layer_proximity.so"));
    EXPECT_TRUE(fs::exists(installed_so)) << "installed into the package's MINERISK_PLUGIN_DIR";
    // The compiler saw the installed include folder, never the source tree's.
    std::stringstream cc;
    cc << std::ifstream(build / "compile_commands.json").rdbuf();
    EXPECT_CONTAINS(cc.str(), (prefix / "include").string());
    EXPECT_EQ(cc.str().find(std::string(MINERISK_SOURCE_DIR) + "/include"), std::string::npos) << cc.str();
    // Exactly one exported C symbol of ours: the entry point.
    const Shell nm = sh("nm -D --defined-only " + quoted(installed_so) + " | grep -c ' T '", tmp / "nm.log");
    if (nm.code == 0 || nm.code == 1) {
        EXPECT_EQ(nm.output, "1\n") << "exported text symbols";
    }
}

TEST_F(ExamplePlugin, LoadsWithItsNameAndVersion) {
    const LoadedPlugin p = load_plugin_file(installed_so.string());
    EXPECT_EQ(p.name, "layer_proximity");
    EXPECT_EQ(p.version, "1.0.0");
    EXPECT_EQ(p.api->abi_version, MINERISK_PLUGIN_ABI_VERSION);
    EXPECT_EQ(p.api->param_count, 3);
    EXPECT_EQ(p.api->extra_band_count, 1);
}

TEST_F(ExamplePlugin, TheCommandLineFindsAndDocumentsIt) {
    // The installed minerisk finds it in <prefix>/lib/minerisk/plugins with no configuration at all ...
    const Shell installed = sh("env -u MINERISK_PLUGIN_PATH " + quoted(prefix / "bin" / "minerisk") + " plugins layer_proximity",
                               tmp / "plugins-installed.log");
    ASSERT_EQ(installed.code, 0) << installed.output;
    EXPECT_CONTAINS(installed.output, "layer_proximity 1.0.0");
    EXPECT_CONTAINS(installed.output, "library: " + installed_so.string());
    EXPECT_CONTAINS(installed.output, "half_distance (number, m) default 500");
    // ... and the build tree's minerisk through MINERISK_PLUGIN_PATH.
    const Shell env = sh("MINERISK_PLUGIN_PATH=" + quoted(build) + " " + MINERISK_CLI + " plugins layer_proximity",
                         tmp / "plugins-env.log");
    ASSERT_EQ(env.code, 0) << env.output;
    EXPECT_CONTAINS(env.output, "library: " + (build / "layer_proximity.so").string());
    const Shell list = sh("MINERISK_PLUGIN_PATH=" + quoted(build) + " " + MINERISK_CLI + " plugins", tmp / "plugins-list.log");
    ASSERT_EQ(list.code, 0) << list.output;
    EXPECT_CONTAINS(list.output, "layer_proximity");
    EXPECT_CONTAINS(list.output, "hazard_proximity");
}

TEST_F(ExamplePlugin, ScoresAScenarioWithTheExpectedValues) {
    const fs::path dir = make_inputs("run");
    const std::string factors =
        "    - plugin: layer_proximity\n"
        "      name: near_roads\n"
        "      params: {layer: roads, half_distance: 50}\n"
        "    - plugin: layer_proximity\n"
        "      name: near_roads_capped\n"
        "      params: {layer: roads, half_distance: 50, max_distance: 100}\n"
        "    - plugin: layer_proximity\n"
        "      name: near_hazards\n"
        "      params: {layer: hazards, half_distance: 50}\n";
    std::ofstream(dir / "scenario.yaml") << scenario_text(factors, (prefix / "lib" / "minerisk" / "plugins").string());
    RunOptions o;
    o.output_dir = (dir / "out").string();
    RunSummary summary;
    try {
        const Scenario sc = load_scenario((dir / "scenario.yaml").string());
        RunPlan plan = plan_run(sc, o);
        ASSERT_EQ(plan.factors.size(), 3u);
        EXPECT_EQ(plan.factors[0].plugin->path, installed_so.string());
        EXPECT_EQ(plan.tiles, 4);
        summary = execute_run(plan, o);
    } catch (const Error& e) {
        FAIL() << e.what();
    }
    EXPECT_GE(summary.risk_min, 0.0);
    EXPECT_LE(summary.risk_max, 1.0);

    int width = 0;
    const auto roads = read_raster(dir / "out" / "factors" / "near_roads.tif", &width);
    const auto dist = read_raster(dir / "out" / "factors" / "near_roads.distance.tif");
    const auto capped = read_raster(dir / "out" / "factors" / "near_roads_capped.tif");
    const auto capped_dist = read_raster(dir / "out" / "factors" / "near_roads_capped.distance.tif");
    const auto hazards = read_raster(dir / "out" / "factors" / "near_hazards.tif");
    ASSERT_EQ(width, 80);
    ASSERT_EQ(roads.size(), 6400u);
    ASSERT_EQ(dist.size(), 6400u);
    ASSERT_EQ(capped.size(), 6400u);
    ASSERT_EQ(capped_dist.size(), 6400u);
    ASSERT_EQ(hazards.size(), 6400u);

    // Every cell against the formula, across the four tiles: d to the segment, 0.5^(d/50) within the reach, 0 beyond.
    int checked = 0;
    for (int r = 0; r < 80; ++r)
        for (int c = 0; c < 80; ++c) {
            const size_t i = static_cast<size_t>(r * 80 + c);
            const double x = 500005 + 10.0 * c, y = 4400795 - 10.0 * r;
            const double d = segment_distance(x, y, 500100, 4400205, 500300, 4400205);
            ASSERT_GE(roads[i], 0.0f);
            ASSERT_LE(roads[i], 1.0f);
            if (d <= 665) {  // the reach: 13.3 half distances
                EXPECT_NEAR(roads[i], std::pow(0.5, d / 50), 1e-5) << "cell " << c << ", " << r;
                EXPECT_NEAR(dist[i], d, 1e-3) << "cell " << c << ", " << r;
            } else {
                EXPECT_EQ(roads[i], 0.0f) << "cell " << c << ", " << r;
                EXPECT_TRUE(std::isnan(dist[i])) << "cell " << c << ", " << r;
            }
            if (d <= 100) {
                EXPECT_NEAR(capped[i], std::pow(0.5, d / 50), 1e-5);
                EXPECT_NEAR(capped_dist[i], d, 1e-3);
            } else {
                EXPECT_EQ(capped[i], 0.0f) << "beyond max_distance";
                EXPECT_TRUE(std::isnan(capped_dist[i])) << "beyond max_distance: nodata";
            }
            ++checked;
        }
    EXPECT_EQ(checked, 6400);
    // Spot values: on the road 1; 50 m away 0.5; 100 m away 0.25; past the road's end, the distance to its end.
    auto at = [&](const std::vector<float>& v, int c, int r) { return v[static_cast<size_t>(r * 80 + c)]; };
    EXPECT_FLOAT_EQ(at(roads, 20, 59), 1.0f);                        // (500205, 4400205)
    EXPECT_NEAR(at(roads, 20, 54), 0.5, 1e-6);                       // 50 m north
    EXPECT_NEAR(at(roads, 20, 69), 0.25, 1e-6);                      // 100 m south
    EXPECT_NEAR(at(roads, 5, 59), std::pow(0.5, 45.0 / 50), 1e-6);   // 45 m west of the west end
    // The polygon layer: 1 on cells whose centre is inside the hazard, 0.5^(d/50) outside it.
    EXPECT_FLOAT_EQ(at(hazards, 7, 72), 1.0f);                       // (500075, 4400075): inside
    EXPECT_NEAR(at(hazards, 12, 72), std::pow(0.5, 25.0 / 50), 1e-6);  // (500125, 4400075): 25 m east
    EXPECT_NEAR(at(hazards, 7, 65), std::pow(0.5, 45.0 / 50), 1e-6);   // (500075, 4400145): 45 m north
}

TEST_F(ExamplePlugin, AMissingLayerIsReportedAsTheEnginesError) {
    const fs::path dir = make_inputs("missing-layer");
    std::ofstream(dir / "scenario.yaml") << scenario_text(
        "    - plugin: layer_proximity\n      params: {layer: rivers}\n", (prefix / "lib" / "minerisk" / "plugins").string());
    RunOptions o;
    o.output_dir = (dir / "out").string();
    try {
        RunPlan plan = plan_run(load_scenario((dir / "scenario.yaml").string()), o);
        execute_run(plan, o);
        FAIL() << "the run should have failed";
    } catch (const Error& e) {
        EXPECT_CONTAINS(e.what(), "plugin 'layer_proximity' could not prepare factor 'layer_proximity'");
        EXPECT_CONTAINS(e.what(), "the scenario has no layer 'rivers'");
    }
    EXPECT_FALSE(fs::exists(dir / "out" / "risk.tif"));
}

TEST_F(ExamplePlugin, TheInstalledCommandLineRunsItWithoutAnyPluginPath) {
    const fs::path dir = make_inputs("cli-run");
    std::ofstream(dir / "scenario.yaml") << scenario_text(
        "    - plugin: layer_proximity\n      name: near_roads\n      params: {layer: roads, half_distance: 50}\n", "");
    const Shell r = sh("env -u MINERISK_PLUGIN_PATH " + quoted(prefix / "bin" / "minerisk") + " run -q " +
                           quoted(dir / "scenario.yaml") + " -o " + quoted(dir / "out"),
                       tmp / "cli-run.log");
    ASSERT_EQ(r.code, 0) << r.output;
    const auto v = read_raster(dir / "out" / "factors" / "near_roads.tif");
    ASSERT_EQ(v.size(), 6400u);
    EXPECT_FLOAT_EQ(v[static_cast<size_t>(59 * 80 + 20)], 1.0f);
    std::stringstream run_json;
    run_json << std::ifstream(dir / "out" / "run.json").rdbuf();
    EXPECT_CONTAINS(run_json.str(), installed_so.string());  // the report names the library that scored
}

}  // namespace
