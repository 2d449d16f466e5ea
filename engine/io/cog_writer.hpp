// A Cloud-Optimized GeoTIFF written once: each 512 x 512 block is encoded as soon as its cells are all in, its
// overview cells averaged from it in memory at the same moment (each overview block is encoded when its four
// sources are in). The full resolution's encoded blocks go, in row-major order and already framed as the COG
// frames them (size before, last 4 bytes after), into a scratch file that becomes the COG itself; the overviews'
// into a second one. commit() inserts the head (cog_layout.hpp) and the overviews before the full resolution's
// blocks, in place where the file system can (ext4, XFS: fallocate's FALLOC_FL_INSERT_RANGE), else by copying
// them after: the same bytes either way, nothing decoded again.
//
// Memory: only blocks that are partly filled (at most a row of blocks per level, none when the scoring tiles
// are multiples of 512 cells), encoded blocks waiting for the ones before them in row-major order (at most a
// row of blocks), and the blocks' sizes. The bytes depend on the cells alone, never on the order or the size of
// the windows they come in, nor on the file system.
#pragma once
#include <cstdint>
#include <map>
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
              std::uint64_t classic_limit = 0xFFFFFFFFull, bool insert_in_place = true);
    ~CogWriter();  // without commit(): removes the temporaries
    CogWriter(const CogWriter&) = delete;
    CogWriter& operator=(const CogWriter&) = delete;

    // `data`: window.width x window.height floats, row-major, NaN for nodata. Every cell of the grid exactly
    // once over all calls. Not thread-safe: one caller at a time (different writers may run in parallel).
    void write(const Window& window, const float* data);
    // Writes the COG under a temporary name and renames it into place. Throws Error (a cell never written,
    // the disk, a cancel).
    void commit(const Progress& progress = {});

    // After commit(): whether the head and overviews were inserted in place (else copied).
    bool assembled_in_place() const { return in_place_; }

private:
    struct Pending {
        std::vector<float> cells;  // kCogBlock x kCogBlock, NaN where nothing came yet
        std::int64_t filled = 0;
    };
    struct Level {
        std::int64_t width = 0, height = 0, across = 0, down = 0;
        std::unordered_map<std::int64_t, Pending> pending;
        std::vector<std::uint64_t> spill_offset, size;  // per block, row-major (offsets: overviews only)
        std::vector<std::uint32_t> last4;                // per block: its last 4 bytes, the trailer
        std::vector<char> done;
    };
    // A scratch file written through a buffer.
    struct Scratch {
        std::string path;
        int fd = -1;
        std::uint64_t size = 0;  // bytes on disk
        std::uint64_t written_back = 0;  // bytes whose writeback to the disk has been started
        std::vector<std::uint8_t> buffer;
        std::uint64_t end() const { return size + buffer.size(); }
    };

    Pending& pending_block(int level, std::int64_t bx, std::int64_t by);
    void add_cells(int level, std::int64_t bx, std::int64_t by, std::int64_t cells);
    void finish_block(int level, std::int64_t bx, std::int64_t by, Pending& block);
    void record(Level& level, std::int64_t index, const std::vector<std::uint8_t>& bytes);
    void queue_full_resolution(std::int64_t index, std::vector<std::uint8_t>& bytes);
    void append(Scratch& to, const std::uint8_t* data, std::size_t size);
    void flush(Scratch& s);
    void write_front(int fd, const CogLayout& layout);  // head, overviews, zeros: bytes [0, main_base)
    void assemble(const CogLayout& layout);

    std::string final_path_, cog_temp_path_;
    CogCodec codec_;
    std::uint64_t classic_limit_;
    bool insert_in_place_, in_place_ = false;
    std::vector<Level> levels_;
    std::vector<TiffEntry> main_entries_, overview_entries_;
    Scratch main_, overviews_;
    std::int64_t next_main_ = 0;  // the next full-resolution block, in row-major order, to go to main_
    std::map<std::int64_t, std::vector<std::uint8_t>> waiting_;  // encoded blocks that came before their turn
    std::vector<std::uint8_t> encoded_;
    std::vector<std::vector<float>> free_blocks_;
};

}  // namespace minerisk
