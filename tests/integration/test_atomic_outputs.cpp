// Nothing lost, nothing half-written (docs/design.md, "Outputs"; docs/testing.md):
//   - a run killed (SIGKILL) at any stage leaves every output either as the earlier run wrote it or as this run
//     wrote it in full, never partial, and the next run removes the temporary files it left;
//   - a run interrupted (SIGTERM, Ctrl-C) stops, exits non-zero and removes its own temporary files;
//   - an existing output folder is not written into without --overwrite;
//   - inputs are only read: no input file changes and none is added beside them.
//
// The runs use a copy of the demo scenario and its data in a temporary folder, so that the scenario can be
// varied (a second version with other weights, whose outputs differ from the first's) and the inputs watched.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
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

#include "run_outputs.hpp"

namespace fs = std::filesystem;
using minerisk::test::comparable;  // tests/support/run_outputs.hpp
using minerisk::test::file_bytes;

namespace {

using Clock = std::chrono::steady_clock;

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << "in: " << (text)

// A fresh folder under the system's temporary folder, removed with everything in it afterwards (made writable
// again first, for the read-only test).
struct TempDir {
    fs::path path;
    TempDir() {
        std::string templ = (fs::temp_directory_path() / "minerisk-atomic-XXXXXX").string();
        if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
        path = templ;
    }
    ~TempDir() {
        std::error_code ec;
        for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
            fs::permissions(it->path(), fs::perms::owner_write, fs::perm_options::add, ec);
        fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(path, ec);
    }
};

struct Result {
    int status = -1;  // as waitpid gives it
    std::string out, err;
    bool ok() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }
};

// Runs the CLI with arguments (no shell), capturing stdout and stderr.
Result cli(const std::vector<std::string>& args, const fs::path& scratch) {
    const fs::path out = scratch / "cli-stdout.txt", err = scratch / "cli-stderr.txt";
    const pid_t pid = fork();
    if (pid == 0) {
        const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (o < 0 || e < 0) _exit(126);
        ::dup2(o, 1);
        ::dup2(e, 2);
        std::vector<char*> argv;
        static std::string exe = MINERISK_CLI;
        argv.push_back(exe.data());
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        _exit(127);
    }
    Result r;
    ::waitpid(pid, &r.status, 0);
    r.out = file_bytes(out);
    r.err = file_bytes(err);
    return r;
}

// The stages a run goes through, as engine/pipeline.cpp names them; each is printed on stderr (--progress gdal)
// when it starts, whatever the progress style.
const std::vector<std::string> kStages = {"reading inputs", "preparing factors", "scoring and writing",
                                          "zones", "plans", "finishing rasters", "exports", "writing run record"};

// A run whose stderr (the progress) is read as it comes: when `stage` first appears, waits `delay`, then sends
// `sig` (no signal when `stage` is empty). Returns the exit status, the stderr text, when each stage started
// (seconds from the start) and the stage that had started last when the signal was sent.
struct WatchedRun {
    pid_t pid = -1;
    int status = -1;
    std::string err;
    std::map<std::string, double> started;
    std::string signalled_in;  // empty: no signal was sent (the run ended first, or none was asked for)
};

WatchedRun run_watched(const std::vector<std::string>& args, const std::string& stage = "", double delay = 0, int sig = 0) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    const auto t0 = Clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        ::dup2(fds[1], 2);
        ::close(fds[0]);
        ::close(fds[1]);
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 1);
        std::vector<char*> argv;
        static std::string exe = MINERISK_CLI;
        argv.push_back(exe.data());
        static std::string progress = "--progress", gdal = "gdal";
        argv.push_back(progress.data());
        argv.push_back(gdal.data());
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        _exit(127);
    }
    ::close(fds[1]);
    ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    WatchedRun w;
    w.pid = pid;
    auto seconds = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
    std::string last_stage;
    double fire_at = -1;
    for (;;) {
        char buf[4096];
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n == 0) break;  // the run closed stderr: it ended
        if (n > 0) {
            w.err.append(buf, static_cast<size_t>(n));
            for (const auto& s : kStages)
                if (!w.started.count(s) && w.err.find(s) != std::string::npos) {
                    w.started[s] = seconds();
                    last_stage = s;
                    if (s == stage) fire_at = seconds() + delay;
                }
        }
        if (fire_at >= 0 && seconds() >= fire_at && w.signalled_in.empty()) {
            ::kill(pid, sig);
            w.signalled_in = last_stage;
        }
        if (n < 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ::close(fds[0]);
    ::waitpid(pid, &w.status, 0);
    return w;
}

// Every visible file under `dir` (not the hidden temporaries), relative, with its bytes (comparable()).
std::map<std::string, std::string> outputs(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.')
            files[fs::relative(e.path(), dir).string()] = comparable(e.path());
    return files;
}

// The temporary files (".NAME.PID.part...") anywhere under `dir`.
std::vector<std::string> temporaries(const fs::path& dir) {
    std::vector<std::string> found;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.path().filename().string().find(".part") != std::string::npos)
            found.push_back(fs::relative(e.path(), dir).string());
    return found;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

// The demo scenario and its data, copied into a temporary folder: the scenario as it is (scenario.yaml) and a
// second version with other weights (reweighted.yaml), whose risk, zones and reports differ from the first's.
struct DemoCopy {
    TempDir tmp;
    fs::path dir, original, reweighted;
    explicit DemoCopy(const std::string& resolution = "") {
        dir = tmp.path / "demo";
        fs::copy(fs::path(MINERISK_TESTDATA) / "demo", dir, fs::copy_options::recursive);
        std::string text = file_bytes(dir / "scenario.yaml");
        if (!resolution.empty()) text = replace_all(text, "resolution: 20\n", "resolution: " + resolution + "\n");
        original = dir / "scenario.yaml";
        std::ofstream(original, std::ios::binary) << text;
        reweighted = dir / "reweighted.yaml";
        std::ofstream(reweighted, std::ios::binary)
            << replace_all(replace_all(text, "weight: 0.35", "weight: 0.15"), "weight: 0.25", "weight: 0.45");
    }
};

// ---- SIGKILL at every stage ------------------------------------------------------------------------------

// The earlier run (scenario A) is followed by runs of scenario B killed at every stage from scoring on, each
// half-way through the stage (as long as it took in a whole run of B). After each kill, every output must be
// byte for byte either A's or B's (a reference run of B into another folder): one that is neither is partial.
// A's outputs and B's differ (other weights), so this also shows which outputs a killed run had replaced.
TEST(AtomicOutputs, KilledRunLeavesEarlierOutputsIntact) {
    DemoCopy demo;
    const fs::path out = demo.tmp.path / "out", ref = demo.tmp.path / "reference";
    ASSERT_TRUE(cli({"run", "-q", "-o", out.string(), demo.original.string()}, demo.tmp.path).ok());
    const auto earlier = outputs(out);
    const WatchedRun whole = run_watched({"run", "-o", ref.string(), demo.reweighted.string()});
    ASSERT_TRUE(WIFEXITED(whole.status) && WEXITSTATUS(whole.status) == 0) << whole.err;
    const auto complete = outputs(ref);
    ASSERT_EQ(earlier.size(), complete.size());
    ASSERT_GE(earlier.size(), 20u);  // rasters, styles, tables, GeoPackage, project, report, quick-look, run.json
    EXPECT_NE(earlier.at("risk.tif"), complete.at("risk.tif")) << "the two scenarios must give different outputs";

    size_t replaced_before_last_kill = 0;
    for (const std::string stage : {"scoring and writing", "finishing rasters", "zones", "plans", "exports"}) {
        SCOPED_TRACE("killed in '" + stage + "'");
        ASSERT_TRUE(whole.started.count(stage)) << "the stage never showed on stderr:\n" << whole.err;
        // How long the stage took in the whole run: until the next stage started.
        const auto it = std::find(kStages.begin(), kStages.end(), stage);
        double next = 1e9;
        for (auto n = it + 1; n != kStages.end(); ++n)
            if (whole.started.count(*n)) next = std::min(next, whole.started.at(*n));
        const double duration = next - whole.started.at(stage);
        // Half-way through the stage as the whole run took it; on a machine busier or idler than during that run
        // the stage may end first, and then the kill comes earlier (at the stage's start, the last try): the test
        // asks where the run was killed, not how fast the machine is.
        WatchedRun killed;
        double killed_after = 0;
        for (double delay : {duration / 2, duration / 8, 0.0}) {
            if (killed.pid > 0) {  // the try before ended whole: the earlier run's outputs back first
                ASSERT_TRUE(cli({"run", "-q", "--overwrite", "-o", out.string(), demo.original.string()}, demo.tmp.path).ok());
            }
            killed_after = delay;
            killed = run_watched({"run", "--overwrite", "-o", out.string(), demo.reweighted.string()}, stage, delay, SIGKILL);
            if (WIFSIGNALED(killed.status)) break;
        }
        ASSERT_TRUE(WIFSIGNALED(killed.status) && WTERMSIG(killed.status) == SIGKILL)
            << "the run ended before the kill (status " << killed.status << ")";
        EXPECT_EQ(killed.signalled_in, stage);

        const auto now = outputs(out);
        EXPECT_EQ(now.size(), earlier.size());
        size_t replaced = 0;
        for (const auto& [name, bytes] : now) {
            ASSERT_TRUE(earlier.count(name)) << name << " is not an output";
            if (bytes == complete.at(name) && bytes != earlier.at(name)) {
                ++replaced;
            } else {
                EXPECT_TRUE(bytes == earlier.at(name)) << name << " is partial: neither the earlier run's nor a complete one";
            }
        }
        for (const auto& [name, bytes] : earlier) EXPECT_TRUE(now.count(name)) << name << " is gone";
        EXPECT_GE(replaced, replaced_before_last_kill) << "outputs went back to the earlier run's";
        replaced_before_last_kill = replaced;
        // The temporary files left are this killed run's only: each run removes those of the dead runs before it.
        const auto left = temporaries(out);
        const std::string mine = "." + std::to_string(killed.pid) + ".part";
        for (const auto& t : left) EXPECT_NE(t.find(mine), std::string::npos) << t << " is an earlier killed run's";
        if (stage == "scoring and writing") {
            EXPECT_FALSE(left.empty()) << "a run killed while scoring leaves temporaries (else this test proves less)";
        }
        std::printf("[          ] killed in '%s' after %.2f s: %zu of %zu outputs already this run's, %zu temporary file(s) left\n",
                    stage.c_str(), killed.started.at(stage) + killed_after, replaced, now.size(), left.size());
    }
    EXPECT_GT(replaced_before_last_kill, 0u) << "a kill in 'exports' comes after the rasters were renamed into place";

    // The next run goes through: it removes the killed runs' temporary files and writes every output whole.
    const Result next = cli({"run", "-q", "--overwrite", "-o", out.string(), demo.reweighted.string()}, demo.tmp.path);
    ASSERT_TRUE(next.ok()) << next.err;
    EXPECT_EQ(temporaries(out), std::vector<std::string>{});
    const auto last = outputs(out);
    EXPECT_EQ(last.size(), complete.size());
    for (const auto& [name, bytes] : complete) EXPECT_TRUE(last.count(name) && last.at(name) == bytes) << name;
}

// ---- SIGTERM (Ctrl-C) -------------------------------------------------------------------------------------

// SIGTERM or Ctrl-C: the run stops, exits non-zero, removes its own temporary files, and a new folder holds no
// file (a half-done run's outputs would be a mix of nothing and something).
TEST(AtomicOutputs, InterruptedRunCleansUpAndFails) {
    DemoCopy demo;
    const fs::path out = demo.tmp.path / "out";
    const WatchedRun r = run_watched({"run", "-j", "1", "--tile-size", "128", "-o", out.string(), demo.original.string()},
                                     "scoring and writing", 0.2, SIGTERM);
    ASSERT_EQ(r.signalled_in, "scoring and writing") << r.err;
    ASSERT_TRUE(WIFEXITED(r.status)) << "status " << r.status;
    EXPECT_NE(WEXITSTATUS(r.status), 0);
    EXPECT_CONTAINS(r.err, "cancelled");
    if (fs::exists(out)) {
        for (const auto& e : fs::recursive_directory_iterator(out)) {
            EXPECT_FALSE(e.is_regular_file()) << e.path() << " left behind";
        }
    }
}

// ---- --overwrite ------------------------------------------------------------------------------------------

TEST(AtomicOutputs, AnExistingOutputFolderIsNotWrittenIntoWithoutOverwrite) {
    DemoCopy demo("200");
    const fs::path out = demo.tmp.path / "out";
    fs::create_directories(out);
    std::ofstream(out / "notes.txt") << "a planner's notes\n";
    const Result r = cli({"run", "-q", "-o", out.string(), demo.original.string()}, demo.tmp.path);
    EXPECT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 1) << r.status << " " << r.err;
    EXPECT_CONTAINS(r.err, "--overwrite");
    std::vector<std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(out)) files.push_back(fs::relative(e.path(), out).string());
    EXPECT_EQ(files, std::vector<std::string>{"notes.txt"}) << "nothing is written into the folder";
    EXPECT_EQ(file_bytes(out / "notes.txt"), "a planner's notes\n");
    // Refused before the inputs are read: with an input that cannot be read, the folder is still what is named.
    const Result early = cli({"run", "-q", "-o", out.string(), std::string(MINERISK_TESTDATA) + "/bad/corrupt_gpkg/scenario.yaml"},
                             demo.tmp.path);
    EXPECT_TRUE(WIFEXITED(early.status) && WEXITSTATUS(early.status) == 1) << early.status << " " << early.err;
    EXPECT_CONTAINS(early.err, "--overwrite");
    // With --overwrite the outputs are written beside what was there, which stays.
    const Result again = cli({"run", "-q", "--overwrite", "-o", out.string(), demo.original.string()}, demo.tmp.path);
    ASSERT_TRUE(again.ok()) << again.err;
    EXPECT_TRUE(fs::exists(out / "risk.tif"));
    EXPECT_EQ(file_bytes(out / "notes.txt"), "a planner's notes\n");
}

// ---- inputs are only read ---------------------------------------------------------------------------------

// Every input format of the demo (GeoPackage, CSV, GeoJSON, FlatGeobuf, Shapefile, GeoTIFF) in a folder made
// read-only. The run must succeed, and afterwards every file must have the same bytes and modification time,
// and no file may have appeared beside them (a GDAL .aux.xml, a SQLite -wal/-shm, a .gfs, a spatial index).
// The folder's permissions only bind a user other than root (CI and containers often run as root); the
// before/after comparison is what proves the inputs were opened read-only.
TEST(AtomicOutputs, InputsAreOnlyRead) {
    DemoCopy demo("200");  // 10 times coarser than the demo: the inputs are what matters here
    struct Seen {
        std::string bytes;
        fs::file_time_type mtime;
    };
    auto snapshot = [&] {
        std::map<std::string, Seen> files;
        for (const auto& e : fs::recursive_directory_iterator(demo.dir))
            files[fs::relative(e.path(), demo.dir).string()] =
                Seen{e.is_regular_file() ? file_bytes(e.path()) : std::string(), fs::last_write_time(e.path())};
        return files;
    };
    const auto before = snapshot();
    for (const auto& e : fs::recursive_directory_iterator(demo.dir))
        fs::permissions(e.path(), fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write,
                        fs::perm_options::remove);
    fs::permissions(demo.dir, fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write,
                    fs::perm_options::remove);

    const fs::path out = demo.tmp.path / "out";
    const Result r = cli({"run", "-q", "-o", out.string(), demo.original.string()}, demo.tmp.path);
    ASSERT_TRUE(r.ok()) << r.err;
    EXPECT_TRUE(fs::exists(out / "risk.tif"));

    const auto after = snapshot();
    for (const auto& [name, seen] : after) EXPECT_TRUE(before.count(name)) << name << " appeared among the inputs";
    for (const auto& [name, seen] : before) {
        ASSERT_TRUE(after.count(name)) << name << " is gone";
        EXPECT_TRUE(after.at(name).bytes == seen.bytes) << name << " was changed";
        EXPECT_TRUE(after.at(name).mtime == seen.mtime) << name << " was written to";
    }
}

}  // namespace
