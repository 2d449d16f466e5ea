// The scored grid as the later stages read it: every band the analysis needs (the combined risk and each factor's
// score), kept per scoring tile, compressed (ZSTD, lossless) on the scoring threads into a private scratch file in
// the output folder. The zones and the plans read their cells from here, never from the rasters the run writes, so
// that an output switch (outputs.factors: false) cannot change the analysis, and no stage re-reads what an earlier
// stage wrote. Memory: the tile index, plus a few decompressed tiles while reading.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/task_pool.hpp"
#include "minerisk/grid.hpp"

namespace minerisk {

class ScoredTiles {
public:
    // `scratch_path` "": the compressed tiles stay in memory (small grids, tests). Otherwise the file is created
    // at once (under a hidden ".part" name that stale-temporary clean-up recognises) and removed by the destructor.
    ScoredTiles(const GridSpec& grid, int tile_size, int bands, const std::string& scratch_path = {});
    ~ScoredTiles();
    ScoredTiles(const ScoredTiles&) = delete;
    ScoredTiles& operator=(const ScoredTiles&) = delete;

    const GridSpec& grid() const { return grid_; }
    int tile_size() const { return tile_size_; }
    int bands() const { return bands_; }

    // Thread-safe: stores `values` (tile.width x tile.height, row-major) as band `band` of the scoring tile
    // whose top-left cell is (tile.row0, tile.col0). Each (tile, band) once. Throws Error when the scratch file
    // cannot be written.
    void put(const Window& tile, int band, const float* values);

    // The cells of `w` (inside the grid) of band `band`, row-major, into `out`, whose rows are `out_stride` floats
    // apart (0: w.width). Thread-safe. A tile never stored reads as NaN.
    void read(int band, const Window& w, float* out, std::int64_t out_stride = 0) const;

    // Reads decompress the tiles a window needs on `threads` threads (the zone stage comes after the scoring,
    // when the cores are free). 1 (the default): on the reading thread.
    void use_threads(int threads);

    // How many times a stored tile was decompressed for reading (a tile read again after it left the cache counts
    // again): what the readers' order costs, for the tests.
    std::uint64_t tiles_decoded() const { return decoded_.load(); }

    // Bytes the stored tiles take (compressed).
    std::uint64_t stored_bytes() const;

private:
    struct Stored {
        std::uint64_t offset = 0;  // in the scratch file, or in memory_
        std::uint32_t bytes = 0;
        bool present = false;
    };
    struct Cached {
        std::int64_t key = -1;
        std::vector<float> values;
    };
    std::int64_t key(std::int64_t tile, int band) const { return tile * bands_ + band; }
    const std::vector<float>& tile_values(std::int64_t tile, int band) const;  // under cache_mutex_
    Cached& claim_slot(std::int64_t k) const;                                  // under cache_mutex_
    void decode(std::int64_t k, Cached& slot) const;  // thread-safe for distinct slots; throws Error
    void decode_missing(int band, const Window& w) const;  // under cache_mutex_: the window's tiles, in parallel

    GridSpec grid_;
    int tile_size_, bands_;
    std::int64_t tiles_across_, tiles_down_;
    std::string path_;
    int fd_ = -1;
    mutable std::mutex mutex_;  // index_, end_, memory_
    std::vector<Stored> index_;
    std::uint64_t end_ = 0;
    std::vector<std::vector<char>> memory_;  // in-memory variant: one blob per (tile, band)
    mutable std::mutex cache_mutex_;
    mutable std::vector<Cached> cache_;  // a row of tiles' worth (a block of rows spans one), reused round-robin
    mutable std::unordered_map<std::int64_t, std::size_t> cached_at_;
    mutable std::size_t cache_next_ = 0;
    mutable std::atomic<std::uint64_t> decoded_{0};
    std::unique_ptr<TaskPool> pool_;
};

}  // namespace minerisk
