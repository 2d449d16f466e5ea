// Zones as runs: per grid row, the intervals of cells [c0, c1) that belong to a zone, with its label.
//
// The zone stage never holds a cell-per-cell raster of the grid. The risk streams by rows into runs of
// candidate cells (a few bytes per run, and zones are a small share of the grid), the cleaning and the
// labelling are union-find over runs, the polygons are traced from the runs' edges, and the zonal
// statistics stream the rasters again by rows. Memory follows the zones' outlines, not the grid.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace minerisk::zones {

struct Run {
    std::int32_t c0 = 0, c1 = 0;  // columns [c0, c1)
    std::int32_t label = 0;       // 0 until labelled; then 1..n
};

// Runs of one kind of cell, row by row (rows 0..height-1), each row's runs sorted and disjoint.
class RowRuns {
public:
    RowRuns() = default;
    RowRuns(std::int64_t width, std::int64_t height) : width_(width), height_(height) { start_.reserve(1); start_.push_back(0); }

    std::int64_t width() const { return width_; }
    std::int64_t height() const { return height_; }
    std::int64_t rows_done() const { return static_cast<std::int64_t>(start_.size()) - 1; }
    std::int64_t size() const { return static_cast<std::int64_t>(runs_.size()); }
    std::int64_t cells() const;

    // Building, row after row: add the row's runs in order, then end_row().
    void add(std::int32_t c0, std::int32_t c1, std::int32_t label = 0);
    void end_row() { start_.push_back(static_cast<std::int64_t>(runs_.size())); }

    const Run* row_begin(std::int64_t r) const { return runs_.data() + start_[static_cast<std::size_t>(r)]; }
    const Run* row_end(std::int64_t r) const { return runs_.data() + start_[static_cast<std::size_t>(r) + 1]; }
    Run* row_begin(std::int64_t r) { return runs_.data() + start_[static_cast<std::size_t>(r)]; }
    Run* row_end(std::int64_t r) { return runs_.data() + start_[static_cast<std::size_t>(r) + 1]; }
    std::vector<Run>& runs() { return runs_; }
    const std::vector<Run>& runs() const { return runs_; }
    std::int64_t first_of_row(std::int64_t r) const { return start_[static_cast<std::size_t>(r)]; }

    // The label of the run holding cell (row, col); 0 when none does. O(log runs in the row).
    std::int32_t label_at(std::int64_t row, std::int64_t col) const;

private:
    std::int64_t width_ = 0, height_ = 0;
    std::vector<Run> runs_;
    std::vector<std::int64_t> start_;  // start_[r]: index of row r's first run; start_[height] = size
};

// Labels the connected components of the runs, 4-connected (cells sharing a side) or 8-connected (also
// corners): run.label = 1..n in the row-major order of each component's first cell. sizes[k] = cells of
// component k (sizes[0] = 0). Linear in runs (union-find, rows merged pairwise).
std::int32_t label_runs(RowRuns& runs, bool eight, std::vector<std::int64_t>& sizes);

// The cells of [0, width) that no run of `a` or `b` covers, row by row (the complement of their union).
RowRuns complement(const RowRuns& a, const RowRuns& b);

// The union of two sets of runs on the same grid, adjacent runs merged; labels reset to 0.
RowRuns merge(const RowRuns& a, const RowRuns& b);

struct RunClean {
    RowRuns zones;  // labelled 1..count, row-major order of each zone's first cell
    std::int32_t count = 0;
    std::int64_t candidate_components = 0;
    std::int64_t dropped_components = 0, dropped_cells = 0;
    std::int64_t filled_holes = 0, filled_cells = 0;
};

// The zone cleaning of docs/zones.md on runs: zones are 4-connected candidate cells; candidate components of
// fewer than min_cells cells are dropped; then every patch of non-candidate cells (8-connected, the dual of
// 4) that touches neither the grid's edge nor a nodata cell and has fewer than max_hole_cells cells is
// filled; then the zones are labelled. `nodata` may be empty (no runs).
RunClean clean_runs(RowRuns candidates, const RowRuns& nodata, std::int64_t min_cells, std::int64_t max_hole_cells);

// One ISO WKB Polygon (NDR) per zone label (index label - 1), traced from the runs' cell edges: the shell and
// the holes of each zone, in map coordinates of the grid (west, north, cell size). Rings follow the cell
// edges exactly, with no collinear vertices; where two cells of a zone touch only at a corner, the rings
// touch there (a hole touching its shell at one point, valid in the OGC model), as GDALPolygonize does.
// Linear in the runs (plus a sort of the boundary edges).
std::vector<std::vector<unsigned char>> polygonize_runs(const RowRuns& zones, std::int32_t count, double west,
                                                        double north, double cell_size);

}  // namespace minerisk::zones
