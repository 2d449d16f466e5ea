// See sqlite_snapshot.hpp for why an SQLite input is copied rather than opened.
#include "minerisk/sqlite_snapshot.hpp"

#include <stdlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include "minerisk/file_check.hpp"

namespace minerisk::files {
namespace fs = std::filesystem;

namespace {

// The first 20 bytes of the file: SQLite's magic string, and the file format versions at bytes 18-19
// (2 = WAL mode).
bool read_header(const std::string& path, unsigned char (&head)[20]) {
    std::ifstream in(path, std::ios::binary);
    if (!in.read(reinterpret_cast<char*>(head), sizeof head)) return false;
    return std::memcmp(head, "SQLite format 3", 16) == 0;
}

bool non_empty(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec) && fs::file_size(p, ec) > 0 && !ec;
}

}  // namespace

std::unique_ptr<SqliteSnapshot> SqliteSnapshot::take_if_needed(const std::string& path) {
    if (path.empty() || is_not_a_local_path(path) || !not_a_file(path).empty()) return nullptr;
    unsigned char head[20];
    if (!read_header(path, head)) return nullptr;
    const fs::path db(path), wal(path + "-wal"), shm(path + "-shm"), journal(path + "-journal");
    std::error_code ec;
    const bool wal_mode = head[18] == 2 || head[19] == 2;
    if (!wal_mode && !fs::exists(wal, ec) && !fs::exists(shm, ec) && !fs::exists(journal, ec)) return nullptr;

    std::unique_ptr<SqliteSnapshot> s(new SqliteSnapshot());
    std::string tmpl = (fs::temp_directory_path(ec) / "minerisk-input-XXXXXX").string();
    if (ec || !::mkdtemp(tmpl.data()))
        throw std::runtime_error("cannot make a private copy of '" + path + "' to read it without writing to it: no temporary "
                                 "folder could be made (" + std::string(std::strerror(errno)) + ")");
    s->folder_ = tmpl;
    s->copy_ = (fs::path(tmpl) / db.filename()).string();
    // The log before the database: a program merging the log meanwhile then leaves pages the copied log
    // also holds (replayed twice, the same bytes), never a log whose pages the copied database lacks.
    auto copy = [&](const fs::path& from, const std::string& suffix) {
        if (!fs::exists(from, ec)) return;
        fs::copy_file(from, s->copy_ + suffix, fs::copy_options::overwrite_existing, ec);
        if (ec)
            throw std::runtime_error("cannot make a private copy of '" + from.string() + "' in " + s->folder_ +
                                     " to read it without writing to it: " + ec.message());
    };
    copy(wal, "-wal");
    copy(journal, "-journal");  // a hot journal: SQLite rolls it back, in the copy
    copy(db, "");
    // The -shm index is not copied: SQLite rebuilds it from the log.
    if (non_empty(wal)) s->pending_ = wal.filename().string();
    else if (non_empty(journal)) s->pending_ = journal.filename().string();
    return s;
}

SqliteSnapshot::~SqliteSnapshot() {
    std::error_code ec;
    if (!folder_.empty()) fs::remove_all(folder_, ec);
}

}  // namespace minerisk::files
