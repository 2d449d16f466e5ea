// Numbers on the command line: a negative or out-of-range value is a usage error, never wrapped.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Result {
    int code = -1;
    std::string err;
};

// Runs the CLI with arguments, capturing stderr (each integration file has its own small runner).
Result cli(const std::string& args) {
    const fs::path dir = fs::temp_directory_path() / ("minerisk-cli-numbers-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string err = (dir / "err.txt").string();
    const int status = std::system((std::string(MINERISK_CLI) + " " + args + " >/dev/null 2>" + err).c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::stringstream se;
    se << std::ifstream(err).rdbuf();
    r.err = se.str();
    return r;
}

}  // namespace

// Every numeric flag of every command refuses a negative or out-of-range number as a usage error (exit 2,
// one line naming the flag), instead of wrapping it: "--seed -1" once ran with seed 18446744073709551615.
// The output path is /dev/null, so that a flag let through fails fast (exit 1) rather than running.
TEST(Cli, NegativeOrOutOfRangeNumbersOnTheCommandLineAreUsageErrors) {
    const std::string demo = std::string(MINERISK_TESTDATA) + "/demo/scenario.yaml";
    const std::vector<std::string> plan = {"--uncertainty", "--top-k", "--seed", "--signs", "--sign-spacing", "--sign-cover",
                                           "--facilitators", "--sessions-per-week", "--weeks", "--travel-km", "--max-travel-km"};
    std::vector<std::pair<std::string, std::string>> cases;  // (arguments, the flag the message must name)
    for (const std::string& cmd : std::vector<std::string>{"run " + demo, "demo"}) {
        for (const auto& f : plan) cases.push_back({cmd + " -o /dev/null " + f + "=-1", f});
        cases.push_back({cmd + " -o /dev/null --threads=-1", "--threads"});
        cases.push_back({cmd + " -o /dev/null --threads=5000", "--threads"});
    }
    cases.push_back({"run " + demo + " -o /dev/null --tile-size=-1", "--tile-size"});
    cases.push_back({"run " + demo + " -o /dev/null --uncertainty 10 --seed -1", "--seed"});
    for (const char* f : {"--horizon-years", "--blocks", "--folds", "--bootstrap", "--seed", "--threads"})
        cases.push_back({"backtest " + demo + " -o /dev/null --split 2024 " + std::string(f) + "=-1", f});
    cases.push_back({"backtest " + demo + " -o /dev/null --split 2024 --seed=1e300", "--seed"});
    for (const auto& [args, flag] : cases) {
        SCOPED_TRACE(args);
        const Result r = cli(args);
        EXPECT_EQ(r.code, 2) << r.err;
        EXPECT_EQ(r.err.rfind("minerisk: error: ", 0), 0u) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_NE(r.err.find(flag), std::string::npos) << r.err;
    }
}
