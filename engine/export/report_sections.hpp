// What report_html.cpp shares with the files that write the rest of report.html: the appendix
// (report_appendix.cpp), the planners' words for factors, keys and paths (factor_words.cpp) and the cell labels
// that let the tables reflow on a narrow screen (report_cells.cpp).
#pragma once
#include <sstream>
#include <string>
#include <vector>

#include "export/report_format.hpp"
#include "export/zone_maps.hpp"

namespace minerisk::report {

// How many zones the body shows in full; the rest are in the appendix (all are in zones.csv).
constexpr size_t kBodyZones = 10;

// The small map of each zone of the body (report_zone_maps.cpp): a grid of figures after the zones' table, each
// linked to the zone's row. Nothing when `maps` is empty.
void write_zone_maps(std::ostringstream& o, const ExportContext& ctx, const std::vector<quicklook::ZoneMap>& maps);

// The appendix: the zones after the first kBodyZones (compact), then the technical details (inputs with their
// paths, factors with their plugin ids and parameter keys, zone settings by key, grid, scenario file, library
// versions, time per stage).
void write_appendix(std::ostringstream& o, const ExportContext& ctx);

// A factor of the run in a planner's words: "past incidents nearby" for the factor of plugin incident_density.
std::string factor_words(const ExportContext& ctx, const std::string& factor_name);

// A text for the body: configuration keys said plainly and absolute paths cut to their file names.
std::string plain_words(const std::string& text);

// The file name of an input's source ("hazards.gpkg" for "/data/in/hazards.gpkg"); a source that is not a path
// (a database connection) is said as "database".
std::string file_name(const std::string& source);

// Every body cell of a table with a header row gets data-label="its column's header", so that the stylesheet can
// stack each row as a card on a narrow screen and still name every figure.
std::string label_cells(const std::string& html);

}  // namespace minerisk::report
