// Comparing the outputs of two runs (tests/integration: determinism and kill tests). Leaves out what says how a
// run went, not what it found: the seconds and CPU seconds of each stage in run.json and report.html's "Time per
// stage" section, run.json's "run" record (start and end times, command line) and the GeoPackage's timestamps (the
// run's start: gpkg_contents.last_change, layer_styles.update_time) - they differ from run to run by nature - and,
// report.html's "Prepared on" time (the run's start) and, when asked, report.html's "Threads, tile size" row.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace minerisk::test {

inline std::string file_bytes(const std::filesystem::path& p) {
    std::stringstream ss;
    ss << std::ifstream(p, std::ios::binary).rdbuf();
    return ss.str();
}

// Removes from `text` the first piece that starts with `start` and ends with `end` (included).
inline void cut(std::string& text, const std::string& start, const std::string& end) {
    const size_t from = text.find(start);
    const size_t to = from == std::string::npos ? from : text.find(end, from);
    if (to != std::string::npos) text.erase(from, to + end.size() - from);
}

// Every "YYYY-MM-DDTHH:MM:SS" in `bytes` (a time, never a plain date: the GeoPackage's date fields have no 'T')
// with its digits zeroed. SQLite stores text as it is, so an equal-length replacement keeps the file's layout.
inline void zero_timestamps(std::string& bytes) {
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    const size_t n = sizeof(shape) - 1;
    for (size_t i = 0; i + n <= bytes.size(); ++i) {
        size_t k = 0;
        for (; k < n; ++k) {
            const char c = bytes[i + k];
            if (shape[k] == 'd' ? (c < '0' || c > '9') : c != shape[k]) break;
        }
        if (k < n) continue;
        for (k = 0; k < n; ++k)
            if (shape[k] == 'd') bytes[i + k] = '0';
        i += n - 1;
    }
}

// An output's bytes as compared between runs.
inline std::string comparable(const std::filesystem::path& file, bool without_threads_row = false) {
    std::string bytes = file_bytes(file);
    if (file.filename() == "run.json") {
        cut(bytes, "\"stages\": [", "\n  ]");
        cut(bytes, "\"run\": {", "\n  }");
    }
    if (file.extension() == ".gpkg") zero_timestamps(bytes);
    if (file.filename() == "report.html") {
        cut(bytes, "<section id=\"timing\">", "</section>");
        cut(bytes, "<span class=\"prepared\">", "</span>");  // "Prepared on": when the run began
        if (without_threads_row) {
            const size_t row = bytes.find("Threads, tile size");
            const size_t tr = row == std::string::npos ? row : bytes.rfind("<tr", row);
            const size_t end = tr == std::string::npos ? tr : bytes.find("</tr>", row);
            if (end != std::string::npos) bytes.erase(tr, end + 5 - tr);
        }
    }
    return bytes;
}

}  // namespace minerisk::test
