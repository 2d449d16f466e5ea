// Reads a scenario YAML file into a Scenario, checking every key, type and range as it goes, so that a
// mistake is reported with its line and column before any input is opened.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "minerisk/crs.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/scenario.hpp"
#include "scenario/crs_check.hpp"

namespace fs = std::filesystem;

namespace minerisk {
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

std::string closest(const std::string& key, const std::vector<std::string>& known) {
    std::string best;
    size_t best_d = 3;  // suggest only near misses
    for (const auto& k : known) {
        const size_t d = edit_distance(key, k);
        if (d < best_d) best_d = d, best = k;
    }
    return best;
}

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

// A mapping node plus the keys it may hold; complains about the others with a suggestion.
class MapReader {
public:
    MapReader(const YAML::Node& node, std::string path, const std::string& file)
        : node_(node), path_(std::move(path)), file_(file) {}

    Location where(const YAML::Node& n) const {
        const auto m = n.Mark();
        Location loc;
        loc.file = file_;
        if (!m.is_null()) loc.line = m.line + 1, loc.column = m.column + 1;
        return loc;
    }
    Location where() const { return where(node_); }

    void require_map() const {
        if (node_.IsMap()) return;
        if (path_.empty())
            throw Error("the scenario must be a mapping of keys to values", where(),
                        "start from testdata/demo/scenario.yaml: 'name:', 'resolution:', 'inputs:', 'scoring:' ...");
        throw Error("'" + path_ + "' must be a mapping of keys to values", where(),
                    "write it as 'key: value' lines indented under '" + path_ + ":'");
    }

    // Where a key of this mapping is written (for errors about its value, which may be empty).
    Location key_where(const std::string& key) const {
        for (auto it = node_.begin(); it != node_.end(); ++it)
            if (it->first.as<std::string>("") == key) return where(it->first);
        return where();
    }

    // Declares the keys this mapping may hold, so that a typo is reported before a "missing key" error.
    MapReader& allow(const std::vector<std::string>& keys) {
        known_.insert(known_.end(), keys.begin(), keys.end());
        return *this;
    }

    YAML::Node get(const std::string& key) {
        if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.push_back(key);
        return node_[key];
    }

    // Call after all get()s: unknown and repeated keys are errors.
    void check_unknown() const {
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

    std::string child_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
    const std::string& file() const { return file_; }

private:
    YAML::Node node_;
    std::string path_;
    const std::string& file_;
    std::vector<std::string> known_;
};

std::string scalar(MapReader& r, const YAML::Node& n, const std::string& key) {
    if (n.IsNull())
        throw Error("'" + r.child_path(key) + "' has no value", r.key_where(key),
                    "write its value after '" + key + ": ' on the same line");
    if (!n.IsScalar())
        throw Error("'" + r.child_path(key) + "' must be a single value", r.where(n),
                    "write it on one line after '" + key + ":'");
    return n.Scalar();
}

double number(MapReader& r, const YAML::Node& n, const std::string& key, double min, double max,
              const std::string& unit = "") {
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

std::int64_t integer(MapReader& r, const YAML::Node& n, const std::string& key, double min, double max,
                     const std::string& unit = "") {
    const double v = number(r, n, key, min, max, unit);
    if (v != std::floor(v))
        throw Error("'" + r.child_path(key) + "' must be a whole number, not " + n.Scalar(), r.where(n));
    return static_cast<std::int64_t>(v);
}

std::string lowercase(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
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

std::string resolve_path(const std::string& dir, const std::string& p) {
    // Connection strings and GDAL virtual paths are passed through untouched.
    if (p.rfind("PG:", 0) == 0 || p.rfind("/vsi", 0) == 0 || p.find("://") != std::string::npos) return p;
    fs::path path(p);
    if (path.is_relative()) path = fs::path(dir) / path;
    return path.lexically_normal().string();
}

bool is_connection(const std::string& p) {
    return p.rfind("PG:", 0) == 0 || p.rfind("/vsi", 0) == 0 || p.find("://") != std::string::npos;
}

InputSpec parse_input(MapReader& parent, const std::string& role, const YAML::Node& node, const std::string& dir) {
    MapReader r(node, parent.child_path(role), parent.file());
    InputSpec in;
    in.role = role;
    in.where = r.where();
    if (node.IsScalar()) {  // shorthand: "hazards: data/hazards.gpkg"
        in.source = resolve_path(dir, node.Scalar());
    } else {
        r.require_map();
        r.allow({"path", "layer", "where", "crs", "x", "y", "wkt", "fields"});
        if (role == "hazards") r.allow({"point_radius"});
        r.check_unknown();
        const auto path = r.get("path");
        if (!path) throw Error("input '" + role + "' has no 'path'", r.where(), "add 'path: FILE' (relative to the scenario file)");
        const std::string written = scalar(r, path, "path");
        if (written.empty()) throw Error("input '" + role + "' has an empty 'path'", r.where(path), "name the file");
        in.source = resolve_path(dir, written);
        in.where = r.where(path);
        if (auto n = r.get("layer")) in.layer = scalar(r, n, "layer");
        if (auto n = r.get("where")) in.filter = scalar(r, n, "where");
        if (auto n = r.get("crs")) {
            in.crs = scalar(r, n, "crs");
            check_crs_string(in.crs, r.where(n));
        }
        if (auto n = r.get("x")) in.x_field = scalar(r, n, "x");
        if (auto n = r.get("y")) in.y_field = scalar(r, n, "y");
        if (auto n = r.get("wkt")) in.wkt_field = scalar(r, n, "wkt");
        if (role == "hazards")
            if (auto n = r.get("point_radius")) in.point_radius = number(r, n, "point_radius", 0.01, 1e5, "metres");
        if (auto n = r.get("fields")) {
            MapReader fr(n, r.child_path("fields"), r.file());
            fr.require_map();
            const auto& roles = field_roles(role);
            std::vector<std::string> role_names;
            for (const auto& fr_ : roles) role_names.push_back(fr_.name);
            for (auto it = n.begin(); it != n.end(); ++it) {
                const std::string key = it->first.as<std::string>("");
                if (in.fields.count(key))
                    throw Error("the role '" + key + "' is mapped twice", fr.where(it->first),
                                "keep one of them (YAML would silently use the first)");
                if (!roles.empty() && std::find(role_names.begin(), role_names.end(), key) == role_names.end()) {
                    const std::string near = closest(key, role_names);
                    throw Error("unknown field role '" + key + "' for " + role, fr.where(it->first),
                                (near.empty() ? std::string() : "did you mean '" + near + "'? ") +
                                    "roles for " + role + ": " + join(role_names));
                }
                in.fields[key] = scalar(fr, it->second, key);
                in.field_where[key] = fr.where(it->second);
            }
        }
        r.check_unknown();
        if (in.x_field.empty() != in.y_field.empty())
            throw Error("input '" + role + "' names only one of 'x' and 'y'", r.where(), "give both coordinate columns, or neither");
    }
    std::error_code unreadable;  // a name too long for the system, a folder we may not enter: "does not exist"
    if (!is_connection(in.source) && !fs::exists(in.source, unreadable)) {
        Location loc = in.where;
        throw Error("input file '" + in.source + "' for " + role + " does not exist", loc,
                    "check the path; relative paths are read from the scenario's folder " + dir);
    }
    return in;
}

ParamText parse_param(MapReader& r, const std::string& key, const YAML::Node& n) {
    ParamText p;
    p.name = key;
    p.where = r.where(n);
    if (n.IsMap()) {
        p.is_table = true;
        MapReader tr(n, r.child_path(key), r.file());
        for (auto it = n.begin(); it != n.end(); ++it) {
            if (!it->second.IsScalar())
                throw Error("'" + tr.child_path(it->first.as<std::string>("")) + "' must be a single value", tr.where(it->second));
            p.table.emplace_back(it->first.as<std::string>(""), it->second.Scalar());
        }
    } else if (n.IsScalar()) {
        p.text = n.Scalar();
    } else if (n.IsNull()) {
        p.text = "";
    } else {
        throw Error("parameter '" + r.child_path(key) + "' must be a value or a table of 'key: value'", p.where);
    }
    return p;
}

void parse_scoring(MapReader& top, const YAML::Node& node, Scenario& sc) {
    MapReader r(node, "scoring", top.file());
    r.require_map();
    sc.scoring.where = r.where();
    if (auto n = r.get("method"))
        sc.scoring.method = choice(r, n, "method", {"weighted_sum", "weighted_product", "maximum", "likelihood_consequence"});
    if (auto n = r.get("plugin_paths")) {
        if (n.IsScalar()) sc.scoring.plugin_paths.push_back(resolve_path(sc.dir, n.Scalar()));
        else if (n.IsSequence())
            for (const auto& p : n) sc.scoring.plugin_paths.push_back(resolve_path(sc.dir, scalar(r, p, "plugin_paths")));
        else throw Error("'scoring.plugin_paths' must be a folder or a list of folders", r.where(n));
    }
    auto factors = r.get("factors");
    r.check_unknown();
    if (!factors || !factors.IsSequence() || factors.size() == 0)
        throw Error("'scoring' has no 'factors' list", factors ? r.where(factors) : r.where(),
                    "add 'factors:' with one '- plugin: NAME' entry per factor (see docs/scenario.md)");
    std::set<std::string> names;
    for (size_t i = 0; i < factors.size(); ++i) {
        const std::string path = "scoring.factors[" + std::to_string(i + 1) + "]";
        MapReader fr(factors[i], path, top.file());
        fr.require_map();
        fr.allow({"plugin", "name", "weight", "group", "params"});
        fr.check_unknown();
        FactorSpec f;
        f.where = fr.where();
        auto plugin = fr.get("plugin");
        if (!plugin) throw Error("'" + path + "' has no 'plugin'", fr.where(), "name the plugin, e.g. 'plugin: hazard_proximity'");
        f.plugin = scalar(fr, plugin, "plugin");
        f.name = f.plugin;
        if (auto n = fr.get("name")) f.name = scalar(fr, n, "name");
        if (f.name.empty()) throw Error("'" + path + ".name' is empty", fr.where(), "name the factor, or leave 'name' out");
        if (auto n = fr.get("weight")) f.weight = number(fr, n, "weight", 0.0, 1e6);
        if (auto n = fr.get("group")) f.group = choice(fr, n, "group", {"likelihood", "consequence"});
        if (auto n = fr.get("params")) {
            if (!n.IsMap() && !n.IsNull()) throw Error("'" + path + ".params' must be a mapping", fr.where(n));
            MapReader pr(n, path + ".params", top.file());
            for (auto it = n.begin(); it != n.end(); ++it) {
                const std::string key = it->first.as<std::string>("");
                for (const auto& earlier : f.params)
                    if (earlier.name == key)
                        throw Error("the parameter '" + key + "' appears twice in '" + path + ".params'", pr.where(it->first),
                                    "keep one of them (YAML would silently use the first)");
                f.params.push_back(parse_param(pr, key, it->second));
            }
        }
        fr.check_unknown();
        for (char c : f.name)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
                throw Error("factor name '" + f.name + "' has characters that cannot be in a file name", fr.where(),
                            "use letters, digits, '_' and '-'");
        if (!names.insert(f.name).second)
            throw Error("two factors are named '" + f.name + "'", fr.where(), "give one of them a different 'name:'");
        if (sc.scoring.method == "likelihood_consequence" && f.group.empty())
            throw Error("'" + path + "' has no 'group'", fr.where(),
                        "with method likelihood_consequence each factor needs 'group: likelihood' or 'group: consequence'");
        sc.scoring.factors.push_back(std::move(f));
    }
    double total = 0;
    for (const auto& f : sc.scoring.factors) total += f.weight;
    if (total <= 0)
        throw Error("all factor weights are zero", r.where(factors), "give at least one factor a positive 'weight'");
    if (sc.scoring.method == "likelihood_consequence") {
        for (const char* g : {"likelihood", "consequence"}) {
            double w = 0;
            for (const auto& f : sc.scoring.factors) if (f.group == g) w += f.weight;
            if (w <= 0) throw Error(std::string("no factor with a positive weight in group '") + g + "'", r.where(factors),
                                    "likelihood_consequence multiplies two groups: each needs at least one factor");
        }
    }
}

void parse_zones(MapReader& top, const YAML::Node& node, Scenario& sc) {
    MapReader r(node, "zones", top.file());
    r.require_map();
    if (auto n = r.get("threshold")) sc.zones.threshold = number(r, n, "threshold", 0.0, 1.0);
    if (auto n = r.get("top_percent")) sc.zones.top_percent = number(r, n, "top_percent", 0.001, 100.0, "percent");
    if (auto n = r.get("min_area")) sc.zones.min_area = number(r, n, "min_area", 0.0, 1e12, "m2");
    if (auto n = r.get("fill_holes")) sc.zones.fill_holes = number(r, n, "fill_holes", 0.0, 1e12, "m2");
    if (auto n = r.get("reach")) sc.zones.reach = number(r, n, "reach", 0.0, 1e6, "metres");
    if (auto n = r.get("recent_days")) sc.zones.recent_days = number(r, n, "recent_days", 0.0, 36500, "days");
    if (auto n = r.get("survey_distance")) sc.zones.survey_distance = number(r, n, "survey_distance", 0.0, 1e6, "metres");
    if (auto n = r.get("sign_cover")) sc.zones.sign_cover = number(r, n, "sign_cover", 0.0, 1e5, "metres");
    if (auto n = r.get("session_stale_days")) sc.zones.session_stale_days = number(r, n, "session_stale_days", 0.0, 36500, "days");
    r.check_unknown();
    if (sc.zones.threshold && sc.zones.top_percent)
        throw Error("'zones' sets both 'threshold' and 'top_percent'", r.where(), "keep one of them");
}

// ---- the plans: uncertainty, sign_plan, outreach_plan (docs/uncertainty.md, sign-plan.md, outreach-plan.md) ----

void parse_uncertainty(MapReader& top, const YAML::Node& node, Scenario& sc) {
    MapReader r(node, "uncertainty", top.file());
    r.require_map();
    UncertaintySpec& u = sc.uncertainty;
    u.where = r.where();
    if (auto n = r.get("draws")) u.draws = static_cast<int>(integer(r, n, "draws", 0, 1e6));
    if (auto n = r.get("spread")) u.spread = number(r, n, "spread", 0.0, 10.0);
    if (auto n = r.get("concentration")) u.concentration = number(r, n, "concentration", 0.01, 1e9);
    if (auto n = r.get("top_k")) u.top_k = static_cast<int>(integer(r, n, "top_k", 1, 1e6));
    if (auto n = r.get("seed")) u.seed = static_cast<std::uint64_t>(integer(r, n, "seed", 0, 9e15));
    if (auto n = r.get("parameters")) {
        MapReader pr(n, r.child_path("parameters"), r.file());
        pr.require_map();
        for (auto it = n.begin(); it != n.end(); ++it) {
            const std::string key = it->first.as<std::string>("");
            pr.get(key);  // any name: the run says which it can redraw, once it knows the factors
            const YAML::Node v = it->second;
            if (!v.IsSequence() || v.size() != 2 || !v[0].IsScalar() || !v[1].IsScalar())
                throw Error("'" + pr.child_path(key) + "' must be a range [low, high]", pr.where(v.IsNull() ? it->first : v),
                            "e.g. " + key + ": [0.8, 1.2]");
            UncertainParameter p;
            p.name = key;
            p.where = pr.where(it->first);
            p.low = number(pr, v[0], key, -1e12, 1e12);
            p.high = number(pr, v[1], key, -1e12, 1e12);
            if (p.low > p.high)
                throw Error("'" + pr.child_path(key) + "' is [" + v[0].Scalar() + ", " + v[1].Scalar() + "]: its low end is above its high end",
                            pr.where(v), "write [low, high]");
            u.parameters.push_back(p);
        }
        pr.check_unknown();
    }
    r.check_unknown();
    if (u.concentration && node["spread"])
        throw Error("'uncertainty' sets both 'spread' and 'concentration'", r.where(), "keep one of them");
}

void parse_sign_plan(MapReader& top, const YAML::Node& node, Scenario& sc) {
    MapReader r(node, "sign_plan", top.file());
    r.require_map();
    SignPlanSpec& s = sc.sign_plan;
    s.where = r.where();
    if (auto n = r.get("signs")) s.signs = static_cast<int>(integer(r, n, "signs", 0, 1e7));
    if (auto n = r.get("spacing")) s.spacing = number(r, n, "spacing", 1.0, 1e5, "metres");
    if (auto n = r.get("cover")) s.cover = number(r, n, "cover", 1.0, 1e5, "metres");
    r.check_unknown();
}

void parse_outreach_plan(MapReader& top, const YAML::Node& node, Scenario& sc) {
    MapReader r(node, "outreach_plan", top.file());
    r.require_map();
    OutreachPlanSpec& o = sc.outreach_plan;
    o.where = r.where();
    if (auto n = r.get("facilitators")) o.facilitators = static_cast<int>(integer(r, n, "facilitators", 0, 1e5));
    if (auto n = r.get("bases")) {
        if (n.IsScalar()) {
            o.bases = {n.Scalar()};
            o.base_where = {r.where(n)};
        } else if (n.IsSequence()) {
            for (const auto& b : n) {
                if (!b.IsScalar())
                    throw Error("each of 'outreach_plan.bases' must be a settlement or \"lon,lat\"", r.where(b),
                                "write bases: [Aghdam, \"46.95,39.87\"]");
                o.bases.push_back(b.Scalar());
                o.base_where.push_back(r.where(b));
            }
        } else {
            throw Error("'outreach_plan.bases' must be a base or a list of bases", r.where(n), "write bases: [Aghdam, \"46.95,39.87\"]");
        }
    }
    if (auto n = r.get("sessions_per_week")) o.sessions_per_week = static_cast<int>(integer(r, n, "sessions_per_week", 1, 1000));
    if (auto n = r.get("weeks")) o.weeks = static_cast<int>(integer(r, n, "weeks", 1, 520));
    if (auto n = r.get("travel_km")) o.travel_km = number(r, n, "travel_km", 0.01, 1e5, "km");
    if (auto n = r.get("max_travel_km")) o.max_travel_km = number(r, n, "max_travel_km", 0.01, 1e5, "km");
    if (auto n = r.get("top")) o.top = static_cast<int>(integer(r, n, "top", 1, 1e7));
    r.check_unknown();
}

void parse_outputs(MapReader& top, const YAML::Node& node, Scenario& sc) {
    MapReader r(node, "outputs", top.file());
    r.require_map();
    if (auto n = r.get("factors")) sc.outputs.factors = boolean(r, n, "factors");
    if (auto n = r.get("extra_bands")) sc.outputs.extra_bands = boolean(r, n, "extra_bands");
    if (auto n = r.get("format")) sc.outputs.format = choice(r, n, "format", {"COG", "GTiff"});
    if (auto n = r.get("report")) sc.outputs.report = boolean(r, n, "report");
    if (auto n = r.get("qgis")) sc.outputs.qgis = boolean(r, n, "qgis");
    if (auto n = r.get("compress")) {
        std::string c = scalar(r, n, "compress");
        for (auto& ch : c) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        sc.outputs.compress = c;
        const std::vector<std::string> ok = {"DEFLATE", "LZW", "ZSTD", "NONE"};
        if (std::find(ok.begin(), ok.end(), c) == ok.end()) {
            const std::string near = closest(c, ok);
            throw Error("'outputs.compress' is '" + n.Scalar() + "'", r.where(n),
                        (near.empty() ? std::string() : "did you mean '" + near + "'? ") + "choose one of: " + join(ok));
        }
    }
    r.check_unknown();
}

void parse_run(MapReader& top, const YAML::Node& node, Scenario& sc) {
    MapReader r(node, "run", top.file());
    r.require_map();
    if (auto n = r.get("threads")) sc.run.threads = static_cast<unsigned>(integer(r, n, "threads", 0, 1024));
    if (auto n = r.get("tile_size")) sc.run.tile_size = static_cast<int>(integer(r, n, "tile_size", 64, 16384, "cells"));
    if (auto n = r.get("max_memory_mb")) sc.run.max_memory_mb = number(r, n, "max_memory_mb", 16, 1e7, "MB");
    if (auto n = r.get("max_cells")) sc.run.max_cells = number(r, n, "max_cells", 1, 1e13, "cells");
    r.check_unknown();
}


// ---- quotes left open --------------------------------------------------------------------------------
// yaml-cpp accepts a quoted value that runs on over the following lines (to the next quote, or to the end
// of the file), so `name: "Sector north` on line 1 swallows the rest of the file and the parser would then
// say "the scenario has no 'resolution'". A quoted value whose lines look like "key:" lines is reported as
// the quote left open, where it was opened.

bool looks_like_key_line(const std::string& line) {
    size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i + 1 < line.size() && line[i] == '-' && line[i + 1] == ' ') {
        i += 2;
        while (i < line.size() && line[i] == ' ') ++i;
    }
    const size_t start = i;
    while (i < line.size() && (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '_')) ++i;
    if (i == start || !(std::isalpha(static_cast<unsigned char>(line[start])) || line[start] == '_')) return false;
    return i < line.size() && line[i] == ':' && (i + 1 == line.size() || line[i + 1] == ' ' || line[i + 1] == '\r');
}

// Where each line of a text starts, to turn YAML's line and column into an offset.
struct LineStarts {
    explicit LineStarts(const std::string& text) {
        starts.push_back(0);
        for (size_t i = 0; i < text.size(); ++i)
            if (text[i] == '\n') starts.push_back(i + 1);
        size = text.size();
    }
    // Offset of a 1-based line and column; npos when out of the text.
    size_t offset_of(int line, int column) const {
        if (line < 1 || static_cast<size_t>(line) > starts.size()) return std::string::npos;
        const size_t pos = starts[static_cast<size_t>(line) - 1] + static_cast<size_t>(std::max(0, column - 1));
        return pos < size ? pos : std::string::npos;
    }
    std::vector<size_t> starts;
    size_t size = 0;
};

// Where the quote opened at `open` is closed (npos: never).
size_t closing_quote(const std::string& text, size_t open) {
    const char q = text[open];
    for (size_t i = open + 1; i < text.size(); ++i) {
        if (q == '"' && text[i] == '\\') {
            ++i;
        } else if (text[i] == q) {
            if (q == '\'' && i + 1 < text.size() && text[i + 1] == '\'') ++i;
            else return i;
        }
    }
    return std::string::npos;
}

// The error for a quote opened at `open` (1-based line/column) and not closed on its line, when the
// lines it runs over look like keys; nothing otherwise (a real multi-line quoted text).
void check_quote_at(const std::string& text, size_t open, int line, int column, const std::string& file) {
    const size_t close = closing_quote(text, open);
    const size_t eol = text.find('\n', open);
    if (eol == std::string::npos || (close != std::string::npos && close < eol)) return;
    const size_t end = close == std::string::npos ? text.size() : close;
    int lines = 0;
    std::string first_key;
    for (size_t b = eol + 1; b < end;) {
        size_t e = text.find('\n', b);
        if (e == std::string::npos) e = text.size();
        const std::string l = text.substr(b, e - b);
        if (looks_like_key_line(l)) {
            ++lines;
            if (first_key.empty()) {
                first_key = l.substr(l.find_first_not_of(" -"));
                first_key = first_key.substr(0, first_key.find(':') + 1);
            }
        }
        b = e + 1;
    }
    if (lines == 0) return;
    const bool dq = text[open] == '"';
    const std::string kind = dq ? "double quote (\")" : "single quote (')";
    std::string problem = "YAML syntax error: the " + kind + " opened here is not closed on its line, so YAML reads the ";
    if (close == std::string::npos)
        problem += "rest of the file into this value (from '" + first_key + "' on; the scenario then looks empty)";
    else {
        int close_line = line;
        for (size_t i = open; i < close; ++i) close_line += text[i] == '\n';
        problem += "lines down to the next quote, on line " + std::to_string(close_line) + ", into this value (from '" +
                   first_key + "' on)";
    }
    throw Error(problem, Location{file, line, column},
                dq ? "close the quote on this line (write a \" inside the text as \\\")"
                   : "close the quote on this line (write a ' inside the text as '')");
}

// A scenario nests a few levels deep; an alias inside the node it names (`a: &x [*x]`) nests without end.
constexpr int kMaxNesting = 64;

// `seen` holds the positions of the mappings and sequences already walked: an alias is the node its anchor marks,
// at the same position, so each is walked once (aliases of aliases would otherwise multiply the walk).
void check_unclosed_quotes(const YAML::Node& node, const std::string& text, const LineStarts& lines, const std::string& file,
                           std::set<std::pair<int, int>>& seen, int depth = 0) {
    if (!node) return;
    if ((node.IsMap() || node.IsSequence()) && !node.Mark().is_null() &&
        !seen.insert({node.Mark().line, node.Mark().column}).second)
        return;
    if (depth > kMaxNesting) {
        const auto m = node.Mark();
        throw Error("the scenario nests more than " + std::to_string(kMaxNesting) + " levels deep here",
                    m.is_null() ? Location{file} : Location{file, m.line + 1, m.column + 1},
                    "a scenario needs a few levels: check the brackets and the indentation here (an alias *name "
                    "used inside the block its anchor &name marks would also repeat it without end)");
    }
    if (node.IsScalar()) {
        const auto m = node.Mark();
        if (m.is_null()) return;
        const size_t pos = lines.offset_of(m.line + 1, m.column + 1);
        if (pos != std::string::npos && (text[pos] == '"' || text[pos] == '\''))
            check_quote_at(text, pos, m.line + 1, m.column + 1, file);
    } else if (node.IsMap()) {
        for (auto it = node.begin(); it != node.end(); ++it) {
            check_unclosed_quotes(it->first, text, lines, file, seen, depth + 1);
            check_unclosed_quotes(it->second, text, lines, file, seen, depth + 1);
        }
    } else if (node.IsSequence()) {
        for (const auto& n : node) check_unclosed_quotes(n, text, lines, file, seen, depth + 1);
    }
}

// After a YAML syntax error: the first value before the error's line that opens a quote and does not close
// it on its line, with lines that look like keys after it. Such a quote is usually the real mistake, and
// YAML gives up only later, at the next quote.
void check_quotes_before(const std::string& text, int error_line, const std::string& file) {
    size_t b = 0;
    for (int line = 1; line < error_line && b < text.size(); ++line) {
        size_t e = text.find('\n', b);
        if (e == std::string::npos) e = text.size();
        const std::string l = text.substr(b, e - b);
        // The value of "key: VALUE" or "- VALUE" starts with a quote.
        size_t v = std::string::npos;
        const size_t first = l.find_first_not_of(' ');
        if (first != std::string::npos && l[first] != '#') {
            if (l.compare(first, 2, "- ") == 0) v = l.find_first_not_of(' ', first + 2);
            if (v == std::string::npos || (l[v] != '"' && l[v] != '\'')) {
                const size_t colon = l.find(": ");
                if (colon != std::string::npos && looks_like_key_line(l)) v = l.find_first_not_of(' ', colon + 2);
            }
        }
        if (v != std::string::npos && v < l.size() && (l[v] == '"' || l[v] == '\''))
            check_quote_at(text, b + v, line, static_cast<int>(v) + 1, file);
        b = e + 1;
    }
}

// ---- the grid guard --------------------------------------------------------------------------------------

std::string fmt(const char* f, double a) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, a);
    return buf;
}
}  // namespace

void check_grid_size(const Scenario& sc, const Extent& extent, bool automatic) {
    const double res = sc.resolution;
    if (res <= 0 || !extent.valid()) return;
    const double cols = std::ceil(extent.width() / res), rows = std::ceil(extent.height() / res);
    const double cells = cols * rows;
    if (cells <= sc.run.max_cells && extent.width() / res <= 2e9 && extent.height() / res <= 2e9) return;
    char buf[256];
    std::snprintf(buf, sizeof buf, "the grid would have %.3g cells (%.0f x %.0f m at %g m), over the limit of %.3g", cells,
                  extent.width(), extent.height(), res, sc.run.max_cells);
    std::string hint = "check 'resolution' here: it is in metres (a value such as 0.0002 is degrees)";
    if (automatic) {
        hint += "; 'extent: auto' is the inputs' extent plus 'margin' (" + fmt("%g", sc.margin) + " m" +
                (sc.margin_where.line ? ", line " + std::to_string(sc.margin_where.line) : std::string()) +
                "): a feature far from the others or a layer in the wrong CRS widens it";
    } else {
        hint += "; and 'extent'" +
                (sc.extent_where.line ? " (line " + std::to_string(sc.extent_where.line) + ")" : std::string()) +
                ": it is in working-CRS units (metres), not degrees";
    }
    hint += ". for a real country-wide run raise run.max_cells";
    throw Error(buf, sc.resolution_where.file.empty() ? Location{sc.file} : sc.resolution_where, hint);
}

Scenario parse_scenario(const std::string& text, const std::string& file, const std::string& dir) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        check_quotes_before(text, e.mark.line + 1, file);
        Location loc;
        loc.file = file;
        loc.line = e.mark.line + 1;
        loc.column = e.mark.column + 1;
        throw Error("YAML syntax error: " + e.msg, loc, "check indentation (spaces, not tabs) and the ':' after each key");
    }
    std::set<std::pair<int, int>> walked;
    check_unclosed_quotes(root, text, LineStarts(text), file, walked);
    Scenario sc;
    sc.file = file;
    sc.dir = dir;
    if (!root || root.IsNull()) throw Error("the scenario is empty", Location{file}, "start from testdata/demo/scenario.yaml");
    MapReader r(root, "", file);
    r.require_map();
    r.allow({"name", "description", "crs", "resolution", "extent", "margin", "as_of", "inputs", "scoring", "zones",
             "outputs", "run", "uncertainty", "sign_plan", "outreach_plan"});
    r.check_unknown();
    if (auto n = r.get("name")) sc.name = scalar(r, n, "name");
    if (auto n = r.get("description")) sc.description = scalar(r, n, "description");
    if (auto n = r.get("crs")) {
        sc.crs = scalar(r, n, "crs");
        sc.crs_where = r.where(n);
        if (sc.crs != "auto") {
            check_crs_string(sc.crs, sc.crs_where);
            // Cells and every distance are metres: a geographic CRS (degrees) is refused here, before any
            // input is read.
            std::string wkt;
            try {
                wkt = crs_to_wkt(sc.crs);
            } catch (const Error&) {  // PROJ accepted it above; GDAL's reading of it is checked when inputs are read
            }
            if (!wkt.empty() && !crs_is_metric(wkt)) {
                std::string name = crs_short_name(wkt);
                if (name.rfind("unknown", 0) == 0 || name.rfind("unnamed", 0) == 0) name = sc.crs;
                throw Error("the working CRS " + name + " is not projected in metres", sc.crs_where,
                            "cells and distances are measured in metres: use a projected CRS (the UTM zone of the area, "
                            "EPSG:326ZZ north or EPSG:327ZZ south, or a national grid) or 'crs: auto' (the UTM zone of "
                            "the data); the inputs' own CRSs may stay geographic");
            }
        }
    }
    auto res = r.get("resolution");
    if (!res) throw Error("the scenario has no 'resolution'", r.where(), "add e.g. 'resolution: 20' (cell size in metres)");
    sc.resolution = number(r, res, "resolution", 0.01, 1e5, "metres");
    sc.resolution_where = r.where(res);
    if (auto n = r.get("extent")) {
        sc.extent_where = r.where(n);
        if (n.IsScalar() && n.Scalar() == "auto") {
        } else if (n.IsSequence() && n.size() == 4) {
            double v[4];
            for (int i = 0; i < 4; ++i) v[i] = number(r, n[i], "extent", -1e9, 1e9, "working-CRS units");
            Extent e{v[0], v[1], v[2], v[3]};
            if (!e.valid()) throw Error("'extent' must be [xmin, ymin, xmax, ymax] with xmin < xmax and ymin < ymax", r.where(n));
            sc.extent = e;
        } else {
            throw Error("'extent' must be 'auto' or [xmin, ymin, xmax, ymax]", r.where(n),
                        "write e.g. 'extent: [640000, 4385000, 700000, 4445000]' in the working CRS");
        }
    }
    if (auto n = r.get("margin")) {
        sc.margin = number(r, n, "margin", 0, 1e6, "metres");
        sc.margin_where = r.where(n);
    }
    if (auto n = r.get("as_of")) {
        const std::string s = scalar(r, n, "as_of");
        auto d = parse_date(s);
        if (!d) throw Error("'as_of' is '" + s + "', not a date", r.where(n), "write YYYY-MM-DD, YYYY-MM or YYYY");
        sc.as_of = *d;
    }
    auto inputs = r.get("inputs");
    if (!inputs) throw Error("the scenario has no 'inputs'", r.where(), "add 'inputs:' with at least 'hazards:'");
    {
        MapReader ir(inputs, "inputs", file);
        ir.require_map();
        for (const auto& role : standard_layers())
            if (auto n = ir.get(role)) sc.inputs.push_back(parse_input(ir, role, n, dir));
        if (auto extra = ir.get("extra")) {
            MapReader er(extra, "inputs.extra", file);
            er.require_map();
            for (auto it = extra.begin(); it != extra.end(); ++it) {
                const std::string name = it->first.as<std::string>("");
                if (std::find(standard_layers().begin(), standard_layers().end(), name) != standard_layers().end())
                    throw Error("extra layer '" + name + "' has the name of a standard layer", er.where(it->first),
                                "declare it under 'inputs:' directly, or rename it");
                sc.inputs.push_back(parse_input(er, name, it->second, dir));
            }
        }
        ir.check_unknown();
    }
    if (auto n = r.get("scoring")) parse_scoring(r, n, sc);
    else throw Error("the scenario has no 'scoring'", r.where(), "add 'scoring:' with a 'factors:' list (see docs/scenario.md)");
    if (auto n = r.get("zones")) parse_zones(r, n, sc);
    if (auto n = r.get("outputs")) parse_outputs(r, n, sc);
    if (auto n = r.get("run")) parse_run(r, n, sc);
    if (auto n = r.get("uncertainty")) parse_uncertainty(r, n, sc);
    if (auto n = r.get("sign_plan")) parse_sign_plan(r, n, sc);
    if (auto n = r.get("outreach_plan")) parse_outreach_plan(r, n, sc);
    r.check_unknown();
    // With an explicit extent the grid is known now: refuse a grid that is far too large before any input
    // is read (with 'extent: auto', load_inputs checks it once the inputs' extent is known).
    if (sc.extent) check_grid_size(sc, *sc.extent, false);
    return sc;
}

std::string expand_variables(const std::string& text, const std::map<std::string, std::string>& vars,
                             const std::string& file) {
    std::string out;
    int line = 1, column = 1;
    // A comment is left as it is: '${X}' in a commented-out line must not need X. A '#' starts a comment at the
    // start of a line or after a space, outside a quoted scalar (one that opens with a quote after ': ', '- ',
    // '[', '{' or ','); both end with the line, as in the scenarios we read.
    bool in_comment = false;
    char quote = 0;
    for (size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (c == '\n') {
            in_comment = false, quote = 0;
        } else if (!in_comment && quote) {
            if (c == '\'' && quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
                out += text[i++], ++column;  // '' is a quote inside a single-quoted string
            } else if (c == quote) {
                quote = 0;
            } else if (c == '\\' && quote == '"' && i + 1 < text.size() && text[i + 1] != '\n') {
                out += text[i++], ++column;  // an escaped character cannot close the string
            }
        } else if (!in_comment && c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
            in_comment = true;
        } else if (!in_comment && (c == '"' || c == '\'')) {
            size_t k = i;
            while (k > 0 && (text[k - 1] == ' ' || text[k - 1] == '\t')) --k;
            const char before = k == 0 ? '\n' : text[k - 1];
            if (before == ':' || before == '-' || before == '[' || before == '{' || before == ',' || before == '\n') quote = c;
        }
        if (!in_comment && text.compare(i, 2, "${") == 0) {
            const size_t end = text.find('}', i + 2);
            if (end != std::string::npos && text.find('\n', i) > end) {
                const std::string name = text.substr(i + 2, end - i - 2);
                auto it = vars.find(name);
                const char* env = std::getenv(name.c_str());
                if (it == vars.end() && !env)
                    throw Error("the variable ${" + name + "} has no value", Location{file, line, column},
                                "give it with --var " + name + "=VALUE, or set the environment variable " + name);
                const std::string value = it != vars.end() ? it->second : std::string(env);
                out += value;
                column += static_cast<int>(end + 1 - i);
                i = end + 1;
                continue;
            }
        }
        if (text[i] == '\n') ++line, column = 0;
        out += text[i++];
        ++column;
    }
    return out;
}

Scenario load_scenario(const std::string& path, const std::map<std::string, std::string>& vars) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot read the scenario file", Location{path}, "check that the path exists and is readable");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string dir = fs::absolute(fs::path(path)).parent_path().string();
    return parse_scenario(expand_variables(ss.str(), vars, path), path, dir);
}

const InputSpec* Scenario::input(const std::string& role) const {
    for (const auto& in : inputs)
        if (in.role == role) return &in;
    return nullptr;
}

}  // namespace minerisk
