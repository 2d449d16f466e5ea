// The parsers of the scenario's sections, called by parse_scenario (scenario_parser.cpp) for each section
// present. Each checks every key, type and range of its section, with the line and column in the error.
#pragma once
#include <yaml-cpp/yaml.h>

#include <string>

#include "minerisk/scenario.hpp"
#include "scenario/yaml_reader.hpp"

namespace minerisk::sections {

// A path of the scenario resolved against the scenario's folder; connection strings and GDAL virtual paths
// are passed through untouched.
std::string resolve_path(const std::string& dir, const std::string& p);

// input_parser.cpp: `inputs:` (the standard layers and `extra:`).
void parse_inputs(const YAML::Node& node, const std::string& file, Scenario& sc);
// input_parser.cpp: `area:`, the area of interest (Scenario::area), written as an input is.
void parse_area(yaml::MapReader& top, const YAML::Node& node, Scenario& sc);

// scoring_parser.cpp: `scoring:` (the method, plugin folders and factors).
void parse_scoring(yaml::MapReader& top, const YAML::Node& node, Scenario& sc);

// section_parsers.cpp: the settings sections.
void parse_zones(yaml::MapReader& top, const YAML::Node& node, Scenario& sc);
void parse_outputs(yaml::MapReader& top, const YAML::Node& node, Scenario& sc);
void parse_run(yaml::MapReader& top, const YAML::Node& node, Scenario& sc);
void parse_uncertainty(yaml::MapReader& top, const YAML::Node& node, Scenario& sc);
void parse_sign_plan(yaml::MapReader& top, const YAML::Node& node, Scenario& sc);
void parse_outreach_plan(yaml::MapReader& top, const YAML::Node& node, Scenario& sc);

}  // namespace minerisk::sections
