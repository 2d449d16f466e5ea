#include <ogr_spatialref.h>

#include <cmath>
#include <cstdio>

#include "minerisk/crs.hpp"
#include "minerisk/grid.hpp"

namespace minerisk {

void Extent::expand(const Extent& o) {
    if (o.empty()) return;
    xmin = std::min(xmin, o.xmin);
    ymin = std::min(ymin, o.ymin);
    xmax = std::max(xmax, o.xmax);
    ymax = std::max(ymax, o.ymax);
}

GridSpec GridSpec::from_extent(const Extent& e, double cell, std::string crs_wkt) {
    GridSpec g;
    g.cell_size = cell;
    const double x0 = std::floor(e.xmin / cell) * cell;
    const double y1 = std::ceil(e.ymax / cell) * cell;
    const double x1 = std::ceil(e.xmax / cell) * cell;
    const double y0 = std::floor(e.ymin / cell) * cell;
    g.origin_x = x0;
    g.origin_y = y1;
    g.width = std::max<std::int64_t>(1, std::llround((x1 - x0) / cell));
    g.height = std::max<std::int64_t>(1, std::llround((y1 - y0) / cell));
    g.crs_wkt = std::move(crs_wkt);
    return g;
}

Window GridSpec::window_of(const Extent& e) const {
    std::int64_t c0 = static_cast<std::int64_t>(std::floor((e.xmin - origin_x) / cell_size));
    std::int64_t c1 = static_cast<std::int64_t>(std::ceil((e.xmax - origin_x) / cell_size));
    std::int64_t r0 = static_cast<std::int64_t>(std::floor((origin_y - e.ymax) / cell_size));
    std::int64_t r1 = static_cast<std::int64_t>(std::ceil((origin_y - e.ymin) / cell_size));
    c0 = std::max<std::int64_t>(0, c0);
    r0 = std::max<std::int64_t>(0, r0);
    c1 = std::min(width, c1);
    r1 = std::min(height, r1);
    if (c1 <= c0 || r1 <= r0) return {0, 0, 0, 0};
    return {c0, r0, c1 - c0, r1 - r0};
}

Extent GridSpec::extent_of(const Window& w) const {
    return {origin_x + w.col0 * cell_size, origin_y - (w.row0 + w.height) * cell_size,
            origin_x + (w.col0 + w.width) * cell_size, origin_y - w.row0 * cell_size};
}

// The CRS's short name; for one without a name (a PROJ string), its PROJ string, never "unknown".
static std::string grid_crs_name(const std::string& wkt) {
    const std::string name = crs_short_name(wkt);
    if (name.rfind("unknown", 0) != 0 && name.rfind("unnamed", 0) != 0) return name;
    OGRSpatialReference srs;
    char* p4 = nullptr;
    std::string text = name;
    if (srs.importFromWkt(wkt.c_str()) == OGRERR_NONE && srs.exportToProj4(&p4) == OGRERR_NONE && p4) text = p4;
    CPLFree(p4);
    return text;
}

std::string GridSpec::describe() const {
    char buf[512];
    std::snprintf(buf, sizeof buf, "%lld x %lld cells of %g m (%.1f M cells), %s", static_cast<long long>(width),
                  static_cast<long long>(height), cell_size, cells() / 1e6, grid_crs_name(crs_wkt).c_str());
    return buf;
}

std::string MemoryEstimate::describe() const {
    char buf[64];
    if (bytes >= (1ull << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / double(1ull << 30));
    else std::snprintf(buf, sizeof buf, "%.0f MiB", bytes / double(1ull << 20));
    return buf;
}

}  // namespace minerisk
