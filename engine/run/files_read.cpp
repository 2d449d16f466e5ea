// The local files a scenario reads, so that the output folder can be refused when it holds one of them: a run
// with `-o .` in the scenario's folder would otherwise replace its own inputs.
#include <filesystem>
#include <system_error>

#include "minerisk/output_transaction.hpp"
#include "minerisk/scenario.hpp"

namespace fs = std::filesystem;

namespace minerisk {

namespace {

// A path on this machine that exists; connection strings (PG:, /vsicurl/...) are not.
void add_if_local(std::vector<std::string>& files, const std::string& path, const std::string& dir,
                  bool files_only = false) {
    if (path.empty() || path.compare(0, 4, "/vsi") == 0 || path.find(':') != std::string::npos) return;
    std::error_code ec;
    const fs::path p = fs::path(path).is_absolute() ? fs::path(path) : fs::path(dir) / path;
    if (files_only ? fs::is_regular_file(p, ec) : fs::exists(p, ec)) files.push_back(p.string());
}

}  // namespace

std::vector<std::string> files_read(const Scenario& scenario) {
    std::vector<std::string> files;
    add_if_local(files, scenario.file, ".");
    for (const auto& in : scenario.inputs) add_if_local(files, in.source, scenario.dir);
    if (scenario.areas) add_if_local(files, scenario.areas->source, scenario.dir);
    for (const auto& folder : scenario.scoring.plugin_paths) add_if_local(files, folder, scenario.dir);
    // A factor's parameter that names an existing file (a raster, a table) is read by its plugin.
    for (const auto& f : scenario.scoring.factors)
        for (const auto& p : f.params) {
            if (!p.is_table) add_if_local(files, p.text, scenario.dir, true);
            for (const auto& kv : p.table) add_if_local(files, kv.second, scenario.dir, true);
        }
    return files;
}

}  // namespace minerisk
