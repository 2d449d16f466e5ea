// The plans' parts, one job per file (see include/minerisk/plans.hpp and docs/uncertainty.md, sign-plan.md,
// outreach-plan.md):
//   inputs.cpp     PlanInputs from a run: the scoring and the factors' parameters as the run used them
//   common.cpp     what the plans share: hazard rings, sign points, settlement points, people near a point
//   zone_cells.cpp the zone polygons back into runs of cells; the factor values gathered per zone and settlement
//   stability.cpp  the draws: weights from a Dirichlet, declared parameters uniform, ranks and their spread
//   signs.cpp      the sign plan: candidates on the unmarked perimeter, lazy greedy coverage
//   outreach.cpp   the outreach plan: week by week, facilitator slots, risk and travel
//   outputs.cpp    CSV, GPX and the GeoPackage layers with their QGIS styles
//   html.cpp       the report's sections
//   plans.cpp      build_plans: the order of the above
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "minerisk/plans.hpp"
#include "zones/runs.hpp"
#include "zones/zones_internal.hpp"

namespace minerisk::plans {

using zones::Pt;
using zones::points_of;  // the marking measure's own vertices and rings (zones/context.cpp)
using zones::rings_of;

// ---- common.cpp ----------------------------------------------------------------------------------------------

// One point for a feature: the point itself, else a point inside it (GEOS point on surface). False when none.
bool point_of(const OGRGeometry* g, double& x, double& y);

// Text, number of a role in a layer (empty / NaN when absent).
std::string text_of(const FeatureLayer* l, const char* role, std::int64_t i);
double number_of(const FeatureLayer* l, const char* role, std::int64_t i);

// The hazards the sign plan and the marking measure count: status not excluded, recorded on or before as_of.
std::vector<char> counted_hazards(const PlanInputs& in, std::int64_t* later = nullptr);
// The sign points that count: condition not ignored, placed on or before as_of (or undated).
std::vector<Pt> counted_sign_points(const PlanInputs& in);

// A hazard's name in the outputs: its id, else its name, else "hazard #FID".
std::string hazard_label(const FeatureLayer* hazards, std::int64_t i);
std::string settlement_label(const FeatureLayer* settlements, std::int64_t i);

// People living near points: each settlement's population (returnees up-weighted) times the quartic kernel
// (1 - d^2 / R^2)^2 of the distance from its point, within R. Unknown populations count 0.
class PeopleNear {
public:
    PeopleNear(const PlanInputs& in, double radius);
    double at(double x, double y) const;
    // The settlement nearest (x, y) and its distance; -1 when there is none.
    std::int64_t nearest(double x, double y, double* distance) const;

private:
    struct S {
        double x, y, people;
        std::int64_t feature;
    };
    std::vector<S> s_;
    double r_;
    std::vector<std::vector<std::int32_t>> bins_;
    double x0_ = 0, y0_ = 0, bin_ = 1;
    std::int64_t nx_ = 0, ny_ = 0;
};

// ---- zone_cells.cpp -------------------------------------------------------------------------------------------

// The cells of each zone polygon (zones follow the cell edges of the grid) as runs labelled 1..zones.size() in
// the order of `zones` (index + 1). Even-odd on the vertical edges at each row's cell centres: exact for polygons
// traced from the grid.
zones::RowRuns zone_runs(const std::vector<Zone>& zones, const GridSpec& grid);

// The per-item factor values the draws recombine (zone_cells.cpp gathers them).
struct FactorAggregate {
    std::int64_t cells = 0;                 // cells with every factor valid
    std::vector<double> sum;                // per factor: sum over those cells
    std::vector<double> cross;              // likelihood_consequence: sum of f_i f_j for i in L, j in C (|L| x |C|)
    std::vector<float> sample;              // weighted_product / maximum: up to kSampleCells cells, factors per cell
};
inline constexpr int kSampleCells = 256;

// Factor values gathered once: per zone (over its cells) and per ranked settlement (over the cells whose centre
// lies within zones.reach of it), in the order of `in.zones->zones` and `in.zones->settlements`.
struct Gathered {
    std::vector<FactorAggregate> zones, settlements;
    std::vector<std::string> warnings;
};
Gathered gather_factors(const PlanInputs& in, bool sums, bool cross, bool sample, const Progress& progress);

// ---- stability.cpp --------------------------------------------------------------------------------------------

// The parameters a scenario declares uncertain, checked: those rank stability can redraw without the grid
// (population, returnee_weight, session_stale_days), and a refusal that says why for the others (a factor's
// parameter needs the grid again; a zone setting changes the zones). Throws Error at the parameter's line.
struct Declared {
    bool population = false, returnee = false, stale = false;
    double pop_lo = 1, pop_hi = 1, ret_lo = 1.5, ret_hi = 1.5, stale_lo = 365, stale_hi = 365;
};
Declared check_parameters(const PlanInputs& in, const UncertaintySpec& spec);

// Mean combined risk of an item for (unnormalised) weights, by the run's method, from its aggregate.
double recombined_mean(const std::string& method, const FactorAggregate& a, const std::vector<double>& weights,
                       const std::vector<int>& groups);

// The Dirichlet concentration that gives a factor of average weight (1 / number of weighted factors) the relative
// spread `spread` (standard deviation / weight): (n - 1) / spread^2 - 1, at least 1.
double concentration_for(double spread, int weighted_factors);

// ---- outreach.cpp ---------------------------------------------------------------------------------------------

// The facilitators with their bases placed: "lon,lat" in WGS 84, or a settlement's id (first) or name. Throws Error
// for a base that names nothing, names several settlements, or is off the globe, and for counts that do not match.
std::vector<Facilitator> resolve_bases(const PlanInputs& in, const OutreachPlanSpec& spec);

}  // namespace minerisk::plans
