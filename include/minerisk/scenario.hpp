// The scenario file: everything a run needs, parsed and checked before any heavy work starts.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "minerisk/error.hpp"
#include "minerisk/grid.hpp"
#include "minerisk/plan_spec.hpp"
#include "minerisk/scenario_limits.hpp"

namespace minerisk {

// A parameter as written in the scenario, checked later against the plugin's declared parameters.
struct ParamText {
    std::string name;
    bool is_table = false;
    std::string text;                                       // scalar as written
    std::vector<std::pair<std::string, std::string>> table; // key -> value as written, in file order
    Location where;
};

// One input layer and how its fields map onto the roles minerisk knows.
struct InputSpec {
    std::string role;         // hazards, incidents, settlements, signs, sessions, or an extra layer's name
    std::string source;       // file path resolved against the scenario's folder, or a connection string
    std::string layer;        // empty: the data source's first layer
    std::string sql;          // a query whose result is the layer (scenario key "sql"), instead of 'layer'
    Location sql_where;       // where 'sql:' is written (empty when it is not)
    std::string filter;       // OGR SQL attribute filter (scenario key "where"), empty: none
    Location filter_where;    // where 'where:' is written (empty when it is not)
    std::string crs;          // CRS to assign to the layer (overrides the file's), empty: the file's own
    std::string x_field, y_field, wkt_field;  // for tables such as CSV: coordinate columns
    double point_radius = 100.0;              // hazards recorded as points: buffer radius in metres
    std::map<std::string, std::string> fields;  // role -> source field name
    std::map<std::string, Location> field_where;
    Location where;
};

struct FactorSpec {
    std::string plugin;
    std::string name;        // output name; defaults to the plugin's
    double weight = 1.0;
    std::string group;       // likelihood | consequence (for method likelihood_consequence)
    std::vector<ParamText> params;
    std::vector<std::string> roles;  // 'roles: [...]': replaces the roles the plugin's descriptor declares
    bool roles_given = false;
    Location where;
};

struct ScoringSpec {
    std::string method = "weighted_sum";  // weighted_sum | weighted_product | maximum | likelihood_consequence | fitted
    // fitted: the weights of the factors with a positive weight are estimated from the incidents of the last
    // fit_years before as_of (and the fit_years before those, to choose the regularisation); docs/scenario.md.
    double fit_years = 2;
    std::vector<FactorSpec> factors;
    std::vector<std::string> plugin_paths;  // extra plugin folders, resolved against the scenario's folder
    Location where;
};

struct ZonesSpec {
    std::optional<double> threshold;    // risk at or above which a cell is a candidate (default 0.5)
    std::optional<double> top_percent;  // or: the riskiest share of the area, in percent
    double min_area = 10000.0;          // m2; smaller zones are dropped
    double fill_holes = 10000.0;        // m2; smaller holes are filled
    double reach = 2000.0;              // m; settlements within this distance count as "in reach"
    double recent_days = 365.0;         // incidents within this many days before as_of are "recent"
    double survey_distance = 500.0;     // m; incidents farther than this from any hazard suggest unrecorded contamination
    double sign_cover = 100.0;          // m; a sign covers the perimeter within this distance of it
    double session_stale_days = 365.0;  // a settlement whose last session is older than this needs one
};

struct OutputsSpec {
    bool factors = true;      // write each factor's raster
    bool extra_bands = true;  // write the plugins' extra bands (e.g. distance to the nearest hazard)
    std::string compress = "ZSTD";
    std::string format = "COG";  // COG (tiled, overviews) | GTiff (tiled, no overviews: faster to write)
    bool report = true;       // quicklook.png, report.html, zones.csv, settlements.csv
    bool qgis = true;         // minerisk.gpkg (zones, settlements, inputs, styles), .qml styles, minerisk.qgs;
                              // when false the zones still go to zones.gpkg
    // PostGIS sink (docs/database.md): the products also written as tables of `schema` in this database, in one
    // transaction; empty: none.
    std::string database;
    std::string schema = "minerisk";
    Location database_where;
    std::string qgis_source = "file";  // file | database: what minerisk.qgs's product layers read
};

// The defaults (and ranges) are those of minerisk/scenario_limits.hpp, which the command line shares.
struct RunSpec {
    unsigned threads = static_cast<unsigned>(limits::run::threads.default_value);  // 0 = all cores
    int tile_size = static_cast<int>(limits::run::tile_size.default_value);        // cells per tile side
    double max_memory_mb = limits::run::max_memory_mb.default_value;  // refuse runs estimated above this
    double max_cells = limits::run::max_cells.default_value;  // refuse grids larger than this (a typo in resolution or extent)
};

struct Scenario {
    std::string file;  // as given
    std::string dir;   // folder that relative paths are resolved against
    std::string name;
    std::string description;
    std::string crs = "auto";
    Location crs_where;
    double resolution = 0;
    Location resolution_where;
    std::optional<Extent> extent;  // empty = auto
    Location extent_where;         // where 'extent' is written (also for 'extent: auto'); empty when left out
    double margin = 2000.0;
    Location margin_where;
    std::optional<double> as_of;   // days since 1970-01-01; empty = the latest date in the inputs
    std::vector<InputSpec> inputs; // in the order hazards, incidents, settlements, signs, sessions, extras
    // Polygon inputs (polygon_layers()): divisions of the land rather than data to score. They are read on their
    // own once the inputs are (load_polygon_input), so they neither widen 'extent: auto' nor choose 'crs: auto',
    // and no plugin sees them. Today only 'inputs.areas', the administrative areas that summary_by ranks.
    std::optional<InputSpec> areas;
    // The area of interest (top-level 'area:'): a polygon input, e.g. a country or a programme's boundary, that
    // limits every figure and product to the cells whose centre lies inside it (docs/scenario.md, "Area of
    // interest"). Read as the other polygon inputs are; with 'extent: auto' the grid is its bounding box.
    std::optional<InputSpec> area;
    std::string summary_by;        // "areas": rank the areas of inputs.areas (docs/areas.md); empty: off
    Location summary_by_where;
    ScoringSpec scoring;
    ZonesSpec zones;
    OutputsSpec outputs;
    RunSpec run;
    UncertaintySpec uncertainty;      // rank stability (docs/uncertainty.md); off while draws is 0
    SignPlanSpec sign_plan;           // where the next signs go (docs/sign-plan.md); off while signs is 0
    OutreachPlanSpec outreach_plan;   // sessions by week (docs/outreach-plan.md); off while facilitators is 0
    // What the parser went on with: text of the scenario that was not UTF-8 and was read as CP1252. The run
    // puts them first among its warnings.
    std::vector<std::string> warnings;

    const InputSpec* input(const std::string& role) const;
};

// A scenario is a short YAML text; a larger file is a data file or a device given by mistake, and is refused
// before it is read (docs/scenario.md).
inline constexpr unsigned long long kMaxScenarioBytes = 4ull << 20;  // 4 MiB

// Parses and checks a scenario file: syntax, keys, types, ranges, files that must exist, CRS strings.
// Throws Error naming file, line and column. Does not open the input layers. A FIFO, a device, a folder or a
// file over kMaxScenarioBytes is refused from stat() alone, without opening it; so is an input path that is
// a FIFO, a device or a folder (other than a File Geodatabase's .gdb).
//
// `${NAME}` anywhere in the file is replaced by vars[NAME], else by the environment variable NAME, so that
// one scenario can point at data kept elsewhere (e.g. `path: ${DATA}/events.csv` with `--var DATA=/srv/x`).
// An unknown name is an error at its line.
Scenario load_scenario(const std::string& path, const std::map<std::string, std::string>& vars = {});
std::string expand_variables(const std::string& text, const std::map<std::string, std::string>& vars,
                             const std::string& file_name);
Scenario parse_scenario(const std::string& yaml_text, const std::string& file_name, const std::string& dir);

// The grid guard: throws Error at the 'resolution:' line when a grid over `extent` at the scenario's
// resolution would have more than run.max_cells cells (almost always a resolution in degrees or an extent
// in the wrong CRS). `automatic`: the extent is the inputs' extent plus the margin ('extent: auto').
// parse_scenario calls it for an explicit extent, load_inputs for 'extent: auto'.
void check_grid_size(const Scenario& scenario, const Extent& extent, bool automatic);

// Field roles minerisk understands for each standard layer, with their types.
struct FieldRole {
    const char* name;
    const char* type;  // "text", "number", "date", "boolean"
    const char* doc;
};
const std::vector<FieldRole>& field_roles(const std::string& layer_role);  // empty for extra layers
const std::vector<std::string>& standard_layers();
// The inputs that are polygons dividing the land ("areas"): each feature must be a polygon.
const std::vector<std::string>& polygon_layers();
bool is_polygon_layer(const std::string& role);

}  // namespace minerisk
