// minerisk: risk maps and outreach plans from weapon-contamination data.
//
// Exit codes: 0 done; 1 an error the user can fix (one line on stderr: "minerisk: error: <where>: <problem>.
// <what to do>"); 2 the command line itself is wrong (one line, pointing at --help); 3 an internal error
// (a bug: please report it); 128 + the signal when SIGINT (130) or SIGTERM (143) cancelled it. --help exits 0.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <new>
#include <string>
#include <system_error>

#include "commands.hpp"
#include "distributed.hpp"
#include "minerisk/error.hpp"
#include "minerisk/version.hpp"
#include "progress.hpp"

// Ctrl-C or a kill asks the run to stop at the next tile; its temporary files are then removed and
// earlier outputs stay as they were. A second Ctrl-C ends the process at once.
static volatile std::sig_atomic_t g_signal = 0;

static void on_signal(int sig) {
    if (minerisk::cancel_requested()) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    g_signal = sig;
    minerisk::request_cancel();
}

// The exit code and the one line of a run that a signal cancelled: every stage stops at its next check and throws
// Error("cancelled"); the staging folder is gone by then (OutputTransaction), so nothing was published.
static int cancelled_exit() {
    const int sig = g_signal ? static_cast<int>(g_signal) : SIGINT;
    std::fprintf(stderr, "minerisk: cancelled by %s: nothing was published; earlier outputs are as they were\n",
                 sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT (Ctrl-C)" : strsignal(sig));
    return 128 + sig;
}

// The summary and the listings go to stdout: a full disk or a closed pipe there is a failure, not a success.
static int checked_stdout(int rc) {
    std::cout.flush();
    if (std::fflush(stdout) != 0 || std::ferror(stdout) || !std::cout) {
        std::fprintf(stderr, "minerisk: error: cannot write to standard output: %s\n", std::strerror(errno ? errno : EIO));
        return rc ? rc : 1;
    }
    return rc;
}

// "minerisk run" when the command was recognised, else "minerisk": where --help says what is expected.
static std::string command_of(const CLI::App& app) {
    std::string cmd = "minerisk";
    for (const CLI::App* sub : app.get_subcommands()) cmd += " " + sub->get_name();
    return cmd;
}

namespace {

int run_main(int argc, char** argv) {
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    // Over `ulimit -f` a write fails with EFBIG, which the writers report as one line, instead of SIGXFSZ
    // killing the process with a core dump and half a folder.
    signal(SIGXFSZ, SIG_IGN);
    CLI::App app{"minerisk: turns hazard areas, incidents, settlements and signs into risk maps and outreach plans"};
    app.require_subcommand(1);
    app.fallthrough();
    const minerisk::VersionInfo v = minerisk::versions();
    app.set_version_flag("--version", "minerisk " + v.minerisk + " (GDAL " + v.gdal + ", GEOS " + v.geos + ", PROJ " + v.proj + ")",
                         "print minerisk's version and the libraries' it was built with, and exit");
    minerisk::cli::Common common;
    common.argv.assign(argv, argv + argc);
    app.add_flag("-q,--quiet", common.quiet, "print no progress, only errors and the final summary");
    app.add_option("--progress", common.progress,
                   "how progress is shown on stderr: bar (redrawn, with the time left), gdal (GDAL's "
                   "0...10...20... - done. per stage), none; auto: bar on a terminal, gdal otherwise")
        ->check(CLI::IsMember({"auto", "bar", "gdal", "none"}))
        ->capture_default_str();
    app.add_option("--var", common.vars, "NAME=VALUE for ${NAME} in the scenario file (repeatable)")->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    minerisk::cli::add_run(app, common);
    minerisk::cli::add_validate(app, common);
    minerisk::cli::add_demo(app, common);
    minerisk::cli::add_plugins(app, common);
    minerisk::cli::add_info(app, common);
    minerisk::cli::add_backtest(app, common);
    // The version at the foot of every help, so that a pasted --help says which minerisk it describes.
    const std::string version_line = "minerisk " + v.minerisk;
    app.footer("\n" + version_line);
    for (CLI::App* sub : app.get_subcommands({}))
        sub->footer(sub->get_footer().empty() ? "\n" + version_line : sub->get_footer() + "\n\n" + version_line);
    try {
        app.parse(argc, argv);
    } catch (const CLI::RuntimeError& e) {  // a command's own exit code
        minerisk::cli::progress_end();
        return checked_stdout(e.get_exit_code());
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return checked_stdout(app.exit(e));  // --help, --help-all, --version: their text too must reach stdout
        const std::string command = command_of(app);
        std::string what = minerisk::one_line(e.what());
        // A word that is no command: CLI11 says only "A subcommand is required".
        if (app.get_subcommands().empty() && !app.remaining().empty() && app.remaining().front()[0] != '-') {
            std::string names;
            for (const CLI::App* sub : app.get_subcommands({})) names += (names.empty() ? "" : ", ") + sub->get_name();
            what = "unknown command '" + app.remaining().front() + "'; the commands are " + names;
        }
        std::fprintf(stderr, "minerisk: error: %s (see %s --help)\n", what.c_str(), command.c_str());
        return 2;
    } catch (const minerisk::Error& e) {
        minerisk::cli::progress_end();
        if (minerisk::cancel_requested()) return cancelled_exit();
        std::fprintf(stderr, "minerisk: error: %s\n", e.what());
        return 1;
    } catch (const std::bad_alloc&) {
        minerisk::cli::progress_end();
        if (minerisk::cancel_requested()) return cancelled_exit();
        std::fprintf(stderr, "minerisk: error: out of memory; nothing was published. Raise the memory limit (ulimit -v), "
                             "or lower run.threads or run.tile_size\n");
        return 1;
    } catch (const std::filesystem::filesystem_error& e) {  // a path the file system refused: it names the path
        minerisk::cli::progress_end();
        if (minerisk::cancel_requested()) return cancelled_exit();
        std::fprintf(stderr, "minerisk: error: %s\n", minerisk::one_line(minerisk::mask_secrets(e.what())).c_str());
        return 1;
    } catch (const std::system_error& e) {  // a thread that could not start (EAGAIN under a process or memory limit)
        minerisk::cli::progress_end();
        if (minerisk::cancel_requested()) return cancelled_exit();
        std::fprintf(stderr, "minerisk: error: the system refused a resource (%s); nothing was published. Raise the "
                             "process or memory limits, or lower run.threads\n",
                     minerisk::one_line(e.what()).c_str());
        return 1;
    } catch (const std::exception& e) {
        minerisk::cli::progress_end();
        std::fprintf(stderr, "minerisk: internal error: %s (please report it)\n",
                     minerisk::one_line(minerisk::mask_secrets(e.what())).c_str());
        return 3;
    }
    return checked_stdout(0);
}

}  // namespace

int main(int argc, char** argv) {
    // Under mpirun (an MPI build): every rank runs this program; docs/scale-out.md.
    const int early = minerisk::cli::distributed_start(argc, argv);
    if (early >= 0) return early;
    return minerisk::cli::distributed_end(run_main(argc, argv));
}
