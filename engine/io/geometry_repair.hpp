// Geometry repair with GEOS: the one place that turns what planners' databases hold into valid polygons.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "minerisk/grid.hpp"

class OGRGeometry;

namespace minerisk {

// tangled: over the repair budget (see kMaxRepairCrossings), replaced by its convex hull.
enum class RepairOutcome { unchanged, repaired, collapsed, tangled };

// The repair budget. GEOS MakeValid nodes every crossing of a polygon's rings and builds the faces between
// them, and its time grows faster than the crossings (GEOS 3.11, one core: 94 crossings 0.07 s, 272 0.15 s,
// 555 0.5 s, 1,085 2 s, 4,254 14 s); a scrambled ring of n vertices crosses itself about n^2/8 times (2,000
// vertices: 469,304 crossings, minutes). Rings crossing themselves more often than this are not repaired but
// replaced by their convex hull (O(n log n)): for a hazard, an area too large is the safe error, an area
// dropped is not. Real digitising errors (a bow-tie, a loop, a few slivers) cross a handful of times.
constexpr long long kMaxRepairCrossings = 250;
// Counting crossings stops after this many pairs of segments compared (a few tens of milliseconds); a polygon
// whose count is not known by then is repaired with MakeValid as any other.
constexpr long long kMaxCrossingPairs = 20000000;

// Crossings of the segments of a geometry's rings (all rings together), counted up to `cap`: more than `cap`
// gives cap + 1. -1 when the count was not finished within kMaxCrossingPairs pairs.
long long count_ring_crossings(const OGRGeometry& geom, long long cap);

// The number of vertices of a geometry's rings, for messages.
long long vertex_count(const OGRGeometry& geom);

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
    // no area left and `geom` is untouched. `reason` says what was wrong (GEOS's words). On `tangled` its
    // rings cross more than kMaxRepairCrossings times and `geom` is now its convex hull; `reason` says so.
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
