// What yaml-cpp lets through silently and the scenario parser refuses, each at its line: bytes that make the
// text something other than a YAML text file (a NUL, CR-only line ends), a second document after the first
// (yaml-cpp reads the first and drops the rest), and a key given twice in any mapping at any depth (yaml-cpp
// keeps both; a lookup finds the first), also when two keys are the same number written differently
// (`1`, `1.0`, `01` as class keys of a raster factor).
#pragma once
#include <yaml-cpp/yaml.h>

#include <string>

namespace minerisk::yaml {

// Before YAML sees the text: a NUL byte is an Error at its line and column; a CR not followed by LF (old
// Mac line ends) is an Error naming the file and the line.
void check_scenario_bytes(const std::string& text, const std::string& file);

// After YAML::Load: a '---' that starts a second document after content is an Error at its line.
void check_single_document(const std::string& text, const std::string& file);

// Every mapping of the document, at any depth: a key equal to an earlier one (as text, or as a number) is an
// Error at the second key, naming the first's line.
void check_duplicate_keys(const YAML::Node& root, const std::string& file);

}  // namespace minerisk::yaml
