// A band of the scored grid as the zone stage and the plans read it, streamed by blocks of rows, never whole:
// from the run's scored tiles (io/scored_tiles.hpp: what a run uses, so that no stage re-reads an output), or
// from a GeoTIFF (the zone stage on its own, over a risk raster written before). Memory: one block of rows
// (256 rows x width x 4 bytes).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "minerisk/grid.hpp"
#include "minerisk/progress.hpp"
#include "zones/runs.hpp"

class GDALDataset;

namespace minerisk {
class ScoredTiles;
}

namespace minerisk::zones {

class RiskReader {
public:
    // Opens the raster. `expected` (when its width is not 0) must match its size and geotransform, and its
    // CRS is kept; otherwise the grid is read from the file (north-up, square cells). Throws Error.
    RiskReader(const std::string& path, const GridSpec& expected);
    // Band `band` of the run's scored tiles; `name` says which in messages ("the combined risk").
    RiskReader(const ScoredTiles& tiles, int band, const std::string& name);
    ~RiskReader();
    RiskReader(const RiskReader&) = delete;
    RiskReader& operator=(const RiskReader&) = delete;

    const GridSpec& grid() const { return grid_; }
    const std::string& path() const { return path_; }

    // Calls fn(row0, rows, values) for consecutive blocks of rows, top to bottom; values are rows x width,
    // NaN where the raster has no data. Reports progress; throws Error("cancelled") when asked to stop.
    void for_each_rows(const Progress& progress, const char* what,
                       const std::function<void(std::int64_t, std::int64_t, const float*)>& fn) const;

    // The same, reading only the raster blocks that hold a cell of `runs`: the values of other cells are NaN.
    // Zones cover a small share of the grid, so this reads a small share of the raster.
    void for_each_rows_covering(const RowRuns& runs, const Progress& progress, const char* what,
                                const std::function<void(std::int64_t, std::int64_t, const float*)>& fn) const;

    // The cells of a window (clipped to the grid by the caller), row-major, NaN for no data.
    std::vector<float> window(const Window& w) const;
    // The rows of the unit the source decompresses at once (a scored tile, or the raster's block): readers of
    // many small windows go through them band by band of this height, so that what they read stays cached.
    std::int64_t cached_rows() const;

private:
    // Cells [c0, c0 + width) x [r0, r0 + rows) into dst (rows `stride` floats apart), NaN for no data. Throws Error.
    void read(const Window& w, float* dst, std::int64_t stride) const;
    // The block layout reads are aligned to: the raster's blocks, or 512 x 512 for the scored tiles (the COG's).
    void block_size(std::int64_t& bw, std::int64_t& bh) const;

    const ScoredTiles* tiles_ = nullptr;
    int band_ = 0;
    std::string path_;
    GridSpec grid_;
    GDALDataset* ds_ = nullptr;
    bool has_nodata_ = false;
    float nodata_ = 0;
};

// Exact k-th largest value by radix selection on the float bits: feed every value to pass 1, call
// end_pass1(), feed every value again to pass 2, then threshold(). Two streaming passes, 512 KB.
class TopPercentSelect {
public:
    explicit TopPercentSelect(double percent);
    void pass1(const float* v, std::int64_t n);
    void end_pass1();
    void pass2(const float* v, std::int64_t n);
    float threshold() const;  // NaN when no value was valid
    std::int64_t valid() const { return valid_; }

private:
    double percent_;
    std::vector<std::int64_t> hist_;
    std::int64_t valid_ = 0, k_ = 0;
    std::uint32_t high_ = 0;
};

// The smallest value t such that the cells >= t make up at least `percent` % of the cells with data (the
// k-th largest, k = ceil(percent / 100 x valid)); every cell equal to t is a candidate, so with ties the
// share may exceed `percent`. NaN when no cell has data. Two streaming passes over the raster.
float top_percent_threshold(const RiskReader& risk, double percent, std::int64_t* valid, const Progress& progress);

// The second half of the same, when the first pass has been fed already (e.g. while the risk was computed):
// ends pass 1, reads the raster once for pass 2. NaN when no cell has data.
float finish_top_percent(const RiskReader& risk, TopPercentSelect& select, const Progress& progress);

struct CandidateRuns {
    RowRuns candidates;  // risk >= threshold
    RowRuns nodata;      // risk NaN
    std::int64_t valid = 0, candidate_cells = 0;
};

// One streaming pass: the runs of cells at or above the threshold, and of cells without data.
CandidateRuns candidate_runs(const RiskReader& risk, float threshold, const Progress& progress);

}  // namespace minerisk::zones
