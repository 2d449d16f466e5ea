// What a layer's counted problems become: one warning per kind (steps 7 and 8 in vector_reader.cpp), and the
// duplicates and the empty hazards layer that are found once the features are in.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "io/geometry_repair.hpp"
#include "io/raw_layer.hpp"
#include "minerisk/layer.hpp"

namespace minerisk::reader {

// One warning per kind of counted problem: what happened, the first features, what to do.
std::vector<std::string> problem_warnings(const RawLayer& raw);

// Hazards recorded twice, or inside another hazard; ids used twice. Counted, every feature kept. `kept[i]`
// is the raw feature of out's feature i.
void count_duplicates(RawLayer& raw, const FeatureLayer& out, const std::vector<size_t>& kept, GeometryRepairer& repairer);

// Step 8: a hazards layer with nothing left (`kept` features) is an error: a risk map and zones drawn
// without any hazard would look like a map of safe land.
void refuse_empty_hazards(const RawLayer& raw, std::int64_t kept);

}  // namespace minerisk::reader
