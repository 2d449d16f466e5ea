// How the command line names a scenario.
#include <filesystem>

#include "commands.hpp"

namespace fs = std::filesystem;

namespace minerisk::cli {

std::string scenario_label(const Scenario& sc) {
    if (!sc.name.empty()) return sc.name;
    return fs::path(sc.file).filename().string() + " (no 'name' in the scenario)";
}

}  // namespace minerisk::cli
