// A feature's geometry as read: from the source's geometry or from coordinate columns (x/y, WKT), and the
// checks that decide whether it can be used at all.
#pragma once
#include <ogrsf_frmts.h>

#include <memory>
#include <string>

#include "io/field_mapping.hpp"
#include "io/raw_layer.hpp"

namespace minerisk::reader {

// True when every coordinate of the geometry is a finite number (an envelope hides a NaN vertex: min and
// max skip it).
bool all_coordinates_finite(const OGRGeometry& g);

// The feature's geometry as written: from its coordinate columns (WKT, or x and y) or its own geometry;
// left null when it has none. False when the columns' text cannot be read (counted, with `who_f`).
bool read_geometry(RawLayer& raw, OGRFeature& feat, const FieldMap& map, const std::string& who_f,
                   std::unique_ptr<OGRGeometry>& geom);

// True when the geometry can be used; otherwise counts why not (none, empty, NaN or infinite coordinates,
// coordinates no CRS can hold) and the feature is skipped.
bool usable_geometry(RawLayer& raw, const OGRGeometry* geom, const std::string& who_f);

}  // namespace minerisk::reader
