// The scenario's text checks that yaml-cpp does not make (yaml_checks.hpp).
#include "scenario/yaml_checks.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <utility>

#include "minerisk/error.hpp"

namespace minerisk::yaml {
namespace {

// The 1-based line and column of text[pos], counting LF, CRLF and a lone CR each as one line end.
std::pair<int, int> line_column(const std::string& text, size_t pos) {
    int line = 1, column = 1;
    for (size_t i = 0; i < pos && i < text.size(); ++i) {
        const bool lone_cr = text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n');
        if (text[i] == '\n' || lone_cr) ++line, column = 1;
        else if (text[i] != '\r') ++column;
    }
    return {line, column};
}

// What two keys compare by: a key that reads whole as a finite number stands for that number, so that `1`,
// `1.0`, `01` and `1e0` are one key; any other key is its text.
std::string key_identity(const std::string& key) {
    if (!key.empty()) {
        char* end = nullptr;
        const double v = std::strtod(key.c_str(), &end);
        if (end && *end == '\0' && std::isfinite(v) && key.find_first_of("xXpP") == std::string::npos) {
            char buf[40];
            std::snprintf(buf, sizeof buf, "#%.17g", v);
            return buf;
        }
    }
    return "$" + key;
}

Location at(const std::string& file, const YAML::Node& n) {
    const auto m = n.Mark();
    return m.is_null() ? Location{file} : Location{file, m.line + 1, m.column + 1};
}

// `walked` holds the positions of the mappings and sequences already checked. An alias is the node its anchor
// marks, at the anchor's position, so each is checked once: aliases of aliases (`b: &b [*a, *a, ...]`, and so
// on for a few levels) would otherwise multiply the walk into billions of nodes from a few hundred bytes.
void check_node(const YAML::Node& node, const std::string& path, const std::string& file, int depth,
                std::set<std::pair<int, int>>& walked) {
    // check_unclosed_quotes refuses deeper nesting (an alias inside its own anchor) before this runs.
    if (depth > 64) return;
    if (!node.IsSequence() && !node.IsMap()) return;
    if (!node.Mark().is_null() && !walked.insert({node.Mark().line, node.Mark().column}).second) return;
    if (node.IsSequence()) {
        for (size_t i = 0; i < node.size(); ++i)
            check_node(node[i], path + "[" + std::to_string(i + 1) + "]", file, depth + 1, walked);
        return;
    }
    std::map<std::string, YAML::Node> seen;  // identity -> the first key node
    for (auto it = node.begin(); it != node.end(); ++it) {
        if (!it->first.IsScalar()) continue;
        const std::string key = it->first.Scalar();
        const auto [first, fresh] = seen.emplace(key_identity(key), it->first);
        if (!fresh) {
            const std::string where_in = path.empty() ? "the scenario" : "'" + path + "'";
            const std::string earlier = first->second.Scalar();
            const int line = first->second.Mark().line + 1;
            // Under 'params:' the keys are the plugin's parameters, and the message says so.
            const bool params = path.size() >= 7 && path.compare(path.size() - 7, 7, ".params") == 0;
            throw Error(std::string(params ? "the parameter '" : "the key '") + key + "' appears twice in " + where_in +
                            (earlier == key ? " (first at line " + std::to_string(line) + ")"
                                            : ": '" + earlier + "' at line " + std::to_string(line) + " is the same number"),
                        at(file, it->first), "keep one of them (YAML would silently use the first)");
        }
        check_node(it->second, path.empty() ? key : path + "." + key, file, depth + 1, walked);
    }
}

}  // namespace

void check_scenario_bytes(const std::string& text, const std::string& file) {
    const size_t nul = text.find('\0');
    if (nul != std::string::npos) {
        const auto [line, column] = line_column(text, nul);
        throw Error("the scenario holds a NUL byte", Location{file, line, column},
                    "a scenario is UTF-8 text: this one is binary, damaged, or saved as UTF-16; save it as UTF-8");
    }
    for (size_t i = text.find('\r'); i != std::string::npos; i = text.find('\r', i + 1)) {
        if (i + 1 < text.size() && text[i + 1] == '\n') continue;
        throw Error("the scenario's lines end with a CR alone (old Mac line ends), which YAML does not read as "
                    "this file means",
                    Location{file, line_column(text, i).first},
                    "convert the line ends to LF or CRLF (your editor's line-ending setting, or tr '\\r' '\\n')");
    }
}

void check_single_document(const std::string& text, const std::string& file) {
    bool content = false, ended = false;
    size_t start = 0;
    for (int line = 1; start <= text.size(); ++line) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string l = text.substr(start, end - start);
        if (!l.empty() && l.back() == '\r') l.pop_back();
        const bool marker = l.rfind("---", 0) == 0 && (l.size() == 3 || l[3] == ' ' || l[3] == '\t');
        if (marker && content)
            throw Error("a second YAML document starts here ('---' after the scenario's content)", Location{file, line, 1},
                        "a scenario file holds one document: remove this '---' and what follows, or move it to its "
                        "own file");
        const size_t first = l.find_first_not_of(" \t");
        // A '---' before any key opens the first document; '%' lines are directives, '#' lines comments.
        const bool text_here = !marker && first != std::string::npos && l[first] != '#' && !(first == 0 && l[0] == '%');
        const bool end_marker = l.rfind("...", 0) == 0 && (l.size() == 3 || l[3] == ' ' || l[3] == '\t');
        if (end_marker) ended = content;
        else if (text_here && ended)
            throw Error("a second YAML document starts here (after the '...' that ends the scenario)", Location{file, line, 1},
                        "a scenario file holds one document: remove the '...' line, or what follows it");
        if (text_here && !end_marker) content = true;
        if (marker && l.find_first_not_of(" \t", 3) != std::string::npos && l[l.find_first_not_of(" \t", 3)] != '#')
            content = true;  // '--- key: value' is content on the marker's line
        start = end + 1;
    }
}

void check_duplicate_keys(const YAML::Node& root, const std::string& file) {
    std::set<std::pair<int, int>> walked;
    check_node(root, "", file, 0, walked);
}

}  // namespace minerisk::yaml
