// Working coordinate reference systems.
#pragma once
#include <string>

#include "minerisk/grid.hpp"

namespace minerisk {

// WKT2 of any CRS that PROJ understands ("EPSG:32638", a PROJ string, WKT, "+proj=..."). Throws Error.
std::string crs_to_wkt(const std::string& text);

// The WGS 84 UTM zone of a longitude/latitude, e.g. "EPSG:32638" for 47E 40N.
std::string utm_zone_for(double lon, double lat);

// Short name for people: "EPSG:32638" when it has an authority code, else the CRS's name.
std::string crs_short_name(const std::string& wkt);

// True when the CRS is projected in metres (what a grid needs).
bool crs_is_metric(const std::string& wkt);

}  // namespace minerisk
