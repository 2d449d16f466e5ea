#include "analysis/round_grid.hpp"

#include <cmath>

#include "minerisk/dates.hpp"
#include "minerisk/error.hpp"

namespace minerisk::backtest {

namespace {

// A feature counts as known on `as_of` unless its date is readable and later.
bool known_on(const Column* dates, size_t i, double as_of) {
    if (!dates || i >= dates->number.size()) return true;
    if (i < dates->present.size() && !dates->present[i]) return true;
    const double d = dates->number[i];
    return !std::isfinite(d) || d <= as_of;
}

}  // namespace

GridSpec grid_known_at(const RunPlan& plan, double as_of) {
    const Scenario& sc = plan.scenario;
    if (sc.extent || plan.area.size() > 0) return plan.grid;
    Extent known;
    for (const auto& layer : plan.inputs.layers) {
        const Column* dates = layer.column("date");
        for (size_t i = 0; i < layer.bounds.size(); ++i)
            if (known_on(dates, i, as_of)) known.expand(layer.bounds[i]);
    }
    if (known.empty())
        throw Error("no record of any input is dated on or before " + date_to_string(as_of) +
                        ": a map drawn then has nothing to stand on",
                    Location{sc.file}, "choose a later split date");
    const Extent e = known.grown(sc.margin);
    check_grid_size(sc, e, true);
    GridSpec g = GridSpec::from_extent(e, plan.grid.cell_size, plan.grid.crs_wkt);
    return g;
}

SwapGrid::SwapGrid(RunPlan& plan, const GridSpec& grid) : plan_(plan), saved_grid_(plan.grid), saved_tiles_(plan.tiles) {
    plan_.grid = grid;
    const std::int64_t ts = plan_.tile_size;
    plan_.tiles = ((grid.width + ts - 1) / ts) * ((grid.height + ts - 1) / ts);
}

SwapGrid::~SwapGrid() {
    plan_.grid = saved_grid_;
    plan_.tiles = saved_tiles_;
}

}  // namespace minerisk::backtest
