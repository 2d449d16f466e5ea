// minerisk: risk maps and outreach plans from weapon-contamination data.
#include <csignal>
#include <cstdio>

#include "commands.hpp"
#include "minerisk/error.hpp"

// Ctrl-C or a kill asks the run to stop at the next tile; its temporary files are then removed and
// earlier outputs stay as they were. A second Ctrl-C ends the process at once.
static void on_signal(int sig) {
    if (minerisk::cancel_requested()) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    minerisk::request_cancel();
}

int main(int argc, char** argv) {
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    CLI::App app{"minerisk: turns hazard areas, incidents, settlements and signs into risk maps and outreach plans"};
    app.require_subcommand(1);
    app.fallthrough();
    minerisk::cli::Common common;
    app.add_flag("-q,--quiet", common.quiet, "print no progress, only errors and the final summary");
    app.add_option("--var", common.vars, "NAME=VALUE for ${NAME} in the scenario file (repeatable)")->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    minerisk::cli::add_run(app, common);
    minerisk::cli::add_validate(app, common);
    minerisk::cli::add_demo(app, common);
    minerisk::cli::add_plugins(app, common);
    minerisk::cli::add_info(app, common);
    minerisk::cli::add_backtest(app, common);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const minerisk::Error& e) {
        std::fprintf(stderr, "minerisk: error: %s\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "minerisk: internal error: %s (please report it)\n", e.what());
        return 2;
    }
    return 0;
}
