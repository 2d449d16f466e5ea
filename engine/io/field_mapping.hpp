// The scenario's `fields:` (role -> source field) and coordinate columns, matched against a layer's columns;
// the values of a feature read for each role; the typed columns the engine keeps.
#pragma once
#include <ogrsf_frmts.h>

#include <string>
#include <vector>

#include "io/raw_layer.hpp"

namespace minerisk::reader {

// Where each mapped role and coordinate column is in the layer's fields. An index of -1 means "not
// named in the scenario", -2 "named, but the layer has no columns at all" (an empty, schemaless layer).
struct FieldMap {
    std::vector<int> field_index;  // one per raw.roles entry
    int id_index = -1;             // the 'id' role's field, for messages
    int x = -1, y = -1, wkt = -1;  // coordinate columns ('x:', 'y:', 'wkt:')
    bool coords_from_fields() const { return x != -1 || wkt != -1; }
};

// The layer's fields, listed for hints ("(none)" when it has none).
std::string list_fields(OGRFeatureDefn* defn);

// Matches the input's mapped roles and coordinate columns against the layer's fields, filling raw.roles and
// raw.types. A field the layer does not have is an Error listing the fields it has.
FieldMap map_fields(RawLayer& raw, OGRLayer& layer);

// The feature's value of each mapped role: as text, whether present, and as a number where OGR typed it
// (dates as days, a year kept as an integer as its 1 July). Text that is not UTF-8 is read as CP1252 and
// counted under "utf8 <role>", for one warning per field.
void read_values(RawLayer& raw, OGRFeature& feat, OGRFeatureDefn& defn, const FieldMap& map, RawFeature& rf);

// Converts the text of role `i`'s values of the kept features into the role's type, counting what cannot
// be read.
Column make_column(RawLayer& raw, size_t i, const std::vector<size_t>& kept);

}  // namespace minerisk::reader
