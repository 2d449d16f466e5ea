// One Cloud-Optimized GeoTIFF block, encoded as libtiff would encode it: float32 cells through TIFF's
// floating-point predictor (predictor 3), then DEFLATE (zlib stream, libdeflate) at level 1 or ZSTD at its fast level -1,
// or stored raw. And the 2 x 2 average that makes each overview level from the one above it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace minerisk {

inline constexpr int kCogBlock = 512;  // cells per block side, as GDAL's COG driver writes them by default

enum class CogCodec { none, deflate, zstd };

// "DEFLATE", "ZSTD", "NONE" (as outputs.compress says them); false for a codec this writer does not encode.
bool cog_codec_from_name(const std::string& name, CogCodec& out);
std::uint16_t tiff_compression_tag(CogCodec codec);  // TIFF Compression: 1, 8 (Adobe DEFLATE), 50000 (ZSTD)

// Encodes one block (kCogBlock x kCogBlock floats, row-major) into `out` (replaced). Thread-safe: each thread
// keeps its own compressor.
void encode_cog_block(CogCodec codec, const float* block, std::vector<std::uint8_t>& out);

// The overview cells of one block: each is the mean of the cells that are not NaN among the 2 x 2 of `block`
// it covers (NaN where all are), inside the block's `width` x `height` valid cells; written into `to` (rows
// `to_stride` floats apart), ceil(width / 2) x ceil(height / 2) cells. Summed in double, so that a cell's value
// depends on its four source cells only.
void average_2x2(const float* block, int width, int height, float* to, int to_stride);

}  // namespace minerisk
