#include <cstdio>

#include "commands.hpp"
#include "minerisk/error.hpp"
#include "minerisk/plugins.hpp"

namespace minerisk::cli {

void add_plugins(CLI::App& app, Common&) {
    auto* cmd = app.add_subcommand("plugins", "list the scoring plugins found, or document one");
    auto name = std::make_shared<std::string>();
    cmd->add_option("name", *name, "a plugin to document");
    cmd->callback([=]() {
        PluginRegistry reg;
        reg.scan(PluginRegistry::search_path());
        if (!name->empty()) {
            const LoadedPlugin* p = reg.find(*name);
            if (!p) throw Error("no plugin named '" + *name + "'", {}, "`minerisk plugins` lists the plugins found");
            std::printf("%s", describe_plugin(*p).c_str());
            return;
        }
        if (reg.plugins().empty()) std::printf("no plugins found\n");
        for (const auto& p : reg.plugins()) {
            std::printf("%-22s %-8s %s\n", p.name.c_str(), p.version.c_str(), p.folder.c_str());
            std::string params;
            for (int i = 0; i < p.api->param_count; ++i) params += (i ? ", " : "") + std::string(p.api->params[i].name);
            std::printf("%-22s          %s\n%-22s          parameters: %s\n", "", p.api->description, "",
                        params.empty() ? "(none)" : params.c_str());
        }
        for (const auto& problem : reg.problems()) std::fprintf(stderr, "warning: %s\n", problem.c_str());
        std::printf("folders searched:\n");
        for (const auto& f : reg.folders()) std::printf("  %s\n", f.c_str());
    });
}

}  // namespace minerisk::cli
