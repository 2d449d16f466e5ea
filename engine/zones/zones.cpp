// build_zones: the order of the zone stage. Each step lives in its own file (see zones_internal.hpp).
#include <algorithm>
#include <map>

#include "minerisk/error.hpp"
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
// must not vanish because the risk around them stayed below the threshold. Names the largest group: the
// incidents are binned on a grid of 2 x survey_distance (at least 1 km), and the 3 x 3 block of bins holding the
// most of them is reported with its centre and the nearest settlement. Linear in the incidents.
std::string far_outside_warning(Context& ctx, float threshold) {
    const auto& ids = ctx.far_outside;
    double first = NAN, last = NAN;
    for (std::int64_t i : ids) {
        const double d = ctx.incident_date[static_cast<size_t>(i)];
        if (std::isfinite(d)) {
            if (std::isnan(first) || d < first) first = d;
            if (std::isnan(last) || d > last) last = d;
        }
    }
    const double bin = std::max(1000.0, 2 * ctx.spec.survey_distance);
    auto centre = [&](std::int64_t i) {
        const Extent& b = ctx.incidents->bounds[static_cast<size_t>(i)];
        return std::pair<double, double>(0.5 * (b.xmin + b.xmax), 0.5 * (b.ymin + b.ymax));
    };
    std::map<std::pair<long long, long long>, std::vector<std::int64_t>> bins;
    for (std::int64_t i : ids) {
        const auto [x, y] = centre(i);
        bins[{static_cast<long long>(std::floor(x / bin)), static_cast<long long>(std::floor(y / bin))}].push_back(i);
    }
    std::pair<long long, long long> best_key{0, 0};
    size_t best_n = 0;
    for (const auto& [key, v] : bins) {
        size_t n = 0;
        for (long long dx = -1; dx <= 1; ++dx)
            for (long long dy = -1; dy <= 1; ++dy) {
                auto it = bins.find({key.first + dx, key.second + dy});
                if (it != bins.end()) n += it->second.size();
            }
        if (n > best_n) best_n = n, best_key = key;
    }
    double sx = 0, sy = 0;
    std::vector<std::int64_t> group;
    for (long long dx = -1; dx <= 1; ++dx)
        for (long long dy = -1; dy <= 1; ++dy) {
            auto it = bins.find({best_key.first + dx, best_key.second + dy});
            if (it == bins.end()) continue;
            for (std::int64_t i : it->second) {
                const auto [x, y] = centre(i);
                sx += x, sy += y;
                group.push_back(i);
            }
        }
    const double gx = sx / double(group.size()), gy = sy / double(group.size());
    double spread = 0;
    for (std::int64_t i : group) {
        const auto [x, y] = centre(i);
        spread = std::max(spread, std::hypot(x - gx, y - gy));
    }
    char where[160];
    std::snprintf(where, sizeof where, "%zu of them within %s of E %.0f N %.0f", group.size(), metres(spread).c_str(), gx, gy);
    std::string s = std::to_string(ids.size()) + " incident(s)";
    if (std::isfinite(first)) s += " (" + month_of(first) + (last > first ? " to " + month_of(last) : "") + ")";
    s += " lie more than " + metres(ctx.spec.survey_distance) +
         " from any recorded hazard but in no zone, because the risk around them stays below the threshold " +
         plain_number(threshold) + "; the largest group: " + where;
    if (ctx.settlements && ctx.settlements->size() > 0) {
        GEOSGeometry* p = ctx.geos.point(gx, gy);
        std::int64_t near = -1;
        const double d = nearest_distance(ctx.settlement_geoms, {}, p, Extent{gx, gy, gx, gy}, &near);
        GEOSGeom_destroy_r(ctx.geos.h, p);
        if (near >= 0) s += " (nearest settlement " + ctx.settlement_label(near) + ", " + metres(d) + ")";
    }
    s += ": contamination nobody has recorded; refer them for non-technical survey, or lower zones.threshold (or use "
         "zones.top_percent) so that they form a zone";
    return s;
}

}  // namespace

ZoneResult build_zones(const ZoneInputs& in, const Progress& progress) {
    if (!in.scenario) throw Error("the zone stage needs the scenario", Location{}, "pass ZoneInputs::scenario");
    if (in.factor_paths.size() != in.factor_names.size() || in.factor_weights.size() != in.factor_names.size())
        throw Error("the zone stage got " + std::to_string(in.factor_names.size()) + " factor name(s), " +
                        std::to_string(in.factor_paths.size()) + " raster(s) and " + std::to_string(in.factor_weights.size()) +
                        " weight(s)",
                    Location{}, "give one raster and one weight per factor, in scenario order");
    static const Inputs no_inputs;
    const Inputs& inputs = in.inputs ? *in.inputs : no_inputs;
    const ZonesSpec& spec = in.scenario->zones;
    ZoneResult res;
    res.factor_names = in.factor_names;

    // 1. The risk and the threshold.
    RiskGrid risk = read_risk(in.risk_path, in.grid, progress.sub(0.0, 0.10));
    const GridSpec& grid = risk.grid;
    float threshold;
    std::int64_t valid = 0;
    if (spec.top_percent) {
        threshold = top_percent_threshold(risk.risk, *spec.top_percent, &valid);
    } else {
        threshold = static_cast<float>(spec.threshold.value_or(0.5));
        for (float v : risk.risk) valid += !std::isnan(v);
    }
    res.threshold = threshold;
    if (valid == 0) {
        res.warnings.push_back("the risk raster has no valid cell: no zones");
        threshold = INFINITY;
    }

    // 2. Candidates, cleaning, labels.
    std::int64_t candidates = 0;
    std::vector<std::uint8_t> mask = candidate_mask(risk.risk, threshold, &candidates);
    if (spec.top_percent && valid > 0) {
        const double share = 100.0 * double(candidates) / double(valid);
        if (share > *spec.top_percent * 1.1 + 0.1)
            res.warnings.push_back("top_percent " + plain_number(*spec.top_percent) + ": many cells share the risk " +
                                   plain_number(threshold) + " at the threshold, so the cells at or above it make " +
                                   pct(share) + " of the area");
    }
    const double cell_area = grid.cell_size * grid.cell_size;
    CleanResult clean = clean_zones(mask, grid.width, grid.height, cells_for(spec.min_area, cell_area),
                                    cells_for(spec.fill_holes, cell_area));
    std::vector<std::uint8_t>().swap(mask);
    if (!progress.report(0.2, "cleaning")) throw Error("cancelled");
    if (valid > 0 && candidates == 0)
        res.warnings.push_back("no cell reaches the threshold " + plain_number(threshold) + ": no zones");
    else if (valid > 0 && clean.zones == 0)
        res.warnings.push_back("the " + std::to_string(clean.candidate_components) + " area(s) at or above the threshold " +
                               plain_number(threshold) + " are all smaller than min_area (" + thousands(spec.min_area) +
                               " m2): no zones");

    // 3. Polygons and statistics.
    std::vector<Zone> zs(static_cast<size_t>(clean.zones));
    auto wkbs = polygonize_labels(clean.labels, clean.zones, grid, progress.sub(0.2, 0.45));
    auto st = zonal_stats(clean.labels, clean.zones, risk, in.factor_names, in.factor_paths, res.warnings,
                          progress.sub(0.45, 0.6));
    for (std::int32_t k = 0; k < clean.zones; ++k) {
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
    zone_attributes(ctx, zs, clean.labels, grid, progress.sub(0.6, 0.85));
    std::vector<std::int32_t>().swap(clean.labels);
    for (Zone& z : zs) z.priority = zone_priority(z.mean_risk, z.population_in_reach, double(z.incidents_far_from_hazards));
    rank_zones(zs);
    zone_actions(ctx, zs);
    res.settlements = rank_settlements(ctx, risk, zs, progress.sub(0.85, 1.0));

    std::int64_t alone = 0;
    for (const Zone& z : zs) alone += z.settlements.empty();
    if (alone && ctx.settlements && ctx.settlements->size() > 0)
        res.warnings.push_back(std::to_string(alone) + " of " + std::to_string(zs.size()) + " zone(s) have no settlement within " +
                               metres(spec.reach) + " (e.g. zone " + std::to_string([&] {
                                   for (const Zone& z : zs)
                                       if (z.settlements.empty()) return z.id;
                                   return 0;
                               }()) + "): no population raises their priority");
    if (!ctx.settlements) res.warnings.push_back("no settlements layer: no population raises a zone's priority, and no settlement is ranked");
    if (!ctx.hazards && !zs.empty())
        res.warnings.push_back("no hazards layer: every incident in a zone counts as far from any recorded hazard");
    if (!ctx.far_outside.empty() && valid > 0) res.warnings.push_back(far_outside_warning(ctx, threshold));
    for (auto& w : ctx.warnings) res.warnings.push_back(std::move(w));
    res.zones = std::move(zs);
    progress.report(1.0, "zones");
    return res;
}

}  // namespace minerisk
