// Geometry repair with GEOS: the one place that turns what planners' databases hold into valid polygons.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "minerisk/grid.hpp"

class OGRGeometry;

namespace minerisk {

enum class RepairOutcome { unchanged, repaired, collapsed };

// Two polygons of one layer that are the same area, or one of which lies inside the other.
struct OverlapFinding {
    std::size_t outer = 0;  // index of the containing (or first of two equal) geometries
    std::size_t inner = 0;  // index of the contained (or second) one
    bool equal = false;     // true: the same area (a duplicate); false: `inner` lies inside `outer`
};

class GeometryRepairer {
public:
    GeometryRepairer();
    ~GeometryRepairer();
    GeometryRepairer(const GeometryRepairer&) = delete;
    GeometryRepairer& operator=(const GeometryRepairer&) = delete;

    // Makes a polygonal geometry valid (GEOS MakeValid) and keeps its polygonal part. Rings that do not
    // return to their first point are closed first (counted as a repair). On `collapsed` the geometry had
    // no area left and `geom` is untouched. `reason` says what was wrong (GEOS's words).
    RepairOutcome make_valid_polygonal(std::unique_ptr<OGRGeometry>& geom, std::string* reason = nullptr);

    // Buffers a point or line into a polygon of the given radius (GEOS, 16 segments per quarter circle).
    std::unique_ptr<OGRGeometry> buffer(const OGRGeometry& geom, double radius);

    // Pairs of polygonal geometries that cover the same area (topologically equal, whatever their start
    // vertex or orientation) or of which one lies inside the other. `bounds[i]` is the bounding box of
    // `geoms[i]`. Each geometry is reported at most once as `inner`, with the first container found.
    std::vector<OverlapFinding> find_duplicates_and_nested(const std::vector<const OGRGeometry*>& geoms,
                                                           const std::vector<Extent>& bounds);

    // GEOS's last error or notice message, for reasons ("" if none).
    const std::string& last_message() const { return message_; }

private:
    void* ctx_;  // GEOSContextHandle_t
    std::string message_;
};

}  // namespace minerisk
