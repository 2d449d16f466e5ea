// What the area ranking leaves for people (docs/areas.md): area_ranking.csv, the area_ranking layer of the run's
// GeoPackage (the areas' polygons with their figures, styled by rank), and the report's section (report_areas.cpp).
#pragma once
#include <sstream>
#include <string>
#include <vector>

#include "minerisk/areas.hpp"
#include "minerisk/exports.hpp"

class GDALDataset;
class OGRSpatialReference;

namespace minerisk::exports {

inline constexpr const char* kAreaLayer = "area_ranking";
inline constexpr const char* kAreaCsv = "area_ranking.csv";

// area_ranking.csv: one row per area, by rank (RFC 4180, '.' decimals, CRLF, as zones.csv).
std::string area_ranking_csv(const AreaRanking& ranking);

// The area_ranking layer (MultiPolygon, working CRS `srs`, may be null), written into an open GeoPackage: the areas'
// polygons from `areas` with the same columns as the CSV. `path` names the file in errors.
void write_area_layer(GDALDataset& ds, const AreaRanking& ranking, const FeatureLayer& areas, OGRSpatialReference* srs,
                      const std::string& path);

// The exporter: area_ranking.csv when the run ranked areas (nothing otherwise).
std::vector<OutputFile> write_area_table(const ExportContext& ctx);

}  // namespace minerisk::exports

namespace minerisk::report {
// The report's section <section id="areas"> (nothing when the run ranked no areas).
void write_area_ranking(std::ostringstream& o, const ExportContext& ctx);
}  // namespace minerisk::report
