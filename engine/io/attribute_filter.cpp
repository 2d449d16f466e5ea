// The `where:` filter of an input, checked before the features are read so that a bad filter is reported
// as a filter and not as a damaged file.
#include "io/attribute_filter.hpp"

#include <cpl_error.h>

#include "io/field_mapping.hpp"

namespace minerisk::reader {

void apply_attribute_filter(OGRLayer& layer, const InputSpec& in, GdalMessages& gdal, const Location& where) {
    if (in.filter.empty()) return;
    // OGR checks the filter itself for most formats; GeoPackage, SQLite and PostGIS hand it to the
    // database, which refuses it only when reading starts. Fetch one feature now, so that a bad filter
    // is reported as a filter and not as a damaged file.
    CPLErrorReset();
    const size_t m = gdal.mark();
    bool refused = layer.SetAttributeFilter(in.filter.c_str()) != OGRERR_NONE;
    if (!refused) {
        layer.ResetReading();
        OGRFeature::DestroyFeature(layer.GetNextFeature());
        refused = !gdal.failures_since(m).empty();
        layer.ResetReading();
    }
    if (!refused) return;
    std::string why = gdal.failures_since(m);
    if (why.empty()) why = "no reason given";
    // SQLite's refusal is the whole statement: "failed to prepare SQL: SELECT ... WHERE <filter>".
    if (why.find("failed to prepare SQL") != std::string::npos || why.find("SELECT ") != std::string::npos)
        why = "the database refused it (a column that is not in the layer, or an SQL syntax error)";
    throw Error("the attribute filter '" + in.filter + "' is not valid for this layer: " + why, where,
                "write it in OGR SQL (for GeoPackage and PostGIS, the database's SQL) over the layer's columns, with text "
                "values in single quotes; columns: " +
                    list_fields(layer.GetLayerDefn()));
}

}  // namespace minerisk::reader
