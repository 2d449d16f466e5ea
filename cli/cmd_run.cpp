#include <gdal.h>

#include <cstdio>

#include "commands.hpp"
#include "distributed.hpp"
#include "progress.hpp"
#include "minerisk/error.hpp"
#include "minerisk/output_folder.hpp"
#include "minerisk/output_transaction.hpp"
#include "minerisk/scenario.hpp"
#include "minerisk/scenario_limits.hpp"

namespace minerisk::cli {

std::map<std::string, std::string> scenario_vars(const Common& common) {
    std::map<std::string, std::string> vars;
    for (const auto& v : common.vars) {
        const auto eq = v.find('=');
        if (eq == std::string::npos || eq == 0)
            throw Error("--var '" + v + "' is not NAME=VALUE", {}, "write e.g. --var DATA=/path/to/data");
        vars[v.substr(0, eq)] = v.substr(eq + 1);
    }
    return vars;
}

RunOptions options_for(const Common& common) {
    RunOptions o;
    o.command_line = common.argv;
    progress_configure(common.quiet ? "none" : common.progress);
    if (progress_enabled()) {
        o.progress = progress_callback;
        o.on_stage = progress_stage;
    }
    return o;
}

int run_scenario_file(const std::string& scenario_path, const std::string& out_dir, bool overwrite, unsigned threads,
                      int tile_size, const Common& common, const PlanFlags* plan_flags) {
    RunOptions o = options_for(common);
    o.output_dir = out_dir;
    o.overwrite = overwrite;
    o.threads = threads;
    o.tile_size = tile_size;
    check_output_folder(out_dir, overwrite);  // before the inputs are read: a refusal should cost nothing
    Scenario sc = load_scenario(scenario_path, scenario_vars(common));
    if (plan_flags) apply_plan_flags(*plan_flags, sc);
    check_output_apart_from_inputs(out_dir, files_read(sc));  // also before the inputs are read
    if (distributed()) o.progress = nullptr, o.on_stage = nullptr;  // the ranks' progress would interleave
    RunPlan plan = plan_run(sc, o);
    std::unique_ptr<TileShare> share;
    if (run_as_rank(plan, o, share)) return 0;  // a rank other than 0: its tiles are with rank 0
    check_free_space(plan, out_dir);
    RunSummary summary = execute_run(plan, o);
    progress_end();
    print_summary(plan, summary);
    return 0;
}

void add_run(CLI::App& app, Common& common) {
    auto* cmd = app.add_subcommand("run", "run a scenario and write its rasters into a folder");
    auto scenario = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    auto overwrite = std::make_shared<bool>(false);
    auto threads = std::make_shared<unsigned>(0);
    auto tile = std::make_shared<int>(0);
    cmd->add_option("scenario", *scenario, "scenario file (YAML)")->required()->check(CLI::ExistingFile);
    cmd->add_option("-o,--output", *out, "output folder (created if missing)")->required();
    cmd->add_flag("--overwrite", *overwrite, "write into an existing, non-empty output folder");
    // Checked as a number before it becomes unsigned: "-1" would wrap to 4294967295 threads.
    cmd->add_option("-j,--threads", *threads, "threads to use (default: the scenario's run.threads, else all cores)")
        ->check(CLI::Range(0.0, limits::run::threads.max));
    const limits::Limit& tile_size = limits::run::tile_size;  // the scenario key's range and default
    cmd->add_option("--tile-size", *tile,
                    "cells per tile side (default: the scenario's run.tile_size, " +
                        std::to_string(static_cast<int>(tile_size.default_value)) + ")")
        ->check(CLI::Range(static_cast<int>(tile_size.min), static_cast<int>(tile_size.max)));
    auto plan_flags = add_plan_flags(cmd);
    cmd->footer("\nPlans beyond the map: --uncertainty 1000 (rank stability), --signs 60 (where the next signs go), --facilitators 3\n"
                "--base NAME (sessions by week); or the scenario's uncertainty, sign_plan and outreach_plan sections.\n"
                "docs/uncertainty.md, docs/sign-plan.md, docs/outreach-plan.md say what each gives and how.\n" +
                std::string(kCommonOptionsHelp));
    cmd->callback([=, &common]() {
        const int rc = run_scenario_file(*scenario, *out, *overwrite, *threads, *tile, common, plan_flags.get());
        if (rc) throw CLI::RuntimeError(rc);
    });
}

}  // namespace minerisk::cli
