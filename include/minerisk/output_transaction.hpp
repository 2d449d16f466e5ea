// A run's outputs as one transaction. Everything is written into a staging folder beside the output folder
// (".NAME.minerisk-PID.staging", same parent, so same file system and the same relative paths to the inputs), and
// switched into place in one step when the run is complete: killed at any point, even with SIGKILL, the output
// folder holds exactly the earlier run's outputs or exactly the new run's, never a mix. The next run for the same
// output folder removes what a dead run left, and puts back an earlier folder that a switch cut short had moved
// aside. docs/design.md ("Outputs") says why a folder switch and not a manifest.
#pragma once
#include <string>
#include <vector>

#include "minerisk/error.hpp"

namespace minerisk {

class OutputTransaction {
public:
    // Cleans up after dead runs, then checks `output_dir` (check_output_folder: missing, empty, or --overwrite) and
    // that it neither is nor lies above any of `inputs` (files the run reads), and creates the staging folder with
    // `subfolders`. Throws Error naming the folder, or the input it holds, and what to do.
    OutputTransaction(const std::string& output_dir, bool overwrite, const std::vector<std::string>& inputs,
                      const std::vector<std::string>& subfolders = {});
    // Without a commit (an error, a cancel): removes the staging folder; the output folder is untouched.
    ~OutputTransaction();
    OutputTransaction(const OutputTransaction&) = delete;
    OutputTransaction& operator=(const OutputTransaction&) = delete;

    // The folder the run writes into (absolute).
    const std::string& staging() const { return staging_; }
    // The output folder (absolute), where the outputs are once committed.
    const std::string& output_dir() const { return output_dir_; }
    // `path` inside the staging folder, as it will be named in the output folder once committed.
    std::string published_path(const std::string& path) const;
    // `e` with the staging folder's name replaced by the output folder's, so that a failed write names the file
    // the user knows ("out/risk.tif"), not a hidden folder that is gone by the time the message is read.
    Error published(const Error& e) const;

    // Switches the staging folder into place. Files of the earlier folder that are not the earlier run's outputs
    // (listed in its run.json) and that the new run did not write (a user's notes, say) are carried over as hard
    // links first. Refuses when the run was cancelled. Throws Error; the output folder is then as it was.
    void commit();

private:
    std::string output_dir_;
    std::string staging_;
    bool committed_ = false;
};

// The local files a scenario reads (the scenario file, every input that is a file, plugin folders, factor
// parameters that name an existing file): the output folder must hold none of them.
struct Scenario;
std::vector<std::string> files_read(const Scenario& scenario);

// Throws Error when `output_dir` is, or lies above, one of `inputs`, naming it. Checked by OutputTransaction, and
// by the command line before any input is read.
void check_output_apart_from_inputs(const std::string& output_dir, const std::vector<std::string>& inputs);

// For tests of the kill points (docs/testing.md): when MINERISK_TEST_KILL_AT names `point`, the process sends
// itself SIGKILL there; when MINERISK_TEST_SIGNAL_AT does, SIGTERM (which the command line's handler turns into a
// cancel, so the test sees how the stage stops). Points: each stage's name as it starts (StageClock), and "before
// switch", "between renames" (forces the two-rename switch), "after switch", "database rows written" (PostGIS
// sink), "rank scoring" (an MPI rank other than 0, as it starts its tiles).
void test_kill_point(const char* point);

}  // namespace minerisk
