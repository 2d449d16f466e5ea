// Nothing lost, nothing half-written (docs/design.md, "Outputs"; docs/testing.md):
//   - a run killed (SIGKILL) at any stage or point of the switch leaves the output folder exactly as the earlier
//     run wrote it, or exactly as this run wrote it, never a mix, and the next run removes what it left;
//   - a run interrupted (SIGTERM, Ctrl-C) in any stage stops, exits 143 (130), publishes nothing and cleans up;
//   - an existing output folder is not written into without --overwrite, and never one that holds an input;
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
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "run_outputs.hpp"

namespace fs = std::filesystem;
using minerisk::test::comparable;  // tests/support/run_outputs.hpp
using minerisk::test::file_bytes;

namespace {

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

// The stages a run goes through, as the run announces them on stderr (--progress gdal) when each starts, and the
// points of the switch: the kill points of MINERISK_TEST_KILL_AT (docs/testing.md). The test stops a run at a
// point the run itself reports reaching, never after a time, so that a busy machine changes nothing.
const std::vector<std::string> kSwitchPoints = {"before switch", "between renames", "after switch"};

struct HookedRun {
    int status = -1;
    pid_t pid = -1;
    std::string err;
    bool killed() const { return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL; }
    int exit_code() const { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }
};

// Runs the CLI with `hook`=`point` in its environment (MINERISK_TEST_KILL_AT or MINERISK_TEST_SIGNAL_AT).
HookedRun run_hooked(const std::vector<std::string>& args, const char* hook, const std::string& point, const fs::path& scratch) {
    const fs::path err = scratch / "hooked-stderr.txt";
    const pid_t pid = fork();
    if (pid == 0) {
        ::setenv(hook, point.c_str(), 1);
        const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int null = ::open("/dev/null", O_WRONLY);
        if (e < 0 || null < 0) _exit(126);
        ::dup2(null, 1);
        ::dup2(e, 2);
        std::vector<char*> argv;
        static std::string exe = MINERISK_CLI, progress = "--progress", gdal = "gdal";
        argv.push_back(exe.data());
        argv.push_back(progress.data());
        argv.push_back(gdal.data());
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        _exit(127);
    }
    HookedRun r;
    r.pid = pid;
    ::waitpid(pid, &r.status, 0);
    r.err = file_bytes(err);
    return r;
}

// The stages a whole run announced on stderr, in the order they started.
std::vector<std::string> stages_announced(const std::string& err) {
    static const std::vector<std::string> known = {"preparing factors", "scoring and writing", "zones", "plans", "areas",
                                                   "finishing rasters", "exports", "writing run record"};
    std::vector<std::pair<size_t, std::string>> seen;
    for (const auto& s : known) {
        const size_t at = err.find(s);
        if (at != std::string::npos) seen.emplace_back(at, s);
    }
    std::sort(seen.begin(), seen.end());
    std::vector<std::string> names;
    for (const auto& [at, s] : seen) names.push_back(s);
    return names;
}

// Every visible file under `dir` (not the hidden temporaries), relative, with its bytes (comparable()).
std::map<std::string, std::string> outputs(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.')
            files[fs::relative(e.path(), dir).string()] = comparable(e.path());
    return files;
}

// What runs leave beside the output folder `out` while they work (".out.minerisk-PID.staging", ".old") and the
// temporary files inside it (".NAME.PID.part"): a finished or cleaned-up run leaves none.
std::vector<std::string> temporaries(const fs::path& out) {
    std::vector<std::string> found;
    const std::string prefix = "." + out.filename().string() + ".minerisk-";
    for (const auto& e : fs::directory_iterator(out.parent_path()))
        if (e.path().filename().string().rfind(prefix, 0) == 0) found.push_back(e.path().filename().string());
    if (fs::exists(out))
        for (const auto& e : fs::recursive_directory_iterator(out))
            if (e.path().filename().string().find(".part") != std::string::npos)
                found.push_back(fs::relative(e.path(), out).string());
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

// The earlier run (scenario A) is followed by runs of scenario B killed (SIGKILL, MINERISK_TEST_KILL_AT) as each
// stage starts and at each point of the switch. After each kill the output folder must hold exactly A's outputs,
// or (killed after the switch) exactly B's, as a reference run of B into another folder wrote them: never a mix.
// A's outputs and B's differ (other weights), so a single file of B among A's would show.
TEST(AtomicOutputs, KilledRunLeavesEarlierOutputsIntact) {
    DemoCopy demo("40");  // half the demo's resolution: the stages are what matters here
    const fs::path out = demo.tmp.path / "out", ref = demo.tmp.path / "reference";
    ASSERT_TRUE(cli({"run", "-q", "-o", out.string(), demo.original.string()}, demo.tmp.path).ok());
    const auto earlier = outputs(out);
    const HookedRun whole = run_hooked({"run", "-o", ref.string(), demo.reweighted.string()}, "MINERISK_TEST_KILL_AT", "none",
                                       demo.tmp.path);
    ASSERT_EQ(whole.exit_code(), 0) << whole.err;
    const auto complete = outputs(ref);
    ASSERT_EQ(earlier.size(), complete.size());
    ASSERT_GE(earlier.size(), 20u);  // rasters, styles, tables, GeoPackage, project, report, quick-look, run.json
    EXPECT_NE(earlier.at("risk.tif"), complete.at("risk.tif")) << "the two scenarios must give different outputs";
    std::vector<std::string> points = stages_announced(whole.err);
    ASSERT_GE(points.size(), 6u) << "the run announces its stages on stderr:\n" << whole.err;
    points.insert(points.end(), kSwitchPoints.begin(), kSwitchPoints.end());

    for (const std::string& point : points) {
        SCOPED_TRACE("killed at '" + point + "'");
        if (outputs(out) != earlier) {  // the kill before was after the switch: the earlier run's outputs back first
            ASSERT_TRUE(cli({"run", "-q", "--overwrite", "-o", out.string(), demo.original.string()}, demo.tmp.path).ok());
            ASSERT_TRUE(outputs(out) == earlier);
        }
        const HookedRun killed =
            run_hooked({"run", "--overwrite", "-o", out.string(), demo.reweighted.string()}, "MINERISK_TEST_KILL_AT", point, demo.tmp.path);
        ASSERT_TRUE(killed.killed()) << "the run did not reach '" << point << "' (status " << killed.status << "):\n" << killed.err;
        if (point == "between renames") {
            // The one moment the folder is away: the next run puts the earlier outputs back (SwitchCutShort...).
            EXPECT_FALSE(fs::exists(out));
            const Result next = cli({"run", "-q", "--overwrite", "-o", out.string(), demo.original.string()}, demo.tmp.path);
            ASSERT_TRUE(next.ok()) << next.err;
        } else if (point == "after switch") {
            EXPECT_TRUE(outputs(out) == complete) << "killed after the switch: the new run's outputs, whole";
        } else {
            const auto now = outputs(out);
            EXPECT_EQ(now.size(), earlier.size());
            for (const auto& [name, bytes] : now) {
                ASSERT_TRUE(earlier.count(name)) << name << " is not an earlier output";
                EXPECT_TRUE(bytes == earlier.at(name)) << name << " is not the earlier run's";
            }
        }
        // What is left beside the folder is this killed run's only: each run removes what dead runs left.
        const std::string mine = ".minerisk-" + std::to_string(killed.pid) + ".";
        for (const auto& t : temporaries(out)) EXPECT_NE(t.find(mine), std::string::npos) << t << " is an earlier killed run's";
    }

    // The next run goes through: it removes what the killed runs left and publishes every output whole.
    const Result next = cli({"run", "-q", "--overwrite", "-o", out.string(), demo.reweighted.string()}, demo.tmp.path);
    ASSERT_TRUE(next.ok()) << next.err;
    EXPECT_EQ(temporaries(out), std::vector<std::string>{});
    EXPECT_TRUE(outputs(out) == complete);
}

// Killed between the two renames of the fallback switch (file systems without an atomic exchange), the earlier
// outputs are in ".out.minerisk-PID.old": the next run, even one that fails later, puts them back first.
TEST(AtomicOutputs, SwitchCutShortIsUndoneByTheNextRun) {
    DemoCopy demo("200");
    const fs::path out = demo.tmp.path / "out";
    ASSERT_TRUE(cli({"run", "-q", "-o", out.string(), demo.original.string()}, demo.tmp.path).ok());
    const auto earlier = outputs(out);
    const HookedRun cut = run_hooked({"run", "--overwrite", "-o", out.string(), demo.reweighted.string()},
                                     "MINERISK_TEST_KILL_AT", "between renames", demo.tmp.path);
    ASSERT_TRUE(cut.killed()) << cut.err;
    ASSERT_FALSE(fs::exists(out));
    ASSERT_TRUE(fs::exists(demo.tmp.path / (".out.minerisk-" + std::to_string(cut.pid) + ".old")));
    // The next run is itself killed as it scores: the earlier outputs are back all the same, and in place.
    const HookedRun next = run_hooked({"run", "--overwrite", "-o", out.string(), demo.reweighted.string()},
                                      "MINERISK_TEST_KILL_AT", "scoring and writing", demo.tmp.path);
    ASSERT_TRUE(next.killed()) << next.err;
    EXPECT_TRUE(outputs(out) == earlier);
    // Put back, the folder is an earlier run's like any other: without --overwrite it is refused.
    const Result refused = cli({"run", "-q", "-o", out.string(), demo.original.string()}, demo.tmp.path);
    EXPECT_EQ(WEXITSTATUS(refused.status), 1) << refused.err;
    EXPECT_CONTAINS(refused.err, "--overwrite");
}

// ---- SIGTERM (Ctrl-C) -------------------------------------------------------------------------------------

// SIGTERM as each of four stages starts (MINERISK_TEST_SIGNAL_AT: the run signals itself, and its handler turns
// the signal into a cancel as for any SIGTERM): the run stops in that stage, exits 143 with one line, publishes
// nothing (a new folder is not created) and leaves nothing beside it.
TEST(AtomicOutputs, InterruptedRunCleansUpAndFails) {
    DemoCopy demo("200");
    const fs::path out = demo.tmp.path / "out";
    for (const std::string stage : {"scoring and writing", "zones", "finishing rasters", "exports"}) {
        SCOPED_TRACE("SIGTERM in '" + stage + "'");
        const HookedRun r = run_hooked({"run", "-o", out.string(), demo.original.string()}, "MINERISK_TEST_SIGNAL_AT", stage,
                                       demo.tmp.path);
        EXPECT_EQ(r.exit_code(), 143) << "status " << r.status << ":\n" << r.err;
        EXPECT_CONTAINS(r.err, "minerisk: cancelled by SIGTERM: nothing was published");
        EXPECT_FALSE(fs::exists(out)) << "nothing is published";
        EXPECT_EQ(temporaries(out), std::vector<std::string>{});
        // It stopped in that stage: no later stage was announced.
        const auto announced = stages_announced(r.err);
        ASSERT_FALSE(announced.empty());
        EXPECT_EQ(announced.back(), stage);
    }
}

// ---- the output folder is not the inputs' ----------------------------------------------------------------

// `-o .` in the scenario's folder (or a folder above it) would replace the inputs with outputs: refused, naming
// the input, before any input is read; nothing in the folder changes.
TEST(AtomicOutputs, AnOutputFolderHoldingTheInputsIsRefused) {
    DemoCopy demo("200");
    std::map<std::string, std::string> before;
    for (const auto& e : fs::recursive_directory_iterator(demo.tmp.path))
        if (e.is_regular_file()) before[e.path().string()] = file_bytes(e.path());
    for (const fs::path& o : {demo.dir, demo.tmp.path}) {
        SCOPED_TRACE(o.string());
        const Result r = cli({"run", "-q", "--overwrite", "-o", o.string(), demo.original.string()}, demo.tmp.path);
        EXPECT_EQ(WEXITSTATUS(r.status), 1) << r.err;
        EXPECT_CONTAINS(r.err, "the output folder holds an input of the run");
        EXPECT_CONTAINS(r.err, "choose an output folder outside the inputs' folders");
    }
    for (const auto& [path, bytes] : before) EXPECT_TRUE(fs::exists(path) && file_bytes(path) == bytes) << path;
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
