// What a run will need, checked before any work: memory (tiles in flight, inputs, caches) and disk (the outputs).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "minerisk/run_plan.hpp"

namespace minerisk {

// Bytes the run needs in memory: every thread's tile in flight (each factor's bands and its working buffers over
// the tile and its halo), the finished tiles waiting for the writer, the inputs, GDAL's block cache. `halo_cells`:
// each factor's halo once the plugins are prepared (empty before: no halos).
MemoryEstimate estimate_memory(const RunPlan& plan, const std::vector<double>& halo_cells);
// Throws Error (at the scenario's resolution line) when the estimate is over run.max_memory_mb.
void guard_memory(const RunPlan& plan, const MemoryEstimate& m);

// What the outputs of a run will take on disk, at most: every raster is first written uncompressed (float32)
// beside its final name, all of them at once, then compressed one at a time.
struct DiskEstimate {
    std::uint64_t bytes = 0;
    int rasters = 0;  // risk + factors + extra bands written
    std::string describe() const;  // "about 1.2 GB (9 float32 raster(s) written uncompressed first)"
};
DiskEstimate estimate_disk(const RunPlan& plan);
// Refuses the run, before any work, when the file system of the output folder has less free space than the
// estimate. Throws Error.
void check_free_space(const RunPlan& plan, const std::string& out_dir);

// GDAL's block cache for a run: modest, because tiles are written once and never read back (a user's
// GDAL_CACHEMAX wins).
inline constexpr std::int64_t kGdalCacheBytes = 256ll << 20;

}  // namespace minerisk
