// A fixture for scenario parser tests: a fresh temporary folder with the placeholder inputs a scenario names
// (the parser only checks that they exist), parse() and the Error a text raises.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "minerisk/error.hpp"
#include "minerisk/scenario.hpp"

namespace scenario_test {

namespace fs = std::filesystem;

constexpr const char* kFile = "scenario.yaml";

// The smallest scenario the parser accepts; tests append sections to it.
inline const std::string kMinimal =
    "resolution: 20\n"
    "inputs:\n"
    "  hazards: data/h.gpkg\n"
    "scoring:\n"
    "  factors:\n"
    "    - plugin: hazard_proximity\n";

class ParseFixture : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = fs::temp_directory_path() /
               ("minerisk_scenario_" + std::to_string(::getpid()) + "_" + info->test_suite_name() + "_" + info->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_ / "data");
        std::ofstream(dir_ / "data" / "h.gpkg").put('\n');
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    minerisk::Scenario parse(const std::string& yaml) const { return minerisk::parse_scenario(yaml, kFile, dir_.string()); }

    // The Error the text raises; a test failure (and an empty Error) if it parses.
    minerisk::Error error_of(const std::string& yaml) const {
        try {
            parse(yaml);
        } catch (const minerisk::Error& e) {
            return e;
        }
        ADD_FAILURE() << "the scenario parsed, but an error was expected:\n" << yaml;
        return minerisk::Error("(no error)");
    }

    fs::path dir_;
};

}  // namespace scenario_test
