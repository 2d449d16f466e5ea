// The rasters of a run: which are written (risk, each factor's score, each factor's extra bands, by the scenario's
// outputs switches), their metadata, which band of a scored tile each takes, and their value ranges gathered as
// the tiles are written (for the styles: no raster is read back).
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/task_pool.hpp"
#include "io/raster_writer.hpp"
#include "minerisk/exports.hpp"
#include "minerisk/run_results.hpp"

namespace minerisk {

class RunRasters {
public:
    // Opens a writer (a temporary file beside its final name) for every raster the scenario's outputs ask for
    // in `out_dir`, and lists each in `outputs`. Throws Error.
    RunRasters(const RunPlan& plan, const std::string& out_dir, std::vector<OutputFile>& outputs);

    // Whether factor k's extra band b (from 1) is written: the scoring stage computes only those.
    bool wants_extra(size_t factor, int band) const;
    // Which band of a finished tile each writer takes, in writer order: (factor, band), the risk as (-1, 0).
    const std::vector<std::pair<int, int>>& sources() const { return sources_; }
    // Writes one finished tile: bufs[i] for writer i (sources() order). From the one writer thread, in tile order;
    // the rasters' blocks are encoded in parallel, one raster per thread of the run at a time.
    void write(const Window& tile, const std::vector<std::vector<float>>& bufs);
    // Renames every raster into place (after converting it to a COG when asked). Throws Error.
    void commit(const Progress& progress);

    // The rasters as the exports present them, with the value ranges seen.
    std::vector<RasterOutput> presented() const;
    std::size_t count() const { return writers_.size(); }

private:
    RasterWriter* add(const RunPlan& plan, const std::string& relative, const std::string& name,
                      const std::string& description, const std::string& unit, const std::string& kind,
                      const std::string& what, std::vector<OutputFile>& outputs);

    std::string out_dir_;
    std::map<std::string, std::string> metadata_;
    std::vector<std::unique_ptr<RasterWriter>> writers_;
    std::vector<RasterOutput> presented_;
    std::vector<std::pair<int, int>> sources_;
    std::vector<std::vector<char>> extra_written_;  // [factor][band - 1]
    std::vector<std::pair<float, float>> range_;    // per writer: min, max (NaN: no valid cell yet)
    std::vector<float> sentinel_, below_sentinel_;  // per writer: its sentinel (NaN: none), the largest value below
    std::unique_ptr<TaskPool> pool_;
};

}  // namespace minerisk
