// Backtesting a risk surface: does it point at where the next incidents happen?
//
// Two ways to hold incidents out:
//   - rolling origin (incidents with dates): for each split date D the surfaces are built as known on the day
//     before D (incidents, hazards, signs and sessions dated on or after D left out) and scored on the incidents
//     dated from D up to the next split (or a horizon, or the end of the data);
//   - spatial blocks (incidents without usable dates): the grid is cut into K x K blocks dealt into F folds; for
//     each fold the surfaces are built without the incidents of its blocks and scored on them, inside them.
// Every surface (the scenario's combined risk and the baselines) is scored on the same incidents and cells:
// ROC AUC over cells and the capture rate in the top p % of the area, each with a bootstrap interval.
// docs/backtest.md gives the formulas and what they mean for a planner.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "minerisk/run_results.hpp"

namespace minerisk {
namespace backtest {

// ---- metrics: pure functions on arrays ---------------------------------------------------------------------
//
// `scores` holds one value per cell of the evaluation area (NaN counts as the lowest score: the surface says
// nothing there). `incident_cells` holds, for each later incident, the index into `scores` of its cell; several
// incidents may share a cell.

// ROC AUC over cells: the probability that the cell of a random later incident scores higher than a random cell
// holding no later incident, ties counting one half. A cell with n incidents counts n times on the incident
// side. Exact (sorting). NaN when there is no incident or no cell without one.
double auc(const std::vector<float>& scores, const std::vector<std::int64_t>& incident_cells);

// Share of the incidents in the `percent` % of the area with the highest scores. Cells tied at the cut are
// taken pro rata, so a constant surface captures exactly percent / 100. NaN without incidents.
double capture_rate(const std::vector<float>& scores, const std::vector<std::int64_t>& incident_cells, double percent);

// The capture curve: share of incidents (y) against share of area (x), both 0..1, as the vertices of a
// piecewise-linear curve from (0, 0) to (1, 1); one vertex per distinct score, from the highest down (ties are a
// straight segment, as the pro-rata rule implies). At most `max_points` vertices (evenly thinned).
struct CurvePoint {
    double area = 0, captured = 0;
};
std::vector<CurvePoint> capture_curve(const std::vector<float>& scores, const std::vector<std::int64_t>& incident_cells,
                                      size_t max_points = 2000);

struct Estimate {
    double value = 0;    // on the incidents as they are
    double ci_low = 0;   // 2.5th percentile of the bootstrap replicates
    double ci_high = 0;  // 97.5th percentile
};

// Percentile of sorted values, linear between order statistics (type 7 of Hyndman & Fan: R's default).
double percentile_sorted(const std::vector<double>& sorted, double q);

// The metrics of one surface, each with a percentile bootstrap interval: the incidents are resampled with
// replacement `replicates` times (the cells without incidents stay as they are). Deterministic for a seed;
// two surfaces scored with the same seed and incidents see the same resamples (a paired comparison).
// `groups` (optional, one value per incident): incidents with the same value are drawn together, as one
// unit (a cluster bootstrap), e.g. the victims of one accident recorded one row each; each replicate's figure
// is then the mean over the incidents of the clusters drawn. Empty: every incident is its own unit.
struct SurfaceScore {
    Estimate auc;
    std::vector<double> percents;       // the capture levels, e.g. 1 5 10 20
    std::vector<Estimate> capture;      // one per percent
    // One per percent: the prediction accuracy index, capture share / area share = capture / (percent / 100)
    // (crime forecasting's PAI: 1 is chance, 10 means ten times the incidents per km2 of the average place).
    std::vector<Estimate> pai;
    std::vector<CurvePoint> curve;
    std::int64_t incidents = 0;         // incidents scored
    std::int64_t cells = 0;             // cells in the evaluation area
    std::int64_t incident_cells = 0;    // cells holding at least one of them
    std::int64_t units = 0;             // units the bootstrap resampled (incidents, or their groups)
    // What paired differences and pooling need, per figure (0: the AUC, 1 + k: the capture at percents[k]):
    // each unit's incidents and the sum of its incidents' parts of the figure (the figure is the sum of the
    // parts over the incidents), and each bootstrap replicate's figure in draw order. Surfaces scored with the
    // same seed, incidents and groups share their draws: replicate b of one pairs with replicate b of another.
    std::vector<double> unit_incidents;            // [unit]
    std::vector<std::vector<double>> unit_sums;    // [figure][unit]
    std::vector<std::vector<double>> replicates;   // [figure][replicate], unsorted
};
SurfaceScore score_surface(const std::vector<float>& scores, const std::vector<std::int64_t>& incident_cells,
                           const std::vector<double>& percents, int replicates, std::uint64_t seed,
                           const std::vector<std::int64_t>& groups = {});

// ---- running a backtest on a scenario ----------------------------------------------------------------------

struct Options {
    std::vector<double> splits;        // days since 1970-01-01, ascending; rolling-origin mode
    double horizon_days = 0;           // > 0: later incidents are those in [D, D + horizon); 0: up to the next split
    int blocks = 0;                    // > 0: spatial block mode, blocks x blocks blocks over the grid
    int folds = 5;                     // spatial block mode: folds the blocks are dealt into
    int replicates = 1000;             // bootstrap resamples; 0 = no intervals
    // The bootstrap's unit. true: incidents in the same cell with the same date are drawn together (one accident
    // whose victims are recorded one row each, or several recorded at once); false: every incident alone.
    bool cluster = true;
    std::uint64_t seed = 20240229;
    std::vector<double> percents = {1, 5, 10, 20};
    ProgressFn progress = nullptr;     // GDAL-style, 0 to 1 for each round (after on_stage names it)
    void* progress_user = nullptr;
    std::function<void(const std::string&)> on_stage;
};

// One surface scored on one split or fold.
struct ModelScore {
    std::string name;     // "risk" (the scenario's combined risk), "uniform", or "<factor name> alone"
    std::string kind;     // "model" or "baseline"
    std::string meaning;  // for people: what this surface is
    SurfaceScore score;
};

// One split (rolling origin) or fold (spatial blocks).
struct Round {
    std::string label;        // "2006-01-01" or "fold 2 of 5"
    double as_of = 0;         // date the surfaces were built for
    double from = 0, to = 0;  // later incidents dated in [from, to) (rolling origin; to may be +inf)
    int fold = 0;             // spatial blocks: 1-based fold number
    std::int64_t blocks = 0;  // spatial blocks: blocks in this fold
    std::int64_t known_incidents = 0;  // incidents the surfaces were built from
    std::string grid;         // the round's grid (GridSpec::describe()): drawn from what was known then
    std::int64_t held_out = 0;  // incidents of the round's period (or blocks) on the grid; scored: models[i].score.incidents
    std::vector<ModelScore> models;
    std::vector<std::string> notes;     // counts and remarks for this round
    std::vector<std::string> warnings;  // what the surfaces' plugins warned about
    double seconds = 0;
};

struct Result {
    std::string mode;  // "rolling origin" or "spatial blocks"
    std::string scenario_name;
    std::string grid;  // GridSpec::describe()
    std::string crs;
    double cell_size = 0;  // metres: a cell's area is cell_size^2
    Options options;
    std::vector<Round> rounds;
    std::vector<std::string> input_warnings;  // what reading the inputs and planning the run warned about
    std::vector<std::string> warnings;  // about the data as a whole (undated incidents, incidents off the grid)
    std::vector<std::string> baselines_missing;  // e.g. "no hazard_proximity factor: no distance baseline"
    std::vector<StageTime> stages;
    double seconds = 0;  // the whole backtest, reading the inputs included when the caller adds it
};

// Runs the backtest on a planned scenario (plan_run). Changes the plan's incidents layer only while each round
// is computed, and restores it. Throws Error for what the user can fix (no incidents, no dates, bad splits).
Result run(RunPlan& plan, const Options& options);

// Pieces of a layer: a copy holding only the features whose index is in `keep` (ascending), with its own index.
FeatureLayer subset_layer(const FeatureLayer& layer, const std::vector<std::int64_t>& keep);

// ---- paired comparisons and pooling ------------------------------------------------------------------------
//
// A difference between two surfaces scored on the same incidents with the same draws is judged by the interval
// of its per-replicate differences (a paired bootstrap), which is narrower than the two surfaces' own intervals
// suggest when the surfaces rank alike.

// A difference's interval in words: "clearly better" (entirely above 0), "clearly worse" (entirely below 0),
// "not clearly different" (it holds 0); "no interval" without resamples.
std::string verdict(const Estimate& difference);

struct Difference {
    std::string name;                // "risk - uniform"
    std::string model, baseline;     // the two surfaces' names
    std::vector<double> percents;
    Estimate auc;                    // model minus baseline
    std::vector<Estimate> capture;   // shares: 0.022 is 2.2 percentage points
    std::vector<Estimate> pai;       // the capture difference / the area share
};
// a minus b, each replicate's difference giving the interval. The interval is NaN when the two were not drawn
// alike (different incidents, units or replicates).
Difference difference(const ModelScore& a, const ModelScore& b);
// The scenario's combined map (kind "model") minus each baseline, in the baselines' order; empty without a model.
std::vector<Difference> differences(const std::vector<ModelScore>& models);

// The baseline with the highest value of one figure (-1: the AUC, k: the capture at percents[k]); nullptr when
// none has a value. The uniform surface counts: when it is the best, nothing beats chance.
const ModelScore* best_baseline(const std::vector<ModelScore>& models, int figure);

// Every surface over all held-out incidents of all rounds together: the AUC is the mean of every incident's
// normalised rank within its own round, a capture rate the incidents captured (pro rata at the cut) in all
// rounds over all incidents. The bootstrap draws each round's units from that round (stratified by round, as
// many as it has) with the seed of the rounds, the same draws for every surface. Only the rounds with incidents,
// and only the surfaces scored in all of them, are pooled.
struct Pooled {
    int rounds = 0;
    std::int64_t incidents = 0;
    std::vector<ModelScore> models;  // cells, incident_cells, units: summed over the rounds
    std::vector<Difference> differences;
};
Pooled pool(const Result& result);

// ---- outputs ----------------------------------------------------------------------------------------------

// backtest.csv: split_or_fold, model, metric (auc, capture_1, ..., pai_1, ...), value, ci_low, ci_high,
// n_later_incidents, n_cells, kind, mode, as_of, later_from, later_to, n_incident_cells, n_units, verdict; one row
// per round, surface and metric, then the differences (model "risk - <baseline>", kind "difference", with their
// verdict), and with several rounds the same for the rounds pooled (split_or_fold "pooled"). docs/backtest.md.
std::string results_csv(const Result& result);
// capture.png bytes: the capture curves, one row per round (the pooled rounds first), the whole area beside its
// riskiest 20 % with the capture rates' intervals as bars, one line per surface, with a legend.
std::string capture_png(const Result& result);
// backtest.html: self-contained (table and plot inlined). `section_only`: the <section> without the page
// around it, for another report to embed.
std::string results_html(const Result& result, const std::string& png, bool section_only = false);

// Writes backtest.csv, capture.png and backtest.html into `dir` (which must exist), each through a temporary
// name. Returns what was written.
std::vector<OutputFile> write_outputs(const Result& result, const std::string& dir);

}  // namespace backtest
}  // namespace minerisk
