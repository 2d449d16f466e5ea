// The output folder: checked before any work, created when the run starts, cleaned of what killed runs left, and
// the atomic write every small output goes through (rasters have their own, in io/raster_writer.cpp).
#include "minerisk/output_folder.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "minerisk/error.hpp"

namespace fs = std::filesystem;

namespace minerisk {

namespace {

// Temporary files of runs that were killed (".NAME.PID.part..."): removed when their process is gone.
void remove_stale_temporaries(const fs::path& dir) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        const auto part = name.find(".part");
        if (name.empty() || name[0] != '.' || part == std::string::npos) continue;
        const auto dot = name.rfind('.', part - 1);
        if (dot == std::string::npos) continue;
        const std::string pid_text = name.substr(dot + 1, part - dot - 1);
        if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
        const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
        if (pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH) fs::remove(e.path(), ec);
    }
}

}  // namespace

void check_output_folder(const std::string& dir, bool overwrite) {
    if (dir.empty()) throw Error("the output folder is empty", {}, "give -o FOLDER");  // `-o ""`
    std::error_code ec;
    if (fs::exists(dir, ec)) {
        if (!fs::is_directory(dir, ec)) throw Error("the output path exists and is not a folder", Location{dir}, "choose another -o");
        if (!overwrite && !fs::is_empty(dir, ec))
            throw Error("the output folder exists and is not empty", Location{dir},
                        "pass --overwrite to replace its outputs, or choose another -o");
    }
}

void prepare_output_folder(const std::string& dir, bool overwrite, const std::string& subfolder) {
    check_output_folder(dir, overwrite);
    std::error_code ec;
    fs::create_directories(subfolder.empty() ? fs::path(dir) : fs::path(dir) / subfolder, ec);
    if (ec) throw Error("cannot create the output folder: " + ec.message(), Location{dir}, "check permissions");
    remove_stale_temporaries(dir);
    if (!subfolder.empty()) remove_stale_temporaries(fs::path(dir) / subfolder);
}

std::string temporary_path_for(const std::string& final_path) {
    const fs::path p(final_path);
    return (p.parent_path() / ("." + p.filename().string() + "." + std::to_string(getpid()) + ".part")).string();
}

void write_file_atomically(const std::string& path, const std::string& bytes) {
    const std::string tmp = temporary_path_for(path);
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << bytes;
        out.close();
        if (!out) {
            std::remove(tmp.c_str());
            throw Error("cannot write the file", Location{path}, "check the free space in the output folder");
        }
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        std::remove(tmp.c_str());
        throw Error("cannot move the file into place: " + ec.message(), Location{path});
    }
}

}  // namespace minerisk
