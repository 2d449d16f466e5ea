// The CRS of an input layer: which one is used (the scenario's 'crs:' or the file's), how people see it,
// and the error for a layer that has none.
#pragma once
#include <ogr_spatialref.h>

#include <string>

#include "io/raw_layer.hpp"
#include "minerisk/error.hpp"

namespace minerisk::reader {

// How people see a CRS: its authority code; for a PROJ string or an unnamed WKT, the text as written
// and the EPSG code PROJ finds equivalent, if any (never "unknown").
std::string crs_display_name(const OGRSpatialReference& srs, const std::string& written);
std::string crs_display_name_of_wkt(const std::string& wkt, const std::string& written);

// Sets the layer's CRS: the scenario's 'crs:' wins (it may correct a wrong .prj, counted as a warning when
// it differs), else the file's own (`file_srs`, null when the file has none or the coordinates come from
// columns). A layer left without a CRS has raw.has_srs false.
void assign_layer_crs(RawLayer& raw, const OGRSpatialReference* file_srs);

// A layer with no CRS, refused once its features are read: the hint says what to write as 'crs:', judged
// from the features' coordinates.
[[noreturn]] void refuse_missing_crs(const RawLayer& raw, const Location& where, const std::string& working_crs);

}  // namespace minerisk::reader
