// The scoring stage on its own: prepare every plugin once, then score the grid tile by tile on all threads
// and hand each finished tile (factor bands and combined risk) to a sink. Used by execute_run (sink: the
// raster writers) and compute_surfaces (sink: whole-grid buffers in memory).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "minerisk/cancel.hpp"
#include "minerisk/combine.hpp"
#include "minerisk/run_plan.hpp"
#include "minerisk/tile_share.hpp"
#include "scoring/host.hpp"

namespace minerisk {

// Plugin states for one run; released whatever happens.
class PreparedFactors {
public:
    PreparedFactors() = default;
    PreparedFactors(const PreparedFactors&) = delete;
    PreparedFactors& operator=(const PreparedFactors&) = delete;
    ~PreparedFactors();

    std::vector<const mr_plugin*> apis;
    std::vector<void*> states;
    std::vector<double> halo_cells;
};

// Calls every plugin's prepare(); checks the memory the run will need now that the reaches are known.
// Throws Error naming the plugin and the factor's scenario line.
void prepare_factors(RunPlan& plan, const Host& host, PreparedFactors& out);

CombineSpec combine_spec(const RunPlan& plan);

// One finished tile: factor[k][0] is factor k's score, factor[k][b] its extra band b (empty where not
// wanted); risk is the combined risk. Each is tile.width x tile.height floats, row-major.
struct TileBands {
    std::vector<std::vector<std::vector<float>>> factor;
    std::vector<float> risk;
};
// Called from worker threads (a sink must be thread-safe) with the tile's own buffers: the sink may keep any
// of them (std::swap or move them out) rather than copy; the worker refills whatever it is left with.
using TileSink = std::function<void(const Window& tile, TileBands& bands)>;
// Which extra bands the sink wants: (factor, band index from 1).
using WantBand = std::function<bool(size_t factor, int band)>;

struct ScoreStats {
    double risk_min = 0, risk_mean = 0, risk_max = 0;
    std::vector<std::string> warnings;  // e.g. a plugin that gave no data (NaN) for some cells
};

// Scores every tile of the grid. A plugin's failure, a value outside [0, 1] or a cell it left unfilled is
// an Error naming the plugin, the factor and the cell. Cancellation (request_cancel or the progress
// callback) throws Error("cancelled").
// With `share` (MPI, tile_share.hpp) this process scores its share of the tiles: rank 0 also takes the others'
// tiles, each through `sink` as if it had scored it, and returns the stats of the whole grid; another rank sends
// its tiles to rank 0 instead of calling `sink`.
// `on_failure` is called once, from the failing thread, as soon as any tile fails: a sink that may block
// (waiting for a tile that will now never come) must then stop waiting.
ScoreStats score_tiles(const RunPlan& plan, Host& host, const PreparedFactors& prepared, const CombineSpec& combine,
                       const WantBand& want, const TileSink& sink, const Progress& progress,
                       const std::function<void()>& on_failure = {}, TileShare* share = nullptr);

}  // namespace minerisk
