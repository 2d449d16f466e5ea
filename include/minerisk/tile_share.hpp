// Tiles shared between several processes (MPI ranks, docs/scale-out.md). Rank 0 hands the tiles out one at a time,
// in increasing order, to whichever worker thread of any rank is free (its own included): a rank that is slower,
// or busier (rank 0 also writes every output), takes fewer. Every rank but 0 hands its finished tiles to rank 0,
// the assembler, which writes every output in tile order as a single process would, so that the outputs are the
// same whatever the number of ranks and whoever scored which tile. The interface knows no MPI: the MPI build
// implements it (engine/mpi/), the scoring stage only calls it.
#pragma once
#include <atomic>
#include <cstdint>
#include <vector>

namespace minerisk {

// A finished tile as it travels: its bands (the combined risk first, then each factor's bands in order; a band
// not computed is empty) and what the scoring stage counts of it.
struct SharedTile {
    std::vector<std::vector<float>> bands;
    double risk_sum = 0, risk_min = 0, risk_max = 0;
    std::int64_t risk_cells = 0;
    std::vector<std::int64_t> nan_cells;  // per factor: cells the plugin left without data
};

// What each rank did, as rank 0 saw it (run.json's "run" record).
struct RankShare {
    std::int64_t tiles = 0;  // tiles it scored
    std::int64_t bytes = 0;  // bytes of tiles it sent to rank 0 (0 for rank 0)
};

class TileShare {
public:
    virtual ~TileShare() = default;
    virtual int rank() const = 0;
    virtual int ranks() const = 0;
    // The next tile for a worker thread of this rank to score, or -1 when every tile is taken. Called from
    // several worker threads at once; on a rank other than 0 it asks rank 0 and waits for the answer.
    virtual std::int64_t take() = 0;
    // Rank > 0: hands tile t to the assembler. Called from several worker threads at once; may block until the
    // assembler takes it.
    virtual void send(std::int64_t t, const SharedTile& tile) = 0;
    // Rank > 0: tells rank 0 this rank takes no more tiles (after its threads have stopped).
    virtual void finish() = 0;

    enum class Received { tile, own, stopped };
    // Rank 0, one thread, for t = 0, 1, 2, ...: waits until tile t is taken, answering the other ranks' take()
    // meanwhile. `own` when rank 0 took it itself (its worker hands it to the sink); `tile` with the tile from
    // the rank that took it; `stopped` when `stop` became true first. Throws Error with the message of a rank
    // that failed.
    virtual Received receive(std::int64_t t, SharedTile& tile, const std::atomic<bool>& stop) = 0;
    // Rank 0, after the last tile: answers the other ranks until each has said it takes no more.
    virtual void close(const std::atomic<bool>& stop) = 0;
    // Rank 0: what each rank did (index = rank).
    virtual std::vector<RankShare> shares() const = 0;
};

}  // namespace minerisk
