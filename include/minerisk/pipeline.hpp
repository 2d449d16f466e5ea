// The one place that knows the order of a run: scenario -> plugins -> inputs -> grid -> tiles -> outputs.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "minerisk/grid.hpp"
#include "minerisk/layer.hpp"
#include "minerisk/plans.hpp"
#include "minerisk/plugins.hpp"
#include "minerisk/progress.hpp"
#include "minerisk/scenario.hpp"
#include "minerisk/zones.hpp"

namespace minerisk {

struct RunOptions {
    std::string output_dir;
    bool overwrite = false;   // write into an existing, non-empty output folder
    unsigned threads = 0;     // 0: the scenario's run.threads, else all cores
    int tile_size = 0;        // 0: the scenario's run.tile_size
    ProgressFn progress = nullptr;  // GDAL-style; e.g. GDALTermProgress
    void* progress_user = nullptr;
    std::function<void(const std::string&)> on_stage;  // told when each stage starts
};

// A factor of the scenario, bound to its plugin and checked parameters.
struct BoundFactor {
    FactorSpec spec;
    const LoadedPlugin* plugin = nullptr;
    ParamSet params;
};

struct StageTime {
    std::string name;
    double seconds = 0;      // wall clock
    double cpu_seconds = 0;  // CPU time of the whole process (all threads) during the stage; 0 = not measured
};

// Everything checked and loaded, nothing computed: what `minerisk validate` reports.
struct RunPlan {
    Scenario scenario;
    PluginRegistry registry;
    std::vector<BoundFactor> factors;
    Inputs inputs;
    GridSpec grid;
    double as_of = 0;          // days since 1970-01-01
    std::string as_of_reason;  // "from the scenario" / "latest date in the inputs"
    unsigned threads = 1;
    int tile_size = 1024;
    std::int64_t tiles = 0;
    MemoryEstimate memory;
    std::vector<StageTime> stages;
    std::vector<std::string> warnings;
};

struct OutputFile {
    std::string path;
    std::string what;
};

struct RunSummary {
    std::vector<OutputFile> outputs;
    std::vector<std::string> warnings;
    std::vector<std::string> notes;  // what plugins reported for information (counts, totals)
    std::vector<StageTime> stages;
    double risk_min = 0, risk_mean = 0, risk_max = 0;
    ZoneResult zones;
    plans::PlansResult plans;  // rank stability, sign plan, outreach plan: those the scenario or the command line asked for
};

// Asks a running execute_run to stop at the next tile (safe to call from a signal handler). The run then
// throws Error("cancelled") and removes its temporary files; outputs already in place stay untouched.
void request_cancel();
bool cancel_requested();

// Checks the scenario against the plugins, reads the inputs and sizes the grid. Throws Error.
RunPlan plan_run(const Scenario& scenario, const RunOptions& options);

// Runs the plan and writes every output. Throws Error; on failure no output is left half-written.
RunSummary execute_run(RunPlan& plan, const RunOptions& options);

}  // namespace minerisk
