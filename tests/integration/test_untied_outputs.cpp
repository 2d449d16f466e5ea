// What a run finds does not depend on what it is asked to write, nor on what its plugins are called
// (docs/design.md, "One home for each concept"):
//   - with `outputs: {factors: false}` (the extra bands still written) the zones, the ranked settlements, the rank stability and the sign plan are
//     byte for byte those of a run that writes the factor rasters, and no factor score raster is written (the zones and
//     plans read the run's scored tiles, never a raster an earlier stage wrote);
//   - the built-in hazard_proximity replaced by the same code under another name (tests/plugins/
//     renamed_hazard_proximity.cpp, which declares the same roles) gives the same zones, plans and backtest
//     baselines: the engine asks for roles, never for plugin names.
// The demo scenario at 60 m (a ninth of its cells), rewritten into a scratch folder with absolute input paths.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "run_outputs.hpp"

namespace fs = std::filesystem;
using minerisk::test::file_bytes;

namespace {

struct Result {
    int code = -1;
    std::string err;
};

Result cli(const std::string& args, const fs::path& scratch, const std::string& env = "") {
    const std::string err = (scratch / "err.txt").string();
    const std::string cmd = env + " " + std::string(MINERISK_CLI) + " " + args + " >/dev/null 2>" + err;
    const int status = std::system(cmd.c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.err = file_bytes(err);
    return r;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

// The demo scenario, coarser and with absolute paths, plus `extra` at the end; written to `file`.
fs::path demo_variant(const fs::path& file, const std::string& extra, bool renamed_hazard_plugin = false) {
    std::string text = file_bytes(std::string(MINERISK_TESTDATA) + "/demo/scenario.yaml");
    const std::string data = std::string(MINERISK_TESTDATA) + "/demo/data/";
    replace_all(text, "path: data/", "path: " + data);
    replace_all(text, "resolution: 20\n", "resolution: 60\n");
    replace_all(text, "draws: 1000", "draws: 100");
    if (renamed_hazard_plugin)  // same factor name, so that every output names it as before
        replace_all(text, "- plugin: hazard_proximity\n", "- plugin: local_hazard_distance\n      name: hazard_proximity\n");
    std::ofstream(file) << text << extra;
    return file;
}

class UntiedOutputs : public ::testing::Test {
protected:
    void SetUp() override {
        base_ = fs::temp_directory_path() /
                ("minerisk-untied-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(base_);
        fs::create_directories(base_);
    }
    void TearDown() override {
        if (!HasFailure()) fs::remove_all(base_);  // kept on failure, to look at
    }
    void expect_same(const fs::path& a, const fs::path& b, const std::vector<std::string>& files) {
        for (const auto& f : files) {
            ASSERT_TRUE(fs::exists(a / f)) << (a / f);
            ASSERT_TRUE(fs::exists(b / f)) << (b / f);
            EXPECT_EQ(file_bytes(a / f), file_bytes(b / f)) << f << " differs between " << a << " and " << b;
        }
    }
    fs::path base_;
};

TEST_F(UntiedOutputs, WritingNoFactorRastersChangesNoZoneNorPlan) {
    const fs::path with = demo_variant(base_ / "with.yaml", "");
    const fs::path without = demo_variant(base_ / "without.yaml", "outputs:\n  factors: false\n");
    Result r = cli("run -q -o " + (base_ / "with").string() + " " + with.string(), base_);
    ASSERT_EQ(r.code, 0) << r.err;
    r = cli("run -q -o " + (base_ / "without").string() + " " + without.string(), base_);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(fs::exists(base_ / "with" / "factors" / "hazard_proximity.tif"));
    for (const char* f : {"hazard_proximity", "incident_density", "marking_gap", "population_exposure", "outreach_gap", "land_use"})
        EXPECT_FALSE(fs::exists(base_ / "without" / "factors" / (std::string(f) + ".tif"))) << "factors: false writes " << f;
    EXPECT_TRUE(fs::exists(base_ / "without" / "factors" / "hazard_proximity.distance.tif")) << "the extra bands, as asked";
    expect_same(base_ / "with", base_ / "without",
                {"zones.csv", "settlements.csv", "survey_referrals.csv", "rank_stability.csv", "sign_plan.csv",
                 "outreach_plan.csv"});
}

TEST_F(UntiedOutputs, ARenamedHazardPluginKeepsTheRulesThePlansAndTheBaselines) {
    const fs::path builtin = demo_variant(base_ / "builtin.yaml", "");
    const fs::path renamed = demo_variant(base_ / "renamed.yaml", "", true);
    const std::string path = std::string("MINERISK_PLUGIN_PATH=") + MINERISK_TEST_BAD_PLUGIN_DIR + "/renamed";
    Result r = cli("run -q -o " + (base_ / "run-builtin").string() + " " + builtin.string(), base_);
    ASSERT_EQ(r.code, 0) << r.err;
    r = cli("run -q -o " + (base_ / "run-renamed").string() + " " + renamed.string(), base_, path);
    ASSERT_EQ(r.code, 0) << r.err;
    expect_same(base_ / "run-builtin", base_ / "run-renamed",
                {"zones.csv", "settlements.csv", "rank_stability.csv", "sign_plan.csv", "outreach_plan.csv"});

    const std::string bt = "backtest -q --split 2024-01-01 --bootstrap 20 -o ";
    r = cli(bt + (base_ / "bt-builtin").string() + " " + builtin.string(), base_);
    ASSERT_EQ(r.code, 0) << r.err;
    r = cli(bt + (base_ / "bt-renamed").string() + " " + renamed.string(), base_, path);
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string scores = file_bytes(base_ / "bt-renamed" / "backtest.csv");
    EXPECT_NE(scores.find("hazard_proximity"), std::string::npos) << "the renamed plugin is still a baseline:\n" << scores;
    expect_same(base_ / "bt-builtin", base_ / "bt-renamed", {"backtest.csv"});
}

}  // namespace
