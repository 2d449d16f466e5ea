// `inputs:`: each layer's source, layer, filter, CRS, coordinate columns and field roles.
#include <algorithm>
#include <filesystem>
#include <system_error>

#include "minerisk/file_check.hpp"
#include "scenario/crs_check.hpp"
#include "scenario/sections.hpp"

namespace fs = std::filesystem;

namespace minerisk::sections {
namespace {

using namespace yaml;

bool is_connection(const std::string& p) {
    return p.rfind("PG:", 0) == 0 || p.rfind("/vsi", 0) == 0 || p.find("://") != std::string::npos;
}

// `fields:`: role -> the source's field name. Standard layers accept only their roles.
void parse_fields(MapReader& r, const YAML::Node& n, const std::string& role, InputSpec& in) {
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

// An input written as a mapping: 'path:' and the keys that say how to read it.
void parse_input_map(MapReader& r, const std::string& role, const std::string& dir, InputSpec& in) {
    r.require_map();
    r.allow({"path", "layer", "sql", "where", "crs"});
    if (!is_polygon_layer(role)) r.allow({"x", "y"});  // a polygon is not a pair of coordinate columns
    r.allow({"wkt", "fields"});
    if (role == "hazards") r.allow({"point_radius"});
    r.check_unknown();
    const auto path = r.get("path");
    if (!path) throw Error("input '" + role + "' has no 'path'", r.where(), "add 'path: FILE' (relative to the scenario file)");
    const std::string written = scalar(r, path, "path");
    if (written.empty()) throw Error("input '" + role + "' has an empty 'path'", r.where(path), "name the file");
    in.source = resolve_path(dir, written);
    in.where = r.where(path);
    if (auto n = r.get("layer")) in.layer = scalar(r, n, "layer");
    if (auto n = r.get("sql")) {
        if (in.layer.size())
            throw Error("input '" + role + "' has both 'layer' and 'sql'", r.where(n),
                        "keep one: 'layer' reads a table as it is, 'sql' reads the result of a query");
        in.sql = scalar(r, n, "sql");
        in.sql_where = r.where(n);
        if (in.sql.empty()) throw Error("input '" + role + "' has an empty 'sql'", r.where(n), "write the query, or use 'layer'");
    }
    if (auto n = r.get("where")) {
        in.filter = scalar(r, n, "where");
        in.filter_where = r.where(n);
    }
    if (auto n = r.get("crs")) {
        in.crs = scalar(r, n, "crs");
        check_crs_string(in.crs, r.where(n));
    }
    if (auto n = r.get("x")) in.x_field = scalar(r, n, "x");
    if (auto n = r.get("y")) in.y_field = scalar(r, n, "y");
    if (auto n = r.get("wkt")) in.wkt_field = scalar(r, n, "wkt");
    if (role == "hazards")
        if (auto n = r.get("point_radius")) in.point_radius = number(r, n, "point_radius", 0.01, 1e5, "metres");
    if (auto n = r.get("fields")) parse_fields(r, n, role, in);
    r.check_unknown();
    if (in.x_field.empty() != in.y_field.empty())
        throw Error("input '" + role + "' names only one of 'x' and 'y'", r.where(), "give both coordinate columns, or neither");
}

InputSpec parse_input(MapReader& parent, const std::string& role, const YAML::Node& node, const std::string& dir) {
    MapReader r(node, parent.child_path(role), parent.file());
    InputSpec in;
    in.role = role;
    in.where = r.where();
    if (node.IsScalar())  // shorthand: "hazards: data/hazards.gpkg"
        in.source = resolve_path(dir, node.Scalar());
    else
        parse_input_map(r, role, dir, in);
    std::error_code unreadable;  // a name too long for the system, a folder we may not enter: "does not exist"
    if (!is_connection(in.source) && !fs::exists(in.source, unreadable)) {
        Location loc = in.where;
        throw Error("input file '" + in.source + "' for " + role + " does not exist", loc,
                    "check the path; relative paths are read from the scenario's folder " + dir);
    }
    // Refused here, at the path's line, so that no reader ever opens a pipe (it would wait for a writer).
    const std::string special = files::not_a_file(in.source, files::FileRules{0, true});
    if (!special.empty())
        throw Error("input file '" + in.source + "' for " + role + " is " + special, in.where,
                    special.find("folder") != std::string::npos
                        ? "name the data file in it (a folder is read whole only as a File Geodatabase, NAME.gdb)"
                        : "minerisk reads inputs from files only, not from pipes or devices: save the data to a file first");
    return in;
}

}  // namespace

std::string resolve_path(const std::string& dir, const std::string& p) {
    // Connection strings and GDAL virtual paths are passed through untouched.
    if (p.rfind("PG:", 0) == 0 || p.rfind("/vsi", 0) == 0 || p.find("://") != std::string::npos) return p;
    fs::path path(p);
    if (path.is_relative()) path = fs::path(dir) / path;
    return path.lexically_normal().string();
}

void parse_inputs(const YAML::Node& node, const std::string& file, Scenario& sc) {
    MapReader ir(node, "inputs", file);
    ir.require_map();
    for (const auto& role : standard_layers())
        if (auto n = ir.get(role)) sc.inputs.push_back(parse_input(ir, role, n, sc.dir));
    // The polygon input, kept apart from the layers the factors read (see Scenario::areas).
    if (auto n = ir.get("areas")) sc.areas = parse_input(ir, "areas", n, sc.dir);
    if (auto extra = ir.get("extra")) {
        MapReader er(extra, "inputs.extra", file);
        er.require_map();
        for (auto it = extra.begin(); it != extra.end(); ++it) {
            const std::string name = it->first.as<std::string>("");
            if (std::find(standard_layers().begin(), standard_layers().end(), name) != standard_layers().end() ||
                is_polygon_layer(name))
                throw Error("extra layer '" + name + "' has the name of a standard layer", er.where(it->first),
                            "declare it under 'inputs:' directly, or rename it");
            sc.inputs.push_back(parse_input(er, name, it->second, sc.dir));
        }
    }
    ir.check_unknown();
}

void parse_area(MapReader& top, const YAML::Node& node, Scenario& sc) { sc.area = parse_input(top, "area", node, sc.dir); }

}  // namespace minerisk::sections
