// A layer as read from its source, before it is reprojected: the features, their field values as text, and
// the problems counted on the way. Also how messages name a layer and a feature.
#pragma once
#include <ogr_core.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "minerisk/layer.hpp"
#include "minerisk/scenario.hpp"

namespace minerisk::reader {

// Counts one kind of problem and keeps the first few examples for the message.
struct ProblemCounter {
    std::int64_t count = 0;
    std::vector<std::string> examples;
    void add(const std::string& example) {
        if (count++ < 3) examples.push_back(example);
    }
    std::string summary() const;
};

// A feature as read, before it is reprojected.
struct RawFeature {
    std::int64_t fid;
    std::unique_ptr<OGRGeometry> geom;
    std::vector<std::string> values;  // one per mapped role, as text
    std::vector<char> present;
    std::vector<double> numbers;      // numeric/date values where OGR typed them, else NaN
    std::string id;                   // the value of the 'id' role, for messages ("" if none)
};

struct RawLayer {
    const InputSpec* spec;
    std::vector<std::string> roles;  // mapped roles in column order
    std::vector<std::string> types;
    std::vector<RawFeature> features;
    OGRSpatialReference srs;
    bool has_srs = false;
    bool csv = false;               // rows of a CSV file: messages give the line
    LayerStats stats;
    std::map<std::string, ProblemCounter> problems;
    ProblemCounter tangled;          // polygons over the repair budget, replaced by their hull (layer_finish.cpp)
    std::vector<std::string> notes;  // whole warnings about the layer itself (not counted features), as they are
};

// "feature 7 ('HA-007')", "feature 12 (line 13, 'INC-12')": the OGR feature id, and what a person finds
// in the source: the line of a CSV row, the feature's own id.
std::string feature_label(std::int64_t fid, const std::string& id, bool csv);
std::string label(const RawLayer& raw, const RawFeature& f);

// The file name of a source (a connection string or URL whole, its secrets masked).
std::string source_name(const std::string& source);

// How warnings name a layer: its role, file and layer name.
std::string who(const InputSpec& in, const std::string& layer_name);

// The middle of a feature's bounding box as written in the source, for messages.
std::string coords_text(const RawLayer&, const OGREnvelope& env);

// Removes the features marked in `drop` (one mark per feature), keeping the others' order.
void drop_features(RawLayer& raw, const std::vector<char>& drop);

}  // namespace minerisk::reader
