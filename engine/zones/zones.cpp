// build_zones: the order of the zone stage. Each step lives in its own file (see zones_internal.hpp).
#include <memory>
#include <algorithm>

#include "minerisk/error.hpp"
#include "zones/collector.hpp"
#include "zones/risk_reader.hpp"
#include "zones/runs.hpp"
#include "zones/zones_internal.hpp"

namespace minerisk {

using namespace zones;

namespace {

std::int64_t cells_for(double area_m2, double cell_area) {
    if (!(area_m2 > 0)) return 0;
    return static_cast<std::int64_t>(std::ceil(area_m2 / cell_area - 1e-9));
}

std::string pct(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.3g%%", v);
    return b;
}

// Incidents far from every recorded hazard that no zone holds: the strongest sign of unrecorded contamination
// must not vanish because the risk around them stayed below the threshold. The survey referrals list every group
// of them; the warning counts them, names the largest group and says where the full list is.
std::string far_outside_warning(const Context& ctx, const std::vector<SurveyReferral>& referrals, float threshold) {
    const auto& ids = ctx.far_outside;
    const std::int64_t n = static_cast<std::int64_t>(ids.size());
    double first = NAN, last = NAN;
    for (std::int64_t i : ids) {
        const double d = ctx.incident_date[static_cast<size_t>(i)];
        if (std::isfinite(d)) {
            if (std::isnan(first) || d < first) first = d;
            if (std::isnan(last) || d > last) last = d;
        }
    }
    std::string s = plural(n, "incident", "incidents");
    if (std::isfinite(first)) s += " (" + month_of(first) + (last > first ? " to " + month_of(last) : "") + ")";
    s += std::string(" ") + verb(n, "lies", "lie") + " more than " + metres(ctx.spec.survey_distance) +
         " from any recorded hazard but in no zone, because the risk around " + verb(n, "it", "them") +
         " stays below the threshold " + plain_number(threshold) +
         " (or stays above it over less than min_area): contamination nobody has recorded. " +
         (n == 1 ? "It is" : "They are") + " listed for non-technical survey as " +
         plural(static_cast<std::int64_t>(referrals.size()), "group", "groups") +
         " in survey_referrals (the GeoPackage layer, survey_referrals.csv and the report)";
    if (!referrals.empty() && referrals.front().incidents > 1) {
        const SurveyReferral& r = referrals.front();
        char where[160];
        std::snprintf(where, sizeof where, " within %s of E %.0f N %.0f", metres(r.spread_m).c_str(), r.x, r.y);
        s += "; the largest, referral 1: " + plural(r.incidents, "incident", "incidents") + where;
        if (!r.nearest_settlement.empty())
            s += " (nearest settlement " + r.nearest_settlement + ", " + metres(r.settlement_distance_m) + ")";
    }
    s += std::string(". ") + verb(n, "Refer it", "Refer them") +
         ", or lower zones.threshold (or use zones.top_percent) so that " + verb(n, "it forms", "they form") + " a zone";
    return s;
}

}  // namespace

ZoneResult build_zones(const ZoneInputs& in, const Progress& progress) {
    if (!in.scenario) throw Error("the zone stage needs the scenario", Location{}, "pass ZoneInputs::scenario");
    if ((!in.scored && in.factor_paths.size() != in.factor_names.size()) || in.factor_weights.size() != in.factor_names.size())
        throw Error("the zone stage got " + std::to_string(in.factor_names.size()) + " factor name(s), " +
                        std::to_string(in.factor_paths.size()) + " raster(s) and " + std::to_string(in.factor_weights.size()) +
                        " weight(s)",
                    Location{}, "give one raster and one weight per factor, in scenario order");
    static const Inputs no_inputs;
    const Inputs& inputs = in.inputs ? *in.inputs : no_inputs;
    const ZonesSpec& spec = in.scenario->zones;
    ZoneResult res;
    res.factor_names = in.factor_names;

    // 1. The risk, streamed from its raster, and the threshold.
    const std::unique_ptr<RiskReader> risk_source = in.scored ? std::make_unique<RiskReader>(*in.scored, 0, "the combined risk")
                                                              : std::make_unique<RiskReader>(in.risk_path, in.grid);
    const RiskReader& risk = *risk_source;
    const GridSpec& grid = risk.grid();
    // What the scoring stage gathered while it computed the risk, when it saw every tile (collector.cpp).
    ZoneCellCollector::State* collected = in.collected ? &in.collected->state() : nullptr;
    if (collected && !collected->complete) collected = nullptr;
    float threshold;
    std::int64_t valid = 0;
    if (spec.top_percent && collected && collected->select) {
        threshold = finish_top_percent(risk, *collected->select, progress.sub(0.0, 0.10));
        valid = collected->select->valid();
    } else if (spec.top_percent) {
        threshold = top_percent_threshold(risk, *spec.top_percent, &valid, progress.sub(0.0, 0.10));
    } else {
        threshold = static_cast<float>(spec.threshold.value_or(0.5));
    }
    res.threshold = threshold;
    if (spec.top_percent && valid == 0) threshold = INFINITY;

    // 2. The zone cells as runs (collected already, for a fixed threshold), cleaned and labelled.
    CandidateRuns cand;
    if (collected && collected->fixed && !spec.top_percent && collected->threshold == threshold)
        cand = {std::move(collected->candidates), std::move(collected->nodata), collected->valid, collected->candidate_cells};
    else
        cand = candidate_runs(risk, threshold, progress.sub(0.10, 0.20));
    valid = cand.valid;
    if (valid == 0) res.warnings.push_back("the risk raster has no valid cell: no zones");
    const std::int64_t candidates = cand.candidate_cells;
    if (spec.top_percent && valid > 0) {
        const double share = 100.0 * double(candidates) / double(valid);
        if (share > *spec.top_percent * 1.1 + 0.1)
            res.warnings.push_back("top_percent " + plain_number(*spec.top_percent) + ": many cells share the risk " +
                                   plain_number(threshold) + " at the threshold, so the cells at or above it make " +
                                   pct(share) + " of the area");
    }
    const double cell_area = grid.cell_size * grid.cell_size;
    RunClean clean = clean_runs(std::move(cand.candidates), cand.nodata, cells_for(spec.min_area, cell_area),
                                cells_for(spec.fill_holes, cell_area));
    if (!progress.report(0.25, "cleaning")) throw Error("cancelled");
    if (valid > 0 && candidates == 0)
        res.warnings.push_back("no cell reaches the threshold " + plain_number(threshold) + ": no zones");
    else if (valid > 0 && clean.count == 0)
        res.warnings.push_back(
            (clean.candidate_components == 1 ? std::string("the only area") : "the " + plural(clean.candidate_components, "area", "areas")) +
            " at or above the threshold " + plain_number(threshold) + (clean.candidate_components == 1 ? " is" : " are all") +
            " smaller than min_area (" + thousands(spec.min_area) + " m2): no zones");

    // 3. Polygons and statistics.
    std::vector<Zone> zs(static_cast<size_t>(clean.count));
    auto wkbs = polygonize_runs(clean.zones, clean.count, grid.origin_x, grid.origin_y, grid.cell_size);
    if (!progress.report(0.30, "polygonizing")) throw Error("cancelled");
    auto st = zonal_stats(clean.zones, clean.count, risk, in.factor_names, in.scored, in.factor_paths, res.warnings,
                          progress.sub(0.30, 0.6));
    for (std::int32_t k = 0; k < clean.count; ++k) {
        Zone& z = zs[static_cast<size_t>(k)];
        const ZoneStats& s = st[static_cast<size_t>(k) + 1];
        z.id = k + 1;
        z.wkb = std::move(wkbs[static_cast<size_t>(k)]);
        z.cells = s.cells;
        z.area_m2 = double(s.cells) * cell_area;
        z.mean_risk = s.risk_n ? s.risk_sum / double(s.risk_n) : 0;
        z.max_risk = s.risk_n ? s.risk_max : 0;
        double best = -INFINITY;
        for (size_t f = 0; f < in.factor_names.size(); ++f) {
            const double m = s.factor_n[f] ? s.factor_sum[f] / double(s.factor_n[f]) : NAN;
            z.factor_mean.push_back(m);
            const double c = in.factor_weights[f] * m;
            if (!std::isnan(c) && c > best) best = c, z.top_factor = in.factor_names[f];
        }
    }

    // 4. Attributes, priority, rank, actions; the settlements.
    Context ctx(in, inputs);
    zone_attributes(ctx, zs, clean.zones, grid, progress.sub(0.6, 0.85));
    for (Zone& z : zs) z.priority = zone_priority(z.mean_risk, z.population_in_reach, double(z.incidents_far_from_hazards));
    rank_zones(zs);
    zone_actions(ctx, zs);
    res.settlements = rank_settlements(ctx, risk, zs, progress.sub(0.85, 1.0));

    // Zones are named as the report names them, by rank, with the id beside it: "rank 5 (zone id 81)".
    std::int64_t alone = 0;
    const Zone* first_alone = nullptr;
    for (const Zone& z : zs)
        if (z.settlements.empty()) ++alone, first_alone = first_alone ? first_alone : &z;
    if (alone && ctx.settlements && ctx.settlements->size() > 0)
        res.warnings.push_back(std::to_string(alone) + " of " + plural(static_cast<std::int64_t>(zs.size()), "zone", "zones") + " " +
                               verb(alone, "has", "have") + " no settlement within " + metres(spec.reach) +
                               (alone == 1 ? ": " : ", the first of them ") + "rank " + std::to_string(first_alone->rank) +
                               " (zone id " + std::to_string(first_alone->id) + "); no population raises " +
                               verb(alone, "its", "their") + " priority");
    if (!ctx.settlements) res.warnings.push_back("no settlements layer: no population raises a zone's priority, and no settlement is ranked");
    if (!ctx.hazards && !zs.empty())
        res.warnings.push_back("no hazards layer: every incident in a zone counts as far from any recorded hazard");
    if (!ctx.far_outside.empty() && valid > 0) {
        res.survey_referrals = survey_referrals(ctx, risk, threshold);
        res.warnings.push_back(far_outside_warning(ctx, res.survey_referrals, threshold));
    }
    res.incident_far_from_hazard = std::move(ctx.incident_far);
    for (auto& w : ctx.warnings) res.warnings.push_back(std::move(w));
    res.zones = std::move(zs);
    progress.report(1.0, "zones");
    return res;
}

}  // namespace minerisk
