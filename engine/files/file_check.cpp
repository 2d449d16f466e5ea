// stat(), not open(): see file_check.hpp.
#include "minerisk/file_check.hpp"

#include <strings.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstring>

namespace minerisk::files {

bool is_not_a_local_path(const std::string& path) {
    static const char* const prefixes[] = {"/vsi", "PG:", "MYSQL:", "OCI:", "MSSQL:", "ODBC:"};
    for (const char* p : prefixes)
        if (path.size() >= std::strlen(p) && strncasecmp(path.c_str(), p, std::strlen(p)) == 0) return true;
    return path.find("://") != std::string::npos;
}

std::string byte_size(std::uintmax_t bytes) {
    if (bytes < 1024) return std::to_string(bytes) + " bytes";
    const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes) / 1024;
    int u = 0;
    while (v >= 1024 && u < 3) {
        v /= 1024;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

std::string not_a_file(const std::string& path, const FileRules& rules) {
    if (path.empty() || is_not_a_local_path(path)) return "";
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return "";  // missing or unreachable: the caller's own message
    const mode_t type = st.st_mode & S_IFMT;
    if (type == S_IFIFO) return "a named pipe (FIFO), not a file";
    if (type == S_IFCHR) return "a character device, not a file";
    if (type == S_IFBLK) return "a block device (a disk), not a file";
    if (type == S_IFSOCK) return "a socket, not a file";
    if (type == S_IFDIR) {
        const bool gdb = path.size() >= 4 && strcasecmp(path.c_str() + path.size() - 4, ".gdb") == 0;
        const bool gdb_slash = path.size() >= 5 && strcasecmp(path.c_str() + path.size() - 5, ".gdb/") == 0;
        if (rules.folder_gdb && (gdb || gdb_slash)) return "";
        return "a folder, not a file";
    }
    if (type != S_IFREG) return "not a regular file";
    const auto size = static_cast<std::uintmax_t>(st.st_size);
    if (rules.max_bytes > 0 && size > rules.max_bytes)
        return byte_size(size) + ", over the limit of " + byte_size(rules.max_bytes);
    return "";
}

}  // namespace minerisk::files
