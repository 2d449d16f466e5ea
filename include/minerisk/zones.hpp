// Prioritised outreach zones: from the combined risk raster to ranked polygons a planner can act on,
// and the ranked list of settlements for risk-awareness sessions.
#pragma once
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "minerisk/grid.hpp"
#include "minerisk/hazard_rules.hpp"
#include "minerisk/layer.hpp"
#include "minerisk/progress.hpp"
#include "minerisk/scenario.hpp"

namespace minerisk {

// A settlement within reach of a zone.
struct ZoneSettlement {
    std::int64_t feature = -1;  // index in the settlements layer
    std::string id, name;
    double population = 0;      // 0 when unknown
    bool returnee = false;
    double distance_m = 0;      // from the settlement to the zone (0 inside)
    bool population_known = true;  // false: no population recorded (population is then 0)
};

struct ZoneHazard {
    std::int64_t feature = -1;  // index in the hazards layer
    std::string id, status, ordnance;
    double unmarked_m = 0;      // length of its perimeter no sign covers
    bool released = false;      // status cleared or cancelled: listed, but not counted as recorded contamination
};

struct Zone {
    int id = 0;                 // label, in order of discovery (row-major scan): stable for one input
    int rank = 0;               // 1 = act here first
    double priority = 0;        // the score the rank sorts by (see docs/zones.md)
    std::vector<unsigned char> wkb;  // (multi)polygon in the working CRS, ISO WKB
    double area_m2 = 0;
    std::int64_t cells = 0;
    double mean_risk = 0, max_risk = 0;
    std::vector<double> factor_mean;          // mean of each factor's score over the zone, in scenario order
    std::string top_factor;                   // the factor contributing most (weight x mean score)
    std::vector<ZoneSettlement> settlements;  // within zones.reach metres, nearest first
    double population_in_reach = 0;
    std::int64_t returnee_settlements = 0;
    std::vector<ZoneHazard> hazards;          // hazards the zone touches
    std::int64_t incidents_all = 0;           // incidents inside the zone
    std::int64_t incidents_recent = 0;        // ... within the last zones.recent_days before as_of
    std::int64_t incidents_far_from_hazards = 0;  // ... farther than zones.survey_distance from any recorded hazard
    double unmarked_perimeter_m = 0;          // sum over the hazards it touches
    double last_session = NAN;                // days since 1970-01-01 of the latest session in reach; NaN = never
    std::string action;                       // "hold sessions", "mark", "refer for non-technical survey", ... ("; "-joined)
    std::string reason;                       // plain words, with the figures behind the action
};

// A settlement, ranked for risk-awareness sessions.
struct RankedSettlement {
    std::int64_t feature = -1;
    std::string id, name;
    int rank = 0;
    double priority = 0;
    double population = 0;
    bool returnee = false;
    double risk_mean = 0, risk_max = 0;   // combined risk within zones.reach metres of the settlement
    double distance_to_hazard_m = NAN;    // to the nearest counted hazard (NaN: none)
    std::int64_t incidents_nearby = 0;    // within zones.reach
    double last_session = NAN;            // days since 1970-01-01; NaN = never
    int zone_id = 0;                      // the zone it is in or nearest in reach of (0 = none)
};

// A group of incidents far from every recorded hazard that no zone holds: contamination nobody has recorded,
// where the risk stayed below the zone threshold. Incidents at most zones.survey_distance apart are one group.
struct SurveyReferral {
    int id = 0;                           // 1 = the group with the most incidents
    double x = NAN, y = NAN;              // centre (mean of the incidents' points), working CRS
    std::int64_t incidents = 0;
    double spread_m = 0;                  // distance from the centre to the farthest of its incidents
    double first_date = NAN, last_date = NAN;  // days since 1970-01-01; NaN when none is dated
    double max_risk = NAN;                // highest combined risk in the cells of its incidents (NaN: off the grid)
    std::string nearest_settlement;       // name (or id) of the settlement nearest the centre; "" = none
    double settlement_distance_m = NAN;   // from the centre to it
    std::string reason;                   // plain words, with the figures
    std::vector<std::int64_t> incident_features;  // indices in the incidents layer, ascending
};

struct ZoneResult {
    double threshold = 0;                 // the risk threshold actually used (from top_percent if given)
    std::vector<Zone> zones;              // sorted by rank
    std::vector<RankedSettlement> settlements;  // sorted by rank
    std::vector<std::string> factor_names;
    std::vector<std::string> warnings;
    std::vector<SurveyReferral> survey_referrals;  // sorted by id
    // Per incident (index in the incidents layer): 1 = farther than zones.survey_distance from every counted
    // hazard, 0 = not, -1 = not judged (dated after as_of, or no usable geometry). Empty without incidents.
    std::vector<signed char> incident_far_from_hazard;
};

// Inputs to the zone stage: the rasters the run wrote, and what the run knew.
// What the zone stage needs of the risk, gathered while the scoring stage computes it, so that the zone
// stage does not read the whole risk raster back: the runs of cells at or above a fixed threshold (and of
// cells without data), or the first of the two passes that find a top_percent threshold.
class ZoneCellCollector {
public:
    ZoneCellCollector(const GridSpec& grid, const ZonesSpec& spec);
    ~ZoneCellCollector();
    ZoneCellCollector(const ZoneCellCollector&) = delete;
    ZoneCellCollector& operator=(const ZoneCellCollector&) = delete;

    // Every tile of the grid exactly once, in row-major tile order (tiles of one row of tiles left to right,
    // then the next row), from one thread; risk is tile.width x tile.height, NaN = no data.
    void add_tile(const Window& tile, const float* risk);

    struct State;
    State& state() { return *state_; }

private:
    std::unique_ptr<State> state_;
};

class ScoredTiles;

struct ZoneInputs {
    ZoneCellCollector* collected = nullptr;  // optional: filled by the scoring stage for this risk raster
    // The run's scored tiles (band 0 the risk, band k + 1 factor k's score): what a run reads. Without them the
    // zone stage reads risk_path and factor_paths (zones over rasters written before).
    const ScoredTiles* scored = nullptr;
    const Scenario* scenario = nullptr;
    const Inputs* inputs = nullptr;
    GridSpec grid;
    double as_of = 0;
    std::string risk_path;                   // GeoTIFF of the combined risk
    std::vector<std::string> factor_names;   // in scenario order
    std::vector<std::string> factor_paths;   // one GeoTIFF per factor score (same grid)
    std::vector<double> factor_weights;
    // Which hazards count and which signs mark: the run's one set of rules (a scenario's excluded_statuses and
    // ignored sign conditions reach the zones as they reach the factors).
    HazardRules rules;
};

// Threshold (or top percent), clean (min area, hole filling), polygonize, zonal statistics, attributes,
// ranking and actions. Throws Error.
ZoneResult build_zones(const ZoneInputs& in, const Progress& progress = {});

}  // namespace minerisk
