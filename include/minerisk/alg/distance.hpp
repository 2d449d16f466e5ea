// Exact Euclidean distance transform on a raster block.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

namespace minerisk::alg {

// For every cell, the exact Euclidean distance (in metres) from its centre to the centre of the nearest
// cell whose mask value is non-zero; +infinity when the block has no such cell.
// Linear in cells (Felzenszwalb & Huttenlocher 2012: 1-D lower envelope of parabolas, columns then rows).
// `threads` > 1 splits the independent rows/columns of each pass between threads; the result is identical
// bit for bit (0 counts as 1). mask and out are width*height, row-major; nothing is written when width or
// height is not positive. Extra memory is O(width) per thread, plus 8 bytes per cell for blocks taller
// than 2^24 rows (where out, used as intermediate storage otherwise, could not hold row counts exactly).
void distance_transform(const std::uint8_t* mask, std::int64_t width, std::int64_t height, double cell_size,
                        float* out, unsigned threads = 1);

// The squared distance in cell units, exact (double holds every integer up to 2^53); +infinity when the
// block has no feature cell. Same threading and layout as distance_transform.
void squared_distance_transform(const std::uint8_t* mask, std::int64_t width, std::int64_t height,
                                double* out, unsigned threads = 1);

// Working memory of squared_distance_rows, kept by the caller between calls (one per thread) so that
// scoring tile after tile allocates nothing.
struct DistanceScratch {
    std::vector<std::int32_t> vertical;  // out rows x mask width: rows to the nearest feature in the column
    std::vector<std::int32_t> last;      // per column: the last feature row seen by a sweep
    std::vector<double> f, v, top, z;    // the lower envelope of one row
    std::vector<double> d2;              // one row of output
};

// The exact squared distance, in cells, from the centre of each cell of an output rectangle to the centre of
// the nearest non-zero cell of `mask`, for distances up to `reach_cells`; +infinity beyond.
// The output rectangle is rows [row0, row0 + rows) and columns [col0, col0 + cols) of the mask's frame.
// `row_out(r, d2)` receives each output row r (0-based within the rectangle) as `cols` doubles, each an
// exact integer or +infinity; the buffer is reused for the next row.
//
// This is what a tile needs: the mask covers the tile grown by the reach on every side, the output is the
// tile. Cost: one cheap sweep over the mask rows within the reach of the output (two byte compares per
// cell) and one lower envelope per output row over the mask's width; memory: the output rows' vertical
// distances (4 bytes a cell) plus O(mask width). Exact for every cell whose nearest feature lies within
// the reach, since features beyond it cannot be nearer than the reach.
void squared_distance_rows(const std::uint8_t* mask, std::int64_t mask_width, std::int64_t mask_height,
                           std::int64_t row0, std::int64_t rows, std::int64_t col0, std::int64_t cols,
                           double reach_cells, DistanceScratch& scratch,
                           const std::function<void(std::int64_t, const double*)>& row_out);

}  // namespace minerisk::alg
