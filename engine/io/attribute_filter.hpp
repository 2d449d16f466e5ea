// An input's `where:` filter (an OGR SQL attribute filter), set on its layer and checked.
#pragma once
#include <ogrsf_frmts.h>

#include "io/gdal_messages.hpp"
#include "minerisk/error.hpp"
#include "minerisk/scenario.hpp"

namespace minerisk::reader {

// Sets the input's 'where:' filter on the layer (nothing when it has none). A filter the format or the
// database refuses is an Error naming the layer's columns.
void apply_attribute_filter(OGRLayer& layer, const InputSpec& in, GdalMessages& gdal, const Location& where);

}  // namespace minerisk::reader
