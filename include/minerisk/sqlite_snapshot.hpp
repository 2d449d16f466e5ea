// Reading an SQLite database (a GeoPackage, a SpatiaLite file) without writing to it.
//
// Opened read-only, SQLite still writes beside a database in WAL mode: it builds the -shm index, and GDAL
// (3.6, OGRSQLiteBaseDataSource::CloseDB) reopens a read-only database read-write on close to merge a
// pending -wal into it and delete the side files. An input is the planner's record and must come out of a
// run byte for byte as it went in, and IMMUTABLE=YES would silently ignore the edits the -wal holds. So a
// database with side files (or in WAL mode) is copied, with its log, into a private temporary folder and
// the copy is read: SQLite merges the log into the copy, and the input is never opened at all.
#pragma once
#include <memory>
#include <string>

namespace minerisk::files {

class SqliteSnapshot {
public:
    // A private copy of the SQLite database at `path` when reading it in place could write (a -wal,
    // -shm or -journal beside it, or WAL mode in its header); nullptr when it can be read in place (not
    // SQLite, not a local file, or a database in rollback mode with no side file). Throws
    // std::runtime_error naming the file when the copy cannot be made.
    static std::unique_ptr<SqliteSnapshot> take_if_needed(const std::string& path);
    ~SqliteSnapshot();  // removes the copy
    SqliteSnapshot(const SqliteSnapshot&) = delete;
    SqliteSnapshot& operator=(const SqliteSnapshot&) = delete;

    const std::string& path() const { return copy_; }  // what to open instead of the input
    // The name of the side file holding changes not yet in the database ("hazards.gpkg-wal"), or "".
    const std::string& pending_log() const { return pending_; }

private:
    SqliteSnapshot() = default;
    std::string folder_, copy_, pending_;
};

}  // namespace minerisk::files
