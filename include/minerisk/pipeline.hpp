// The order of a run: scenario -> plugins -> inputs -> grid -> tiles -> zones -> plans -> exports. The one header
// that knows it; no stage includes it.
#pragma once
#include "minerisk/cancel.hpp"
#include "minerisk/run_plan.hpp"
#include "minerisk/run_results.hpp"
#include "minerisk/scenario.hpp"

namespace minerisk {

// Checks the scenario against the plugins, reads the inputs and sizes the grid. Throws Error.
RunPlan plan_run(const Scenario& scenario, const RunOptions& options);

// Runs the plan and writes every output. Throws Error; on failure no output is left half-written.
RunSummary execute_run(RunPlan& plan, const RunOptions& options);

// Under MPI, on every rank but 0 (docs/scale-out.md): scores this rank's share of the tiles and sends them to
// rank 0 (options.tile_share), which writes every output. Writes nothing itself.
void score_for_assembler(RunPlan& plan, const RunOptions& options);

}  // namespace minerisk
