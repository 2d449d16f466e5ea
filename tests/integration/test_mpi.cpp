// The MPI build under mpirun (docs/scale-out.md): the same outputs whatever the number of ranks, and a rank that
// stops or dies fails the whole run without touching an earlier run's outputs. Compiled only when the build is
// told where the MPI build's command line is (MINERISK_MPI_CLI: `make mpi-test` sets it); label mpi.
//
// The demo scenario at 60 m (1 M cells, 16 tiles of 256 cells) keeps each run near a second: what is compared is
// how tiles travel between ranks, which the grid's size does not change. Open MPI is kept to this machine: the
// shared-memory transport (btl self,vader) and the loopback interface for mpirun's own messages.
#ifdef MINERISK_MPI_CLI
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "output_compare.hpp"
#include "run_outputs.hpp"
#include "shell_run.hpp"

namespace fs = std::filesystem;
using minerisk::test::comparable;
using minerisk::test::expect_same_outputs;
using minerisk::test::file_bytes;

namespace {

using Result = minerisk::test::ShellResult;
const auto shell = minerisk::test::run_shell;

// `env` is passed to every rank (mpirun -x NAME=VALUE).
std::string mpirun(int ranks, const std::string& env = "") {
    return "mpirun --allow-run-as-root --oversubscribe --mca btl self,vader --mca oob_tcp_if_include lo -np " +
           std::to_string(ranks) + (env.empty() ? "" : " -x " + env) + " " + MINERISK_MPI_CLI;
}

class Mpi : public ::testing::Test {
protected:
    void SetUp() override {
        GDALAllRegister();
        base = fs::temp_directory_path() / ("minerisk-mpi-" + std::to_string(::getpid()));
        fs::remove_all(base);
        fs::create_directories(base);
        // The demo scenario, coarser, reading the demo's data where it lies.
        const fs::path demo = fs::path(MINERISK_TESTDATA) / "demo";
        std::string text = file_bytes(demo / "scenario.yaml");
        text = std::regex_replace(text, std::regex("\nresolution: 20\n"), "\nresolution: 60\n");
        text = std::regex_replace(text, std::regex("path: data/"), "path: " + (demo / "data").string() + "/");
        scenario = (base / "scenario.yaml").string();
        std::ofstream(scenario) << text;
    }
    void TearDown() override {
        if (!HasFailure()) fs::remove_all(base);  // kept on failure, to look at
    }
    std::string run_args(const fs::path& out, int threads = 1) const {
        return " run -q -j " + std::to_string(threads) + " --tile-size 256 -o " + out.string() + " --overwrite " + scenario;
    }
    // What a run in `parent` left beside its outputs: staging folders and moved-aside outputs.
    std::vector<std::string> temporaries() const {
        std::vector<std::string> left;
        for (const auto& e : fs::directory_iterator(base))
            if (e.path().filename().string().find(".minerisk-") != std::string::npos) left.push_back(e.path().string());
        return left;
    }
    // A good run into `out` under -np 2: its outputs, as snapshot() gives them (empty when it failed).
    std::map<std::string, std::string> earlier_run(const fs::path& out) const {
        const Result r = shell(mpirun(2) + run_args(out), base);
        EXPECT_EQ(r.code, 0) << r.err;
        return r.code == 0 ? snapshot(out) : std::map<std::string, std::string>{};
    }
    // Every output's comparable bytes, by relative path.
    std::map<std::string, std::string> snapshot(const fs::path& out) const {
        std::map<std::string, std::string> files;
        for (const auto& e : fs::recursive_directory_iterator(out))
            if (e.is_regular_file()) files[fs::relative(e.path(), out).string()] = comparable(e.path());
        return files;
    }
    fs::path base;
    std::string scenario;
};

TEST_F(Mpi, SameOutputsWhateverTheNumberOfRanks) {
    // The reference: the same program as one process, without mpirun, on two threads (the same program, so that
    // run.json's plugin paths agree; the default MPI-free build's rasters are compared below).
    const std::string alone = " run -q -j 2 --tile-size 256 -o ";
    const Result single = shell(std::string(MINERISK_MPI_CLI) + alone + (base / "single").string() + " " + scenario, base);
    ASSERT_EQ(single.code, 0) << single.err;
    const Result plain = shell(std::string(MINERISK_CLI) + alone + (base / "plain").string() + " " + scenario, base);
    ASSERT_EQ(plain.code, 0) << plain.err;
    size_t rasters = 0;
    for (const auto& f : minerisk::test::files_under(base / "plain"))
        if (fs::path(f).extension() == ".tif") {
            ++rasters;
            EXPECT_TRUE(file_bytes(base / "plain" / f) == file_bytes(base / "single" / f)) << f << ": the MPI build "
                "alone differs from the default build";
        }
    EXPECT_GE(rasters, 12u);
    for (int n = 1; n <= 4; ++n) {
        const fs::path out = base / ("np" + std::to_string(n));
        // -np 2 with two threads a rank: several threads of a rank send at once (MPI_THREAD_MULTIPLE).
        const Result r = shell(mpirun(n) + run_args(out, n == 2 ? 2 : 1), base);
        ASSERT_EQ(r.code, 0) << "-np " << n << ": " << r.err;
        // One voice: rank 0 prints the summary once, the others nothing.
        size_t summaries = 0;
        for (size_t at = r.out.find("minerisk run:"); at != std::string::npos; at = r.out.find("minerisk run:", at + 1))
            ++summaries;
        EXPECT_EQ(summaries, 1u) << "-np " << n << ":\n" << r.out;
        expect_same_outputs(base / "single", out, "one process against mpirun -np " + std::to_string(n));
        EXPECT_NE(file_bytes(out / "run.json").find("\"mpi_ranks\": " + std::to_string(n)), std::string::npos)
            << "run.json records the number of ranks";
        // Rank 0 hands the tiles out: each of the 16 tiles once, to some rank, and what each rank sent is counted
        // (rank 0 sends nothing; the others about 4 B per cell and band for each of their tiles).
        if (n == 1) continue;
        const auto by_rank = nlohmann::json::parse(file_bytes(out / "run.json"))["run"]["mpi_by_rank"];
        ASSERT_EQ(by_rank.size(), static_cast<size_t>(n)) << "run.json lists every rank";
        std::int64_t tiles = 0;
        for (const auto& r : by_rank) {
            tiles += r["tiles"].get<std::int64_t>();
            const std::int64_t bytes = r["bytes_sent"].get<std::int64_t>();
            if (r["rank"].get<int>() == 0) EXPECT_EQ(bytes, 0);
            else EXPECT_GE(bytes, r["tiles"].get<std::int64_t>() * 256 * 256 * 4) << "rank " << r["rank"] << " sent its tiles";
        }
        EXPECT_EQ(tiles, 16) << "every tile scored once";
    }
}

TEST_F(Mpi, ARankThatStopsFailsTheRunInOneLineAndLeavesEarlierOutputs) {
    const fs::path out = base / "out";
    const auto before = earlier_run(out);
    ASSERT_FALSE(before.empty());
    // SIGTERM to every rank but 0 as it starts its tiles: the rank cancels and tells rank 0, which fails the run.
    const Result r = shell(mpirun(3, "MINERISK_TEST_SIGNAL_AT='rank scoring'") + run_args(out), base);
    EXPECT_NE(r.code, 0);
    const std::string first = r.err.substr(0, r.err.find('\n'));
    EXPECT_TRUE(std::regex_search(first, std::regex("^minerisk: error: rank [12] of 3 failed: cancelled")))
        << "the first line: " << first << "\nall of stderr:\n" << r.err;
    size_t errors = 0;
    for (size_t at = r.err.find("minerisk: error"); at != std::string::npos; at = r.err.find("minerisk: error", at + 1))
        ++errors;
    EXPECT_EQ(errors, 1u) << "one line for the whole run:\n" << r.err;
    EXPECT_TRUE(snapshot(out) == before) << "the earlier outputs changed";
}

TEST_F(Mpi, ARankThatDiesFailsTheRunAndTheNextRunRemovesTheTemporaries) {
    const fs::path out = base / "out";
    const auto before = earlier_run(out);
    ASSERT_FALSE(before.empty());
    // SIGKILL to rank 1 as it starts its tiles: nothing of it can speak; mpirun ends the job and names the rank.
    const Result r = shell(mpirun(2, "MINERISK_TEST_KILL_AT='rank scoring'") + run_args(out), base);
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.err.find("rank 1"), std::string::npos) << "mpirun names the rank that died:\n" << r.err;
    EXPECT_TRUE(snapshot(out) == before) << "the earlier outputs changed";
    // The next run succeeds and removes what the killed one left (its staging folder).
    const Result next = shell(mpirun(2) + run_args(out), base);
    ASSERT_EQ(next.code, 0) << next.err;
    EXPECT_TRUE(temporaries().empty()) << temporaries().front();
    EXPECT_TRUE(snapshot(out) == before) << "the same inputs give the same outputs again";
}

TEST_F(Mpi, OnlyARunIsSpreadOverTheRanks) {
    // validate under mpirun: every rank but 0 ends at once, rank 0 validates and prints once.
    const Result r = shell(mpirun(3) + " validate " + scenario, base);
    EXPECT_EQ(r.code, 0) << r.err;
    const std::string valid = "The scenario is valid.";
    EXPECT_NE(r.out.find(valid), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find(valid), r.out.rfind(valid)) << "printed once:\n" << r.out;
}

}  // namespace
#endif
