// Geometry repair with GEOS: the one place that turns what planners' databases hold into valid polygons.
#pragma once
#include <memory>
#include <string>

class OGRGeometry;

namespace minerisk {

enum class RepairOutcome { unchanged, repaired, collapsed };

class GeometryRepairer {
public:
    GeometryRepairer();
    ~GeometryRepairer();
    GeometryRepairer(const GeometryRepairer&) = delete;
    GeometryRepairer& operator=(const GeometryRepairer&) = delete;

    // Makes a polygonal geometry valid (GEOS MakeValid) and keeps its polygonal part. On `collapsed` the
    // geometry had no area left and `geom` is untouched.
    RepairOutcome make_valid_polygonal(std::unique_ptr<OGRGeometry>& geom, std::string* reason = nullptr);

    // Buffers a point or line into a polygon of the given radius (GEOS, 16 segments per quarter circle).
    std::unique_ptr<OGRGeometry> buffer(const OGRGeometry& geom, double radius);

private:
    void* ctx_;  // GEOSContextHandle_t
};

}  // namespace minerisk
