// The scenario grid and windows of it.
#pragma once
#include <array>
#include <cstdint>
#include <limits>
#include <string>

namespace minerisk {

struct Extent {
    // Default: empty, so that expand() of an empty extent gives the other one.
    double xmin = std::numeric_limits<double>::infinity(), ymin = std::numeric_limits<double>::infinity();
    double xmax = -std::numeric_limits<double>::infinity(), ymax = -std::numeric_limits<double>::infinity();
    bool valid() const { return xmax > xmin && ymax > ymin; }  // non-empty area
    bool empty() const { return !(xmax >= xmin && ymax >= ymin); }
    double width() const { return xmax - xmin; }
    double height() const { return ymax - ymin; }
    void expand(const Extent& o);
    Extent grown(double by) const { return {xmin - by, ymin - by, xmax + by, ymax + by}; }
};

// A rectangle of cells. A tile is a window; its halo is the extra context a factor reads around it.
struct Window {
    std::int64_t col0 = 0, row0 = 0, width = 0, height = 0;
    std::int64_t cells() const { return width * height; }
};

// North-up grid of square cells in the working CRS (metres).
struct GridSpec {
    std::int64_t width = 0;
    std::int64_t height = 0;
    double cell_size = 0;
    double origin_x = 0;  // west edge
    double origin_y = 0;  // north edge
    std::string crs_wkt;

    // Snaps the extent outward to whole cells (on multiples of the cell size, so that grids of one CRS
    // and resolution line up across runs).
    static GridSpec from_extent(const Extent& extent, double cell_size, std::string crs_wkt);

    std::int64_t cells() const { return width * height; }
    std::array<double, 6> geotransform() const { return {origin_x, cell_size, 0.0, origin_y, 0.0, -cell_size}; }
    Extent extent() const { return {origin_x, origin_y - height * cell_size, origin_x + width * cell_size, origin_y}; }
    Window full() const { return {0, 0, width, height}; }
    // The cell window covering an extent, clipped to the grid.
    Window window_of(const Extent& e) const;
    Extent extent_of(const Window& w) const;
    std::string describe() const;  // "3000 x 3000 cells of 20 m (9.0 M cells), EPSG:32638"
};

// Guard against runs that would not fit in memory: bytes the run needs for `bands` float rasters held
// at once per tile, given the tile size.
struct MemoryEstimate {
    std::uint64_t bytes = 0;
    std::string describe() const;
};

}  // namespace minerisk
