// The YAML toolkit of the scenario parser: checked values with their file, line and column.
#include "scenario/yaml_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace minerisk::yaml {
namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

}  // namespace

std::string closest(const std::string& key, const std::vector<std::string>& known) {
    std::string best;
    size_t best_d = 3;  // suggest only near misses
    for (const auto& k : known) {
        const size_t d = edit_distance(key, k);
        if (d < best_d) best_d = d, best = k;
    }
    return best;
}

std::string lowercase(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// ---- MapReader ---------------------------------------------------------------------------------------------

Location MapReader::where(const YAML::Node& n) const {
    const auto m = n.Mark();
    Location loc;
    loc.file = file_;
    if (!m.is_null()) loc.line = m.line + 1, loc.column = m.column + 1;
    return loc;
}

void MapReader::require_map() const {
    if (node_.IsMap()) return;
    if (path_.empty())
        throw Error("the scenario must be a mapping of keys to values", where(),
                    "start from testdata/demo/scenario.yaml: 'name:', 'resolution:', 'inputs:', 'scoring:' ...");
    throw Error("'" + path_ + "' must be a mapping of keys to values", where(),
                "write it as 'key: value' lines indented under '" + path_ + ":'");
}

Location MapReader::key_where(const std::string& key) const {
    for (auto it = node_.begin(); it != node_.end(); ++it)
        if (it->first.as<std::string>("") == key) return where(it->first);
    return where();
}

MapReader& MapReader::allow(const std::vector<std::string>& keys) {
    known_.insert(known_.end(), keys.begin(), keys.end());
    return *this;
}

YAML::Node MapReader::get(const std::string& key) {
    if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.push_back(key);
    return node_[key];
}

void MapReader::check_unknown() const {
    std::vector<std::string> seen;
    for (auto it = node_.begin(); it != node_.end(); ++it) {
        const std::string key = it->first.as<std::string>("");
        if (std::find(seen.begin(), seen.end(), key) != seen.end())
            throw Error("the key '" + key + "' appears twice in " + (path_.empty() ? "the scenario" : "'" + path_ + "'"),
                        where(it->first), "keep one of them (YAML would silently use the first)");
        seen.push_back(key);
        if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
        const std::string near = closest(key, known_);
        throw Error("unknown key '" + key + "' in " + (path_.empty() ? "the scenario" : "'" + path_ + "'"),
                    where(it->first),
                    near.empty() ? "known keys here: " + join(known_) : "did you mean '" + near + "'?");
    }
}

// ---- values ------------------------------------------------------------------------------------------------

std::string scalar(MapReader& r, const YAML::Node& n, const std::string& key) {
    if (n.IsNull())
        throw Error("'" + r.child_path(key) + "' has no value", r.key_where(key),
                    "write its value after '" + key + ": ' on the same line");
    if (!n.IsScalar())
        throw Error("'" + r.child_path(key) + "' must be a single value", r.where(n),
                    "write it on one line after '" + key + ":'");
    return n.Scalar();
}

double number(MapReader& r, const YAML::Node& n, const std::string& key, double min, double max, const std::string& unit) {
    const std::string s = scalar(r, n, key);
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0' || !std::isfinite(v))
        throw Error("'" + r.child_path(key) + "' must be a number, not '" + s + "'", r.where(n),
                    "write a plain number" + (unit.empty() ? std::string() : " in " + unit));
    if (v < min || v > max) {
        std::ostringstream hint;
        hint << "use a value between " << min << " and " << max << (unit.empty() ? "" : " " + unit);
        throw Error("'" + r.child_path(key) + "' is " + s + ", out of range", r.where(n), hint.str());
    }
    return v;
}

double number(MapReader& r, const YAML::Node& n, const limits::Limit& limit) {
    return number(r, n, limit.key, limit.min, limit.max, limit.unit);
}

std::int64_t integer(MapReader& r, const YAML::Node& n, const std::string& key, double min, double max,
                     const std::string& unit) {
    const double v = number(r, n, key, min, max, unit);
    if (v != std::floor(v))
        throw Error("'" + r.child_path(key) + "' must be a whole number, not " + n.Scalar(), r.where(n));
    return static_cast<std::int64_t>(v);
}

std::int64_t integer(MapReader& r, const YAML::Node& n, const limits::Limit& limit) {
    return integer(r, n, limit.key, limit.min, limit.max, limit.unit);
}

bool boolean(MapReader& r, const YAML::Node& n, const std::string& key) {
    const std::string s = lowercase(scalar(r, n, key));
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
    throw Error("'" + r.child_path(key) + "' must be true or false, not '" + s + "'", r.where(n));
}

std::string choice(MapReader& r, const YAML::Node& n, const std::string& key, const std::vector<std::string>& ok) {
    const std::string s = scalar(r, n, key);
    if (std::find(ok.begin(), ok.end(), s) == ok.end()) {
        const std::string near = closest(s, ok);
        throw Error("'" + r.child_path(key) + "' is '" + s + "'", r.where(n),
                    (near.empty() ? std::string() : "did you mean '" + near + "'? ") + "choose one of: " + join(ok));
    }
    return s;
}

std::vector<std::string> scalar_list(MapReader& r, const YAML::Node& n, const std::string& key, const std::string& what,
                                     const std::string& example) {
    if (n.IsNull())
        throw Error("'" + r.child_path(key) + "' has no value", r.key_where(key),
                    "write a list after '" + key + ": ', e.g. " + example + ", or '" + key + ": []' for none");
    if (n.IsScalar()) return {n.Scalar()};
    if (!n.IsSequence())
        throw Error("'" + r.child_path(key) + "' must be a " + what + " or a list of " + what + "s", r.where(n),
                    "write e.g. " + example);
    std::vector<std::string> out;
    for (const auto& item : n) {
        if (!item.IsScalar())
            throw Error("each of '" + r.child_path(key) + "' must be a single " + what, r.where(item), "write e.g. " + example);
        out.push_back(item.Scalar());
    }
    return out;
}

}  // namespace minerisk::yaml
