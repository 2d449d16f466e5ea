// Where an incident is, as one point: the backtest and the fitted weights count incidents per cell by it.
#pragma once
#include <cstddef>

#include "minerisk/layer.hpp"

namespace minerisk {

// Feature i's point; for other shapes a point on it (GEOS point on surface), else the middle of its bounds.
// False when the feature has no usable geometry.
bool incident_point(const FeatureLayer& layer, size_t i, double& x, double& y);

}  // namespace minerisk
