// Errors that tell a planner where the problem is and what to do about it.
#pragma once
#include <stdexcept>
#include <string>

namespace minerisk {

// Where a problem was found: a scenario file position, or an input file/layer/feature.
struct Location {
    Location() = default;
    Location(std::string file_, int line_ = 0, int column_ = 0, std::string layer_ = {}, long long feature_ = -1)
        : file(std::move(file_)), line(line_), column(column_), layer(std::move(layer_)), feature(feature_) {}

    std::string file;
    int line = 0;    // 1-based; 0 = unknown
    int column = 0;  // 1-based; 0 = unknown
    std::string layer;
    long long feature = -1;  // OGR feature id; -1 = none

    std::string to_string() const;
    bool empty() const { return file.empty() && layer.empty(); }
};

// A failure the user can fix. what() is one line: "<where>: <problem>. <what to do>". Line breaks and tabs
// in the pieces (GDAL's and libpq's messages have them) become single spaces, and passwords in connection
// strings are masked (see mask_secrets), in what() and in each piece.
class Error : public std::runtime_error {
public:
    Error(std::string problem, Location where = {}, std::string hint = {});
    const std::string& problem() const { return problem_; }
    const Location& where() const { return where_; }
    const std::string& hint() const { return hint_; }

private:
    std::string problem_;
    Location where_;
    std::string hint_;
};

// The text with every password of a connection string replaced by "***": "password=VALUE" (any case,
// VALUE plain or in single quotes) and "scheme://user:VALUE@host".
std::string mask_secrets(const std::string& text);

// The text on one line: each run of line breaks and tabs (with the spaces around it) becomes one space.
std::string one_line(const std::string& text);

}  // namespace minerisk
