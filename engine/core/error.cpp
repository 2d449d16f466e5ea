#include "minerisk/error.hpp"

namespace minerisk {

std::string Location::to_string() const {
    std::string s = file;
    if (line > 0) {
        s += ":" + std::to_string(line);
        if (column > 0) s += ":" + std::to_string(column);
    }
    if (!layer.empty()) s += (s.empty() ? "layer '" : ", layer '") + layer + "'";
    if (feature >= 0) s += (s.empty() ? "feature " : ", feature ") + std::to_string(feature);
    return s;
}

static std::string compose(const std::string& problem, const Location& where, const std::string& hint) {
    std::string s;
    if (!where.empty()) s = where.to_string() + ": ";
    s += problem;
    if (!hint.empty()) s += ". " + hint;
    return s;
}

Error::Error(std::string problem, Location where, std::string hint)
    : std::runtime_error(compose(problem, where, hint)),
      problem_(std::move(problem)),
      where_(std::move(where)),
      hint_(std::move(hint)) {}

}  // namespace minerisk
