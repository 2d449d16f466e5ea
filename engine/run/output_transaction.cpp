// The output folder as one transaction (include/minerisk/output_transaction.hpp): staging, clean-up after dead
// runs, the switch, and the carry-over of a user's own files.
#include "minerisk/output_transaction.hpp"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "minerisk/cancel.hpp"
#include "minerisk/error.hpp"
#include "minerisk/output_folder.hpp"

namespace fs = std::filesystem;

namespace minerisk {

namespace {

const char* const kTag = ".minerisk-";

// ".NAME.minerisk-PID.KIND" for the output folder NAME.
std::string sibling_name(const fs::path& out, pid_t pid, const char* kind) {
    return "." + out.filename().string() + kTag + std::to_string(pid) + "." + kind;
}

// A zombie (killed, not yet reaped: under mpirun the killed rank stays one for a moment after mpirun ends) is
// dead: it writes nothing more.
bool zombie(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return false;
    const size_t paren = line.rfind(')');  // "PID (name) STATE ...": the name may hold spaces and parentheses
    return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z';
}

bool process_alive(pid_t pid) {
    if (pid == getpid()) return true;
    if (kill(pid, 0) != 0 && errno == ESRCH) return false;
    return !zombie(pid);
}

// What dead runs left beside `out`: their staging folders are removed; a ".old" folder (the earlier outputs, moved
// aside by a switch that was cut short) is put back when the output folder is missing, else removed.
void clean_up_dead_runs(const fs::path& out) {
    std::error_code ec;
    const std::string prefix = "." + out.filename().string() + kTag;
    for (const auto& e : fs::directory_iterator(out.parent_path(), ec)) {
        const std::string name = e.path().filename().string();
        if (name.compare(0, prefix.size(), prefix) != 0) continue;
        const std::string rest = name.substr(prefix.size());  // PID.KIND
        const auto dot = rest.find('.');
        if (dot == std::string::npos || dot == 0 || rest.find_first_not_of("0123456789") != dot) continue;
        const std::string kind = rest.substr(dot + 1);
        if (kind != "staging" && kind != "old") continue;
        if (process_alive(static_cast<pid_t>(std::atol(rest.substr(0, dot).c_str())))) continue;
        std::error_code e2;
        if (kind == "old" && !fs::exists(out, e2)) {
            fs::rename(e.path(), out, e2);
            if (!e2) continue;
        }
        fs::remove_all(e.path(), e2);
    }
}

// The files the earlier run wrote, as its run.json lists them (relative paths), and run.json itself.
std::set<std::string> earlier_outputs(const fs::path& out) {
    std::set<std::string> files;
    std::ifstream in(out / "run.json");
    if (!in) return files;
    files.insert("run.json");
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.contains("outputs") || !j["outputs"].is_array()) return files;
    for (const auto& o : j["outputs"])
        if (o.is_object() && o.contains("file") && o["file"].is_string()) files.insert(o["file"].get<std::string>());
    return files;
}

// A user's own files in the earlier folder (not an earlier output, not replaced by the new run) go into the new
// one as hard links (a copy where the file system has none), so that --overwrite replaces outputs, not notes.
void carry_over(const fs::path& out, const fs::path& staging) {
    const std::set<std::string> earlier = earlier_outputs(out);
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(out, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const fs::path rel = it->path().lexically_relative(out);
        const std::string name = it->path().filename().string();
        const bool leftover = name.size() > 5 && name[0] == '.' && name.find(".part") != std::string::npos;
        if (it->is_directory() || leftover || earlier.count(rel.generic_string())) continue;
        const fs::path to = staging / rel;
        std::error_code e2;
        if (fs::exists(to, e2)) continue;
        fs::create_directories(to.parent_path(), e2);
        fs::create_hard_link(it->path(), to, e2);
        if (e2) fs::copy(it->path(), to, fs::copy_options::copy_symlinks, e2);
        if (e2)
            throw Error("cannot keep a file of the earlier output folder: " + e2.message(), Location{it->path().string()},
                        "move it out of the output folder, or choose another -o");
    }
}

// True when `folder` is `file` or one of its ancestors (both absolute and normal).
bool holds(const fs::path& folder, const fs::path& file) {
    const auto mismatch = std::mismatch(folder.begin(), folder.end(), file.begin(), file.end());
    const auto f = mismatch.first;
    return f == folder.end() || (f->empty() && std::next(f) == folder.end());
}

fs::path normal_absolute(const std::string& p) {
    std::error_code ec;
    fs::path a = fs::weakly_canonical(fs::absolute(p), ec);
    if (ec) a = fs::absolute(p).lexically_normal();
    return a;
}

}  // namespace

void check_output_apart_from_inputs(const std::string& output_dir, const std::vector<std::string>& inputs) {
    const fs::path out = normal_absolute(output_dir);
    for (const auto& in : inputs)
        if (holds(out, normal_absolute(in)))
            throw Error("the output folder holds an input of the run (" + in + "), which the outputs could replace",
                        Location{output_dir}, "choose an output folder outside the inputs' folders");
}

void test_kill_point(const char* point) {
    const char* at = std::getenv("MINERISK_TEST_KILL_AT");
    if (at && std::strcmp(at, point) == 0) kill(getpid(), SIGKILL);
    const char* signal_at = std::getenv("MINERISK_TEST_SIGNAL_AT");
    if (signal_at && std::strcmp(signal_at, point) == 0) kill(getpid(), SIGTERM);  // handled: the run goes on, cancelled
}

OutputTransaction::OutputTransaction(const std::string& output_dir, bool overwrite, const std::vector<std::string>& inputs,
                                     const std::vector<std::string>& subfolders) {
    if (output_dir.empty()) throw Error("the output folder is empty", {}, "give -o FOLDER");
    const fs::path out = normal_absolute(output_dir);
    if (out == out.root_path() || out.filename().empty())
        throw Error("the output folder cannot be a file system's root", Location{output_dir}, "choose another -o");
    output_dir_ = out.string();
    clean_up_dead_runs(out);  // first: a folder put back is then checked like any other
    check_output_folder(output_dir_, overwrite);
    check_output_apart_from_inputs(output_dir, inputs);
    staging_ = (out.parent_path() / sibling_name(out, getpid(), "staging")).string();
    std::error_code ec;
    fs::remove_all(staging_, ec);
    fs::create_directories(out.parent_path(), ec);
    if (!ec) fs::create_directory(staging_, ec);
    if (ec)
        throw Error("cannot create the output folder: " + ec.message(), Location{output_dir}, "check the permissions of its parent folder");
    for (const auto& s : subfolders) fs::create_directories(fs::path(staging_) / s, ec);
}

OutputTransaction::~OutputTransaction() {
    if (committed_) return;
    std::error_code ec;
    fs::remove_all(staging_, ec);
}

std::string OutputTransaction::published_path(const std::string& path) const {
    const fs::path rel = fs::path(path).lexically_relative(staging_);
    if (rel.empty() || *rel.begin() == "..") return path;
    return (fs::path(output_dir_) / rel).lexically_normal().string();
}

Error OutputTransaction::published(const Error& e) const {
    const auto swap = [&](std::string text) {
        for (size_t at = text.find(staging_); at != std::string::npos; at = text.find(staging_, at + output_dir_.size()))
            text.replace(at, staging_.size(), output_dir_);
        return text;
    };
    Location where = e.where();
    where.file = swap(where.file);
    return Error(swap(e.problem()), where, swap(e.hint()));
}

void OutputTransaction::commit() {
    if (cancel_requested()) throw Error("cancelled");
    const fs::path out(output_dir_), staging(staging_);
    std::error_code ec;
    std::string left_over = staging_;  // after an exchange, the earlier outputs are under the staging name
    test_kill_point("before switch");
    if (!fs::exists(out, ec)) {
        if (::rename(staging_.c_str(), output_dir_.c_str()) != 0)
            throw Error(std::string("cannot move the outputs into place: ") + std::strerror(errno), Location{output_dir_});
    } else {
        carry_over(out, staging);
        // One step: the two folders trade names (Linux 3.15+; ext4, XFS, Btrfs, tmpfs). Elsewhere two renames, the
        // earlier folder first moved aside under a name the next run knows to put back.
        const bool forced = std::getenv("MINERISK_TEST_KILL_AT") &&
                            std::strcmp(std::getenv("MINERISK_TEST_KILL_AT"), "between renames") == 0;
        if (forced || renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, output_dir_.c_str(), RENAME_EXCHANGE) != 0) {
            const std::string old = (out.parent_path() / sibling_name(out, getpid(), "old")).string();
            if (::rename(output_dir_.c_str(), old.c_str()) != 0)
                throw Error(std::string("cannot move the earlier outputs aside: ") + std::strerror(errno), Location{output_dir_});
            test_kill_point("between renames");
            if (::rename(staging_.c_str(), output_dir_.c_str()) != 0) {
                const int err = errno;
                ::rename(old.c_str(), output_dir_.c_str());
                throw Error(std::string("cannot move the outputs into place: ") + std::strerror(err), Location{output_dir_});
            }
            left_over = old;
        }
    }
    committed_ = true;
    test_kill_point("after switch");
    fs::remove_all(left_over, ec);  // the earlier outputs
}

}  // namespace minerisk
