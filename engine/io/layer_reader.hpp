// Reading one input layer whole, as written in its source (steps 1 and 2 of the checks in vector_reader.cpp).
#pragma once
#include <string>

#include "io/gdal_messages.hpp"
#include "io/raw_layer.hpp"
#include "minerisk/progress.hpp"

namespace minerisk::reader {

// Opens the input's source and layer, sets its 'where:' filter, maps its fields and CRS, and reads every
// feature. Throws Error when the source cannot be read honestly (it does not open, reading stops part-way,
// a mapped field is missing, the layer has no CRS); counts the features it skips.
RawLayer read_layer(const InputSpec& in, GdalMessages& gdal, const Progress& progress, const std::string& working_crs);

}  // namespace minerisk::reader
