// Binding factors (engine/run/factor_binding.cpp): the run's HazardRules come from the factor with the
// 'hazard_rules' role, so a scenario's excluded_statuses and class weights reach the zones and the plans too.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "minerisk/pipeline.hpp"
#include "minerisk/scenario.hpp"

namespace fs = std::filesystem;
using namespace minerisk;

namespace {

// The demo scenario with absolute input paths and `params_line` added to hazard_proximity's params.
std::string demo_with(const std::string& params_line, const fs::path& dir) {
    std::stringstream ss;
    ss << std::ifstream(std::string(MINERISK_TESTDATA) + "/demo/scenario.yaml").rdbuf();
    std::string text = ss.str();
    const std::string data = std::string(MINERISK_TESTDATA) + "/demo/data/";
    for (size_t at = text.find("path: data/"); at != std::string::npos; at = text.find("path: data/", at + 1))
        text.replace(at, 11, "path: " + data);
    const std::string anchor = "        half_distance: 250\n";
    text.replace(text.find(anchor), anchor.size(), anchor + "        " + params_line + "\n");
    const fs::path file = dir / "scenario.yaml";
    std::ofstream(file) << text;
    return file.string();
}

}  // namespace

TEST(FactorBinding, TheHazardRulesFactorsParametersBecomeTheRunsRules) {
    const fs::path dir = fs::temp_directory_path() / ("minerisk-binding-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    RunOptions o;
    const RunPlan plan = plan_run(load_scenario(demo_with("excluded_statuses: \"Cleared, SHA\"", dir)), o);
    const auto& ex = plan.hazard_rules.excluded_statuses;
    EXPECT_NE(std::find(ex.begin(), ex.end(), "sha"), ex.end());
    EXPECT_NE(std::find(ex.begin(), ex.end(), "cleared"), ex.end());
    EXPECT_EQ(std::find(ex.begin(), ex.end(), "cancelled"), ex.end()) << "the scenario's list replaces the default";
    EXPECT_FALSE(plan.hazard_rules.counts(" sha "));
    EXPECT_TRUE(plan.hazard_rules.counts("CHA"));
    EXPECT_NE(plan.hazard_rules.statuses_from.find("hazard_proximity"), std::string::npos) << plan.hazard_rules.statuses_from;
    EXPECT_DOUBLE_EQ(plan.hazard_rules.class_weight("SHA"), 0.7);  // the demo's class_weights
    fs::remove_all(dir);
}
