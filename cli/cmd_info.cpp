#include <cstdio>

#include "commands.hpp"
#include "minerisk/plugin.h"
#include "minerisk/plugins.hpp"
#include "minerisk/version.hpp"

namespace minerisk::cli {

void add_info(CLI::App& app, Common&) {
    auto* cmd = app.add_subcommand("info", "print the versions of minerisk, GDAL, GEOS and PROJ and where plugins are looked for");
    cmd->callback([]() {
        const VersionInfo v = versions();
        std::printf("minerisk %s (%s build, %s)\n", v.minerisk.c_str(), v.build_type.c_str(), v.compiler.c_str());
        std::printf("GDAL     %s\nGEOS     %s\nPROJ     %s\n", v.gdal.c_str(), v.geos.c_str(), v.proj.c_str());
        std::printf("plugin interface version %d\nplugin folders:\n", MINERISK_PLUGIN_ABI_VERSION);
        for (const auto& f : PluginRegistry::search_path()) std::printf("  %s\n", f.c_str());
    });
}

}  // namespace minerisk::cli
