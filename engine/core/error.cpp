#include "minerisk/error.hpp"

#include <algorithm>
#include <cctype>

namespace minerisk {

std::string mask_secrets(const std::string& text) {
    std::string out;
    const std::string key = "password=";
    size_t i = 0;
    while (i < text.size()) {
        // password=VALUE
        bool is_key = i + key.size() <= text.size();
        for (size_t k = 0; is_key && k < key.size(); ++k)
            is_key = std::tolower(static_cast<unsigned char>(text[i + k])) == key[k];
        if (is_key) {
            out.append(text, i, key.size());
            size_t j = i + key.size();
            if (j < text.size() && text[j] == '\'') {
                ++j;
                while (j < text.size() && text[j] != '\'') j += text[j] == '\\' ? 2 : 1;
                j = std::min(text.size(), j + 1);
            } else {
                while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j])) && text[j] != '\'' &&
                       text[j] != '"' && text[j] != ';' && text[j] != ',')
                    ++j;
            }
            if (j > i + key.size()) out += "***";
            i = j;
            continue;
        }
        // scheme://user:VALUE@host
        if (text.compare(i, 3, "://") == 0) {
            const size_t start = i + 3;
            size_t end = start;
            while (end < text.size() && text[end] != '/' && text[end] != '@' && !std::isspace(static_cast<unsigned char>(text[end])))
                ++end;
            const size_t colon = text.find(':', start);
            if (end < text.size() && text[end] == '@' && colon != std::string::npos && colon < end) {
                out.append(text, i, colon + 1 - i);
                out += "***@";
                i = end + 1;
                continue;
            }
        }
        out += text[i++];
    }
    return out;
}

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
