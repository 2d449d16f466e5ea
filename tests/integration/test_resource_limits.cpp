// Under a memory limit a run ends cleanly (issue 15: "a failed thread start or allocation ends the run with one
// clear line, never a deadlock or an internal error", and never exit 0 over broken output). The runs go under a
// series of address-space limits (setrlimit(RLIMIT_AS), as `ulimit -v`), from one where the program barely starts
// to one where the run goes through: each must either publish complete outputs with exit 0, or exit 1 with one
// "minerisk: error:" line and publish nothing. A hang (GDAL's compression pool waiting for a thread it could not
// start, as GDAL 3.6 does) would show as the test's timeout. Left out under AddressSanitizer, whose shadow memory
// needs terabytes of address space.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "run_outputs.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using minerisk::test::file_bytes;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

// Runs `minerisk run -q -o OUT SCENARIO` with an address-space limit of `megabytes`; returns the wait status.
int run_limited(unsigned megabytes, const fs::path& scenario, const fs::path& out, const fs::path& err) {
    const pid_t pid = fork();
    if (pid == 0) {
        rlimit limit{};
        limit.rlim_cur = limit.rlim_max = static_cast<rlim_t>(megabytes) << 20;
        setrlimit(RLIMIT_AS, &limit);
        const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 1);
        ::dup2(e, 2);
        ::execl(MINERISK_CLI, MINERISK_CLI, "run", "-q", "-o", out.c_str(), scenario.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

}  // namespace

TEST(ResourceLimits, UnderAMemoryLimitARunEndsWithOneLineOrCompleteOutputs) {
    if (kAddressSanitizer) GTEST_SKIP() << "AddressSanitizer needs an unlimited address space";
    minerisk::test::TempDir tmp("minerisk-limits");
    fs::copy(fs::path(MINERISK_TESTDATA) / "demo", tmp.path / "demo", fs::copy_options::recursive);
    std::string text = file_bytes(tmp.path / "demo" / "scenario.yaml");
    const size_t at = text.find("resolution: 20\n");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, 15, "resolution: 200\n");  // the demo ten times coarser: the limits are what matters
    std::ofstream(tmp.path / "demo" / "scenario.yaml", std::ios::binary) << text;

    int failed_cleanly = 0, succeeded = 0;
    for (unsigned mb = 180; mb <= 420; mb += 40) {
        SCOPED_TRACE(std::to_string(mb) + " MB");
        const fs::path out = tmp.path / ("out-" + std::to_string(mb)), err = tmp.path / "stderr.txt";
        const int status = run_limited(mb, tmp.path / "demo" / "scenario.yaml", out, err);
        ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
        const std::string message = file_bytes(err);
        if (WEXITSTATUS(status) == 127) continue;  // the loader could not map the libraries: main never ran
        if (WEXITSTATUS(status) == 0) {
            ++succeeded;
            EXPECT_TRUE(fs::exists(out / "run.json")) << "exit 0 publishes every output";
            EXPECT_TRUE(fs::exists(out / "risk.tif"));
            continue;
        }
        EXPECT_EQ(WEXITSTATUS(status), 1) << message;
        ++failed_cleanly;
        // The last line is minerisk's one line (GDAL's own ERROR lines may come before it), not an internal error.
        const size_t last = message.rfind("minerisk: ");
        ASSERT_NE(last, std::string::npos) << message;
        EXPECT_EQ(message.compare(last, 16, "minerisk: error:"), 0) << message.substr(last);
        EXPECT_FALSE(fs::exists(out)) << "a failed run publishes nothing";
    }
    EXPECT_GT(failed_cleanly, 0) << "no limit was low enough to make the run fail: the test proves less";
    EXPECT_GT(succeeded, 0) << "no limit was high enough for the run: the test proves less";
}
