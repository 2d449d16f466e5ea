// Exact Euclidean distance transform on a raster block.
#pragma once
#include <cstdint>

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

}  // namespace minerisk::alg
