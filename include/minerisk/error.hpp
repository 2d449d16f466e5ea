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

// A failure the user can fix. what() is one line: "<where>: <problem>. <what to do>"
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

}  // namespace minerisk
