#include <cstdio>

#include "commands.hpp"
#include "progress.hpp"
#include "minerisk/scenario.hpp"

namespace minerisk::cli {

void add_validate(CLI::App& app, Common& common) {
    auto* cmd = app.add_subcommand("validate", "check a scenario, its plugins and its inputs without computing anything");
    auto scenario = std::make_shared<std::string>();
    cmd->add_option("scenario", *scenario, "scenario file (YAML)")->required()->check(CLI::ExistingFile);
    cmd->footer(std::string("\n") + kCommonOptionsHelp);
    cmd->callback([=, &common]() {
        RunOptions o = options_for(common);
        const Scenario sc = load_scenario(*scenario, scenario_vars(common));
        const RunPlan plan = plan_run(sc, o);
        progress_end();
        print_plan(plan);
        std::printf("The scenario is valid.\n");
    });
}

}  // namespace minerisk::cli
