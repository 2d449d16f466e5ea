// A Cloud-Optimized GeoTIFF written once: each 512 x 512 block is encoded as soon as its cells are all in, its
// overview cells averaged from it in memory at the same moment (each overview block is encoded when its four
// sources are in), and the encoded blocks kept in a scratch file beside the output. commit() writes the COG's
// head (cog_layout.hpp) and copies the encoded blocks after it in COG order, without decoding anything again.
//
// Memory: only blocks that are partly filled (at most a row of blocks per level, none when the scoring tiles
// are multiples of 512 cells) and the blocks' sizes. Disk: the encoded blocks twice until commit() ends.
// The bytes depend on the cells alone, never on the order or the size of the windows they come in.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/cog_codec.hpp"
#include "io/cog_layout.hpp"
#include "io/raster_writer.hpp"

namespace minerisk {

class CogWriter {
public:
    // Creates the scratch file (a hidden ".part" name beside `final_path`). Throws Error. `classic_limit`: the
    // largest file written as classic TIFF, BigTIFF above (a parameter for the tests).
    CogWriter(const std::string& final_path, const GridSpec& grid, const RasterInfo& info, CogCodec codec,
              std::uint64_t classic_limit = 0xFFFFFFFFull);
    ~CogWriter();  // without commit(): removes the temporaries
    CogWriter(const CogWriter&) = delete;
    CogWriter& operator=(const CogWriter&) = delete;

    // `data`: window.width x window.height floats, row-major, NaN for nodata. Every cell of the grid exactly
    // once over all calls. Not thread-safe: one caller at a time (different writers may run in parallel).
    void write(const Window& window, const float* data);
    // Writes the COG under a temporary name and renames it into place. Throws Error (a cell never written,
    // the disk, a cancel).
    void commit(const Progress& progress = {});

    int levels() const { return static_cast<int>(levels_.size()); }

private:
    struct Pending {
        std::vector<float> cells;  // kCogBlock x kCogBlock, NaN where nothing came yet
        std::int64_t filled = 0;
    };
    struct Level {
        std::int64_t width = 0, height = 0, across = 0, down = 0;
        std::unordered_map<std::int64_t, Pending> pending;
        std::vector<std::uint64_t> spill_offset, size;  // per block, row-major
        std::vector<std::uint32_t> last4;                // per block: its last 4 bytes, the trailer
        std::vector<char> done;
    };

    Pending& pending_block(int level, std::int64_t bx, std::int64_t by);
    void add_cells(int level, std::int64_t bx, std::int64_t by, std::int64_t cells);
    void finish_block(int level, std::int64_t bx, std::int64_t by, Pending& block);
    void spill(const std::vector<std::uint8_t>& bytes, Level& level, std::int64_t index);
    void flush_spill();
    void assemble(const std::string& to, const Progress& progress);

    std::string final_path_, spill_path_, cog_temp_path_;
    CogCodec codec_;
    std::uint64_t classic_limit_;
    std::vector<Level> levels_;
    std::vector<TiffEntry> main_entries_, overview_entries_;
    int spill_fd_ = -1;
    std::uint64_t spill_size_ = 0;
    std::vector<std::uint8_t> spill_buffer_, encoded_;
    std::vector<std::vector<float>> free_blocks_;
};

}  // namespace minerisk
