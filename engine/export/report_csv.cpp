// zones.csv, settlements.csv and survey_referrals.csv: RFC 4180 (comma, double quotes, CRLF), UTF-8 without a
// byte-order mark, '.' as the decimal point, one header row.
#include <string>
#include <vector>

#include "core/text.hpp"
#include "export/field_names.hpp"
#include "export/report_format.hpp"
#include "crs/lon_lat.hpp"
#include "export/zone_text.hpp"

namespace minerisk::report {

using minerisk::text::join;

// The same columns, under the same names, as the GeoPackage's zones layer (export/field_names.hpp).
std::string zones_csv(const ExportContext& ctx) {
    std::vector<std::string> header = exports::zone_columns();
    if (ctx.zones())
        for (const auto& name : exports::zone_factor_columns(ctx.zones()->factor_names)) header.push_back(name);
    std::string out = csv_record(header);
    if (!ctx.zones()) return out;
    for (const Zone& z : ctx.zones()->zones) {
        std::vector<std::string> hazards;
        for (const auto& h : z.hazards) hazards.push_back(exports::hazard_name(h));
        std::vector<std::string> row = {
            std::to_string(z.rank), std::to_string(z.id), fixed(z.priority, 4), fixed(z.area_m2 / 10000.0, 2),
            fixed(z.mean_risk, 3), fixed(z.max_risk, 3), z.top_factor, fixed(z.population_in_reach, 0),
            exports::settlements_with_population(z), std::to_string(z.returnee_settlements), join(hazards, "; "),
            exports::hazard_status_summary(z.hazards), std::to_string(z.incidents_all), std::to_string(z.incidents_recent),
            std::to_string(z.incidents_far_from_hazards), fixed(z.unmarked_perimeter_m, 0), date_or(z.last_session, ""),
            z.action, z.reason};
        for (size_t k = 0; k < ctx.zones()->factor_names.size(); ++k)
            row.push_back(fixed(k < z.factor_mean.size() ? z.factor_mean[k] : NAN, 3));
        out += csv_record(row);
    }
    return out;
}

std::string settlements_csv(const ExportContext& ctx) {
    std::string out = csv_record({"rank", "priority", "id", "name", "population", "returnee", "risk_mean", "risk_max",
                                  "dist_hazard_m", "incidents_nearby", "last_session", "zone_rank"});
    if (!ctx.zones()) return out;
    for (const RankedSettlement& s : ctx.zones()->settlements) {
        const int zone_rank = zone_rank_of(*ctx.zones(), s.zone_id);
        out += csv_record({std::to_string(s.rank), fixed(s.priority, 4), s.id, s.name, fixed(s.population, 0),
                           s.returnee ? "yes" : "no", fixed(s.risk_mean, 3), fixed(s.risk_max, 3),
                           fixed(s.distance_to_hazard_m, 0), std::to_string(s.incidents_nearby), date_or(s.last_session, ""),
                           zone_rank > 0 ? std::to_string(zone_rank) : ""});
    }
    return out;
}

std::string survey_referrals_csv(const ExportContext& ctx) {
    std::string out = csv_record({"id", "incidents", "first_date", "last_date", "x", "y", "lon", "lat", "spread_m", "max_risk",
                                  "nearest_settlement", "settlement_distance_m", "incident_fids", "reason"});
    if (!ctx.zones()) return out;
    const std::string wkt = ctx.plan ? (!ctx.plan->grid.crs_wkt.empty() ? ctx.plan->grid.crs_wkt : ctx.plan->inputs.crs_wkt) : "";
    const LonLat lon_lat(wkt);
    const FeatureLayer* incidents = ctx.plan ? ctx.plan->inputs.find("incidents") : nullptr;
    for (const SurveyReferral& r : ctx.zones()->survey_referrals) {
        double lon = NAN, lat = NAN;
        lon_lat(r.x, r.y, lon, lat);
        std::vector<std::string> fids;
        for (std::int64_t i : r.incident_features)
            fids.push_back(std::to_string(incidents && i >= 0 && i < incidents->size() ? incidents->fid[static_cast<size_t>(i)] : i));
        out += csv_record({std::to_string(r.id), std::to_string(r.incidents), date_or(r.first_date, ""), date_or(r.last_date, ""),
                           fixed(r.x, 1), fixed(r.y, 1), fixed(lon, 6), fixed(lat, 6), fixed(r.spread_m, 0), fixed(r.max_risk, 3),
                           r.nearest_settlement, fixed(r.settlement_distance_m, 0), join(fids, "; "), r.reason});
    }
    return out;
}

}  // namespace minerisk::report
