// Input features in the working CRS, repaired, with typed attributes and a spatial index.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "minerisk/grid.hpp"
#include "minerisk/progress.hpp"

class OGRGeometry;

namespace minerisk {

struct Scenario;

// What happened to a layer's features on the way in: printed after a run and listed in the report.
struct LayerStats {
    std::string source;        // file or connection
    std::string layer_name;    // OGR layer name
    std::string source_crs;    // short name of the CRS the features came in
    std::int64_t read = 0;     // features read (after the attribute filter)
    std::int64_t loaded = 0;   // features kept
    std::int64_t repaired = 0; // invalid polygons repaired with GEOS MakeValid
    std::int64_t buffered = 0; // points (or lines) turned into polygons by a radius (hazards)
    std::int64_t skipped_null = 0;
    std::int64_t skipped_empty = 0;
    std::int64_t skipped_bad = 0;  // unreadable, untransformable or collapsed geometries
};

// One attribute role of a layer, typed. Numbers and dates are NaN when missing or unreadable.
struct Column {
    std::string type;                 // text | number | date | boolean
    std::vector<double> number;       // number, date (days since 1970-01-01), boolean (0/1)
    std::vector<std::string> text;    // the value as written (every type)
    std::vector<char> present;        // 1 when the source had a non-null value
};

class FeatureLayer {
public:
    FeatureLayer();
    ~FeatureLayer();
    FeatureLayer(FeatureLayer&&) noexcept;
    FeatureLayer& operator=(FeatureLayer&&) noexcept;

    std::string role;
    LayerStats stats;
    std::vector<std::int64_t> fid;                    // source feature ids
    std::vector<std::unique_ptr<OGRGeometry>> geometry;
    std::vector<std::vector<unsigned char>> wkb;      // ISO WKB of geometry, for plugins
    std::vector<Extent> bounds;
    std::map<std::string, Column> columns;            // by role name

    std::int64_t size() const { return static_cast<std::int64_t>(fid.size()); }
    const Column* column(const std::string& role_name) const;
    Extent extent() const;

    // Builds the R-tree once all features are in. Queries are thread-safe afterwards.
    void build_index();
    // Ids of features whose bounding box intersects the box, ascending.
    std::vector<std::int64_t> query(const Extent& box) const;

private:
    struct Index;
    std::unique_ptr<Index> index_;
};

// All input layers of a scenario, in the working CRS.
struct Inputs {
    std::string crs_wkt;        // the working CRS
    std::string crs_name;       // e.g. "EPSG:32638"
    std::string crs_reason;     // why this CRS: "from the scenario" or "auto: UTM zone of the inputs' centre (47.0E, 39.9N)"
    std::vector<FeatureLayer> layers;
    std::vector<std::string> warnings;  // counted problems the run went on with

    const FeatureLayer* find(const std::string& role) const;
    Extent extent() const;  // of all features
};

// Opens every input with OGR, reads, reprojects (PROJ), repairs (GEOS) and indexes it. Throws Error.
Inputs load_inputs(const Scenario& scenario, const Progress& progress = {});

struct InputSpec;
// A polygon input (Scenario::areas) read into the working CRS of `inputs` (already loaded), repaired and indexed;
// features that are not polygons are skipped and counted. Its warnings are appended to `warnings`. Throws Error
// when no polygon is left: at the 'where:' line when the filter selects nothing.
FeatureLayer load_polygon_input(const InputSpec& in, const Inputs& inputs, std::vector<std::string>& warnings);

}  // namespace minerisk
