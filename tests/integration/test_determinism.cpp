// Determinism: the same scenario gives the same outputs whatever the number of threads and the tile size.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

struct Result {
    int code = -1;
    std::string out, err;
};

// Runs the CLI with arguments, capturing stdout and stderr.
Result cli(const std::string& args) {
    const fs::path dir = fs::temp_directory_path() / ("minerisk-det-cli-" + std::to_string(::getpid()));
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

// Same scenario, different thread counts and tile sizes: byte-identical rasters.
TEST(Determinism, OutputsAreIdenticalWhateverThreadsAndTiles) {
    const fs::path base = fs::temp_directory_path() / ("minerisk-det-" + std::to_string(::getpid()));
    fs::remove_all(base);
    const std::string scenario = std::string(MINERISK_TESTDATA) + "/demo/scenario.yaml";
    const Result a = cli("run -q -j 1 --tile-size 1024 -o " + (base / "a").string() + " " + scenario);
    const Result b = cli("run -q -j 2 --tile-size 384 -o " + (base / "b").string() + " " + scenario);
    ASSERT_EQ(a.code, 0) << a.err;
    ASSERT_EQ(b.code, 0) << b.err;
    size_t compared = 0;
    for (const auto& e : fs::recursive_directory_iterator(base / "a")) {
        if (e.path().extension() != ".tif") continue;
        const fs::path other = base / "b" / fs::relative(e.path(), base / "a");
        ASSERT_TRUE(fs::exists(other)) << other;
        EXPECT_TRUE(file_bytes(e.path()) == file_bytes(other)) << e.path() << " differs between runs";
        ++compared;
    }
    EXPECT_GE(compared, 6u);
    fs::remove_all(base);
}

}  // namespace
