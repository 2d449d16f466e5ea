// Nothing lost, nothing half-written: a run killed or interrupted at any moment leaves no partial output.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Result {
    int code = -1;
    std::string out, err;
};

// Runs the CLI with arguments, capturing stdout and stderr.
Result cli(const std::string& args) {
    const fs::path dir = fs::temp_directory_path() / ("minerisk-atomic-cli-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string out = (dir / "out.txt").string(), err = (dir / "err.txt").string();
    const std::string cmd = std::string(MINERISK_CLI) + " " + args + " >" + out + " 2>" + err;
    const int status = std::system(cmd.c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::stringstream so, se;
    so << std::ifstream(out).rdbuf();
    se << std::ifstream(err).rdbuf();
    r.out = so.str();
    r.err = se.str();
    return r;
}

std::string file_bytes(const fs::path& p) {
    std::stringstream ss;
    ss << std::ifstream(p, std::ios::binary).rdbuf();
    return ss.str();
}

// Starts the CLI with arguments, lets it run `ms` milliseconds, sends `sig`, and returns its exit status.
int run_and_signal(const std::vector<std::string>& args, int ms, int sig) {
    const pid_t pid = fork();
    if (pid == 0) {
        std::vector<char*> argv;
        static std::string cli = MINERISK_CLI;
        argv.push_back(cli.data());
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    kill(pid, sig);
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

std::vector<std::string> visible_files(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.') out.push_back(fs::relative(e.path(), dir).string());
    std::sort(out.begin(), out.end());
    return out;
}

// A run killed at any moment leaves the earlier run's outputs as they were (or, if it got that far,
// replaced by complete identical ones): never a half-written file under an output's name.
TEST(AtomicOutputs, KilledRunLeavesEarlierOutputsIntact) {
    const fs::path dir = fs::temp_directory_path() / ("minerisk-kill-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const std::string scenario = std::string(MINERISK_TESTDATA) + "/demo/scenario.yaml";
    ASSERT_EQ(cli("run -q -o " + dir.string() + " " + scenario).code, 0);
    const auto files = visible_files(dir);
    std::map<std::string, std::string> before;
    for (const auto& f : files) before[f] = file_bytes(dir / f);
    for (int ms : {300, 1500, 3000}) {
        const int status = run_and_signal({"run", "-q", "--overwrite", "-o", dir.string(), scenario}, ms, SIGKILL);
        EXPECT_TRUE(WIFSIGNALED(status) || WIFEXITED(status));
        EXPECT_EQ(visible_files(dir), files) << "after a kill at " << ms << " ms";
        for (const auto& f : files)
            if (f != "run.json") EXPECT_TRUE(file_bytes(dir / f) == before[f]) << f << " changed after a kill at " << ms << " ms";
    }
    // The next run removes the killed runs' temporary files.
    ASSERT_EQ(cli("run -q --overwrite -o " + dir.string() + " " + scenario).code, 0);
    for (const auto& e : fs::recursive_directory_iterator(dir))
        EXPECT_EQ(e.path().filename().string().find(".part"), std::string::npos) << e.path();
    fs::remove_all(dir);
}

// Ctrl-C (SIGINT) or SIGTERM: the run stops, says so, exits non-zero and leaves no temporary file.
TEST(AtomicOutputs, InterruptedRunCleansUpAndFails) {
    const fs::path dir = fs::temp_directory_path() / ("minerisk-int-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const std::string scenario = std::string(MINERISK_TESTDATA) + "/demo/scenario.yaml";
    const int status = run_and_signal({"run", "-q", "-j", "1", "--tile-size", "128", "-o", dir.string(), scenario}, 700, SIGTERM);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_NE(WEXITSTATUS(status), 0);
    if (fs::exists(dir))
        for (const auto& e : fs::recursive_directory_iterator(dir))
            EXPECT_FALSE(e.is_regular_file()) << e.path() << " left behind";
    fs::remove_all(dir);
}

}  // namespace
