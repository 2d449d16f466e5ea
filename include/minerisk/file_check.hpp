// Refusing what only looks like a data file: a named pipe, a device, a folder, or a file far too large.
// Checked with stat() before anything opens the path, because opening a FIFO for reading blocks until a
// writer appears (a hung run), and reading /dev/zero never ends.
#pragma once
#include <cstdint>
#include <string>

namespace minerisk::files {

// What a path may be besides a plain file. A folder ending in ".gdb" (an Esri File Geodatabase is a folder)
// is accepted only when folder_gdb is set.
struct FileRules {
    std::uintmax_t max_bytes = 0;  // 0: no limit
    bool folder_gdb = false;
};

// True for what is not a path on the local file system: a connection string (PG:, MYSQL:, ...), a URL or a
// GDAL virtual path (/vsi...). Those are GDAL's to open.
bool is_not_a_local_path(const std::string& path);

// Why the path cannot be read as one file, e.g. "a named pipe (FIFO), not a file", or "" when it can, when it
// does not exist (each caller says that in its own words) or when it is not a local path.
std::string not_a_file(const std::string& path, const FileRules& rules = {});

// A byte count for a message: "512 bytes", "3.2 KiB", "5.0 MiB", "1.2 GiB".
std::string byte_size(std::uintmax_t bytes);

}  // namespace minerisk::files
