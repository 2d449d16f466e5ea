// Finding, loading and describing scoring plugins (shared libraries with a C entry point).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "minerisk/error.hpp"
#include "minerisk/plugin.h"
#include "minerisk/scenario.hpp"

namespace minerisk {

struct LoadedPlugin {
    std::string name;
    std::string version;
    std::string path;    // the shared library
    std::string folder;
    const mr_plugin* api = nullptr;
    std::shared_ptr<void> handle;  // keeps the library loaded while anyone holds the plugin
};

// Loads one plugin library. Throws Error when it cannot be opened, lacks the entry point, or was built
// for another interface version.
LoadedPlugin load_plugin_file(const std::string& path);

class PluginRegistry {
public:
    // The folders searched, in order (a name found earlier hides the same name later):
    //   folders named by the scenario (scoring.plugin_paths), then by MINERISK_PLUGIN_PATH (':'-separated),
    //   then <folder of the minerisk executable>/../lib/minerisk/plugins (the build tree and an installed
    //   tree both have this shape), then the install prefix's plugin folder.
    static std::vector<std::string> search_path(const std::vector<std::string>& scenario_folders = {});

    // Loads every shared library in the folders; libraries that fail are recorded in problems().
    void scan(const std::vector<std::string>& folders);

    const LoadedPlugin* find(const std::string& name) const;
    const std::vector<LoadedPlugin>& plugins() const { return plugins_; }
    const std::vector<std::string>& problems() const { return problems_; }
    const std::vector<std::string>& folders() const { return folders_; }
    // For each plugin that hides another of the same name found later on the path: the hidden library.
    std::vector<std::string> hidden_by(const std::string& name) const;

private:
    std::vector<LoadedPlugin> plugins_;
    std::vector<std::pair<std::string, std::string>> hidden_;  // (name, path of the hidden library)
    std::vector<std::string> problems_;
    std::vector<std::string> folders_;
};

// A plugin's parameters after checking the scenario's values against its declared specs: owns the storage
// that the mr_param_value array points into.
class ParamSet {
public:
    ParamSet() = default;
    ParamSet(const ParamSet&) = delete;
    ParamSet& operator=(const ParamSet&) = delete;
    ParamSet(ParamSet&&) = default;
    ParamSet& operator=(ParamSet&&) = default;

    const mr_param_value* data() const { return values_.data(); }
    int size() const { return static_cast<int>(values_.size()); }
    const std::vector<mr_param_value>& values() const { return values_; }
    std::string describe() const;  // "half_distance=250, ..." for metadata

    friend ParamSet resolve_params(const mr_plugin& plugin, const std::vector<ParamText>& given, const Location& where);

private:
    std::vector<mr_param_value> values_;
    std::vector<std::unique_ptr<std::string>> strings_;
    std::vector<std::unique_ptr<std::vector<const char*>>> keys_;
    std::vector<std::unique_ptr<std::vector<double>>> numbers_;
};

// Throws Error (at the parameter's line) for unknown names, wrong types, values out of range or not among
// the choices, and missing required parameters.
ParamSet resolve_params(const mr_plugin& plugin, const std::vector<ParamText>& given, const Location& where);

// Human-readable documentation of a plugin (for `minerisk plugins NAME`).
std::string describe_plugin(const LoadedPlugin& p);
const char* param_type_name(mr_param_type t);

}  // namespace minerisk
