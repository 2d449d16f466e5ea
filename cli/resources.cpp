// What a run will need on disk, and the check of the output folder's free space before any work.
#include <cstdio>
#include <filesystem>

#include "commands.hpp"
#include "minerisk/error.hpp"

namespace fs = std::filesystem;

namespace minerisk::cli {

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
    // Every raster is written uncompressed at once; then each is compressed (with overviews: up to 4/3 of
    // its size) beside its temporary file, one at a time. Plus the zones, the GeoPackage and the report.
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

std::string scenario_label(const Scenario& sc) {
    if (!sc.name.empty()) return sc.name;
    return fs::path(sc.file).filename().string() + " (no 'name' in the scenario)";
}

}  // namespace minerisk::cli
