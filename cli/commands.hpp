// The command line: one function per command; each parses nothing itself and returns an exit code.
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "minerisk/pipeline.hpp"
#include "minerisk/resources.hpp"

namespace minerisk::cli {

// The options every command takes (main.cpp), said again at the foot of each command's --help, where users look.
inline constexpr const char* kCommonOptionsHelp =
    "Also, as for every command: -q (no progress, only errors and the summary), --progress auto|bar|gdal|none\n"
    "(progress on stderr), --var NAME=VALUE (for ${NAME} in the scenario).";

struct Common {
    bool quiet = false;
    std::string progress = "auto";  // --progress: auto | bar | gdal | none
    std::vector<std::string> vars;  // --var NAME=VALUE, for ${NAME} in scenario files
    std::vector<std::string> argv;  // the whole command line, recorded in run.json
};

// The --var values as a map; throws Error for one without '='.
std::map<std::string, std::string> scenario_vars(const Common& common);

void add_run(CLI::App& app, Common& common);
void add_validate(CLI::App& app, Common& common);
void add_info(CLI::App& app, Common& common);
void add_demo(CLI::App& app, Common& common);
void add_plugins(CLI::App& app, Common& common);
void add_backtest(CLI::App& app, Common& common);

// The plans' options of run and demo (--uncertainty, --signs, --facilitators, ...: plan_flags.cpp), applied over the
// scenario's sections; an option without its plan is a usage error. print_plans: their lines of the summary.
struct PlanFlags;
std::shared_ptr<PlanFlags> add_plan_flags(CLI::App* cmd);
void apply_plan_flags(const PlanFlags& flags, Scenario& scenario);
void print_plans(const RunSummary& summary);

// Shared by run and demo: plans, runs and prints the summary. Returns the exit code.
int run_scenario_file(const std::string& scenario, const std::string& out_dir, bool overwrite, unsigned threads,
                      int tile_size, const Common& common, const PlanFlags* plan_flags = nullptr);

// "sector_north" for a scenario without 'name': the file name.
std::string scenario_label(const Scenario& sc);

// Printing.
void print_plan(const RunPlan& plan);
void print_summary(const RunPlan& plan, const RunSummary& summary);
RunOptions options_for(const Common& common);

}  // namespace minerisk::cli
