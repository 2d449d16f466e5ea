// Runs a backtest on a planned scenario: for each split date (rolling origin) or fold of blocks (spatial
// cross-validation) it builds the surfaces from what the round may know, and scores them and the baselines on
// the incidents held out.
#include <ogr_api.h>
#include <ogr_geometry.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <limits>
#include <set>
#include <utility>

#include "core/random.hpp"
#include "minerisk/backtest.hpp"

#include "analysis/calibration.hpp"
#include "analysis/incident_point.hpp"
#include "analysis/round_grid.hpp"
#include "run/fit_weights.hpp"
#include "minerisk/cancel.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/error.hpp"
#include "minerisk/surfaces.hpp"

namespace minerisk::backtest {

FeatureLayer subset_layer(const FeatureLayer& layer, const std::vector<std::int64_t>& keep) {
    FeatureLayer out;
    out.role = layer.role;
    out.stats = layer.stats;
    out.stats.loaded = static_cast<std::int64_t>(keep.size());
    out.fid.reserve(keep.size());
    out.geometry.reserve(keep.size());
    out.wkb.reserve(keep.size());
    out.bounds.reserve(keep.size());
    for (std::int64_t k : keep) {
        const size_t i = static_cast<size_t>(k);
        out.fid.push_back(layer.fid.at(i));
        out.geometry.emplace_back(layer.geometry.at(i) ? layer.geometry[i]->clone() : nullptr);
        out.wkb.push_back(layer.wkb.at(i));
        out.bounds.push_back(layer.bounds.at(i));
    }
    for (const auto& [role, col] : layer.columns) {
        Column c;
        c.type = col.type;
        for (std::int64_t k : keep) {
            const size_t i = static_cast<size_t>(k);
            if (i < col.number.size()) c.number.push_back(col.number[i]);
            if (i < col.text.size()) c.text.push_back(col.text[i]);
            if (i < col.present.size()) c.present.push_back(col.present[i]);
        }
        out.columns.emplace(role, std::move(c));
    }
    out.build_index();
    return out;
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::string count_text(std::int64_t n, const std::string& one, const std::string& many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

// Puts a layer in place of the plan's incidents for as long as it lives; the original comes back even when the
// round throws.
class SwapIncidents {
public:
    SwapIncidents(RunPlan& plan, size_t index, FeatureLayer replacement) : plan_(plan), index_(index) {
        std::swap(plan_.inputs.layers[index_], replacement);
        saved_ = std::move(replacement);
    }
    ~SwapIncidents() { std::swap(plan_.inputs.layers[index_], saved_); }
    SwapIncidents(const SwapIncidents&) = delete;
    SwapIncidents& operator=(const SwapIncidents&) = delete;

private:
    RunPlan& plan_;
    size_t index_;
    FeatureLayer saved_;
};


// A record as the input warnings name it: "feature 12 (line 13, 'INC-7')" for a CSV, "feature 12" else.
std::string record_label(const FeatureLayer& layer, size_t i) {
    const std::int64_t fid = i < layer.fid.size() ? layer.fid[i] : static_cast<std::int64_t>(i);
    std::string s = "feature " + std::to_string(fid), extra;
    const std::string& src = layer.stats.source;
    const bool csv = src.size() >= 4 && (src.compare(src.size() - 4, 4, ".csv") == 0 || src.compare(src.size() - 4, 4, ".CSV") == 0);
    if (csv && fid >= 1) extra = "line " + std::to_string(fid + 1);
    if (const Column* id = layer.column("id"); id && i < id->text.size() && !id->text[i].empty())
        extra += (extra.empty() ? "'" : ", '") + id->text[i] + "'";
    return extra.empty() ? s : s + " (" + extra + ")";
}

std::string xy_text(double x, double y) {
    char b[96];
    std::snprintf(b, sizeof b, "x %.0f, y %.0f", x, y);
    return b;
}

struct Incident {
    std::int64_t cell = -1;  // cell of the run's grid (row * width + col), -1 off the grid
    double x = 0, y = 0;     // its point in the working CRS, when `placed`
    bool placed = false;
    double date = std::nan("");
};

// The cell of `grid` holding (x, y); -1 off the grid.
std::int64_t cell_of(const GridSpec& grid, double x, double y) {
    const double cx = std::floor((x - grid.origin_x) / grid.cell_size), cy = std::floor((grid.origin_y - y) / grid.cell_size);
    if (cx >= 0 && cy >= 0 && cx < static_cast<double>(grid.width) && cy < static_cast<double>(grid.height))
        return static_cast<std::int64_t>(cy) * grid.width + static_cast<std::int64_t>(cx);
    return -1;
}

// The surfaces a round scores: the scenario's risk, the uniform surface, and the single-factor baselines.
struct Candidate {
    std::string name, kind, meaning;
    const std::vector<float>* surface = nullptr;  // nullptr: uniform
};

std::vector<Candidate> candidates(const Surfaces& s) {
    std::vector<Candidate> c;
    c.push_back({"risk", "model", "the scenario's combined risk (" + s.method + " of its factors)", &s.risk});
    c.push_back({"uniform", "baseline", "the same score everywhere: what picking places at random achieves", nullptr});
    // A factor is a baseline by its role ("baseline", from its plugin's descriptor or the scenario), never by
    // its plugin's name: a programme's own distance or density plugin is a baseline when it says so.
    for (size_t k = 0; k < s.factors.size(); ++k) {
        const auto& roles = s.factor_roles[k];
        if (std::find(roles.begin(), roles.end(), "baseline") == roles.end()) continue;
        const std::string& meaning = s.factor_meanings[k];
        c.push_back({s.factor_names[k] + " alone", "baseline",
                     "the factor '" + s.factor_names[k] + "' alone" + (meaning.empty() ? "" : ": " + meaning), &s.factors[k]});
    }
    return c;
}

// The bootstrap's units: incidents sharing a cell and a date form one (Options::cluster), else each is its own.
std::vector<std::int64_t> unit_ids(const std::vector<std::int64_t>& cells, const std::vector<double>& dates, bool cluster) {
    if (!cluster) return {};
    std::vector<std::pair<std::int64_t, double>> keys;
    keys.reserve(cells.size());
    for (size_t i = 0; i < cells.size(); ++i) keys.emplace_back(cells[i], dates[i]);
    std::vector<std::pair<std::int64_t, double>> sorted = keys;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    std::vector<std::int64_t> ids;
    ids.reserve(cells.size());
    for (const auto& k : keys) ids.push_back(std::lower_bound(sorted.begin(), sorted.end(), k) - sorted.begin());
    return ids;
}

// Scores every candidate surface on the cells of `area` (grid indices, ascending) and the incidents' cells
// (with their dates, for the bootstrap's units).
void score_round(Round& round, const Surfaces& s, const std::vector<std::int64_t>& area,
                 const std::vector<std::int64_t>& incident_grid_cells, const std::vector<double>& incident_dates,
                 const Options& o, bool area_of_interest) {
    round.held_out = static_cast<std::int64_t>(incident_grid_cells.size());
    // Grid cell -> index in the area.
    std::vector<std::int64_t> incident_area_cells;
    std::vector<double> dates;
    incident_area_cells.reserve(incident_grid_cells.size());
    for (size_t i = 0; i < incident_grid_cells.size(); ++i) {
        const std::int64_t g = incident_grid_cells[i];
        const auto it = std::lower_bound(area.begin(), area.end(), g);
        if (it != area.end() && *it == g) {
            incident_area_cells.push_back(it - area.begin());
            dates.push_back(i < incident_dates.size() ? incident_dates[i] : std::nan(""));
        }
    }
    // NaN dates (spatial blocks over undated incidents) compare unequal: give them one key so that they group.
    for (auto& d : dates)
        if (!std::isfinite(d)) d = -1e300;
    const std::vector<std::int64_t> units = unit_ids(incident_area_cells, dates, o.cluster);
    const auto skipped = static_cast<std::int64_t>(incident_grid_cells.size() - incident_area_cells.size());
    if (skipped > 0)
        round.notes.push_back(count_text(skipped, "held-out incident lies", "held-out incidents lie") +
                              (area_of_interest ? " outside the area of interest (or on cells where the combined risk has no data): not scored"
                                                : " on cells where the combined risk has no data: not scored"));
    std::vector<float> scores(area.size());
    for (const auto& c : candidates(s)) {
        for (size_t i = 0; i < area.size(); ++i)
            scores[i] = c.surface ? (*c.surface)[static_cast<size_t>(area[i])] : 0.0f;
        ModelScore m;
        m.name = c.name;
        m.kind = c.kind;
        m.meaning = c.meaning;
        m.score = score_surface(scores, incident_area_cells, o.percents, o.replicates, o.seed, units);
        round.models.push_back(std::move(m));
    }
}

void check_plan(const RunPlan& plan, const Options& o) {
    for (const auto& f : plan.factors)
        for (const auto& p : f.spec.params)
            if (p.name == "as_of")
                throw Error("factor '" + f.spec.name + "' sets its own as_of, which would let it see past each split", p.where,
                            "remove 'as_of' from its params for the backtest: the backtest sets the date of every round");
    if ((o.blocks > 0) == !o.splits.empty())
        throw Error("a backtest needs either split dates or spatial blocks, not both and not neither", {},
                    "give --split DATE (several for a rolling origin) or --blocks K");
    if (o.replicates < 0) throw Error("the number of bootstrap resamples cannot be negative");
    for (double p : o.percents)
        if (!(p > 0 && p <= 100)) throw Error("capture levels must be percentages above 0 and up to 100");
}

// The index of the incidents layer among the plan's inputs; refuses a scenario without incidents.
size_t incidents_index(const RunPlan& plan) {
    size_t index = plan.inputs.layers.size();
    for (size_t i = 0; i < plan.inputs.layers.size(); ++i)
        if (plan.inputs.layers[i].role == "incidents") index = i;
    if (index == plan.inputs.layers.size())
        throw Error("the scenario has no incidents input: a backtest scores a surface on incidents", Location{plan.scenario.file},
                    "add 'incidents:' under 'inputs:'");
    if (plan.inputs.layers[index].size() == 0)
        throw Error("the incidents input has no features to score on", Location{plan.scenario.file},
                    "check its path and its 'where' filter");
    return index;
}

// Each incident's cell (-1 off the grid) and date; warns once, naming a few, about the incidents off the grid.
std::vector<Incident> place_incidents(const FeatureLayer& layer, const GridSpec& grid, std::vector<std::string>& warnings) {
    const Column* dates = layer.column("date");
    std::vector<Incident> inc(static_cast<size_t>(layer.size()));
    std::int64_t off_grid = 0;
    std::vector<std::string> off_grid_named;
    for (size_t i = 0; i < inc.size(); ++i) {
        double x = 0, y = 0;
        const bool placed = incident_point(layer, i, x, y);
        if (placed) {
            inc[i].x = x, inc[i].y = y, inc[i].placed = true;
            inc[i].cell = cell_of(grid, x, y);
        }
        if (inc[i].cell < 0 && off_grid_named.size() < 5)
            off_grid_named.push_back(record_label(layer, i) + (placed ? " at " + xy_text(x, y) : ""));
        if (inc[i].cell < 0) ++off_grid;
        if (dates && i < dates->number.size()) inc[i].date = dates->number[i];
    }
    if (off_grid > 0) {
        std::string names;
        for (const auto& n : off_grid_named) names += (names.empty() ? "" : "; ") + n;
        if (off_grid > static_cast<std::int64_t>(off_grid_named.size())) names += "; ...";
        warnings.push_back("incidents (" + layer.stats.layer_name + "): " +
                           count_text(off_grid, "incident lies", "incidents lie") +
                           " outside the grid, never scored (" + names +
                           "). Check their coordinates, or widen the scenario's extent");
    }
    return inc;
}

// What every round of one backtest shares.
struct RoundContext {
    RunPlan& plan;
    size_t index;  // of the incidents layer
    const Options& o;
    const Progress& progress;
    Result& result;
};

// Predicted against observed by decile of the fitted risk (calibration.hpp), as a note of the round. The period
// runs from the split to the next one, or to the latest held-out incident for the last split.
void add_calibration(Round& round, const Surfaces& s, const GridSpec& grid, const std::vector<std::int64_t>& area,
                     const std::vector<std::int64_t>& cells, const std::vector<double>& dates, double rate) {
    double end = round.to;
    if (!std::isfinite(end)) end = *std::max_element(dates.begin(), dates.end()) + 1;
    const double years = (end - round.from) / 365.25;
    std::vector<float> risk(area.size());
    for (size_t i = 0; i < area.size(); ++i) risk[i] = s.risk[static_cast<size_t>(area[i])];
    std::vector<std::int64_t> at;
    for (std::int64_t c : cells) {
        const auto it = std::lower_bound(area.begin(), area.end(), c);
        if (it != area.end() && *it == c) at.push_back(it - area.begin());
    }
    const double cell_km2 = grid.cell_size * grid.cell_size / 1e6;
    round.notes.push_back(calibration_text(calibration_by_decile(risk, at, rate, cell_km2, years), years));
}

// One round: the surfaces drawn on `grid` knowing only the incidents `known`, scored over the cells `in_area` keeps
// (cells of `grid`) on the incidents held out (`held`, indices into `inc`). Adds the round, timed from `started`,
// to the result.
template <class InArea>
void play_round(const RoundContext& ctx, Round round, const std::string& stage, Clock::time_point started,
                const std::vector<std::int64_t>& known, const std::vector<Incident>& inc, const std::vector<std::int64_t>& held,
                const GridSpec& grid, InArea in_area) {
    round.known_incidents = static_cast<std::int64_t>(known.size());
    if (ctx.o.on_stage) ctx.o.on_stage(stage);
    std::vector<std::int64_t> cells;
    std::vector<double> dates;
    std::int64_t off_grid = 0;
    for (std::int64_t i : held) {
        const Incident& x = inc[static_cast<size_t>(i)];
        const std::int64_t c = x.placed ? cell_of(grid, x.x, x.y) : -1;
        if (c < 0) {
            ++off_grid;
            continue;
        }
        cells.push_back(c);
        dates.push_back(x.date);
    }
    if (off_grid > 0)
        round.notes.push_back(count_text(off_grid, "later incident lies", "later incidents lie") +
                              (grid.width == ctx.plan.grid.width && grid.height == ctx.plan.grid.height &&
                                       grid.origin_x == ctx.plan.grid.origin_x && grid.origin_y == ctx.plan.grid.origin_y
                                   ? " outside the grid: not scored"
                                   : " outside the grid drawn from what was known before the split: not scored"));
    Surfaces s;
    {
        SwapIncidents swap(ctx.plan, ctx.index, subset_layer(ctx.plan.inputs.layers[ctx.index], known));
        SwapGrid swap_grid(ctx.plan, grid);
        if (ctx.plan.scenario.scoring.method == "fitted") {  // each round refits on its own past only
            fit_weights(ctx.plan, round.as_of, ctx.progress.sub(0.0, 0.6));
            for (const auto& n : ctx.plan.fit.notes) round.notes.push_back("fitted " + n);
        }
        s = compute_surfaces(ctx.plan, round.as_of, ctx.progress.sub(0.6, 0.9));
    }
    if (cancel_requested()) throw Error("cancelled");
    round.warnings = s.warnings;
    std::vector<std::int64_t> area;
    for (std::int64_t c = 0; c < grid.cells(); ++c)
        if (in_area(c) && std::isfinite(s.risk[static_cast<size_t>(c)])) area.push_back(c);
    round.grid = grid.describe();
    score_round(round, s, area, cells, dates, ctx.o, ctx.plan.area.size() > 0);
    if (ctx.plan.fit.done && !cells.empty()) add_calibration(round, s, grid, area, cells, dates, ctx.plan.fit.rate_at_one);
    ctx.progress.report(1.0);
    round.seconds = seconds_since(started);
    ctx.result.stages.push_back({stage, round.seconds});
    ctx.result.rounds.push_back(std::move(round));
}

// Rolling origin: at each split date the surfaces know the incidents before it and are scored on those after it
// (up to the horizon, or the next split).
void rolling_origin(const RoundContext& ctx, const std::vector<Incident>& inc) {
    const FeatureLayer& layer = ctx.plan.inputs.layers[ctx.index];
    const std::string& file = ctx.plan.scenario.file;
    if (!layer.column("date"))
        throw Error("the incidents have no dates, so they cannot be split by date", Location{file},
                    "map their date column ('fields: date: ...'), or hold incidents out by place with --blocks K");
    std::int64_t undated = 0;
    double first = INFINITY, last = -INFINITY;
    for (const auto& x : inc) {
        if (!std::isfinite(x.date)) ++undated;
        else first = std::min(first, x.date), last = std::max(last, x.date);
    }
    if (undated == layer.size())
        throw Error("none of the incidents has a readable date", Location{file},
                    "check the date column, or hold incidents out by place with --blocks K");
    if (undated > 0)
        ctx.result.warnings.push_back(count_text(undated, "incident has", "incidents have") +
                                      " no readable date: counted as known before every split (as a run counts them) "
                                      "and never scored as a later incident");
    std::vector<double> splits = ctx.o.splits;
    std::sort(splits.begin(), splits.end());
    splits.erase(std::unique(splits.begin(), splits.end()), splits.end());
    const size_t n = splits.size();
    for (size_t j = 0; j < n; ++j) {
        const auto started = Clock::now();
        Round round;
        const double d = splits[j];
        round.label = date_to_string(d);
        round.as_of = d - 1;
        round.from = d;
        round.to = ctx.o.horizon_days > 0 ? d + ctx.o.horizon_days : (j + 1 < n ? splits[j + 1] : INFINITY);
        std::vector<std::int64_t> known, later;
        for (size_t i = 0; i < inc.size(); ++i) {
            const double t = inc[i].date;
            if (!std::isfinite(t) || t < d) known.push_back(static_cast<std::int64_t>(i));
            if (std::isfinite(t) && t >= round.from && t < round.to) later.push_back(static_cast<std::int64_t>(i));
        }
        if (d <= first)
            round.notes.push_back("the split is on or before the earliest incident (" + date_to_string(first) +
                                  "): the surfaces know no incident");
        if (d > last)
            round.notes.push_back("the split is after the latest incident (" + date_to_string(last) + "): nothing to score");
        const std::string stage = "split " + round.label;
        // The grid as it could have been drawn on the day before the split (round_grid.hpp).
        GridSpec grid;
        {
            SwapIncidents swap(ctx.plan, ctx.index, subset_layer(layer, known));
            grid = grid_known_at(ctx.plan, round.as_of);
        }
        play_round(ctx, std::move(round), stage, started, known, inc, later, grid, [](std::int64_t) { return true; });
    }
}

// Spatial blocks: the grid cut into k x k blocks dealt into folds; each fold's incidents are held out in turn and
// the surfaces scored over that fold's cells.
void spatial_blocks(const RoundContext& ctx, const std::vector<Incident>& inc) {
    const GridSpec& grid = ctx.plan.grid;
    const int k = ctx.o.blocks, f = ctx.o.folds;
    if (f < 2) throw Error("spatial blocks need at least 2 folds", {}, "give --folds 2 or more (5 is usual)");
    if (static_cast<std::int64_t>(k) * k < f)
        throw Error("there are fewer blocks (" + std::to_string(k * k) + ") than folds (" + std::to_string(f) + ")", {},
                    "raise --blocks or lower --folds");
    if (k > grid.width || k > grid.height)
        throw Error("more blocks per side (" + std::to_string(k) + ") than the grid has cells (" + grid.describe() + ")", {},
                    "lower --blocks");
    // Blocks dealt into folds: a seeded shuffle, then round-robin, so that each fold has blocks from all over.
    const std::int64_t nb = static_cast<std::int64_t>(k) * k;
    std::vector<std::int64_t> perm(static_cast<size_t>(nb));
    for (std::int64_t b = 0; b < nb; ++b) perm[static_cast<size_t>(b)] = b;
    Random rng(ctx.o.seed ^ 0xB10C5ull);
    for (std::int64_t b = nb - 1; b > 0; --b)
        std::swap(perm[static_cast<size_t>(b)], perm[static_cast<size_t>(rng.below(static_cast<std::uint64_t>(b + 1)))]);
    std::vector<int> fold_of(static_cast<size_t>(nb));
    for (std::int64_t i = 0; i < nb; ++i) fold_of[static_cast<size_t>(perm[static_cast<size_t>(i)])] = static_cast<int>(i % f);
    auto fold_of_cell = [&](std::int64_t cell) {
        const std::int64_t row = cell / grid.width, col = cell % grid.width;
        return fold_of[static_cast<size_t>((row * k / grid.height) * k + col * k / grid.width)];
    };
    for (int fold = 0; fold < f; ++fold) {
        const auto started = Clock::now();
        Round round;
        round.fold = fold + 1;
        round.label = "fold " + std::to_string(fold + 1) + " of " + std::to_string(f);
        round.as_of = ctx.plan.as_of;
        round.from = -INFINITY;
        round.to = INFINITY;
        for (std::int64_t b = 0; b < nb; ++b) round.blocks += fold_of[static_cast<size_t>(b)] == fold;
        std::vector<std::int64_t> known, held;
        for (size_t i = 0; i < inc.size(); ++i) {
            if (inc[i].cell >= 0 && fold_of_cell(inc[i].cell) == fold) {
                held.push_back(static_cast<std::int64_t>(i));
            } else {
                known.push_back(static_cast<std::int64_t>(i));
            }
        }
        const std::string stage = round.label;
        // Blocks are cut from the run's grid, which every fold shares (incidents have no dates to draw it from).
        play_round(ctx, std::move(round), stage, started, known, inc, held, grid,
                   [&](std::int64_t c) { return fold_of_cell(c) == fold; });
    }
}

}  // namespace

Result run(RunPlan& plan, const Options& o) {
    const auto t0 = Clock::now();
    check_plan(plan, o);
    const size_t index = incidents_index(plan);
    Result r;
    r.options = o;
    r.mode = o.blocks > 0 ? "spatial blocks" : "rolling origin";
    r.scenario_name = plan.scenario.name;
    r.grid = plan.grid.describe();
    r.crs = plan.inputs.crs_name;
    r.cell_size = plan.grid.cell_size;
    r.input_warnings = plan.warnings;
    const std::vector<Incident> inc = place_incidents(plan.inputs.layers[index], plan.grid, r.warnings);
    if (!plan.factor_with_role("baseline"))
        r.baselines_missing.push_back("no factor has the 'baseline' role: the combined map is compared with the uniform "
                                      "surface only (give a simple factor, e.g. the distance to hazards or the incident "
                                      "density, 'roles: [baseline]' in the scenario)");
    const Progress progress(o.progress, o.progress_user);  // one bar per round, as a run shows one per stage
    const RoundContext ctx{plan, index, o, progress, r};
    if (o.blocks > 0)
        spatial_blocks(ctx, inc);
    else
        rolling_origin(ctx, inc);
    r.seconds = seconds_since(t0);
    return r;
}

}  // namespace minerisk::backtest
