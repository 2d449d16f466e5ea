// A polygon input (Scenario::areas, Scenario::area: the area of interest of a run): read with the same reader as the other
// inputs (source, layer, 'where' filter, field roles, CRS, repair), but after them and on its own. The areas do not
// choose the working CRS nor widen 'extent: auto' (a district is larger than the data in it), and no plugin reads
// them. Every feature must be a polygon (others are skipped and counted, layer_finish.cpp); a layer with none left is
// an error, at the 'where:' line when a filter chose nothing.
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include "io/feature_positions.hpp"
#include "io/gdal_messages.hpp"
#include "io/geometry_repair.hpp"
#include "io/layer_finish.hpp"
#include "io/layer_reader.hpp"
#include "minerisk/layer.hpp"
#include "minerisk/scenario.hpp"

namespace minerisk {

FeatureLayer load_polygon_input(const InputSpec& in, const Inputs& inputs, std::vector<std::string>& warnings) {
    using namespace reader;
    GDALAllRegister();  // callers other than a run (tests, tools) may not have
    GdalMessages gdal;
    // The working CRS is known: a layer without a CRS of its own is not silently taken to be in it.
    RawLayer raw = read_layer(in, gdal, Progress{}, inputs.crs_name.empty() ? std::string("auto") : inputs.crs_name);
    check_coordinate_ranges(raw);
    const std::int64_t read = raw.stats.read;
    OGRSpatialReference target;
    target.importFromWkt(inputs.crs_wkt.c_str());
    target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    GeometryRepairer repairer;
    FeatureLayer out = finish_layer(raw, target, inputs.crs_name, repairer, gdal, warnings);
    if (out.size() > 0) return out;
    const std::string key = in.role == "area" ? std::string("area") : "inputs." + in.role;  // as written in the scenario
    const std::string what = key + " (" + who(in, raw.stats.layer_name) + ")";
    if (!in.filter.empty() && read == 0)
        throw Error("the 'where' filter of " + key + " selects no feature of " + who(in, raw.stats.layer_name),
                    in.filter_where.line ? in.filter_where : in.where,
                    "check the filter '" + in.filter + "' against the layer's values (ogrinfo -al -so '" + in.source +
                        "' lists its fields)");
    throw Error(what + " has no polygon to use (" + std::to_string(read) + " feature(s) read)", in.where,
                std::string(in.role == "area" ? "give a layer of polygons (a country's or a programme's boundary)"
                                       : "give a layer of polygons (districts, municipalities)") + "; the warnings above say why features were skipped");
}

}  // namespace minerisk
