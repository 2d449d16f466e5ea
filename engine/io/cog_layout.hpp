// The bytes of a Cloud-Optimized GeoTIFF around its blocks: the TIFF header, GDAL's structural metadata (the
// "ghost area" that tells a reader the blocks are in row-major order, each with its size before it and its
// last 4 bytes repeated after it), and one IFD per level (full resolution first, then each overview), all
// before the first block; then the blocks, smallest overview first, each level in row-major order. This is
// the layout GDAL's COG driver writes and its validator checks (docs/outputs.md).
//
// The tags that say where the raster is and what it holds (GeoTIFF keys, GDAL's metadata and nodata, the
// software and date tags) are not composed here: GDAL writes them into a template GeoTIFF of the same grid and
// they are copied from its first IFD, so that GDAL stays the one authority on GeoTIFF encoding.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "io/cog_codec.hpp"

namespace minerisk {

struct TiffEntry {
    std::uint16_t tag = 0;
    std::uint16_t type = 0;  // TIFF field type: 1 BYTE, 2 ASCII, 3 SHORT, 4 LONG, 12 DOUBLE, 16 LONG8, ...
    std::uint64_t count = 0;
    std::vector<std::uint8_t> value;  // count values, little-endian
};

// The first IFD of a little-endian classic TIFF held in memory. Throws std::runtime_error if it is not one.
std::vector<TiffEntry> read_first_ifd(const std::vector<std::uint8_t>& file);

// The entries of `template_ifd` a COG level carries over: every tag but the ones that describe the layout of
// the cells (sizes, tiles, strips, compression, predictor, sample format), which the writer sets itself.
std::vector<TiffEntry> descriptive_entries(const std::vector<TiffEntry>& template_ifd);

struct CogLevelBlocks {
    std::int64_t width = 0, height = 0;  // cells of this level
    std::vector<std::uint64_t> sizes;    // each block's encoded bytes, row-major
};

struct CogLayout {
    bool bigtiff = false;
    std::vector<std::uint8_t> head;  // header, ghost area and IFDs: the file's first head.size() bytes
    std::vector<std::vector<std::uint64_t>> offsets;  // per level, per block: where its bytes start
    std::uint64_t overviews_end = 0;                  // where the overviews' blocks end (zeros follow, if any)
    std::uint64_t main_base = 0;                      // where the full resolution's first block (its leader) starts
    std::uint64_t total = 0;                          // the file's size
};

// Lays out the file: levels[0] is full resolution. `main_entries` go into its IFD, `overview_entries` into each
// overview's. BigTIFF only when a classic TIFF's 32-bit offsets cannot hold the file (`classic_limit` bytes: a
// parameter so that tests can reach it). The full resolution's blocks start at a multiple of `main_align`
// bytes (zeros before them): the writer can then keep them where they already are on disk and insert the head
// and the overviews before them (io/cog_writer.cpp).
CogLayout layout_cog(const std::vector<CogLevelBlocks>& levels, CogCodec codec, const std::vector<TiffEntry>& main_entries,
                     const std::vector<TiffEntry>& overview_entries, std::uint64_t classic_limit = 0xFFFFFFFFull,
                     std::uint64_t main_align = 1);

}  // namespace minerisk
