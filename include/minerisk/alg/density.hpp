// Quartic (biweight) kernel density on a raster block.
#pragma once
#include <cstddef>
#include <cstdint>

namespace minerisk::alg {

// A weighted point in the block's cell coordinates: the centre of cell (c, r) is at (c + 0.5, r + 0.5);
// columns grow east, rows grow south. Points may lie outside the block (their kernel may still reach in).
struct KernelPoint {
    double col;
    double row;
    double weight;
};

// out[r*width + c] = sum_i weight_i * (1 - d_i^2 / h^2)^2 over points with d_i < h, where d_i is the distance
// from the centre of cell (c, r) to point i and h = radius_cells (the quartic kernel of QGIS's heatmap, raw,
// without the 15/16 or 3/(pi h^2) constant: multiply by 3/(pi h^2) for a density per unit area).
// Cost: points x rows they touch + cells; extra memory O(points + width + height). out is overwritten;
// cells no kernel reaches are exactly 0. Elsewhere the result agrees with quartic_density_direct to about
// 1e-12 of the peak before rounding to float (the rows are evaluated as piecewise polynomials; see
// density.cpp). Points with a non-finite coordinate or weight are ignored; a radius that is not positive
// and finite gives 0 everywhere.
//
// origin_col, origin_row: the block's first cell in a larger grid. Points are then given in that grid's cell
// coordinates, and a cell's value is bit-for-bit the same whatever block it is computed in (points are summed
// in the order given: give them in one order, e.g. by feature id).
void quartic_density(const KernelPoint* points, std::size_t count, std::int64_t width, std::int64_t height,
                     double radius_cells, float* out, std::int64_t origin_col = 0, std::int64_t origin_row = 0);

// The same sum evaluated directly, cell by cell within each point's radius: the reference for tests.
// For block-independent results, give quartic_density every point within radius + this many cells of the
// block (the block is internally widened to the left to a fixed column grid of this size).
std::int64_t quartic_density_context(double radius_cells);

void quartic_density_direct(const KernelPoint* points, std::size_t count, std::int64_t width,
                            std::int64_t height, double radius_cells, float* out, std::int64_t origin_col = 0,
                            std::int64_t origin_row = 0);

// A robust maximum of a quartic density, to normalise it by: the `percentile` (0..100) of its positive cells (the
// value of rank floor(percentile / 100 x (n - 1)) among the n positive cells, smallest first), the density computed
// whole on a coarse grid, the grid's cells merged by a whole factor to at most about 1024 a side. The grid's top-left
// corner is (west, north), its width x height cells squares of cell_size; the points (x, y, weight) are in the same
// map units, and only those of positive weight count; `radius` too is in map units. 0 when no cell is positive.
double coarse_density_percentile(const double* x, const double* y, const double* weight, std::size_t count, double west,
                                 double north, double cell_size, std::int64_t width, std::int64_t height, double radius,
                                 double percentile);

}  // namespace minerisk::alg
