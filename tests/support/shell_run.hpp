// A command run through the shell, as a user runs it, with its exit code, stdout and stderr (for the integration
// tests that run the command line).
#pragma once
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "run_outputs.hpp"

namespace minerisk::test {

struct ShellResult {
    int code = -1;  // the exit code; -1 when the command ended by a signal
    std::string out, err;
};

// Runs `cmd` with stdout and stderr captured in files under `scratch`.
inline ShellResult run_shell(const std::string& cmd, const std::filesystem::path& scratch) {
    const std::string out = (scratch / "out.txt").string(), err = (scratch / "err.txt").string();
    const int status = std::system((cmd + " >" + out + " 2>" + err).c_str());
    ShellResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = file_bytes(out);
    r.err = file_bytes(err);
    return r;
}

}  // namespace minerisk::test
