// A run checked and loaded but not yet computed: the plan every stage reads. Plain types only; this header
// includes no stage, so that scoring, zones, plans and exports can take a plan without knowing the order of a run.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "minerisk/grid.hpp"
#include "minerisk/hazard_rules.hpp"
#include "minerisk/layer.hpp"
#include "minerisk/plugins.hpp"
#include "minerisk/progress.hpp"
#include "minerisk/tile_share.hpp"
#include "minerisk/scenario.hpp"

namespace minerisk {

class TileShare;  // minerisk/tile_share.hpp

struct RunOptions {
    std::string output_dir;
    bool overwrite = false;   // write into an existing, non-empty output folder
    unsigned threads = 0;     // 0: the scenario's run.threads, else all cores
    int tile_size = 0;        // 0: the scenario's run.tile_size
    ProgressFn progress = nullptr;  // GDAL-style; e.g. GDALTermProgress
    void* progress_user = nullptr;
    std::function<void(const std::string&)> on_stage;  // told when each stage starts
    std::vector<std::string> command_line;  // argv as given, for run.json (which masks passwords)
    // Under MPI (docs/scale-out.md): how the tiles are dealt between the ranks; null: this process scores all.
    TileShare* tile_share = nullptr;
};

// A factor of the scenario, bound to its plugin and checked parameters, with the roles it plays beyond its score
// (docs/plugin-guide.md, "Roles"): e.g. "baseline" (the backtest scores it alone), "hazard_rules" (its class and
// ordnance weights and excluded statuses are the run's HazardRules), "sign_cover" (its cover distance and ignored
// sign conditions are the sign plan's).
struct BoundFactor {
    FactorSpec spec;
    const LoadedPlugin* plugin = nullptr;
    ParamSet params;
    std::vector<std::string> roles;  // from the plugin's descriptor, or the scenario's 'roles:' (which wins)
    bool has_role(const std::string& role) const;
    const std::string& plugin_name() const;  // the plugin's name, or the scenario's when not bound
};

struct StageTime {
    std::string name;
    double seconds = 0;      // wall clock
    double cpu_seconds = 0;  // CPU time of the whole process (all threads) during the stage; 0 = not measured
};

// The weights `scoring.method: fitted` estimated (run/fit_weights.cpp): a Poisson regression of the incidents per
// cell of the last fit_years before as_of on the factor scores as known at the start of that period.
struct FittedWeights {
    bool done = false;
    double as_of = 0;                  // the fit saw no incident after this date
    double from = 0;                   // incidents counted in (from, as_of], on the factors as of `from`
    double cv_from = 0;                // the regularisation chosen on (cv_from, from] -> (from, as_of]; = from when not
    double years = 2;
    std::int64_t incidents = 0, cv_incidents = 0, cells = 0;
    std::vector<size_t> fitted;        // indices of the factors fitted (positive scenario weight)
    std::vector<double> coef, ci_low, ci_high;  // per fitted factor: incidents multiply by exp(coef) from score 0 to 1
    double lambda = 0;                 // the regularisation chosen
    std::vector<double> lambdas, cv_deviance;   // tried, and the deviance of each on the later period
    double dispersion = 1;             // quasi-Poisson: intervals widened by sqrt(dispersion)
    double rate_at_one = 0;            // expected incidents per km2 per year where the risk is 1 (every factor 1)
    std::vector<std::string> notes;    // what the fit did, in words
};

// Everything checked and loaded, nothing computed: what `minerisk validate` reports.
struct RunPlan {
    Scenario scenario;
    std::string scenario_digest;  // "fnv1a64:..." of the scenario file's text: which version of it made the outputs
    PluginRegistry registry;
    std::vector<BoundFactor> factors;
    HazardRules hazard_rules;  // built once from the factors (run/factor_binding.cpp); every stage reads this one
    Inputs inputs;
    FeatureLayer areas;        // inputs.areas in the working CRS when summary_by is set; empty (role "") otherwise
    FeatureLayer area;         // the area of interest (Scenario::area) in the working CRS; empty: the whole grid
    GridSpec grid;
    double as_of = 0;          // days since 1970-01-01
    std::string as_of_reason;  // "from the scenario" / "latest date in the inputs"
    unsigned threads = 1;
    int ranks = 1;             // MPI ranks sharing the tiles (docs/scale-out.md); 1 without mpirun
    std::vector<RankShare> rank_shares;  // under MPI, after the scoring: the tiles and bytes of each rank
    int tile_size = 1024;
    std::int64_t tiles = 0;
    MemoryEstimate memory;
    std::vector<StageTime> stages;
    std::vector<std::string> warnings;
    FittedWeights fit;         // scoring.method fitted: set by fit_weights before the factors are scored
    // When plan_run began (seconds since 1970 UTC, the clock) and the command line: run.json's "run" record, and
    // the GeoPackage's last_change (docs/outputs-qgis.md).
    double started = 0;
    std::vector<std::string> command_line;

    // The first factor with the role, nullptr when none has it.
    const BoundFactor* factor_with_role(const std::string& role) const;
};

}  // namespace minerisk
