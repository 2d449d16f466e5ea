// OutputTransaction (engine/run/output_transaction.cpp): the staging folder, the switch, the carry-over of a
// user's files, the clean-up after dead runs, and the refusal of an output folder that holds an input. The
// kill tests of tests/integration/test_atomic_outputs.cpp show the same through the CLI.
#include "minerisk/output_transaction.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <sstream>

#include "../../support/temp_dir.hpp"
#include "minerisk/cancel.hpp"
#include "minerisk/error.hpp"

namespace fs = std::filesystem;
using minerisk::Error;
using minerisk::OutputTransaction;

namespace {

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// A process id that no process has: what a dead run's leftovers are named with.
pid_t dead_pid() {
    for (pid_t p = 4000000; p > 1000; --p)
        if (kill(p, 0) != 0 && errno == ESRCH) return p;
    return 0;
}

}  // namespace

TEST(OutputTransaction, WritesIntoStagingAndPublishesInOneSwitch) {
    minerisk::test::TempDir tmp;
    const fs::path out = tmp.path / "out";
    {
        OutputTransaction tx(out.string(), false, {}, {"factors"});
        EXPECT_EQ(fs::path(tx.staging()).parent_path(), tmp.path) << "beside the output folder: same file system";
        EXPECT_TRUE(fs::is_directory(fs::path(tx.staging()) / "factors"));
        write(fs::path(tx.staging()) / "risk.tif", "new");
        EXPECT_FALSE(fs::exists(out)) << "nothing is published before the commit";
        EXPECT_EQ(tx.published_path(tx.staging() + "/risk.tif"), (out / "risk.tif").string());
        tx.commit();
        EXPECT_FALSE(fs::exists(tx.staging()));
    }
    EXPECT_EQ(read(out / "risk.tif"), "new");
}

TEST(OutputTransaction, WithoutCommitTheOutputFolderIsUntouched) {
    minerisk::test::TempDir tmp;
    const fs::path out = tmp.path / "out";
    write(out / "risk.tif", "earlier");
    std::string staging;
    {
        OutputTransaction tx(out.string(), true, {});
        staging = tx.staging();
        write(fs::path(staging) / "risk.tif", "new");
    }  // an error: no commit
    EXPECT_FALSE(fs::exists(staging));
    EXPECT_EQ(read(out / "risk.tif"), "earlier");
}

// The earlier run's outputs (its run.json lists them) go with the earlier folder; a planner's own file stays.
TEST(OutputTransaction, OverwriteKeepsAUsersFilesButNotEarlierOutputs) {
    minerisk::test::TempDir tmp;
    const fs::path out = tmp.path / "out";
    write(out / "run.json", R"({"outputs": [{"file": "risk.tif"}, {"file": "sign_plan.csv"}]})");
    write(out / "risk.tif", "earlier");
    write(out / "sign_plan.csv", "earlier plan");
    write(out / "notes" / "field visit.txt", "a planner's notes");
    OutputTransaction tx(out.string(), true, {});
    write(fs::path(tx.staging()) / "risk.tif", "new");
    write(fs::path(tx.staging()) / "run.json", R"({"outputs": [{"file": "risk.tif"}]})");
    tx.commit();
    EXPECT_EQ(read(out / "risk.tif"), "new");
    EXPECT_FALSE(fs::exists(out / "sign_plan.csv")) << "an earlier output the new run does not write is not kept";
    EXPECT_EQ(read(out / "notes" / "field visit.txt"), "a planner's notes");
}

TEST(OutputTransaction, ANonEmptyFolderNeedsOverwrite) {
    minerisk::test::TempDir tmp;
    write(tmp.path / "out" / "x.txt", "x");
    EXPECT_THROW(OutputTransaction((tmp.path / "out").string(), false, {}), Error);
    EXPECT_THROW(OutputTransaction("", true, {}), Error);
}

TEST(OutputTransaction, AnOutputFolderHoldingAnInputIsRefused) {
    minerisk::test::TempDir tmp;
    write(tmp.path / "data" / "hazards.gpkg", "gpkg");
    const std::string input = (tmp.path / "data" / "hazards.gpkg").string();
    for (const fs::path& o : {tmp.path / "data", tmp.path, tmp.path / "data" / "."}) {
        try {
            OutputTransaction tx(o.string(), true, {input});
            ADD_FAILURE() << o << " was accepted";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("holds an input of the run (" + input + ")"), std::string::npos) << e.what();
        }
    }
    // A sibling whose name starts the same is not above the input.
    EXPECT_NO_THROW(OutputTransaction((tmp.path / "data-out").string(), false, {input}));
}

// A dead run's staging folder is removed; its ".old" folder (a switch cut short) is put back when the output folder
// is missing. A live run's are left alone.
TEST(OutputTransaction, CleansUpAfterDeadRuns) {
    minerisk::test::TempDir tmp;
    const pid_t dead = dead_pid();
    ASSERT_GT(dead, 0);
    const fs::path out = tmp.path / "out";
    const fs::path dead_staging = tmp.path / (".out.minerisk-" + std::to_string(dead) + ".staging");
    const fs::path dead_old = tmp.path / (".out.minerisk-" + std::to_string(dead) + ".old");
    const fs::path live_staging = tmp.path / (".out.minerisk-1.staging");  // init never dies
    write(dead_staging / "risk.tif", "half");
    write(dead_old / "risk.tif", "earlier");
    write(live_staging / "risk.tif", "another run's");
    OutputTransaction tx(out.string(), true, {});
    EXPECT_FALSE(fs::exists(dead_staging));
    EXPECT_FALSE(fs::exists(dead_old));
    EXPECT_EQ(read(out / "risk.tif"), "earlier") << "the earlier outputs are back under their name";
    EXPECT_TRUE(fs::exists(live_staging)) << "a running process's staging folder is not touched";
}

TEST(OutputTransaction, ACancelledRunIsNotPublished) {
    minerisk::test::TempDir tmp;
    const fs::path out = tmp.path / "out";
    OutputTransaction tx(out.string(), false, {});
    write(fs::path(tx.staging()) / "risk.tif", "new");
    minerisk::request_cancel();
    EXPECT_THROW(tx.commit(), Error);
    minerisk::clear_cancel();  // the other tests of this program run uncancelled
    EXPECT_FALSE(fs::exists(out));
}
