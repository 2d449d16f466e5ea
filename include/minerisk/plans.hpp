// Beyond the map: what a run proposes once the zones are drawn.
//
//   rank stability  redraws the weights (and the parameters the scenario declares uncertain) many times, re-ranks
//                   the zones and the settlements from factor values gathered once, and gives each the probability
//                   of being in the top k and its 5th to 95th percentile rank          (docs/uncertainty.md)
//   sign plan       where the next warning signs go on the hazard perimeters, greedily, in order of the
//                   exposure-weighted perimeter each covers                              (docs/sign-plan.md)
//   outreach plan   which settlement gets a session in which week from which facilitator (docs/outreach-plan.md)
//
// Each is off unless asked for (scenario sections or command-line flags). They read what the zone stage found and
// the run's scored tiles (never the rasters it wrote); none of them changes the zones.
#pragma once
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "minerisk/grid.hpp"
#include "minerisk/hazard_rules.hpp"
#include "minerisk/layer.hpp"
#include "minerisk/plan_spec.hpp"
#include "minerisk/progress.hpp"
#include "minerisk/zones.hpp"

namespace minerisk {

struct RunPlan;
class ScoredTiles;

namespace plans {

// ---- what the plans read ----------------------------------------------------------------------------------

struct PlanInputs {
    const Inputs* inputs = nullptr;
    const ZoneResult* zones = nullptr;
    ZonesSpec zone_spec;                       // reach, session_stale_days, sign_cover, ...
    GridSpec grid;
    double as_of = 0;
    std::string scenario_file;                 // for errors that point at the scenario

    // The scoring, as the run combined it (rank stability).
    std::string method = "weighted_sum";
    std::vector<std::string> factor_names;
    // Factor k's scores: band k + 1 of the run's scored tiles, or (without them) the GeoTIFF factor_paths[k].
    const ScoredTiles* scored = nullptr;
    std::vector<std::string> factor_paths;
    std::vector<double> weights;               // as written in the scenario (not normalised)
    std::vector<int> groups;                   // 0 likelihood, 1 consequence (likelihood_consequence)
    std::vector<std::vector<std::string>> factor_params;  // each factor's parameter names (rank stability refuses them)

    // Which hazards count and how much, which signs mark: the run's HazardRules.
    HazardRules rules;
    double cover = 100;                        // metres: a sign covers the perimeter within this distance
    std::string cover_from = "zones.sign_cover";  // where `cover` comes from, for the outputs
    double returnee_weight = 1.5;              // settlement priority's up-weight of returnee settlements
};

// The plan inputs of a run: the zone result, the scoring, the scored tiles, the HazardRules and the sign plan's
// cover (from the factor with the "sign_cover" role) as the run used them.
PlanInputs plan_inputs(const RunPlan& plan, const ZoneResult& zones, const ScoredTiles* scored);

// ---- rank stability ---------------------------------------------------------------------------------------

struct RankSpread {
    int rank = 0;                  // in the base run
    int id = 0;                    // zones: zone id; settlements: 0
    std::int64_t feature = -1;     // settlements: index in the settlements layer
    std::string name;              // settlements: name (or id)
    double priority = 0;           // base run
    double p_top_k = 0;            // share of draws in which it ranks k or better
    int rank_p05 = 0, rank_p50 = 0, rank_p95 = 0;  // nearest-rank percentiles of its rank over the draws
    bool settled = true;           // p_top_k <= 0.1 or >= 0.9: the draws agree whether it is in the top k
};

struct Stability {
    int draws = 0;
    int top_k = 10;
    std::uint64_t seed = 1;
    double concentration = 0;      // the Dirichlet concentration used (0: weights held fixed)
    double spread = 0;             // the relative spread of a factor of average weight it gives
    std::string method;            // how zone risk is recombined: "exact (sums per zone)" or "sample of N cells per zone"
    std::vector<std::string> varied;  // what the draws varied, for people
    std::vector<std::string> fixed;   // what they held fixed, for people
    std::vector<double> base_weights; // normalised as the method normalises them
    std::vector<double> weight_p05, weight_p95;  // each normalised weight's 5th and 95th percentile over the draws
    std::vector<RankSpread> zones;        // by base rank
    std::vector<RankSpread> settlements;  // by base rank
    std::int64_t unsettled_zones = 0, unsettled_settlements = 0;
    double seconds_gather = 0, seconds_draws = 0;
    std::vector<std::string> warnings;
};

Stability rank_stability(const PlanInputs& in, const UncertaintySpec& spec, const Progress& progress = {});

// ---- sign plan --------------------------------------------------------------------------------------------

struct ProposedSign {
    int order = 0;                 // 1 = place first
    double x = NAN, y = NAN;       // on the hazard's perimeter, working CRS
    double lon = NAN, lat = NAN;   // WGS 84
    std::int64_t hazard = -1;      // index in the hazards layer of the perimeter it stands on
    std::string hazard_id, status, ordnance;
    double marks_m = 0;            // unmarked perimeter it answers for: within min(cover, spacing / 2) of it, on every
                                   // counted hazard, not already covered by an existing or earlier proposed sign
    double gain = 0;               // the same metres, each weighted by its hazard's class x ordnance and the people near
    double people = 0;             // people living near it (kernel-weighted, returnees up-weighted)
    std::string nearest_settlement;
    double settlement_distance_m = NAN;
    std::string reason;
};

struct SignPlan {
    int stock = 0;
    double spacing = 0, cover = 0;
    std::string cover_from;
    std::string released_words = "cleared or cancelled";  // the statuses that need no sign, in words
    std::int64_t hazards_counted = 0, hazards_unmarked = 0;  // counted hazards; of them with unmarked perimeter
    double perimeter_m = 0;        // of the counted hazards
    double unmarked_before_m = 0;  // no existing sign within cover
    double unmarked_after_m = 0;   // after the proposed signs, by the same measure (every sign covers `cover`)
    double weighted_before = 0, weighted_after = 0;  // exposure-weighted unmarked metres under the spacing rule
    double credit = 0;             // min(cover, spacing / 2): what a new sign answers for on either side
    std::int64_t signs_to_finish = 0;  // the greedy's signs until no candidate covers anything more
    std::int64_t candidates = 0;
    std::vector<ProposedSign> signs;   // the first `stock` in order
    std::vector<std::string> warnings;
};

SignPlan sign_plan(const PlanInputs& in, const SignPlanSpec& spec, const Progress& progress = {});

// ---- outreach plan ----------------------------------------------------------------------------------------

struct Facilitator {
    int number = 0;                // 1-based
    std::string base;              // as given
    std::string base_name;         // the settlement's name, or "46.95 E 39.87 N"
    double x = NAN, y = NAN;       // working CRS
};

struct ScheduledSession {
    int week = 0;                  // 1-based
    double week_start = 0;         // days since 1970-01-01
    int facilitator = 0;           // Facilitator::number
    std::int64_t feature = -1;     // index in the settlements layer
    std::string settlement_id, settlement_name;
    int settlement_rank = 0;
    double population = 0;
    bool returnee = false;
    double priority = 0;           // the ranked settlement's priority as it stands when scheduled
    double distance_km = 0;        // straight line from the facilitator's base
    double last_session = NAN;     // before the plan; NaN = never
    double x = NAN, y = NAN, lon = NAN, lat = NAN;
    std::string reason;
};

struct WeekSummary {
    int week = 0;
    double start = 0;
    std::int64_t sessions = 0, settlements = 0;
    double people = 0;             // population of the settlements visited that week
    double people_cumulative = 0;  // of distinct settlements visited so far
};

struct OutreachPlan {
    std::vector<Facilitator> facilitators;
    int sessions_per_week = 0, weeks = 0;
    double travel_km = 0;
    double max_travel_km = NAN;
    std::vector<ScheduledSession> sessions;  // by week, then facilitator, then order of choice
    std::vector<WeekSummary> weeks_summary;
    std::int64_t settlements_covered = 0;    // distinct
    double people_covered = 0;
    std::int64_t settlements_waiting = 0;    // due within the horizon (and within reach) but never scheduled: slots ran out
    std::int64_t settlements_not_due = 0;    // had a session less than session_stale_days ago: not due within the horizon
    std::int64_t out_of_reach = 0;           // farther than max_travel_km from every base
    std::int64_t slots_unused = 0;           // slots no eligible settlement filled
    int top = 0;                             // the highest-ranked settlements followed
    double top_people = 0, top_people_reached = 0;
    std::vector<std::string> warnings;
};

OutreachPlan outreach_plan(const PlanInputs& in, const OutreachPlanSpec& spec, const Progress& progress = {});

// ---- all three ----------------------------------------------------------------------------------------------

struct PlansResult {
    bool stability_done = false, signs_done = false, outreach_done = false;
    Stability stability;
    SignPlan signs;
    OutreachPlan outreach;
    std::vector<std::string> warnings;
    bool any() const { return stability_done || signs_done || outreach_done; }
};

// Checks, before any work, what can be checked once the inputs are read: the uncertain parameters (a factor's
// parameter is refused), that the factor rasters will be written for rank stability, the sign plan's distances, the
// outreach plan's counts and bases (each must name one settlement, or be a longitude and latitude). Throws Error at
// the scenario's line (or the option).
void check_plans(const RunPlan& plan, const UncertaintySpec& uncertainty, const SignPlanSpec& signs,
                 const OutreachPlanSpec& outreach);

// The plans the specs ask for (each off while its count is 0). Throws Error for what the user can fix.
PlansResult build_plans(const PlanInputs& in, const UncertaintySpec& uncertainty, const SignPlanSpec& signs,
                        const OutreachPlanSpec& outreach, const Progress& progress = {});

}  // namespace plans
}  // namespace minerisk
