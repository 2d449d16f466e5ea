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

// "2026-12-03T15:06:10.000Z" (the GeoPackage's form of a time): every timestamp the GeoPackage stores
// (gpkg_contents.last_change, layer_styles.update_time) is the run's start, so that it says when the content was
// written. Comparisons of two runs mask it (tests/support/run_outputs.hpp).
std::string gpkg_timestamp(double unix_seconds);

}  // namespace minerisk::qgis
