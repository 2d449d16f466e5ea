// minerisk.gpkg: the zones, the ranked settlements and the inputs as used, each with its QGIS style as the
// default in the layer_styles table.
#pragma once
#include <string>
#include <vector>

#include "export/qgis_layers.hpp"
#include "minerisk/exports.hpp"

namespace minerisk::qgis {

// The geometry column of every layer minerisk writes (QGIS matches layer_styles rows on it).
inline constexpr const char* kGeometryColumn = "geom";

// Writes the GeoPackage at `path` through a temporary file renamed into place when complete. Throws Error.
void write_geopackage(const ExportContext& ctx, const std::vector<VectorLayerPlan>& layers, const std::string& path);

// "2026-07-01T00:00:00.000Z": the run's as-of date, used for every timestamp the GeoPackage stores so that
// two runs of the same scenario give the same tables.
std::string as_of_timestamp(double as_of_days);

}  // namespace minerisk::qgis
