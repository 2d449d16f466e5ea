// zones.csv and settlements.csv: RFC 4180 (comma, double quotes, CRLF), UTF-8 without a byte-order mark,
// '.' as the decimal point, one header row.
#include <string>
#include <vector>

#include "export/report_format.hpp"

namespace minerisk::report {

namespace {

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
    return out;
}

}  // namespace

std::string zones_csv(const ExportContext& ctx) {
    std::string out = csv_record({"rank", "priority", "area_ha", "mean_risk", "max_risk", "top_factor", "population_in_reach",
                                  "settlements", "hazards", "incidents", "incidents_recent", "incidents_far", "unmarked_m",
                                  "last_session", "action", "reason"});
    if (!ctx.zones) return out;
    for (const Zone& z : ctx.zones->zones) {
        std::vector<std::string> names, hazards;
        for (const auto& s : z.settlements) names.push_back(s.name.empty() ? s.id : s.name);
        for (const auto& h : z.hazards) hazards.push_back(h.id.empty() ? "#" + std::to_string(h.feature) : h.id);
        out += csv_record({std::to_string(z.rank), fixed(z.priority, 4), fixed(z.area_m2 / 10000.0, 2), fixed(z.mean_risk, 3),
                           fixed(z.max_risk, 3), z.top_factor, fixed(z.population_in_reach, 0), join(names, "; "),
                           join(hazards, "; "), std::to_string(z.incidents_all), std::to_string(z.incidents_recent),
                           std::to_string(z.incidents_far_from_hazards), fixed(z.unmarked_perimeter_m, 0),
                           date_or(z.last_session, ""), z.action, z.reason});
    }
    return out;
}

std::string settlements_csv(const ExportContext& ctx) {
    std::string out = csv_record({"rank", "id", "name", "population", "returnee", "risk_mean", "risk_max", "dist_hazard_m",
                                  "incidents_nearby", "last_session", "zone_rank"});
    if (!ctx.zones) return out;
    for (const RankedSettlement& s : ctx.zones->settlements) {
        const int zone_rank = zone_rank_of(*ctx.zones, s.zone_id);
        out += csv_record({std::to_string(s.rank), s.id, s.name, fixed(s.population, 0), s.returnee ? "yes" : "no",
                           fixed(s.risk_mean, 3), fixed(s.risk_max, 3), fixed(s.distance_to_hazard_m, 0),
                           std::to_string(s.incidents_nearby), date_or(s.last_session, ""),
                           zone_rank > 0 ? std::to_string(zone_rank) : ""});
    }
    return out;
}

}  // namespace minerisk::report
