#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "minerisk/plugins.hpp"
#include "scoring/library_file.hpp"

namespace fs = std::filesystem;

namespace minerisk {

LoadedPlugin load_plugin_file(const std::string& path) {
    Location where{path};
    // Checked before dlopen: a truncated library would be mapped past its end and kill the process (SIGBUS).
    const std::string problem = plugin_file::library_problem(path);
    if (!problem.empty())
        throw Error("cannot load the plugin library: " + problem, where,
                    "rebuild the plugin for this system (" + plugin_file::this_machine() +
                        " Linux), or remove it from the plugin folder");
    // RTLD_LOCAL keeps each plugin's symbols to itself, so two plugins may bundle different helper code.
    void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char* e = dlerror();
        throw Error(std::string("cannot load the plugin library: ") + (e ? e : "unknown reason"), where,
                    "rebuild the plugin for this system, or remove it from the plugin folder");
    }
    std::shared_ptr<void> handle(h, [](void* p) { dlclose(p); });
    auto entry = reinterpret_cast<mr_plugin_entry_fn>(dlsym(h, MINERISK_PLUGIN_ENTRY_POINT));
    if (!entry)
        throw Error(std::string("not a minerisk plugin: it has no '") + MINERISK_PLUGIN_ENTRY_POINT + "' entry point", where,
                    "a plugin exports 'const mr_plugin* minerisk_plugin_v1(void)' with C linkage (see docs/plugin-guide.md)");
    const mr_plugin* api = entry();
    if (!api) throw Error("the plugin's entry point returned no descriptor", where, "fix the plugin");
    // Version 1 descriptors lack the trailing fields of later versions, which are then never read.
    if (api->abi_version < MINERISK_PLUGIN_ABI_OLDEST || api->abi_version > MINERISK_PLUGIN_ABI_VERSION)
        throw Error("plugin '" + std::string(api->name ? api->name : "?") + "' was built for plugin interface version " +
                        std::to_string(api->abi_version) + ", this minerisk speaks versions " +
                        std::to_string(MINERISK_PLUGIN_ABI_OLDEST) + " to " + std::to_string(MINERISK_PLUGIN_ABI_VERSION),
                    where, "rebuild the plugin against this minerisk's include/minerisk/plugin.h");
    if (!api->name || !*api->name || !api->version || !api->prepare || !api->score || !api->release || !api->reach)
        throw Error("the plugin's descriptor is incomplete (a name, a version and the prepare, reach, score and release "
                    "functions are required)",
                    where, "fix the plugin");
    LoadedPlugin p;
    p.name = api->name;
    p.version = api->version;
    p.path = path;
    p.folder = fs::path(path).parent_path().string();
    p.api = api;
    p.handle = std::move(handle);
    return p;
}

static std::string executable_dir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : exe.parent_path().string();
}

std::vector<std::string> PluginRegistry::search_path(const std::vector<std::string>& scenario_folders) {
    std::vector<std::string> out(scenario_folders.begin(), scenario_folders.end());
    if (const char* env = std::getenv("MINERISK_PLUGIN_PATH")) {
        std::stringstream ss(env);
        std::string item;
        while (std::getline(ss, item, ':'))
            if (!item.empty()) out.push_back(item);
    }
    const std::string exe = executable_dir();
    if (!exe.empty()) {
        out.push_back((fs::path(exe) / ".." / MINERISK_PLUGIN_SUBDIR).lexically_normal().string());
        // An installed tree whose library folder is multiarch (lib/x86_64-linux-gnu on Debian).
        out.push_back((fs::path(exe) / ".." / MINERISK_INSTALL_LIBDIR / "minerisk" / "plugins").lexically_normal().string());
    }
    out.push_back(MINERISK_INSTALL_PLUGIN_DIR);
    // The same folder reached twice is searched once.
    std::vector<std::string> unique;
    for (const auto& f : out) {
        std::error_code ec;
        const std::string canon = fs::weakly_canonical(f, ec).string();
        const std::string key = ec ? f : canon;
        if (std::find(unique.begin(), unique.end(), key) == unique.end()) unique.push_back(key);
    }
    return unique;
}

void PluginRegistry::scan(const std::vector<std::string>& folders) {
    folders_ = folders;
    for (const auto& folder : folders) {
        std::error_code ec;
        if (!fs::is_directory(folder, ec)) continue;
        std::vector<std::string> files;
        for (const auto& entry : fs::directory_iterator(folder, ec))
            if (entry.path().extension() == ".so") files.push_back(entry.path().string());
        std::sort(files.begin(), files.end());  // a stable order whatever the file system's
        for (const auto& file : files) {
            try {
                LoadedPlugin p = load_plugin_file(file);
                if (find(p.name)) {  // hidden by one found earlier on the path
                    hidden_.emplace_back(p.name, p.path);
                    continue;
                }
                plugins_.push_back(std::move(p));
            } catch (const Error& e) {
                problems_.push_back(e.what());
            } catch (const std::exception& e) {
                problems_.push_back(file + ": the plugin threw while loading: " + e.what());
            } catch (...) {
                problems_.push_back(file + ": the plugin threw while loading");
            }
        }
    }
}

std::vector<std::string> PluginRegistry::hidden_by(const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& [n, path] : hidden_)
        if (n == name) out.push_back(path);
    return out;
}

const LoadedPlugin* PluginRegistry::find(const std::string& name) const {
    for (const auto& p : plugins_)
        if (p.name == name) return &p;
    return nullptr;
}

}  // namespace minerisk
