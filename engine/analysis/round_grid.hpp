// The grid of one backtest round, drawn only from what was known on its date (no look-ahead): with
// 'extent: auto' and no area of interest the run's grid is the extent of every record, also of those after the
// split, and records of the held-out years would widen the map a planner drew in the past.
#pragma once
#include "minerisk/run_plan.hpp"

namespace minerisk::backtest {

// The grid a round dated `as_of` uses: the scenario's own grid when it is fixed by 'extent:' or 'area:';
// otherwise the extent, plus the margin, of the features of every input known on `as_of` (dated on or before it,
// or without a date; the incidents layer is expected to hold the round's known incidents already), in cells
// aligned with the run's grid. Throws Error when nothing was known or the grid would be too large.
GridSpec grid_known_at(const RunPlan& plan, double as_of);

// Puts `grid` in the plan for as long as it lives (the tiles counted again), then restores the plan's own.
class SwapGrid {
public:
    SwapGrid(RunPlan& plan, const GridSpec& grid);
    ~SwapGrid();
    SwapGrid(const SwapGrid&) = delete;
    SwapGrid& operator=(const SwapGrid&) = delete;

private:
    RunPlan& plan_;
    GridSpec saved_grid_;
    std::int64_t saved_tiles_;
};

}  // namespace minerisk::backtest
