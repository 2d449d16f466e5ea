// What a run will need in memory and on disk, estimated from the plan and checked before any work.
#include "minerisk/resources.hpp"

#include <filesystem>

#include "minerisk/error.hpp"

namespace fs = std::filesystem;

namespace minerisk {

namespace {

std::uint64_t input_bytes(const Inputs& in) {
    std::uint64_t b = 0;
    for (const auto& l : in.layers)
        for (const auto& w : l.wkb) b += 3 * w.size() + 200;  // WKB + OGR geometry + index and attributes
    return b;
}

}  // namespace

MemoryEstimate estimate_memory(const RunPlan& plan, const std::vector<double>& halo_cells) {
    // Per thread, one tile in flight: each factor's bands over the tile, plus its working buffers over the
    // tile and its halo (about 24 bytes a cell for a distance transform: mask, squared distance, output).
    const double t = plan.tile_size;
    double per_tile = 4.0 * t * t;  // risk
    for (size_t k = 0; k < plan.factors.size(); ++k) {
        const double h = k < halo_cells.size() ? halo_cells[k] : 0.0;
        per_tile += 4.0 * t * t * (1 + plan.factors[k].plugin->api->extra_band_count);
        per_tile += 24.0 * (t + 2 * h) * (t + 2 * h);
    }
    // Finished tiles waiting for the writer (risk and every factor band, at most 2 x threads + 2 of them),
    // GDAL's block cache, and the rest of the process.
    std::size_t outputs = 1;
    for (const auto& f : plan.factors) outputs += 1 + static_cast<std::size_t>(f.plugin->api->extra_band_count);
    const double queued = 4.0 * t * t * double(outputs) * double(2 * plan.threads + 2);
    MemoryEstimate m;
    m.bytes = static_cast<std::uint64_t>(per_tile * plan.threads + queued) + input_bytes(plan.inputs) +
              static_cast<std::uint64_t>(kGdalCacheBytes) + (64ull << 20);
    return m;
}

void guard_memory(const RunPlan& plan, const MemoryEstimate& m) {
    const double limit = plan.scenario.run.max_memory_mb * 1024 * 1024;
    if (static_cast<double>(m.bytes) > limit)
        throw Error("the run would need about " + m.describe() + " of memory, over the limit of " +
                        std::to_string(static_cast<long long>(plan.scenario.run.max_memory_mb)) + " MB",
                    plan.scenario.resolution_where.line ? plan.scenario.resolution_where : Location{plan.scenario.file},
                    "lower run.tile_size or run.threads, use a coarser resolution, or raise run.max_memory_mb if the "
                    "machine has the memory");
}

std::string DiskEstimate::describe() const {
    MemoryEstimate m;
    m.bytes = bytes;
    return "about " + m.describe() + " (" + std::to_string(rasters) + " float32 raster(s) written uncompressed first)";
}

DiskEstimate estimate_disk(const RunPlan& plan) {
    DiskEstimate d;
    d.rasters = 1;  // risk
    for (const auto& f : plan.factors) {
        if (plan.scenario.outputs.factors) ++d.rasters;
        if (plan.scenario.outputs.extra_bands && f.plugin && f.plugin->api) d.rasters += f.plugin->api->extra_band_count;
    }
    const double one = 4.0 * static_cast<double>(plan.grid.cells());
    const std::string& codec = plan.scenario.outputs.compress;
    if (plan.scenario.outputs.format == "COG" && codec != "LZW") {
        // Written once (io/cog_writer.hpp): every raster's encoded blocks with its overviews (up to 4/3 of its
        // cells) wait in a scratch file, and each COG is assembled beside them, one at a time. Counted as if
        // nothing compressed (noise does not): the bound, not the usual figure (about a third of it).
        d.bytes = static_cast<std::uint64_t>(one * 4.0 / 3.0 * (d.rasters + 1)) + (64ull << 20);
        return d;
    }
    // Through GDAL: every raster is written at once (compressed as written, counted as if not); then each
    // is made a COG (with overviews: up to 4/3 of its size) beside its temporary file, one at a time. Plus the
    // zones, the GeoPackage and the report.
    d.bytes = static_cast<std::uint64_t>(one * d.rasters + one * 4.0 / 3.0) + (64ull << 20);
    return d;
}

void check_free_space(const RunPlan& plan, const std::string& out_dir) {
    // The output folder may not exist yet: its nearest existing parent holds the file system.
    std::error_code ec;
    fs::path p = fs::absolute(out_dir, ec).lexically_normal();
    while (!p.empty() && !fs::exists(p, ec) && p != p.parent_path()) p = p.parent_path();
    const fs::space_info space = fs::space(p, ec);
    if (ec) return;  // cannot tell: let the run find out
    const DiskEstimate need = estimate_disk(plan);
    if (space.available >= need.bytes) return;
    MemoryEstimate free_space;
    free_space.bytes = space.available;
    throw Error("the outputs need " + need.describe() + " on disk, and the file system of the output folder has only " +
                    free_space.describe() + " free",
                Location{out_dir},
                "free some space, choose an output folder on another disk (-o), or write fewer rasters (outputs.factors: "
                "false, outputs.extra_bands: false) or coarsen 'resolution'");
}

}  // namespace minerisk
