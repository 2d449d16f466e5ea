// Tiles dealt to several processes (MPI ranks, docs/scale-out.md). Tile t of the grid (row-major) is scored by rank
// t % ranks; every rank but 0 hands its tiles to rank 0, the assembler, which writes every output as a single
// process would, so that the outputs are the same whatever the number of ranks. The interface knows no MPI: the
// MPI build implements it (engine/mpi/), the scoring stage only calls it.
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

class TileShare {
public:
    virtual ~TileShare() = default;
    virtual int rank() const = 0;
    virtual int ranks() const = 0;
    // Whether this rank scores tile t.
    bool mine(std::int64_t t) const { return t % ranks() == rank(); }
    // Rank > 0: hands tile t to the assembler. Called from several worker threads at once; may block until the
    // assembler takes it.
    virtual void send(std::int64_t t, const SharedTile& tile) = 0;
    // Rank 0: the tile t from the rank that scores it (one thread calls this, for t in increasing order). Returns
    // false when `stop` became true first. Throws Error with the message of a rank that failed.
    virtual bool receive(std::int64_t t, SharedTile& tile, const std::atomic<bool>& stop) = 0;
};

}  // namespace minerisk
