// `mpirun -np N minerisk run ...` (docs/scale-out.md): what the command line does differently under MPI. In a
// build without MPI (the default) every function here says "one process" and costs nothing.
#pragma once
#include <memory>
#include <string>

#include "minerisk/run_plan.hpp"
#include "minerisk/tile_share.hpp"

namespace minerisk::cli {

// Starts MPI (MPI build) and returns the exit code to use at once for a rank that has nothing to do: ranks other
// than 0 take part in `run` and `demo` only; -1: go on.
int distributed_start(int& argc, char**& argv);
// Ends MPI with the process's exit code (rank 0 failing aborts the other ranks) and returns it.
int distributed_end(int code);

// Whether this process is one of several ranks.
bool distributed();
// Rank 0: deals the tiles (o.tile_share, kept in `share`). Another rank: scores its share for rank 0, reports a
// failure to rank 0 rather than printing it, and returns true: the run is done for this rank.
bool run_as_rank(RunPlan& plan, RunOptions& o, std::unique_ptr<TileShare>& share);

}  // namespace minerisk::cli
