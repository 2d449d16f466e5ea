#include "distributed.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstring>
#include <string>

#include "minerisk/error.hpp"
#include "minerisk/pipeline.hpp"

#ifdef MINERISK_MPI
#include "mpi/mpi_session.hpp"
#endif

namespace minerisk::cli {

#ifdef MINERISK_MPI

namespace {
std::unique_ptr<mpi::Session> session;
bool reported = false;  // this rank's failure is with rank 0
}

int distributed_start(int& argc, char**& argv) {
    session = std::make_unique<mpi::Session>(argc, argv);
    if (session->rank() == 0 || session->ranks() == 1) return -1;
    // One voice for the run: rank 0's. Another rank's failure goes to rank 0 (report_failure), which prints it.
    if (!std::freopen("/dev/null", "w", stderr)) return distributed_end(1);
    // The first word that is not an option is the command: only a run is spread over the ranks.
    for (int i = 1; i < argc; ++i) {
        if (argv[i][0] == '-') {
            if (!std::strcmp(argv[i], "--progress") || !std::strcmp(argv[i], "--var")) ++i;  // options with a value
            continue;
        }
        if (!std::strcmp(argv[i], "run") || !std::strcmp(argv[i], "demo")) return -1;
        break;
    }
    return distributed_end(0);
}

int distributed_end(int code) {
    if (session && session->rank() > 0 && code != 0 && !reported)
        session->report_failure("stopped (exit code " + std::to_string(code) +
                                ") before it scored its tiles; the same command without mpirun says why");
    if (session) session->end(code);
    session.reset();
    return code;
}

bool distributed() { return session && session->ranks() > 1; }

bool run_as_rank(RunPlan& plan, RunOptions& o, std::unique_ptr<TileShare>& share) {
    if (!distributed()) return false;
    share = session->tile_share(plan.tiles);
    o.tile_share = share.get();
    plan.ranks = session->ranks();
    if (session->rank() == 0) return false;
    try {
        if (!session->threads_ok()) plan.threads = 1;  // this MPI takes calls from one thread at a time
        score_for_assembler(plan, o);
    } catch (const std::exception& e) {
        session->report_failure(e.what());
        reported = true;
        throw CLI::RuntimeError(1);  // rank 0 prints it: one line for the whole run
    }
    return true;
}

#else

int distributed_start(int&, char**&) { return -1; }
int distributed_end(int code) { return code; }
bool distributed() { return false; }
bool run_as_rank(RunPlan&, RunOptions&, std::unique_ptr<TileShare>&) { return false; }

#endif

}  // namespace minerisk::cli
