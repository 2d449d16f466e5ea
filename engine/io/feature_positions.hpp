// Where the features are on the globe, in longitude/latitude, before a working CRS is chosen; and the
// check of coordinates a geographic CRS cannot hold (step 3 in vector_reader.cpp).
#pragma once
#include <ogr_spatialref.h>

#include <cmath>
#include <string>
#include <vector>

#include "io/raw_layer.hpp"

namespace minerisk::reader {

constexpr double kPi = 3.14159265358979323846;

struct LonLat {
    double lon = NAN, lat = NAN;
    bool ok() const { return std::isfinite(lon) && std::isfinite(lat); }
};

// Great-circle distance on the mean Earth sphere, in km.
double haversine_km(const LonLat& a, const LonLat& b);
// "46.950 E, 39.870 N", for messages.
std::string lonlat_text(const LonLat& p);
// The q-quantile (0..1) of values, linear between order statistics.
double quantile(std::vector<double> v, double q);
// True for a geographic CRS in degrees.
bool is_degrees(const OGRSpatialReference& srs);

// Longitude/latitude (WGS 84) of the middle of each feature's bounding box; NaN where PROJ cannot say.
std::vector<LonLat> feature_lonlat(const RawLayer& raw);

// Step 3: coordinates a geographic CRS cannot hold, and points at 0, 0. A few such features are skipped
// and counted; a layer where most are outside is refused (swapped longitude/latitude, or a wrong CRS).
void check_coordinate_ranges(RawLayer& raw);

// `lon - from` in degrees, wrapped into [-180, 180): how far east of `from` a longitude lies on the circle, so
// that 179.9 E and 179.9 W are 0.2 degrees apart, not 359.8.
double lon_offset(double lon, double from);

// The narrowest arc of the circle of longitudes that holds every given one: it starts at `west` and runs
// `width` degrees east (possibly across 180). Data across the antimeridian (179 E and 179 W) give an arc 2
// degrees wide around 180, not 358 degrees around 0.
struct LonArc {
    double west = 0, width = 0;
    double middle() const;  // in [-180, 180)
    double east() const;    // in [-180, 180)
};
LonArc narrowest_arc(std::vector<double> lons);

// The centre of all layers' features, in longitude/latitude, for `crs: auto`: the middle of the narrowest
// arc of their longitudes, and of their range of latitudes. `arc` (if given) gets that arc. False when no
// feature could be placed on the globe.
bool centre_lonlat(const std::vector<std::vector<LonLat>>& where, double& lon, double& lat, LonArc* arc = nullptr);

}  // namespace minerisk::reader
