// Column names shared by the CSV files and the GeoPackage layers that hold the same table, so that a column is
// called the same in both (zones.csv and the zones layer: docs/zones.md, docs/outputs-qgis.md).
#pragma once
#include <cctype>
#include <set>
#include <string>
#include <vector>

namespace minerisk::exports {

// Field names unique without regard to case (SQLite column names are case-insensitive); clashes get a suffix.
class FieldNames {
public:
    explicit FieldNames(std::set<std::string> reserved) {
        for (const auto& r : reserved) taken_.insert(lower(r));
    }
    std::string claim(const std::string& wanted) {
        std::string name = wanted.empty() ? "field" : wanted;
        if (taken_.count(lower(name))) name += "_value";
        for (int n = 2; taken_.count(lower(name)); ++n) name = wanted + "_" + std::to_string(n);
        taken_.insert(lower(name));
        return name;
    }

private:
    static std::string lower(std::string s) {
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    }
    std::set<std::string> taken_;
};

// The zones' fixed columns, in order, as zones.csv and the zones layer both have them.
inline const std::vector<std::string>& zone_columns() {
    static const std::vector<std::string> names = {
        "rank",          "id",       "priority",         "area_ha",       "mean_risk",   "max_risk", "top_factor",
        "population_in_reach", "settlements", "returnee_settlements", "hazards", "hazard_status", "incidents",
        "incidents_recent", "incidents_far", "unmarked_m", "last_session", "action", "reason"};
    return names;
}

// Then one column per factor, its mean over the zone: "mean_<factor>", made unique against the fixed columns (a
// factor called "risk" gives "mean_risk_value") and against the GeoPackage's "fid" and "geom".
inline std::vector<std::string> zone_factor_columns(const std::vector<std::string>& factor_names) {
    FieldNames names({"fid", "geom"});
    for (const auto& c : zone_columns()) names.claim(c);
    std::vector<std::string> out;
    for (const auto& f : factor_names) out.push_back(names.claim("mean_" + f));
    return out;
}

}  // namespace minerisk::exports
