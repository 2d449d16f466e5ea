// Reads the scenario's input layers with OGR, maps their fields onto minerisk's roles, reprojects them to
// the working CRS (PROJ through OGR), repairs polygons (GEOS) and indexes them.
//
// Bad input is either refused (Error: the run cannot go on honestly) or counted (a warning naming the
// file, the layer, the number of features and the first few of them, with what to do). What is checked, in
// order (docs/troubleshooting.md explains each message), and where:
//   1. reading: the file opens; reading does not stop part-way (a damaged file); GDAL's own complaints
//      are collected and reported with the layer instead of printed on the terminal (layer_reader.cpp,
//      layer_source.cpp, attribute_filter.cpp, gdal_messages.cpp);
//   2. each feature: a geometry, not empty, every coordinate finite (feature_geometry.cpp);
//   3. each layer in a geographic CRS: coordinates within longitude -180..180 and latitude -90..90. A layer
//      where most features are outside is refused (swapped longitude/latitude, or metres under a
//      geographic CRS); a few such features are skipped. Points at exactly 0, 0 are skipped (a missing
//      position written as zeros) (feature_positions.cpp);
//   4. the layers against each other, in longitude/latitude: a layer whose middle lies far from another
//      layer's is refused (a wrong CRS, or longitude/latitude swapped), see refuse_layers_far_apart();
//   5. single features far from all the data (a typing error in a coordinate) are skipped, see
//      skip_far_features() (both in far_features.cpp); longitudes are taken on the circle, so that data across
//      the antimeridian are neighbours, and 'crs: auto' takes the UTM zone of their narrowest arc;
//   6. reprojection, repair (GEOS MakeValid, unclosed rings closed), buffering of point hazards
//      (layer_finish.cpp);
//   7. hazards recorded twice (the same polygon) or inside another hazard, and ids used twice: counted,
//      every feature kept (layer_warnings.cpp);
//   8. empty layers: an error for hazards (a risk map without hazards is misleading), a warning for the
//      others; with an explicit extent, layers with no feature inside it (here); with 'extent: auto', a
//      feature that alone sets most of the extent (warn_extent_setters() in far_features.cpp).
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <cstdio>
#include <deque>

#include "io/far_features.hpp"
#include "io/feature_positions.hpp"
#include "io/gdal_messages.hpp"
#include "io/geometry_repair.hpp"
#include "io/layer_crs.hpp"
#include "io/layer_finish.hpp"
#include "io/layer_reader.hpp"
#include "io/layer_warnings.hpp"
#include "minerisk/crs.hpp"
#include "minerisk/layer.hpp"
#include "minerisk/scenario.hpp"

namespace minerisk {
namespace {

using namespace reader;

struct GdalInit {
    GdalInit() { GDALAllRegister(); }
};

// A UTM zone is 6 degrees wide and true within it to 0.04 %; data reaching farther than this from its central
// meridian (1.5 zones, 3 zones for the whole span) are stretched by over 1 % at the edges.
constexpr double kAutoCrsMaxSpanDeg = 18;

// With `crs: auto`, inputs spanning more longitude than one UTM zone serves well: a warning with the stretch at
// their edges (transverse Mercator on the sphere: k = 0.9996 / sqrt(1 - (cos(lat) sin(dlon))^2)).
void warn_wide_auto_crs(const LonArc& arc, double lat, const std::string& code, std::vector<std::string>& warnings) {
    if (arc.width <= kAutoCrsMaxSpanDeg) return;
    const double d2r = kPi / 180, b = std::cos(lat * d2r) * std::sin(std::min(90.0, arc.width / 2) * d2r);
    const double stretch = b < 1 ? 0.9996 / std::sqrt(1 - b * b) - 1 : INFINITY;
    char buf[400];
    std::snprintf(buf, sizeof buf,
                  "crs: auto chose %s, the UTM zone of the inputs' centre, but the inputs span %.1f degrees of longitude "
                  "(%.3f %s to %.3f %s, about %.0f UTM zones): at their edges distances and areas are stretched by "
                  "%.0f %%. name a CRS made for the whole area with 'crs:' (a national grid or an equal-area CRS)",
                  code.c_str(), arc.width, std::fabs(arc.west), arc.west < 0 ? "W" : "E", std::fabs(arc.east()),
                  arc.east() < 0 ? "W" : "E", std::ceil(arc.width / 6), 100 * stretch);
    warnings.push_back(buf);
}

// The working CRS: the scenario's, or with `crs: auto` the WGS 84 UTM zone of the inputs' centre (the middle
// of the narrowest arc of their longitudes, so that data across the antimeridian get the zone at 180, not the
// one at 0). It must be projected in metres.
void choose_working_crs(const Scenario& sc, const std::vector<std::vector<LonLat>>& where, Inputs& inputs) {
    if (sc.crs == "auto") {
        double lon = 0, lat = 0;
        LonArc arc;
        if (!centre_lonlat(where, lon, lat, &arc))
            throw Error("'crs: auto' needs features to find the inputs' centre, and none could be placed on the globe",
                        sc.crs_where.file.empty() ? Location{sc.file} : sc.crs_where, "name the working CRS, e.g. 'crs: EPSG:32638'");
        const std::string code = utm_zone_for(lon, lat);
        inputs.crs_wkt = crs_to_wkt(code);
        char buf[160];
        std::snprintf(buf, sizeof buf, "auto: WGS 84 UTM zone of the inputs' centre (%.3f, %.3f)", lon, lat);
        inputs.crs_reason = buf;
        warn_wide_auto_crs(arc, lat, code, inputs.warnings);
    } else {
        inputs.crs_wkt = crs_to_wkt(sc.crs);
        inputs.crs_reason = "from the scenario";
    }
    if (!crs_is_metric(inputs.crs_wkt))
        throw Error("the working CRS " + crs_display_name_of_wkt(inputs.crs_wkt, sc.crs) + " is not projected in metres",
                    sc.crs_where.file.empty() ? Location{sc.file} : sc.crs_where,
                    "cells are measured in metres: use a projected CRS (a UTM zone, a national grid, an equal-area CRS) or 'auto'");
    inputs.crs_name = crs_display_name_of_wkt(inputs.crs_wkt, sc.crs == "auto" ? std::string() : sc.crs);
}

// With an explicit extent: a warning for each layer none of whose features lie inside it, and an error for
// an extent away from all data.
void check_explicit_extent(const Scenario& sc, const std::deque<RawLayer>& raws, Inputs& inputs) {
    const Extent& e = *sc.extent;
    char box[160];
    std::snprintf(box, sizeof box, "[%.0f, %.0f, %.0f, %.0f]", e.xmin, e.ymin, e.xmax, e.ymax);
    bool any_inside = false, any_feature = false;
    for (size_t i = 0; i < inputs.layers.size(); ++i) {
        const FeatureLayer& l = inputs.layers[i];
        if (l.size() == 0) continue;
        any_feature = true;
        bool inside = false;
        for (const auto& b : l.bounds) inside |= b.xmin <= e.xmax && b.xmax >= e.xmin && b.ymin <= e.ymax && b.ymax >= e.ymin;
        any_inside |= inside;
        if (!inside)
            inputs.warnings.push_back(who(*raws[i].spec, raws[i].stats.layer_name) + ": none of its " + std::to_string(l.size()) +
                                      " feature(s) lies inside the extent " + box + " (" + inputs.crs_name +
                                      "). check 'extent' (working-CRS units) and the layer");
    }
    if (any_feature && !any_inside) {
        const Extent data = inputs.extent();
        char buf[160];
        std::snprintf(buf, sizeof buf, "[%.0f, %.0f, %.0f, %.0f]", data.xmin, data.ymin, data.xmax, data.ymax);
        throw Error(std::string("no feature of any input lies inside 'extent' ") + box + "; the inputs cover " + buf +
                        " in " + inputs.crs_name,
                    Location{sc.file},
                    "write 'extent' in the working CRS (" + inputs.crs_name + ", metres), or use 'extent: auto'");
    }
}

}  // namespace

Inputs load_inputs(const Scenario& sc, const Progress& progress) {
    static GdalInit init;
    GdalMessages gdal;  // what GDAL says from here on is reported with the layers, not printed
    Inputs inputs;
    std::deque<RawLayer> raws;  // never relocated: RawLayer holds an OGRSpatialReference
    const double n = static_cast<double>(sc.inputs.size());
    for (size_t i = 0; i < sc.inputs.size(); ++i)
        raws.push_back(read_layer(sc.inputs[i], gdal, progress.sub(i / n * 0.7, (i + 1) / n * 0.7), sc.crs));

    // Where the features are, before a working CRS is chosen: impossible coordinates, layers far apart,
    // single features far from everything.
    for (auto& raw : raws) check_coordinate_ranges(raw);
    std::vector<std::vector<LonLat>> where;
    for (const auto& raw : raws) where.push_back(feature_lonlat(raw));
    refuse_layers_far_apart(raws, where);
    skip_far_features(raws, where);
    for (const auto& raw : raws) refuse_empty_hazards(raw, static_cast<std::int64_t>(raw.features.size()));

    choose_working_crs(sc, where, inputs);
    OGRSpatialReference target;
    target.importFromWkt(inputs.crs_wkt.c_str());
    target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    GeometryRepairer repairer;
    for (size_t i = 0; i < raws.size(); ++i) {
        inputs.layers.push_back(finish_layer(raws[i], target, inputs.crs_name, repairer, gdal, inputs.warnings));
        refuse_empty_hazards(raws[i], inputs.layers.back().size());
        raws[i].features.clear();
        progress.report(0.7 + 0.3 * (i + 1) / n);
    }
    for (size_t i = 0; i < raws.size(); ++i)
        if (inputs.layers[i].size() == 0)
            inputs.warnings.push_back(who(*raws[i].spec, raws[i].stats.layer_name) +
                                      ": no features to use; the factors that read it see an empty layer. check the file and "
                                      "its 'where' filter, or remove the input");

    // With 'extent: auto' the grid is known now: the grid guard (an explicit extent was checked by the parser).
    if (!sc.extent) {
        warn_extent_setters(raws, inputs, sc.margin, inputs.warnings);
        const Extent data = inputs.extent();
        if (!data.empty()) check_grid_size(sc, data.grown(sc.margin), true);
    }
    if (sc.extent) check_explicit_extent(sc, raws, inputs);
    // Every input warning is collected here before it reaches the terminal, run.json and the report: masked
    // once more, so that no warning added later can show an input's password.
    for (auto& w : inputs.warnings) w = mask_secrets(w);
    return inputs;
}

}  // namespace minerisk
