// Reads a scenario YAML file into a Scenario, checking every key, type and range as it goes, so that a
// mistake is reported with its line and column before any input is opened. This file holds the top level
// of the scenario; the sections are read by input_parser.cpp, scoring_parser.cpp and section_parsers.cpp,
// with the YAML toolkit of yaml_reader.hpp.
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "minerisk/crs.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/file_check.hpp"
#include "minerisk/scenario.hpp"
#include "scenario/crs_check.hpp"
#include "scenario/sections.hpp"
#include "scenario/yaml_checks.hpp"
#include "scenario/yaml_quotes.hpp"
#include "scenario/yaml_reader.hpp"

namespace fs = std::filesystem;

namespace minerisk {
namespace {

using namespace yaml;

std::string fmt(const char* f, double a) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, a);
    return buf;
}

// The text as YAML; a syntax error names its line, or the quote left open before it.
YAML::Node load_yaml(const std::string& text, const std::string& file) {
    check_scenario_bytes(text, file);
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
    check_unclosed_quotes(root, text, file);
    check_single_document(text, file);
    check_duplicate_keys(root, file);
    return root;
}

// `name:` and `description:`: text for people, shown in every output. A scenario saved in Latin-1/CP1252
// ('Caf\xE9') would stop the run when run.json is written: the text is read as CP1252, with a warning.
std::string people_text(MapReader& r, const YAML::Node& n, const std::string& key, Scenario& sc) {
    const std::string raw = scalar(r, n, key);
    if (text::is_utf8(raw)) return raw;
    const std::string recoded = text::recode_cp1252(raw);
    const Location at = r.where(n);
    sc.warnings.push_back(at.to_string() + ": '" + key + "' is not UTF-8 text, read as " +
                          "Latin-1/CP1252: '" + recoded + "'. save the scenario as UTF-8");
    return recoded;
}

// `crs:`: 'auto' or a CRS PROJ knows. Cells and every distance are metres: a geographic CRS (degrees) is
// refused here, before any input is read.
void parse_working_crs(MapReader& r, const YAML::Node& n, Scenario& sc) {
    sc.crs = scalar(r, n, "crs");
    sc.crs_where = r.where(n);
    if (sc.crs == "auto") return;
    check_crs_string(sc.crs, sc.crs_where);
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

// `extent:`: 'auto' or [xmin, ymin, xmax, ymax] in the working CRS.
void parse_extent(MapReader& r, const YAML::Node& n, Scenario& sc) {
    sc.extent_where = r.where(n);
    if (n.IsScalar() && n.Scalar() == "auto") return;
    if (!n.IsSequence() || n.size() != 4)
        throw Error("'extent' must be 'auto' or [xmin, ymin, xmax, ymax]", r.where(n),
                    "write e.g. 'extent: [640000, 4385000, 700000, 4445000]' in the working CRS");
    double v[4];
    for (int i = 0; i < 4; ++i) v[i] = number(r, n[i], "extent", -1e9, 1e9, "working-CRS units");
    Extent e{v[0], v[1], v[2], v[3]};
    if (!e.valid()) throw Error("'extent' must be [xmin, ymin, xmax, ymax] with xmin < xmax and ymin < ymax", r.where(n));
    sc.extent = e;
}

// The grid and time keys of the top level: resolution (required), extent, margin, as_of.
void parse_grid(MapReader& r, Scenario& sc) {
    auto res = r.get("resolution");
    if (!res) throw Error("the scenario has no 'resolution'", r.where(), "add e.g. 'resolution: 20' (cell size in metres)");
    sc.resolution = number(r, res, "resolution", 0.01, 1e5, "metres");
    sc.resolution_where = r.where(res);
    if (auto n = r.get("extent")) parse_extent(r, n, sc);
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
}

// `summary_by:`: the polygon input whose areas the run ranks (docs/areas.md). A polygon input that nothing
// reads is refused as well: it is almost always a 'summary_by' forgotten.
void parse_summary_by(MapReader& r, Scenario& sc) {
    if (auto n = r.get("summary_by")) {
        sc.summary_by = choice(r, n, "summary_by", polygon_layers());
        sc.summary_by_where = r.where(n);
        if (!sc.areas)
            throw Error("'summary_by: " + sc.summary_by + "' needs the '" + sc.summary_by +
                            "' input, which the scenario does not declare",
                        sc.summary_by_where,
                        "add 'areas:' under 'inputs:' with the path of the polygon layer (districts, municipalities) "
                        "and 'fields: {id: CODE_COLUMN, name: NAME_COLUMN}'");
    }
    if (sc.areas && sc.summary_by.empty())
        throw Error("the 'areas' input is declared but nothing reads it", sc.areas->where,
                    "add 'summary_by: areas' at the top level to rank the areas, or remove 'inputs.areas'");
}

// The sections after the inputs; scoring is required, the others may be left out.
void parse_sections(MapReader& r, Scenario& sc) {
    using namespace sections;
    if (auto n = r.get("scoring")) parse_scoring(r, n, sc);
    else throw Error("the scenario has no 'scoring'", r.where(), "add 'scoring:' with a 'factors:' list (see docs/scenario.md)");
    if (auto n = r.get("zones")) parse_zones(r, n, sc);
    if (auto n = r.get("outputs")) parse_outputs(r, n, sc);
    if (auto n = r.get("run")) parse_run(r, n, sc);
    if (auto n = r.get("uncertainty")) parse_uncertainty(r, n, sc);
    if (auto n = r.get("sign_plan")) parse_sign_plan(r, n, sc);
    if (auto n = r.get("outreach_plan")) parse_outreach_plan(r, n, sc);
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
    const YAML::Node root = load_yaml(text, file);
    Scenario sc;
    sc.file = file;
    sc.dir = dir;
    if (!root || root.IsNull()) throw Error("the scenario is empty", Location{file}, "start from testdata/demo/scenario.yaml");
    MapReader r(root, "", file);
    r.require_map();
    r.allow({"name", "description", "crs", "resolution", "extent", "margin", "as_of", "inputs", "scoring", "zones",
             "outputs", "run", "uncertainty", "sign_plan", "outreach_plan", "summary_by", "area"});
    r.check_unknown();
    if (auto n = r.get("name")) sc.name = people_text(r, n, "name", sc);
    if (auto n = r.get("description")) sc.description = people_text(r, n, "description", sc);
    if (auto n = r.get("crs")) parse_working_crs(r, n, sc);
    parse_grid(r, sc);
    auto inputs = r.get("inputs");
    if (!inputs) throw Error("the scenario has no 'inputs'", r.where(), "add 'inputs:' with at least 'hazards:'");
    sections::parse_inputs(inputs, file, sc);
    parse_summary_by(r, sc);
    if (auto n = r.get("area")) sections::parse_area(r, n, sc);
    parse_sections(r, sc);
    // Rank stability redraws hand-set weights around the scenario's; fitted weights carry their own intervals
    // (run.json, the summary), and redrawing them as shares of one would change the risk's scale.
    if (sc.scoring.method == "fitted" && sc.uncertainty.draws > 0)
        throw Error("rank stability ('uncertainty') redraws hand-set weights and does not go with 'method: fitted'",
                    sc.uncertainty.where, "remove 'uncertainty' (the fitted weights' intervals are in run.json), or choose the weights");
    r.check_unknown();
    // With an explicit extent the grid is known now: refuse a grid that is far too large before any input
    // is read (with 'extent: auto', load_inputs checks it once the inputs' extent is known).
    if (sc.extent) check_grid_size(sc, *sc.extent, false);
    return sc;
}

Scenario load_scenario(const std::string& path, const std::map<std::string, std::string>& vars) {
    // Before opening: a FIFO would block the open until a writer comes, /dev/zero would be read forever.
    const std::string special = files::not_a_file(path, files::FileRules{kMaxScenarioBytes, false});
    if (!special.empty())
        throw Error("cannot read the scenario file: it is " + special, Location{path},
                    "give the path of the scenario's YAML file (a few kB of text, at most " +
                        files::byte_size(kMaxScenarioBytes) + ")");
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
