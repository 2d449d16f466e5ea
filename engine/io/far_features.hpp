// Layers far from each other and single features far from all the data, judged in longitude/latitude
// before a working CRS is chosen (steps 4 and 5 in vector_reader.cpp).
#pragma once
#include <deque>
#include <vector>

#include "io/feature_positions.hpp"
#include "io/raw_layer.hpp"

namespace minerisk::reader {

// Step 4: a layer far from another is in a wrong CRS or has longitude/latitude swapped. Two layers are
// "far apart" when their middles (per-axis medians of the features' longitude/latitude) are farther
// apart than kLayersApartKm and than kSpreadFactor x the sum of their spreads (the diagonals of their
// interquartile boxes), so that country-wide layers are never refused for being wide. `where[i]` holds
// the positions of raws[i]'s features.
void refuse_layers_far_apart(const std::deque<RawLayer>& raws, const std::vector<std::vector<LonLat>>& where);

// Step 5: features far from all the data. For each layer with at least kMinFeaturesForFences features,
// and for all features together, take the interquartile box of the features' positions (km east/north of
// the data's middle) and grow it on each side by 3 x its width (Tukey's "far out" fence), at least
// kFarFenceKm. A feature outside every such box, with no feature of another layer within kFarFenceKm, is
// skipped: one mistyped coordinate would otherwise stretch an automatic extent over thousands of
// kilometres, or the grid guard would refuse the run. The skipped features leave `where` too.
void skip_far_features(std::deque<RawLayer>& raws, std::vector<std::vector<LonLat>>& where);

// After reprojection and buffering, with 'extent: auto': features that alone set most of the extent (and so
// of the grid), e.g. a point hazard with a radius of 500 km among hazards a few kilometres apart, which makes a
// valid but enormous grid. Step 5 judges positions only; a feature's size shows only here. A feature sets
// most of the extent when, without it, the extent grown by `margin` would be less than half as large, and its
// own box (grown by `margin`) covers at least half of the extent (kExtentShareWarned), so that it is the
// feature's size, not two small features far apart, that makes the grid. One warning per layer, naming the
// first few such features. `raws[i]` is the layer read for `inputs.layers[i]`.
constexpr double kExtentShareWarned = 0.5;
void warn_extent_setters(const std::deque<RawLayer>& raws, const Inputs& inputs, double margin, std::vector<std::string>& warnings);

}  // namespace minerisk::reader
