// The output folder of a run or a backtest, and the one way every output reaches it: written under a hidden
// temporary name beside its final name and renamed into place when complete, so that a failed or killed run never
// leaves a half-written file under an output's name, nor touches an earlier good one.
#pragma once
#include <string>

namespace minerisk {

// Checks, before any work, that `dir` is a folder that may be written: missing (it will be created), empty, or
// non-empty with `overwrite`. Throws Error naming the folder and what to do.
void check_output_folder(const std::string& dir, bool overwrite);

// check_output_folder, then creates the folder (and `subfolder`, when given) and removes the temporary files that
// killed runs left there. Throws Error.
void prepare_output_folder(const std::string& dir, bool overwrite, const std::string& subfolder = {});

// The temporary name used for a final path: same folder, hidden, ".NAME.PID.part".
std::string temporary_path_for(const std::string& final_path);

// Writes `bytes` to a temporary file beside `path` and renames it into place. Throws Error naming the file.
void write_file_atomically(const std::string& path, const std::string& bytes);

}  // namespace minerisk
