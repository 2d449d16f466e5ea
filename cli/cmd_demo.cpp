#include <filesystem>

#include "commands.hpp"
#include "minerisk/error.hpp"

namespace minerisk::cli {

// The bundled demo: beside the installed program (<prefix>/bin/minerisk -> <prefix>/share/minerisk/demo, wherever
// the tree was installed or unpacked: the Debian package puts it under /usr, a `cmake --install` under its prefix);
// else in the source tree, when run from a build; else where the build's prefix says.
static std::string demo_scenario() {
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    const std::string beside = ec ? std::string() : (exe.parent_path() / ".." / MINERISK_DEMO_SUBPATH).lexically_normal().string();
    for (const std::string& p : {beside, std::string(MINERISK_DEMO_SCENARIO), std::string(MINERISK_INSTALL_DEMO_SCENARIO)})
        if (!p.empty() && std::filesystem::exists(p)) return p;
    throw Error("the bundled demo scenario is not found", Location{MINERISK_DEMO_SCENARIO},
                "run from the source tree's build, or install minerisk with `cmake --install`");
}

void add_demo(CLI::App& app, Common& common) {
    auto* cmd = app.add_subcommand("demo", "run the bundled demo scenario (synthetic data)");
    auto out = std::make_shared<std::string>("minerisk-demo");
    auto overwrite = std::make_shared<bool>(false);
    auto threads = std::make_shared<unsigned>(0);
    cmd->add_option("-o,--output", *out, "output folder")->capture_default_str();
    cmd->add_flag("--overwrite", *overwrite, "write into an existing, non-empty output folder");
    cmd->add_option("-j,--threads", *threads, "threads to use (default: all cores)")
        ->check(CLI::Range(0.0, minerisk::limits::run::threads.max));  // "-1" would wrap to 4294967295
    auto plan_flags = add_plan_flags(cmd);
    cmd->footer(std::string("\n") + kCommonOptionsHelp);
    cmd->callback([=, &common]() {
        const int rc = run_scenario_file(demo_scenario(), *out, *overwrite, *threads, 0, common, plan_flags.get());
        if (rc) throw CLI::RuntimeError(rc);
    });
}

}  // namespace minerisk::cli
