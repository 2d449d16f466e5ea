#include "minerisk/error.hpp"

#include <cctype>

namespace minerisk {

std::string one_line(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n' || c == '\r' || c == '\t') {
            while (!out.empty() && out.back() == ' ') out.pop_back();
            while (i + 1 < text.size() && std::isspace(static_cast<unsigned char>(text[i + 1]))) ++i;
            if (!out.empty() && i + 1 < text.size()) out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

static std::string clean(const std::string& s) { return one_line(mask_secrets(s)); }

static Location clean(Location where) {
    where.file = clean(where.file);
    where.layer = clean(where.layer);
    return where;
}

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
    : std::runtime_error(compose(clean(problem), clean(where), clean(hint))),
      problem_(clean(problem)),
      where_(clean(where)),
      hint_(clean(hint)) {}

}  // namespace minerisk
