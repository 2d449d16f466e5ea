// The MPI side of a run spread over ranks (docs/scale-out.md), built with -DMINERISK_MPI=ON only. The rest of
// minerisk sees the TileShare interface (minerisk/tile_share.hpp) and nothing of MPI.
#pragma once
#include <memory>
#include <string>

#include "minerisk/tile_share.hpp"

namespace minerisk::mpi {

class Session {
public:
    // MPI_Init_thread, asking for MPI_THREAD_MULTIPLE (the worker threads of a rank send their tiles at once).
    Session(int& argc, char**& argv);
    // MPI_Finalize; after end(code) with code != 0 on rank 0, MPI_Abort instead: the other ranks may wait for it.
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    int rank() const { return rank_; }
    int ranks() const { return ranks_; }
    // Whether the ranks' worker threads may call MPI at once; when not, ranks other than 0 score on one thread.
    bool threads_ok() const { return threads_ok_; }
    // The tile share of a run with `tiles` tiles; throws Error when the MPI cannot tag that many messages.
    std::unique_ptr<TileShare> tile_share(long long tiles);
    // Rank > 0: tells rank 0 why this rank stopped (rank 0 prints it, as its own error, and ends the run).
    void report_failure(const std::string& message);
    // The exit code of this process: rank 0 failing aborts every rank.
    void end(int code) { code_ = code; }

private:
    int rank_ = 0, ranks_ = 1, code_ = 0;
    bool threads_ok_ = false;
};

}  // namespace minerisk::mpi
