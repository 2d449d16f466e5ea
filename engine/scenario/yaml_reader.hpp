// Reading checked values out of YAML nodes, for the scenario parser: where a node is written, mappings whose
// keys are declared (an unknown or repeated key is an error, with a suggestion), single values, numbers in a
// range, whole numbers, booleans, choices. Every error names the file, the line and the column, and says
// what to write instead.
#pragma once
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/text.hpp"
#include "minerisk/error.hpp"
#include "minerisk/scenario_limits.hpp"

namespace minerisk::yaml {

// The known word nearest to `key` (at most two edits away), for "did you mean ...?"; "" if none.
std::string closest(const std::string& key, const std::vector<std::string>& known);
using minerisk::text::join;  // core/text.hpp: "a, b, c"
std::string lowercase(std::string s);

// A mapping node plus the keys it may hold; complains about the others with a suggestion.
class MapReader {
public:
    MapReader(const YAML::Node& node, std::string path, const std::string& file)
        : node_(node), path_(std::move(path)), file_(file) {}

    Location where(const YAML::Node& n) const;
    Location where() const { return where(node_); }

    // The node must be a mapping (the top level says so in the scenario's words).
    void require_map() const;

    // Where a key of this mapping is written (for errors about its value, which may be empty).
    Location key_where(const std::string& key) const;

    // Declares the keys this mapping may hold, so that a typo is reported before a "missing key" error.
    MapReader& allow(const std::vector<std::string>& keys);

    YAML::Node get(const std::string& key);

    // Call after all get()s: unknown and repeated keys are errors.
    void check_unknown() const;

    std::string child_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
    const std::string& file() const { return file_; }

private:
    YAML::Node node_;
    std::string path_;
    const std::string& file_;
    std::vector<std::string> known_;
};

// The single value of `key` (its node `n`): an error when it has none or is a list or mapping.
std::string scalar(MapReader& r, const YAML::Node& n, const std::string& key);

// A number within [min, max] (`unit` for the hint); the Limit forms take the range and unit from the table of
// scenario_limits.hpp.
double number(MapReader& r, const YAML::Node& n, const std::string& key, double min, double max,
              const std::string& unit = "");
double number(MapReader& r, const YAML::Node& n, const limits::Limit& limit);

// A whole number within [min, max].
std::int64_t integer(MapReader& r, const YAML::Node& n, const std::string& key, double min, double max,
                     const std::string& unit = "");
std::int64_t integer(MapReader& r, const YAML::Node& n, const limits::Limit& limit);

// true/yes/on or false/no/off, in any case.
bool boolean(MapReader& r, const YAML::Node& n, const std::string& key);

// One of the words in `ok`, exactly as written there.
std::string choice(MapReader& r, const YAML::Node& n, const std::string& key, const std::vector<std::string>& ok);

// A list of single values, or one value standing for a list of one; `[]` is an empty list. `what` names one
// element in errors ("role"), `example` shows the list written right.
std::vector<std::string> scalar_list(MapReader& r, const YAML::Node& n, const std::string& key, const std::string& what,
                                     const std::string& example);

}  // namespace minerisk::yaml
