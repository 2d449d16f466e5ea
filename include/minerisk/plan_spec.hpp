// What a scenario (or the command line) asks of the plans that follow the zones: rank stability under uncertain
// weights and parameters, where the next warning signs go, and a schedule of risk-education sessions.
// Plain settings only (no engine types), so that scenario.hpp can hold them. docs/uncertainty.md,
// docs/sign-plan.md and docs/outreach-plan.md say what each setting does.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "minerisk/error.hpp"

namespace minerisk {

// A parameter the scenario declares uncertain: each draw takes a value uniformly in [low, high].
struct UncertainParameter {
    std::string name;  // population | returnee_weight | session_stale_days
    double low = 0, high = 0;
    Location where;
};

// `uncertainty:` (docs/uncertainty.md). Off while draws is 0.
struct UncertaintySpec {
    int draws = 0;                         // redraws; 0 = no rank-stability analysis
    double spread = 0.25;                  // relative spread (standard deviation / value) of a factor of average weight
    std::optional<double> concentration;   // or: the Dirichlet concentration itself (set one of the two)
    int top_k = 10;                        // "in the top k": the share of draws in which an item ranks k or better
    std::uint64_t seed = 1;                // same seed, same figures
    std::vector<UncertainParameter> parameters;
    Location where;
};

// `sign_plan:` (docs/sign-plan.md). Off while signs is 0.
struct SignPlanSpec {
    int signs = 0;                         // the stock of signs to place; 0 = no sign plan
    std::optional<double> spacing;         // metres of perimeter between neighbouring new signs (in sight of the next);
                                           // default: 2 x cover, where neighbouring signs' cover just meets
    std::optional<double> cover;           // metres; default: the marking_gap factor's cover_distance, else zones.sign_cover
    Location where;
};

// `outreach_plan:` (docs/outreach-plan.md). Off while facilitators is 0.
struct OutreachPlanSpec {
    int facilitators = 0;                  // how many; 0 = no outreach plan
    std::vector<std::string> bases;        // home bases: one for all, or one per facilitator; "lon,lat" or a settlement
    std::vector<Location> base_where;
    int sessions_per_week = 3;             // per facilitator
    int weeks = 12;                        // horizon
    double travel_km = 20;                 // a settlement this far from the base counts half (value / (1 + d / travel_km))
    std::optional<double> max_travel_km;   // settlements farther than this from every base are left out
    int top = 20;                          // the highest-ranked settlements whose people the summary follows
    Location where;
};

}  // namespace minerisk
