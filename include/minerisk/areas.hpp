// Administrative areas ranked for planners ("big P" prioritisation: which district gets the teams first), from
// what the run already found: the zones, the ranked settlements, the counted hazards, signs and incidents. On when
// the scenario sets `summary_by: areas` (docs/areas.md).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "minerisk/layer.hpp"
#include "minerisk/plans.hpp"
#include "minerisk/progress.hpp"

namespace minerisk {

// One area (a feature of inputs.areas) and what lies in it. A feature lies in the area that holds its point (a point
// itself; for a polygon, a point inside it: GEOS point on surface); a point on the border of several areas, or in
// areas that overlap, belongs to the first of them in the layer's order. So every feature counts once, or in no
// area when its point lies outside all of them.
struct AreaSummary {
    std::int64_t feature = -1;                  // index in the areas layer (its order after the 'where' filter)
    std::string id, name;                       // the 'id' and 'name' roles ("area #FID" when neither is mapped)
    int rank = 0;                               // 1 = allocate here first
    double area_km2 = 0;                        // in the working CRS
    double people_in_reach = 0;                 // population of its settlements within zones.reach of a zone
    std::int64_t settlements = 0;               // settlements in the area
    std::int64_t settlements_in_reach = 0;      // ... within zones.reach of a zone
    std::int64_t settlements_never_reached = 0; // ... that never had a counted session (population 0 left out)
    double population = 0;                      // of all its settlements (known populations)
    std::int64_t hazards = 0;                   // counted hazards: status not released, recorded on or before as_of
    double perimeter_m = 0;                     // their perimeter
    double unmarked_m = 0;                      // ... farther than the sign cover from every sign that marks
    std::int64_t incidents = 0;                 // dated on or before as_of, or undated
    std::int64_t incidents_recent = 0;          // ... within zones.recent_days before as_of
    std::int64_t zones = 0;                     // zones whose inner point lies in the area
    int best_zone_rank = 0;                     // the best (lowest) rank among them; 0 = none
    std::string reason;                         // the figures behind the rank, in plain words
};

struct AreaRanking {
    bool done = false;
    std::string input;                          // "districts.gpkg, layer 'districts'", for people
    double reach = 2000, recent_days = 365;     // zones.reach and zones.recent_days as used
    double cover = 100;                         // metres a sign covers of a perimeter
    std::string cover_from;                     // where `cover` comes from (as the sign plan takes it)
    std::vector<AreaSummary> areas;             // by rank
    // Features whose point lies in no area: left out of every area's figures.
    std::int64_t settlements_outside = 0, hazards_outside = 0, incidents_outside = 0, zones_outside = 0;
    std::vector<std::string> warnings;
};

namespace areas {

// The order of the ranking: people in reach of risk (most first), then recent incidents, then unmarked perimeter,
// then counted hazards (all most first), then id, then the layer's order. True when a comes before b.
bool ranks_before(const AreaSummary& a, const AreaSummary& b);

// Every area of `areas` (a polygon layer in the run's working CRS, indexed) with its figures, ranked. Reads the zone
// result, the inputs, the HazardRules, as_of and the sign cover of `in` (as the plans take them). Each feature is
// placed with one R-tree query and a prepared point-in-polygon test: O((features + areas) log areas).
AreaRanking rank_areas(const FeatureLayer& areas, const plans::PlanInputs& in, const Progress& progress = {});

}  // namespace areas
}  // namespace minerisk
