// The zone stage's parts, one job per file (see docs/zones.md for what each computes and why):
//   risk_reader.cpp stream the risk GeoTIFF by rows, choose the threshold, the runs of zone cells
//   runs.cpp        zones as runs: connected components, minimum area, hole filling, labels, polygons
//   stats.cpp       cells, area, mean/max risk, factor means (one streamed pass per raster)
//   geos.cpp        GEOS handles, lazily converted feature geometries, nearest/within queries via the R-trees
//   context.cpp     what the attribute steps share: counted hazards/signs/incidents/sessions, session -> settlement
//   attributes.cpp  settlements, hazards (with unmarked perimeter), incidents and sessions per zone
//   settlements.cpp the ranked settlements
//   rank.cpp        zone priority, rank, actions and reasons
//   referrals.cpp   far-from-hazard incidents in no zone, grouped for non-technical survey
//   text.cpp        numbers and dates in plain words
//   zones.cpp       build_zones: the order of the above, progress and warnings
#pragma once
#ifndef GEOS_USE_ONLY_R_API
#define GEOS_USE_ONLY_R_API
#endif
#include <geos_c.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/text.hpp"
#include "minerisk/alg/cover.hpp"
#include "minerisk/grid.hpp"
#include "minerisk/layer.hpp"
#include "minerisk/progress.hpp"
#include "minerisk/scenario.hpp"
#include "minerisk/zones.hpp"

namespace minerisk {
class ScoredTiles;
}

namespace minerisk::zones {

// ---- risk_reader.hpp, runs.hpp ---------------------------------------------------------------------
// The risk streams from its GeoTIFF (RiskReader), the threshold is chosen (top_percent_threshold), the zone
// cells become runs (candidate_runs), which are cleaned and labelled (clean_runs) and polygonized
// (polygonize_runs). See those headers.

// ---- stats.cpp ---------------------------------------------------------------------------------------

struct ZoneStats {
    std::int64_t cells = 0;
    std::int64_t risk_n = 0;  // non-NaN risk cells
    double risk_sum = 0, risk_max = -INFINITY;
    std::vector<double> factor_sum;
    std::vector<std::int64_t> factor_n;
};

class RowRuns;
class RiskReader;

// Zonal statistics from the zone runs: cells, risk sum / count / maximum, and each factor's sum and count,
// streaming the risk and each factor once by blocks of rows: factor k is band k + 1 of the run's scored tiles
// when `scored` is given, else the raster factor_paths[k]. A factor raster that cannot be read gives NaN means
// and a warning.
std::vector<ZoneStats> zonal_stats(const RowRuns& zones, std::int32_t count, const RiskReader& risk,
                                   const std::vector<std::string>& factor_names, const ScoredTiles* scored,
                                   const std::vector<std::string>& factor_paths, std::vector<std::string>& warnings,
                                   const Progress& progress);

// ---- geos.cpp ----------------------------------------------------------------------------------------

class Geos {
public:
    Geos();
    ~Geos();
    Geos(const Geos&) = delete;
    Geos& operator=(const Geos&) = delete;
    GEOSContextHandle_t h;

    GEOSGeometry* read_wkb(const std::vector<unsigned char>& wkb) const;  // caller owns; nullptr on failure
    GEOSGeometry* point(double x, double y) const;
    double distance(const GEOSGeometry* a, const GEOSGeometry* b) const;  // NaN on failure
};

// Feature geometries of one layer in GEOS form, converted on first use (and prepared on first use).
class GeomCache {
public:
    GeomCache(const Geos& geos, const FeatureLayer* layer);
    ~GeomCache();
    GeomCache(const GeomCache&) = delete;
    GeomCache& operator=(const GeomCache&) = delete;
    const GEOSGeometry* get(std::int64_t i);                 // nullptr when unreadable
    const GEOSPreparedGeometry* prepared(std::int64_t i);    // nullptr when unreadable
    const FeatureLayer* layer() const { return layer_; }
    std::int64_t size() const { return layer_ ? layer_->size() : 0; }
    GEOSContextHandle_t handle() const { return geos_.h; }
    const Extent& extent() const { return extent_; }  // of the layer's features

private:
    const Geos& geos_;
    const FeatureLayer* layer_;
    Extent extent_;
    std::vector<GEOSGeometry*> geoms_;
    std::vector<const GEOSPreparedGeometry*> prepared_;
    std::vector<char> tried_;
};

// Distance from `g` (bounds `b`) to the nearest feature of `cache` for which keep[i] (all when keep is
// empty); NaN when there is none. Through the R-tree, growing the search box until a feature is found.
// `id` (optional) receives the nearest feature's index (-1 when none; the lowest index among equals).
double nearest_distance(GeomCache& cache, const std::vector<char>& keep, const GEOSGeometry* g, const Extent& b,
                        std::int64_t* id = nullptr);
// Whether some kept feature of `cache` lies within `d` of `g`.
bool any_within(GeomCache& cache, const std::vector<char>& keep, const GEOSGeometry* g, const Extent& b, double d);

// ---- context.cpp -------------------------------------------------------------------------------------

// What the attribute steps share, computed once.
struct Context {
    Context(const ZoneInputs& in, const Inputs& inputs);
    const ZoneInputs& in;
    const ZonesSpec& spec;
    double as_of;
    Geos geos;
    const FeatureLayer *hazards = nullptr, *incidents = nullptr, *settlements = nullptr, *signs = nullptr,
                       *sessions = nullptr;
    GeomCache hazard_geoms, incident_geoms, settlement_geoms, session_geoms;

    std::vector<char> hazard_counted;       // status not cleared/cancelled
    std::vector<char> incident_counted;     // dated on or before as_of, or undated
    std::vector<double> incident_date;      // NaN = undated
    std::vector<char> session_counted;      // dated on or before as_of, reached not 0
    std::vector<double> session_date;
    std::vector<std::int64_t> session_settlement;  // -1 = none
    std::vector<double> settlement_last_session;   // NaN = never
    std::vector<double> hazard_unmarked;           // m; NaN = not computed yet
    std::vector<double> zone_far_first;            // by zone id: earliest date of its far incidents (NaN: none dated)
    std::vector<std::int64_t> far_outside;         // incidents far from every counted hazard that lie in no zone
    std::vector<signed char> incident_far;         // per incident: 1 far from every counted hazard, 0 not, -1 not judged
    std::vector<std::string> warnings;

    std::string hazard_label(std::int64_t i) const;
    std::string settlement_label(std::int64_t i) const;
    std::string settlement_id(std::int64_t i) const;
    double settlement_population(std::int64_t i) const;  // NaN when unknown
    bool settlement_returnee(std::int64_t i) const;
    std::string text(const FeatureLayer* l, const char* role, std::int64_t i) const;
    // Unmarked perimeter of hazard i (cached): boundary length farther than sign_cover from every counted sign.
    double unmarked(std::int64_t i);
    bool incident_recent(std::int64_t i) const;
};

// Boundary length of `rings` farther than r from every point of `signs` (exact: each sign covers the chord
// of its disc on each segment; the chords are merged).
using Pt = alg::XY;
// Every ring (outer rings and holes) of a polygon geometry, closed (last point = first).
void rings_of(const OGRGeometry* g, std::vector<std::vector<Pt>>& out);
// Every vertex of a geometry (a sign recorded as a line or polygon counts at each vertex, as in marking_gap).
void points_of(const OGRGeometry* g, std::vector<Pt>& out);
double uncovered_length(const std::vector<std::vector<Pt>>& rings, const std::vector<Pt>& signs, double r);

// ---- attributes.cpp ----------------------------------------------------------------------------------

// Fills settlements, population, returnees, hazards, unmarked perimeter, incidents and last session of each
// zone (zones[k].wkb must be set; `labels` are the zone runs, labelled by zone id).
void zone_attributes(Context& ctx, std::vector<Zone>& zones, const RowRuns& labels, const GridSpec& grid,
                     const Progress& progress);

// ---- settlements.cpp ---------------------------------------------------------------------------------

std::vector<RankedSettlement> rank_settlements(Context& ctx, const RiskReader& risk, const std::vector<Zone>& zones,
                                               const Progress& progress);
// priority = risk_mean x (1 + log10(1 + population)) x (1.5 if returnee) x need; need in [0.5, 1]; 0 for a known
// population of 0.
double settlement_priority(double risk_mean, double population, bool returnee, double last_session, double as_of,
                           double stale_days);

// ---- rank.cpp ----------------------------------------------------------------------------------------

// mean_risk x (1 + log10(1 + population_in_reach)) x (1 + log10(1 + incidents_far_from_hazards))
double zone_priority(double mean_risk, double population_in_reach, double incidents_far_from_hazards);
// Sorts by priority (desc), max risk (desc), id (asc) and sets rank.
void rank_zones(std::vector<Zone>& zones);
// Sets action and reason of each zone.
void zone_actions(Context& ctx, std::vector<Zone>& zones);

// ---- referrals.cpp -----------------------------------------------------------------------------------

// Groups points by single linkage: two points less than or exactly `link` apart are in one group, and so are
// their groups. Returns each point's group, numbered 0, 1, ... in the order of the groups' first points.
// O(n log n): only the edges of the points' Delaunay triangulation are tested (the minimum spanning tree, and so
// every link single linkage needs, is among them).
std::vector<std::int64_t> link_groups(GEOSContextHandle_t h, const std::vector<Pt>& points, double link);

// The far incidents in no zone (ctx.far_outside), grouped at zones.survey_distance, each group with its centre,
// dates, the highest risk at its incidents, the nearest settlement and a reason; the largest group first.
std::vector<SurveyReferral> survey_referrals(Context& ctx, const RiskReader& risk, float threshold);

// ---- text.cpp ----------------------------------------------------------------------------------------

std::string thousands(double v);          // 1240 -> "1,240" (rounded to a whole number)
std::string metres(double v);             // "1,240 m"
std::string plural(std::int64_t n, const char* one, const char* many);  // (1, "zone", "zones") -> "1 zone"; 1200 -> "1,200 zones"
const char* verb(std::int64_t n, const char* one, const char* many);    // the verb that agrees with n: (2, "lies", "lie") -> "lie"
std::string month_of(double days);        // "2024-05"
std::string plain_number(double v);       // 0.5 -> "0.5", 2000 -> "2000"
std::string lower_trim(const std::string& s);
using minerisk::text::join;  // core/text.hpp

}  // namespace minerisk::zones
