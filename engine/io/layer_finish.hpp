// A layer as read, turned into the engine's FeatureLayer: reprojected into the working CRS, repaired,
// buffered or reduced to points as its role needs, typed and indexed (step 6 in vector_reader.cpp).
#pragma once
#include <ogr_spatialref.h>

#include <string>
#include <vector>

#include "io/gdal_messages.hpp"
#include "io/geometry_repair.hpp"
#include "io/raw_layer.hpp"
#include "minerisk/layer.hpp"

namespace minerisk::reader {

// The layer's features in the working CRS `target` (named `target_name` in messages). Features that cannot be
// reprojected, buffered or repaired are skipped and counted; the layer's warnings are appended to `warnings`.
// Throws Error when PROJ has no transformation from the layer's CRS.
FeatureLayer finish_layer(RawLayer& raw, const OGRSpatialReference& target, const std::string& target_name,
                          GeometryRepairer& repairer, GdalMessages& gdal, std::vector<std::string>& warnings);

}  // namespace minerisk::reader
