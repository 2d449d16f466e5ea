// The area ranking's parts, one job per file (include/minerisk/areas.hpp, docs/areas.md):
//   locator.cpp  which area holds a point: the areas' R-tree, then a prepared GEOS test; the first area wins
//   ranking.cpp  the figures per area, the order, the reasons
#pragma once
#include <cstdint>
#include <memory>

#include "minerisk/areas.hpp"
#include "minerisk/layer.hpp"

class OGRGeometry;

namespace minerisk::areas {

// Places points in the areas of a polygon layer. The GEOS form of each area is made, and prepared, on first use.
class AreaLocator {
public:
    explicit AreaLocator(const FeatureLayer& areas);
    ~AreaLocator();
    AreaLocator(const AreaLocator&) = delete;
    AreaLocator& operator=(const AreaLocator&) = delete;

    // The index of the first area (in the layer's order) whose polygon holds (x, y), its border included; -1 when
    // none does.
    std::int64_t area_of(double x, double y);
    // The same for a feature's point: a point itself, else a point inside it (GEOS point on surface); -1 also when
    // the geometry is missing or empty.
    std::int64_t area_of(const OGRGeometry* g);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace minerisk::areas
