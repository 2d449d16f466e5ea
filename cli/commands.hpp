// The command line: one function per command; each parses nothing itself and returns an exit code.
#pragma once
#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

#include "minerisk/pipeline.hpp"

namespace minerisk::cli {

struct Common {
    bool quiet = false;
    std::vector<std::string> vars;  // --var NAME=VALUE, for ${NAME} in scenario files
};

// The --var values as a map; throws Error for one without '='.
std::map<std::string, std::string> scenario_vars(const Common& common);

void add_run(CLI::App& app, Common& common);
void add_validate(CLI::App& app, Common& common);
void add_info(CLI::App& app, Common& common);
void add_demo(CLI::App& app, Common& common);
void add_plugins(CLI::App& app, Common& common);
void add_backtest(CLI::App& app, Common& common);

// Shared by run and demo: plans, runs and prints the summary. Returns the exit code.
int run_scenario_file(const std::string& scenario, const std::string& out_dir, bool overwrite, unsigned threads,
                      int tile_size, const Common& common);

// Printing.
void print_plan(const RunPlan& plan);
void print_summary(const RunPlan& plan, const RunSummary& summary);
RunOptions options_for(const Common& common);

}  // namespace minerisk::cli
