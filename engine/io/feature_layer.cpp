#include <ogr_geometry.h>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include "minerisk/layer.hpp"

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

namespace minerisk {

using BPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using BBox = bg::model::box<BPoint>;
using Entry = std::pair<BBox, std::int64_t>;

struct FeatureLayer::Index {
    bgi::rtree<Entry, bgi::quadratic<16>> tree;
};

FeatureLayer::FeatureLayer() = default;
FeatureLayer::~FeatureLayer() = default;
FeatureLayer::FeatureLayer(FeatureLayer&&) noexcept = default;
FeatureLayer& FeatureLayer::operator=(FeatureLayer&&) noexcept = default;

const Column* FeatureLayer::column(const std::string& role_name) const {
    auto it = columns.find(role_name);
    return it == columns.end() ? nullptr : &it->second;
}

Extent FeatureLayer::extent() const {
    Extent e;
    for (const auto& b : bounds) e.expand(b);
    return e;
}

void FeatureLayer::build_index() {
    std::vector<Entry> entries;
    entries.reserve(bounds.size());
    for (size_t i = 0; i < bounds.size(); ++i)
        entries.emplace_back(BBox(BPoint(bounds[i].xmin, bounds[i].ymin), BPoint(bounds[i].xmax, bounds[i].ymax)),
                             static_cast<std::int64_t>(i));
    index_ = std::make_unique<Index>();
    index_->tree = bgi::rtree<Entry, bgi::quadratic<16>>(entries.begin(), entries.end());  // packed (STR)
}

std::vector<std::int64_t> FeatureLayer::query(const Extent& box) const {
    std::vector<std::int64_t> ids;
    if (!index_) return ids;
    const BBox q(BPoint(box.xmin, box.ymin), BPoint(box.xmax, box.ymax));
    for (auto it = index_->tree.qbegin(bgi::intersects(q)); it != index_->tree.qend(); ++it) ids.push_back(it->second);
    std::sort(ids.begin(), ids.end());  // a stable order makes results independent of the tree's shape
    return ids;
}

const FeatureLayer* Inputs::find(const std::string& role) const {
    for (const auto& l : layers)
        if (l.role == role) return &l;
    return nullptr;
}

Extent Inputs::extent() const {
    Extent e;
    for (const auto& l : layers) e.expand(l.extent());
    return e;
}

}  // namespace minerisk
