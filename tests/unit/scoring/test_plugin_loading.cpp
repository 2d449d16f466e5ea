// Finding, loading and refusing plugins, and what the engine does when a plugin misbehaves.
//
// The misbehaving plugins are built from tests/plugins into their own folder (MINERISK_TEST_BAD_PLUGIN_DIR),
// never into the real plugin folder (MINERISK_TEST_PLUGIN_DIR):
//   wrong_abi, no_entry, incomplete                       refused when loaded
//   constant                                              well behaved, every parameter type
//   failing, failing_prepare, throwing                    return MR_ERROR with a message
//   throwing_unguarded                                    lets an exception escape from score()
//   out_of_range                                          writes 1.5 at grid cell (column 1, row 2)
//   unfilled                                              writes nothing and reports success
//   nan_cells                                             writes NaN (no data) on grid row 0: allowed, warned
//   crashing                                              SIGSEGV in score(): run only in a child process
//   shadow/hazard_proximity.so                            a plugin named like a built-in, version 99.0.0-shadow
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "minerisk/pipeline.hpp"
#include "minerisk/plugin.hpp"
#include "plugin_harness.hpp"

namespace fs = std::filesystem;
using namespace minerisk;
using namespace minerisk::test;

namespace {

const std::string kBuiltinDir = MINERISK_TEST_PLUGIN_DIR;
const std::string kBadDir = MINERISK_TEST_BAD_PLUGIN_DIR;
const std::string kShadowDir = kBadDir + "/shadow";

std::string bad_plugin(const std::string& name) { return kBadDir + "/" + name + ".so"; }

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << "in: " << (text)

// Runs f, which must throw minerisk::Error, and returns the error (a default one after a test failure).
template <class F>
Error error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    } catch (const std::exception& e) {
        ADD_FAILURE() << "threw something other than minerisk::Error: " << e.what();
        return Error("");
    }
    ADD_FAILURE() << "did not throw";
    return Error("");
}

std::string canonical(const std::string& p) {
    std::error_code ec;
    const std::string c = fs::weakly_canonical(p, ec).string();
    return ec ? p : c;
}

// A fresh folder under the system's temporary folder, removed with everything in it afterwards.
struct TempDir {
    fs::path path;
    TempDir() {
        std::string templ = (fs::temp_directory_path() / "minerisk-plugin-loading-XXXXXX").string();
        if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
        path = templ;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string sub(const std::string& name) const {
        fs::create_directories(path / name);
        return (path / name).string();
    }
};

// Sets (or unsets, with nullopt) an environment variable for one scope and restores it afterwards.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value) ::setenv(name, value->c_str(), 1);
        else ::unsetenv(name);
    }
    ~ScopedEnv() {
        if (old_) ::setenv(name_.c_str(), old_->c_str(), 1);
        else ::unsetenv(name_.c_str());
    }

private:
    std::string name_;
    std::optional<std::string> old_;
};

std::vector<std::string> names_of(const PluginRegistry& reg) {
    std::vector<std::string> names;
    for (const auto& p : reg.plugins()) names.push_back(p.name);
    std::sort(names.begin(), names.end());
    return names;
}

// ---- loading ------------------------------------------------------------------------------------------

TEST(PluginLoading, EveryBuiltinPluginLoadsWithItsNameAndAVersion) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(kBuiltinDir))
        if (e.path().extension() == ".so") files.push_back(e.path());
    ASSERT_FALSE(files.empty()) << "no plugins in " << kBuiltinDir;
    std::set<std::string> names;
    for (const auto& f : files) {
        SCOPED_TRACE(f.string());
        LoadedPlugin p;
        ASSERT_NO_THROW(p = load_plugin_file(f.string()));
        EXPECT_EQ(p.name, f.stem().string()) << "a plugin's file is named after the plugin";
        EXPECT_FALSE(p.version.empty());
        EXPECT_EQ(p.api->abi_version, MINERISK_PLUGIN_ABI_VERSION);
        ASSERT_NE(p.api->description, nullptr);
        EXPECT_GT(std::strlen(p.api->description), 0u);
        EXPECT_EQ(canonical(p.folder), canonical(kBuiltinDir));
        EXPECT_TRUE(names.insert(p.name).second) << "two built-in plugins are named " << p.name;
        // The descriptor's tables are complete: names, docs, layer names, band names.
        for (int i = 0; i < p.api->param_count; ++i) {
            const mr_param_spec& s = p.api->params[i];
            ASSERT_NE(s.name, nullptr);
            EXPECT_EQ(std::string(s.name).find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_"), std::string::npos)
                << "parameter names are snake_case: " << s.name;
            EXPECT_NE(s.doc, nullptr) << s.name;
        }
        for (int i = 0; i < p.api->required_layer_count; ++i) EXPECT_NE(p.api->required_layers[i], nullptr);
        for (int i = 0; i < p.api->optional_layer_count; ++i) EXPECT_NE(p.api->optional_layers[i], nullptr);
        for (int i = 0; i < p.api->extra_band_count; ++i) {
            ASSERT_NE(p.api->extra_bands[i].name, nullptr);
            EXPECT_NE(p.api->extra_bands[i].description, nullptr);
        }
        const std::string doc = describe_plugin(p);
        EXPECT_CONTAINS(doc, p.name + " " + p.version);
    }
    EXPECT_EQ(names.count("hazard_proximity"), 1u);
    // The deliberately broken test plugins never land in the real plugin folder.
    for (const char* test_only : {"wrong_abi", "no_entry", "incomplete", "failing", "out_of_range", "constant", "crashing",
                                  "throwing_unguarded", "unfilled", "nan_cells"})
        EXPECT_EQ(names.count(test_only), 0u) << test_only;
}

TEST(PluginLoading, RefusesAnotherInterfaceVersionNamingBothVersions) {
    const Error e = error_of([] { load_plugin_file(bad_plugin("wrong_abi")); });
    const std::string msg = e.what();
    EXPECT_CONTAINS(msg, "'wrong_abi'");
    EXPECT_CONTAINS(msg, "version " + std::to_string(MINERISK_PLUGIN_ABI_VERSION + 1));
    EXPECT_CONTAINS(msg, "speaks versions " + std::to_string(MINERISK_PLUGIN_ABI_OLDEST) + " to " + std::to_string(MINERISK_PLUGIN_ABI_VERSION));
    EXPECT_CONTAINS(msg, "rebuild the plugin");
    EXPECT_EQ(e.where().file, bad_plugin("wrong_abi"));
}

TEST(PluginLoading, RefusesALibraryWithoutTheEntryPoint) {
    const Error e = error_of([] { load_plugin_file(bad_plugin("no_entry")); });
    EXPECT_CONTAINS(e.what(), "not a minerisk plugin");
    EXPECT_CONTAINS(e.what(), "'minerisk_plugin_v1'");
    EXPECT_EQ(e.where().file, bad_plugin("no_entry"));
}

TEST(PluginLoading, RefusesAnIncompleteDescriptor) {
    const Error e = error_of([] { load_plugin_file(bad_plugin("incomplete")); });
    EXPECT_CONTAINS(e.what(), "descriptor is incomplete");
    EXPECT_EQ(e.where().file, bad_plugin("incomplete"));
}

TEST(PluginLoading, RefusesFilesThatAreNotLibraries) {
    TempDir tmp;
    const std::string fake = (tmp.path / "fake.so").string();
    std::ofstream(fake) << "not an ELF file\n";
    EXPECT_CONTAINS(error_of([&] { load_plugin_file(fake); }).what(), "cannot load the plugin library");
    const std::string missing = (tmp.path / "missing.so").string();
    EXPECT_CONTAINS(error_of([&] { load_plugin_file(missing); }).what(), "cannot load the plugin library");
}

TEST(PluginLoading, ScanRecordsProblemsAndLoadsTheGoodOnes) {
    TempDir tmp;
    PluginRegistry reg;
    reg.scan({kBadDir, (tmp.path / "does-not-exist").string()});  // a missing folder is skipped quietly
    EXPECT_EQ(names_of(reg), (std::vector<std::string>{"constant", "crashing", "failing", "failing_prepare", "nan_cells",
                                                      "out_of_range", "throwing", "throwing_unguarded", "unfilled"}));
    ASSERT_EQ(reg.problems().size(), 3u);
    // One problem per refused library, each naming its file; sorted by file name.
    EXPECT_CONTAINS(reg.problems()[0], "incomplete.so");
    EXPECT_CONTAINS(reg.problems()[1], "no_entry.so");
    EXPECT_CONTAINS(reg.problems()[1], "minerisk_plugin_v1");
    EXPECT_CONTAINS(reg.problems()[2], "wrong_abi.so");
    EXPECT_CONTAINS(reg.problems()[2], "interface version");
    EXPECT_EQ(reg.find("hazard_proximity"), nullptr) << "sub-folders are not searched";
    EXPECT_EQ(reg.find("wrong_abi"), nullptr);
    ASSERT_NE(reg.find("failing"), nullptr);
    EXPECT_EQ(reg.find("failing")->path, bad_plugin("failing"));
}

// ---- where plugins are looked for --------------------------------------------------------------------

TEST(PluginSearchPath, ScenarioFoldersThenEnvironmentThenExecutableThenInstall) {
    TempDir tmp;
    const std::string scen = tmp.sub("scenario"), a = tmp.sub("a"), b = tmp.sub("b");
    ScopedEnv env("MINERISK_PLUGIN_PATH", a + "::" + b + ":" + scen);  // empty entries and repeats are ignored
    const auto path = PluginRegistry::search_path({scen});
    auto at = [&](const std::string& folder) {
        const auto it = std::find(path.begin(), path.end(), canonical(folder));
        return it == path.end() ? -1 : static_cast<int>(it - path.begin());
    };
    ASSERT_GE(path.size(), 4u);
    EXPECT_EQ(at(scen), 0);
    EXPECT_EQ(at(a), 1);
    EXPECT_EQ(at(b), 2);
    // This test program lives in <build>/bin, so <exe>/../lib/minerisk/plugins is the build's plugin folder.
    EXPECT_EQ(at(kBuiltinDir), 3);
    EXPECT_EQ(std::count(path.begin(), path.end(), canonical(scen)), 1) << "a folder is searched once";
}

TEST(PluginSearchPath, WithoutTheVariableOnlyTheStandardFolders) {
    TempDir tmp;
    const std::string a = tmp.sub("a");
    std::vector<std::string> with, without;
    {
        ScopedEnv env("MINERISK_PLUGIN_PATH", a);
        with = PluginRegistry::search_path();
    }
    {
        ScopedEnv env("MINERISK_PLUGIN_PATH", std::nullopt);
        without = PluginRegistry::search_path();
    }
    EXPECT_NE(std::find(with.begin(), with.end(), canonical(a)), with.end());
    EXPECT_EQ(std::find(without.begin(), without.end(), canonical(a)), without.end());
    EXPECT_EQ(with.size(), without.size() + 1);
    ASSERT_FALSE(without.empty());
    EXPECT_EQ(without.front(), canonical(kBuiltinDir));
}

TEST(PluginSearchPath, ANameFoundEarlierHidesTheSameNameLater) {
    {
        PluginRegistry reg;
        reg.scan({kShadowDir, kBuiltinDir});
        ASSERT_NE(reg.find("hazard_proximity"), nullptr);
        EXPECT_EQ(reg.find("hazard_proximity")->version, "99.0.0-shadow");
        EXPECT_EQ(reg.find("hazard_proximity")->folder, kShadowDir);
        const auto names = names_of(reg);
        EXPECT_EQ(std::count(names.begin(), names.end(), "hazard_proximity"), 1);
        EXPECT_TRUE(reg.problems().empty()) << "a hidden plugin is not a problem";
    }
    {
        PluginRegistry reg;
        reg.scan({kBuiltinDir, kShadowDir});
        ASSERT_NE(reg.find("hazard_proximity"), nullptr);
        EXPECT_NE(reg.find("hazard_proximity")->version, "99.0.0-shadow");
        EXPECT_EQ(canonical(reg.find("hazard_proximity")->folder), canonical(kBuiltinDir));
    }
    {
        // Through the search path: MINERISK_PLUGIN_PATH comes before the built-in folder ...
        ScopedEnv env("MINERISK_PLUGIN_PATH", kShadowDir);
        PluginRegistry reg;
        reg.scan(PluginRegistry::search_path());
        ASSERT_NE(reg.find("hazard_proximity"), nullptr);
        EXPECT_EQ(reg.find("hazard_proximity")->version, "99.0.0-shadow");
        // ... and a scenario's plugin_paths come before MINERISK_PLUGIN_PATH.
        PluginRegistry reg2;
        reg2.scan(PluginRegistry::search_path({kBuiltinDir}));
        ASSERT_NE(reg2.find("hazard_proximity"), nullptr);
        EXPECT_NE(reg2.find("hazard_proximity")->version, "99.0.0-shadow");
    }
}

// ---- plugins that fail: MR_ERROR and a message, never a crash ----------------------------------------

struct HarnessRun {
    GridSpec grid = make_grid(8, 8, 10, 500000, 4400080);
    Inputs inputs;
    PluginRun run(const std::string& name, const std::vector<ParamText>& params = {}, std::int64_t tile = 0) {
        const LoadedPlugin p = load_plugin_file(bad_plugin(name));
        return run_plugin(p, inputs, grid, params, 0, tile);
    }
};

TEST(PluginFailures, AWellBehavedPluginRunsThroughTheHarness) {
    HarnessRun h;
    const auto r = h.run("constant", {param("value", "0.25")}, 3);
    ASSERT_EQ(r.error, "");
    for (float v : r.score) EXPECT_FLOAT_EQ(v, 0.25f);
}

TEST(PluginFailures, ScoreErrorComesBackAsAMessage) {
    HarnessRun h;
    EXPECT_EQ(h.run("failing").error, "deliberate failure in block at column 0, row 0");
    EXPECT_EQ(h.run("failing", {}, 4).error, "deliberate failure in block at column 0, row 0");
}

TEST(PluginFailures, PrepareErrorComesBackAsAMessage) {
    HarnessRun h;
    EXPECT_EQ(h.run("failing_prepare").error, "deliberate failure in prepare");
}

TEST(PluginFailures, AnExceptionInsideGuardedComesBackAsAMessage) {
    HarnessRun h;
    EXPECT_EQ(h.run("throwing").error, "deliberate exception in score");
}

TEST(PluginFailures, ErrorsAreTruncatedToTheCallersBuffer) {
    const LoadedPlugin p = load_plugin_file(bad_plugin("failing"));
    HarnessRun h;
    Host host(h.inputs, h.grid);
    void* state = nullptr;
    char err[8];
    ASSERT_EQ(p.api->prepare(host.table(), host.grid(), nullptr, 0, &state, err, sizeof err), MR_OK);
    std::vector<float> band(4);
    float* bands[] = {band.data()};
    std::memset(err, 'x', sizeof err);
    EXPECT_EQ(p.api->score(state, host.table(), mr_window{0, 0, 2, 2}, bands, err, sizeof err), MR_ERROR);
    EXPECT_EQ(std::string(err), "deliber");  // 7 characters and the terminating zero
    p.api->release(state);
}

TEST(PluginFailures, OutOfRangeValuesAreOnlyCaughtByTheEngine) {
    // The plugin itself reports success: the engine's check of every value is what stops it (next tests).
    HarnessRun h;
    const auto r = h.run("out_of_range", {}, 2);
    ASSERT_EQ(r.error, "");
    EXPECT_FLOAT_EQ(r.score[2 * 8 + 1], 1.5f);
    EXPECT_FLOAT_EQ(r.score[0], 0.5f);
}

// ---- whole runs: the engine refuses misbehaving plugins and leaves no risk.tif -----------------------

// A scenario in a temporary folder, with a tiny hazards file, whose scoring.plugin_paths names the test
// plugin folder. The lines matter: the factor starts on kFactorLine, its parameters on kFirstParamLine on.
constexpr int kFactorLine = 16;
constexpr int kFirstParamLine = 18;

struct ScenarioRun {
    TempDir tmp;
    int runs = 0;

    ScenarioRun() {
        std::ofstream(tmp.path / "hazards.geojson") << R"({"type": "FeatureCollection",
"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32638"}},
"features": [{"type": "Feature", "properties": {"status": "CHA"},
  "geometry": {"type": "Polygon", "coordinates": [[[500050, 4400050], [500100, 4400050], [500100, 4400100],
                                                   [500050, 4400100], [500050, 4400050]]]}}]}
)";
    }

    // Writes scenario.yaml and returns its path. `extent_m` is the side of the square grid in metres (10 m cells).
    std::string write(const std::string& plugin, const std::vector<std::string>& params = {}, int extent_m = 200,
                      int threads = 1) {
        std::ostringstream y;
        y << "name: plugin test\n"                                                         // 1
          << "crs: EPSG:32638\n"                                                           // 2
          << "resolution: 10\n"                                                            // 3
          << "extent: [500000, 4400000, " << 500000 + extent_m << ", " << 4400000 + extent_m << "]\n"  // 4
          << "as_of: 2025-01-01\n"                                                         // 5
          << "inputs:\n"                                                                   // 6
          << "  hazards:\n"                                                                // 7
          << "    path: hazards.geojson\n"                                                 // 8
          << "    crs: EPSG:32638\n"                                                       // 9
          << "run:\n"                                                                      // 10
          << "  threads: " << threads << "\n"                                              // 11
          << "  tile_size: 64\n"                                                           // 12
          << "scoring:\n"                                                                  // 13
          << "  plugin_paths: " << kBadDir << "\n"                                         // 14
          << "  factors:\n"                                                                // 15
          << "    - plugin: " << plugin << "\n";                                           // 16 = kFactorLine
        if (!params.empty()) {
            y << "      params:\n";                                                        // 17
            for (const auto& p : params) y << "        " << p << "\n";                     // 18.. = kFirstParamLine
        }
        const fs::path file = tmp.path / "scenario.yaml";
        std::ofstream(file) << y.str();
        return file.string();
    }

    fs::path out_dir() const { return tmp.path / ("out" + std::to_string(runs)); }

    RunSummary run(const std::string& scenario_file) {
        ++runs;
        RunOptions o;
        o.output_dir = out_dir().string();
        const Scenario sc = load_scenario(scenario_file);
        RunPlan plan = plan_run(sc, o);
        return execute_run(plan, o);
    }

    // Every file the last run left behind, relative to its output folder.
    std::vector<std::string> leftovers() const {
        std::vector<std::string> files;
        std::error_code ec;
        if (!fs::exists(out_dir(), ec)) return files;
        for (const auto& e : fs::recursive_directory_iterator(out_dir()))
            if (e.is_regular_file()) files.push_back(fs::relative(e.path(), out_dir()).string());
        return files;
    }
};

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

TEST(PluginRun, AWellBehavedTestPluginRunsEndToEnd) {
    // The baseline for the refusals below: the same scenario with a plugin that behaves.
    ScenarioRun s;
    const RunSummary sum = s.run(s.write("constant", {"value: 0.25"}));
    EXPECT_TRUE(fs::exists(s.out_dir() / "risk.tif"));
    EXPECT_TRUE(fs::exists(s.out_dir() / "factors" / "constant.tif"));
    EXPECT_NEAR(sum.risk_min, 0.25, 1e-6);
    EXPECT_NEAR(sum.risk_max, 0.25, 1e-6);
}

TEST(PluginRun, RefusesAValueOutsideZeroOneAndNamesThePlugin) {
    ScenarioRun s;
    const std::string file = s.write("out_of_range");
    EXPECT_THROW(s.run(file), Error);
    const Error e = error_of([&] { s.run(file); });
    const std::string msg = e.what();
    EXPECT_CONTAINS(msg, "plugin 'out_of_range'");
    EXPECT_CONTAINS(msg, "outside [0, 1]");
    EXPECT_CONTAINS(msg, "1.5");
    EXPECT_CONTAINS(msg, "column 1, row 2");
    EXPECT_EQ(e.where().line, kFactorLine);
    EXPECT_FALSE(fs::exists(s.out_dir() / "risk.tif"));
    EXPECT_EQ(s.leftovers(), std::vector<std::string>{}) << joined(s.leftovers());
}

TEST(PluginRun, RefusesAValueOutsideZeroOneWithManyTilesAndThreads) {
    ScenarioRun s;
    const Error e = error_of([&] { s.run(s.write("out_of_range", {}, 2000, 4)); });  // 200 x 200 cells, 16 tiles
    EXPECT_CONTAINS(e.what(), "plugin 'out_of_range'");
    EXPECT_CONTAINS(e.what(), "outside [0, 1]");
    EXPECT_EQ(s.leftovers(), std::vector<std::string>{}) << joined(s.leftovers());
}

TEST(PluginRun, RefusesAPluginThatFillsNothing) {
    ScenarioRun s;
    const Error e = error_of([&] { s.run(s.write("unfilled")); });
    EXPECT_CONTAINS(e.what(), "plugin 'unfilled' left the cell at column 0, row 0 unfilled");
    EXPECT_EQ(e.where().line, kFactorLine);
    EXPECT_EQ(s.leftovers(), std::vector<std::string>{}) << joined(s.leftovers());
}

TEST(PluginRun, NoDataFromAPluginIsCountedInAWarning) {
    ScenarioRun s;
    const RunSummary sum = s.run(s.write("nan_cells"));  // 20 x 20 cells: row 0 is NaN
    bool warned = false;
    for (const auto& w : sum.warnings)
        warned |= w.find("factor 'nan_cells'") != std::string::npos && w.find("NaN) for 20 cell(s)") != std::string::npos;
    EXPECT_TRUE(warned) << joined(sum.warnings);
    EXPECT_NEAR(sum.risk_min, 0.5, 1e-6);  // the other cells
}

TEST(PluginRun, AFailingPluginStopsTheRunWithItsMessage) {
    ScenarioRun s;
    const Error e = error_of([&] { s.run(s.write("failing")); });
    EXPECT_CONTAINS(e.what(), "plugin 'failing' failed on the block at column 0, row 0");
    EXPECT_CONTAINS(e.what(), "deliberate failure in block at column 0, row 0");
    EXPECT_EQ(e.where().line, kFactorLine);
    EXPECT_FALSE(fs::exists(s.out_dir() / "risk.tif"));
    EXPECT_EQ(s.leftovers(), std::vector<std::string>{}) << joined(s.leftovers());
}

TEST(PluginRun, AFailingPrepareStopsTheRunWithItsMessage) {
    ScenarioRun s;
    const Error e = error_of([&] { s.run(s.write("failing_prepare")); });
    EXPECT_CONTAINS(e.what(), "plugin 'failing_prepare' could not prepare factor 'failing_prepare'");
    EXPECT_CONTAINS(e.what(), "deliberate failure in prepare");
    EXPECT_FALSE(fs::exists(s.out_dir() / "risk.tif"));
    EXPECT_EQ(s.leftovers(), std::vector<std::string>{}) << joined(s.leftovers());
}

TEST(PluginRun, AGuardedExceptionStopsTheRunWithItsMessage) {
    ScenarioRun s;
    const Error e = error_of([&] { s.run(s.write("throwing")); });
    EXPECT_CONTAINS(e.what(), "plugin 'throwing'");
    EXPECT_CONTAINS(e.what(), "deliberate exception in score");
    EXPECT_FALSE(fs::exists(s.out_dir() / "risk.tif"));
}

TEST(PluginRun, AnExceptionEscapingAPluginStopsTheRunNamingThePluginAndFunction) {
    ScenarioRun s;
    const Error e = error_of([&] { s.run(s.write("throwing_unguarded", {}, 2000, 4)); });  // from worker threads too
    EXPECT_CONTAINS(e.what(), "plugin 'throwing_unguarded' threw");
    EXPECT_CONTAINS(e.what(), "deliberate unguarded exception in score");
    EXPECT_CONTAINS(e.what(), "score()");
    EXPECT_EQ(e.where().line, kFactorLine);
    EXPECT_FALSE(fs::exists(s.out_dir() / "risk.tif"));
    EXPECT_EQ(s.leftovers(), std::vector<std::string>{}) << joined(s.leftovers());
}

TEST(PluginRun, ARefusedLibraryIsReportedWhenTheScenarioNamesIt) {
    ScenarioRun s;
    const Error e = error_of([&] { s.run(s.write("wrong_abi")); });
    EXPECT_CONTAINS(e.what(), "plugin 'wrong_abi' was found but refused");
    EXPECT_CONTAINS(e.what(), "wrong_abi.so");
    EXPECT_CONTAINS(e.what(), "interface version " + std::to_string(MINERISK_PLUGIN_ABI_VERSION + 1));
    EXPECT_EQ(e.where().line, kFactorLine);
}

// ---- the command line: what a user sees when a plugin misbehaves -----------------------------------------
// The minerisk program of this build is run as a child process, as a user runs it: one error line naming the
// plugin and what it did, exit code 1 (docs/testing.md, "Misbehaving plugins").

// The minerisk command line of this build: beside this test program, in <build>/bin.
std::string cli_path() {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : (self.parent_path() / "minerisk").string();
}

struct CliResult {
    int status = -1;  // as waitpid gives it
    std::string out, err;
    bool exited_with(int code) const { return WIFEXITED(status) && WEXITSTATUS(status) == code; }
};

std::string text_of(const fs::path& p) {
    std::stringstream ss;
    ss << std::ifstream(p, std::ios::binary).rdbuf();
    return ss.str();
}

CliResult run_cli(const std::string& args, const fs::path& dir) {
    const fs::path out = dir / "cli-stdout.txt", err = dir / "cli-stderr.txt";
    const std::string cmd = "'" + cli_path() + "' " + args + " >'" + out.string() + "' 2>'" + err.string() + "'";
    CliResult r;
    r.status = std::system(cmd.c_str());
    r.out = text_of(out);
    r.err = text_of(err);
    return r;
}

// Every visible file under `dir` (not the hidden temporaries), relative, with its bytes.
std::map<std::string, std::string> visible_files(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.')
            files[fs::relative(e.path(), dir).string()] = text_of(e.path());
    return files;
}

// What runs leave while they work: their staging folders beside the output folder `out`
// (".out.minerisk-PID.staging", docs/design.md "Outputs") and temporary files inside it (".NAME.PID.part").
std::vector<std::string> temporaries(const fs::path& out) {
    std::vector<std::string> found;
    const std::string prefix = "." + out.filename().string() + ".minerisk-";
    for (const auto& e : fs::directory_iterator(out.parent_path()))
        if (e.path().filename().string().rfind(prefix, 0) == 0) found.push_back(e.path().string());
    for (const auto& e : fs::recursive_directory_iterator(out))
        if (e.path().filename().string().find(".part") != std::string::npos) found.push_back(e.path().string());
    return found;
}

#define SKIP_WITHOUT_CLI()                                                                                   \
    if (!fs::exists(cli_path())) GTEST_SKIP() << cli_path() << " is not built (cmake --build BUILD --target minerisk)"

TEST(PluginCli, AMisbehavingPluginIsOneErrorLineNamingItAndWhatItDid) {
    SKIP_WITHOUT_CLI();
    struct Case {
        std::string plugin, what;
    };
    const std::vector<Case> cases = {
        {"failing", "failed on the block at column 0, row 0: deliberate failure in block at column 0, row 0"},
        {"failing_prepare", "could not prepare factor 'failing_prepare': deliberate failure in prepare"},
        {"throwing", "deliberate exception in score"},
        {"throwing_unguarded", "threw an exception (deliberate unguarded exception in score) from score()"},
        {"out_of_range", "outside [0, 1]"},
        {"unfilled", "left the cell at column 0, row 0 unfilled"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.plugin);
        ScenarioRun s;
        const std::string file = s.write(c.plugin);
        const CliResult r = run_cli("run -q -o '" + s.out_dir().string() + "' '" + file + "'", s.tmp.path);
        EXPECT_TRUE(r.exited_with(1)) << "status " << r.status << ": " << r.err;
        EXPECT_EQ(r.err.rfind("minerisk: error: ", 0), 0u) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_CONTAINS(r.err, "plugin '" + c.plugin + "'");
        EXPECT_CONTAINS(r.err, c.what);
        EXPECT_CONTAINS(r.err, "scenario.yaml:" + std::to_string(kFactorLine) + ":");
        EXPECT_EQ(s.leftovers(), std::vector<std::string>{}) << joined(s.leftovers());
    }
}

TEST(PluginCli, NoDataFromAPluginIsAWarningNamingItAndTheRunSucceeds) {
    SKIP_WITHOUT_CLI();
    ScenarioRun s;
    const std::string file = s.write("nan_cells");
    const CliResult r = run_cli("run -q -o '" + s.out_dir().string() + "' '" + file + "'", s.tmp.path);
    EXPECT_TRUE(r.exited_with(0)) << "status " << r.status << ": " << r.err;
    EXPECT_CONTAINS(r.out + r.err, "factor 'nan_cells' (plugin nan_cells) gave no data (NaN) for 20 cell(s)");
    EXPECT_TRUE(fs::exists(s.out_dir() / "risk.tif"));
}

// A plugin that crashes (SIGSEGV) takes the process down with it: no handler can make that safe to continue
// from. What the engine does promise still holds: the earlier run's outputs are intact, nothing under an
// output's name is partial, and the next run removes the dead run's temporary files.
TEST(PluginCli, APluginThatCrashesTheProcessLeavesEarlierOutputsIntact) {
    SKIP_WITHOUT_CLI();
    ScenarioRun s;
    const fs::path out = s.tmp.path / "out";
    const std::string good = s.write("constant", {"value: 0.25"});
    const std::string run_good = "run -q --overwrite -o '" + out.string() + "' '" + good + "'";
    const CliResult first = run_cli(run_good, s.tmp.path);
    ASSERT_TRUE(first.exited_with(0)) << first.err;
    const auto before = visible_files(out);
    ASSERT_TRUE(before.count("risk.tif"));

    const std::string bad = s.write("crashing");  // the same file as `good`, rewritten
    const CliResult r = run_cli("run -q --overwrite -o '" + out.string() + "' '" + bad + "'", s.tmp.path);
    // Killed by SIGSEGV (the shell reports 128 + 11), or, under AddressSanitizer or UBSan, their report and exit 1.
    EXPECT_FALSE(r.exited_with(0)) << r.err;
    const auto after = visible_files(out);
    EXPECT_EQ(after.size(), before.size());
    for (const auto& [name, bytes] : before) {
        ASSERT_TRUE(after.count(name)) << name << " is gone";
        EXPECT_TRUE(after.at(name) == bytes) << name << " changed";
    }
    EXPECT_FALSE(temporaries(out).empty()) << "the crashed run had temporary files (else this test proves less)";

    s.write("constant", {"value: 0.25"});  // the same file as `good` again
    const CliResult next = run_cli(run_good, s.tmp.path);
    ASSERT_TRUE(next.exited_with(0)) << next.err;
    EXPECT_EQ(temporaries(out), std::vector<std::string>{}) << "the next run removes a dead run's temporaries";
}

// ---- parameters: checked against the plugin's declaration, errors at the scenario's line -------------

// Plans a run of the `constant` test plugin with these parameter lines and returns the error.
Error param_error(const std::vector<std::string>& params) {
    ScenarioRun s;
    const std::string file = s.write("constant", params);
    return error_of([&] {
        RunOptions o;
        plan_run(load_scenario(file), o);
    });
}

void expect_at_line(const Error& e, int line) {
    EXPECT_EQ(e.where().line, line) << e.what();
    EXPECT_CONTAINS(e.what(), "scenario.yaml:" + std::to_string(line) + ":");
}

TEST(PluginParams, UnknownParameter) {
    const Error e = param_error({"value: 0.5", "valeu: 0.5"});
    EXPECT_CONTAINS(e.what(), "plugin 'constant' has no parameter 'valeu'");
    EXPECT_CONTAINS(e.what(), "value, count, flag, mode, weights, since");  // the hint lists them
    expect_at_line(e, kFirstParamLine + 1);
}

TEST(PluginParams, WrongType) {
    struct Case {
        std::string line, message;
    };
    const std::vector<Case> cases = {
        {"count: many", "parameter 'count' of constant must be a number, not 'many'"},
        {"count: 2.5", "parameter 'count' of constant must be a whole number, not 2.5"},
        {"flag: maybe", "parameter 'flag' of constant must be true or false, not 'maybe'"},
        {"mode: c", "parameter 'mode' of constant is 'c'. choose one of: a|b"},
        {"weights: 0.5", "parameter 'weights' of constant must be a table"},
        {"weights: {x: lots}", "parameter 'weights' of constant: 'x' is 'lots', not a number"},
        {"since: someday", "parameter 'since' of constant is 'someday', not a date"},
        {"value: {a: 1}", "parameter 'value' of constant must be a single value, not a table"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.line);
        const bool value_line = c.line.rfind("value:", 0) == 0;
        const Error e = value_line ? param_error({c.line}) : param_error({"value: 0.5", c.line});
        EXPECT_CONTAINS(e.what(), c.message);
        expect_at_line(e, value_line ? kFirstParamLine : kFirstParamLine + 1);
    }
}

TEST(PluginParams, OutOfRange) {
    {
        const Error e = param_error({"value: 1.5"});
        EXPECT_CONTAINS(e.what(), "parameter 'value' of constant is 1.5, out of range");
        EXPECT_CONTAINS(e.what(), "between 0 and 1");
        expect_at_line(e, kFirstParamLine);
    }
    {
        const Error e = param_error({"value: 0.5", "count: 0"});
        EXPECT_CONTAINS(e.what(), "parameter 'count' of constant is 0, out of range");
        expect_at_line(e, kFirstParamLine + 1);
    }
    {
        const Error e = param_error({"value: 0.5", "weights: {x: 0.5, y: 2}"});
        EXPECT_CONTAINS(e.what(), "'y' is 2, out of range");
        expect_at_line(e, kFirstParamLine + 1);
    }
}

TEST(PluginParams, MissingRequiredParameterIsReportedAtTheFactor) {
    const Error e = param_error({"count: 2"});
    EXPECT_CONTAINS(e.what(), "plugin 'constant' needs the parameter 'value'");
    expect_at_line(e, kFactorLine);
    const Error e2 = param_error({});
    EXPECT_CONTAINS(e2.what(), "needs the parameter 'value'");
    expect_at_line(e2, kFactorLine);
}

TEST(PluginParams, ValidValuesAndDefaultsReachThePlugin) {
    ScenarioRun s;
    const Scenario sc = load_scenario(s.write("constant", {"value: 0.5", "flag: yes", "mode: b", "weights: {x: 0.1, Y: 1}",
                                                           "since: 2024-03"}));
    const LoadedPlugin p = load_plugin_file(bad_plugin("constant"));
    const ParamSet ps = resolve_params(*p.api, sc.scoring.factors.at(0).params, sc.scoring.factors.at(0).where);
    ASSERT_EQ(ps.size(), p.api->param_count);
    using minerisk::plugin::Params;
    Params v(ps.data(), ps.size());
    EXPECT_EQ(v.number("value"), 0.5);
    EXPECT_EQ(v.number("count"), 3);  // the default
    EXPECT_TRUE(v.boolean("flag"));
    EXPECT_EQ(v.text("mode"), "b");
    const auto table = v.table("weights");
    EXPECT_EQ(Params::lookup(table, "X", -1), 0.1);
    EXPECT_EQ(Params::lookup(table, "y", -1), 1.0);
    EXPECT_EQ(v.number("since"), *parse_date("2024-03-15"));  // year-month dates are the 15th
}

}  // namespace
