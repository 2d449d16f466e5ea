#include "io/cog_writer.hpp"

#include <cpl_vsi.h>
#include <fcntl.h>
#include <gdal_priv.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "minerisk/cancel.hpp"
#include "minerisk/error.hpp"
#include "minerisk/output_folder.hpp"

namespace fs = std::filesystem;

namespace minerisk {

namespace {

constexpr std::size_t kSpillFlushBytes = 2u << 20;  // per scratch file: 13 rasters x 2 files in flight

// The full resolution's scratch file is handed to the disk every this many bytes as it grows. Otherwise the
// kernel may keep gigabytes of it dirty in the page cache, and FALLOC_FL_INSERT_RANGE, which flushes the whole
// file before it shifts it, waits for all of them at the end of the run: a freshly written 1.5 GB file took 0.9 s
// to insert into, 0.09 s with its writeback started as it grew (and no slower to write). Started early, the writes
// go out while the scoring keeps the CPU busy.
constexpr std::uint64_t kWritebackBytes = 32u << 20;

// GDAL writes the descriptive tags (GeoTIFF keys, metadata, nodata, band description and unit, software and
// date) of an empty GeoTIFF of the same grid into memory; its first IFD is the template for the COG's.
std::vector<TiffEntry> template_entries(const GridSpec& grid, const RasterInfo& info, const std::string& final_path) {
    GDALAllRegister();
    const std::string name = "/vsimem/minerisk_cog_template_" + std::to_string(reinterpret_cast<std::uintptr_t>(&info)) + ".tif";
    CPLStringList opts;
    for (const char* o : {"TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "SPARSE_OK=YES", "BIGTIFF=NO"}) opts.AddString(o);
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDataset* ds = gtiff->Create(name.c_str(), static_cast<int>(grid.width), static_cast<int>(grid.height), 1,
                                    GDT_Float32, opts.List());
    if (!ds) throw Error(std::string("cannot describe the raster: ") + CPLGetLastErrorMsg(), Location{final_path});
    describe_raster(ds, grid, info);
    GDALClose(ds);
    vsi_l_offset length = 0;
    GByte* bytes = VSIGetMemFileBuffer(name.c_str(), &length, FALSE);
    std::vector<std::uint8_t> file(bytes, bytes + length);
    VSIUnlink(name.c_str());
    return read_first_ifd(file);
}

std::vector<TiffEntry> nodata_entry(const std::vector<TiffEntry>& entries) {
    std::vector<TiffEntry> out;
    for (const auto& e : entries)
        if (e.tag == 42113) out.push_back(e);  // GDAL_NODATA: GDAL's COG driver repeats it on every overview
    return out;
}

void write_all(int fd, const std::uint8_t* data, std::size_t size, const std::string& path) {
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string why = n < 0 ? std::strerror(errno) : "nothing written";
            throw Error("writing the Cloud-Optimized GeoTIFF failed: " + why, Location{path}, raster_write_hint(why));
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
}

void read_all(int fd, std::uint8_t* data, std::size_t size, std::uint64_t at, const std::string& path) {
    while (size > 0) {
        const ssize_t n = ::pread(fd, data, size, static_cast<off_t>(at));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            throw Error(std::string("reading back the encoded blocks failed: ") + (n < 0 ? std::strerror(errno) : "cut short"),
                        Location{path}, "check the output folder's disk");
        data += n, at += static_cast<std::uint64_t>(n), size -= static_cast<std::size_t>(n);
    }
}

int open_scratch(const std::string& path, const std::string& final_path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw Error(std::string("cannot create a raster's scratch file: ") + std::strerror(errno), Location{final_path},
                    "check that the output folder is writable and has free space");
    return fd;
}

void put_u32_at(std::uint8_t* to, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) to[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// The full resolution starts on a multiple of this: the block size of ext4 and XFS, which fallocate's
// FALLOC_FL_INSERT_RANGE needs. A constant, not the file system's own figure, so that the bytes are the same
// on every file system (where it differs, the head is copied instead of inserted).
constexpr std::uint64_t kMainAlign = 4096;

}  // namespace

CogWriter::CogWriter(const std::string& final_path, const GridSpec& grid, const RasterInfo& info, CogCodec codec,
                     std::uint64_t classic_limit, bool insert_in_place)
    : final_path_(final_path),
      cog_temp_path_(temporary_path_for(final_path)),
      codec_(codec),
      classic_limit_(classic_limit),
      insert_in_place_(insert_in_place) {
    const std::vector<TiffEntry> tags = template_entries(grid, info, final_path);
    main_entries_ = descriptive_entries(tags);
    overview_entries_ = nodata_entry(main_entries_);
    // Overviews halve (rounding up) until a level fits in one block, as GDAL's COG driver makes them.
    std::int64_t w = grid.width, h = grid.height;
    for (;;) {
        Level level;
        level.width = w, level.height = h;
        level.across = (w + kCogBlock - 1) / kCogBlock, level.down = (h + kCogBlock - 1) / kCogBlock;
        const std::size_t blocks = static_cast<std::size_t>(level.across * level.down);
        level.spill_offset.assign(blocks, 0);
        level.size.assign(blocks, 0);
        level.last4.assign(blocks, 0);
        level.done.assign(blocks, 0);
        levels_.push_back(std::move(level));
        if (w <= kCogBlock && h <= kCogBlock) break;
        w = (w + 1) / 2, h = (h + 1) / 2;
    }
    main_.path = temporary_path_for(final_path) + ".main";
    overviews_.path = temporary_path_for(final_path) + ".overviews";
    main_.fd = open_scratch(main_.path, final_path);
    overviews_.fd = open_scratch(overviews_.path, final_path);
}

CogWriter::~CogWriter() {
    for (Scratch* s : {&main_, &overviews_}) {
        if (s->fd >= 0) ::close(s->fd);
        std::remove(s->path.c_str());
    }
    std::remove(cog_temp_path_.c_str());
}

CogWriter::Pending& CogWriter::pending_block(int level, std::int64_t bx, std::int64_t by) {
    Level& l = levels_[static_cast<std::size_t>(level)];
    auto [it, created] = l.pending.try_emplace(by * l.across + bx);
    if (created) {
        if (!free_blocks_.empty()) {
            it->second.cells = std::move(free_blocks_.back());
            free_blocks_.pop_back();
        }
        it->second.cells.assign(std::size_t(kCogBlock) * kCogBlock, std::nanf(""));
    }
    return it->second;
}

void CogWriter::write(const Window& w, const float* data) {
    const std::int64_t bx0 = w.col0 / kCogBlock, bx1 = (w.col0 + w.width - 1) / kCogBlock;
    const std::int64_t by0 = w.row0 / kCogBlock, by1 = (w.row0 + w.height - 1) / kCogBlock;
    for (std::int64_t by = by0; by <= by1; ++by)
        for (std::int64_t bx = bx0; bx <= bx1; ++bx) {
            const std::int64_t c0 = std::max(w.col0, bx * kCogBlock), c1 = std::min(w.col0 + w.width, (bx + 1) * kCogBlock);
            const std::int64_t r0 = std::max(w.row0, by * kCogBlock), r1 = std::min(w.row0 + w.height, (by + 1) * kCogBlock);
            Pending& block = pending_block(0, bx, by);
            for (std::int64_t r = r0; r < r1; ++r)
                std::memcpy(&block.cells[std::size_t(r - by * kCogBlock) * kCogBlock + std::size_t(c0 - bx * kCogBlock)],
                            data + (r - w.row0) * w.width + (c0 - w.col0), std::size_t(c1 - c0) * sizeof(float));
            add_cells(0, bx, by, (r1 - r0) * (c1 - c0));
        }
}

void CogWriter::add_cells(int level, std::int64_t bx, std::int64_t by, std::int64_t cells) {
    Level& l = levels_[static_cast<std::size_t>(level)];
    Pending& block = l.pending.at(by * l.across + bx);
    block.filled += cells;
    const std::int64_t area = std::min<std::int64_t>(kCogBlock, l.width - bx * kCogBlock) *
                              std::min<std::int64_t>(kCogBlock, l.height - by * kCogBlock);
    if (block.filled > area) throw Error("a raster's cells were written twice", Location{final_path_});
    if (block.filled == area) finish_block(level, bx, by, block);
}

void CogWriter::finish_block(int level, std::int64_t bx, std::int64_t by, Pending& block) {
    Level& l = levels_[static_cast<std::size_t>(level)];
    const std::int64_t index = by * l.across + bx;
    encode_cog_block(codec_, block.cells.data(), encoded_);
    record(l, index, encoded_);
    if (level == 0) {
        queue_full_resolution(index, encoded_);
    } else {
        l.spill_offset[static_cast<std::size_t>(index)] = overviews_.end();
        append(overviews_, encoded_.data(), encoded_.size());
    }
    if (static_cast<std::size_t>(level) + 1 < levels_.size()) {
        const int vw = static_cast<int>(std::min<std::int64_t>(kCogBlock, l.width - bx * kCogBlock));
        const int vh = static_cast<int>(std::min<std::int64_t>(kCogBlock, l.height - by * kCogBlock));
        Pending& parent = pending_block(level + 1, bx / 2, by / 2);
        constexpr int half = kCogBlock / 2;
        average_2x2(block.cells.data(), vw, vh,
                    parent.cells.data() + std::size_t(by % 2) * half * kCogBlock + std::size_t(bx % 2) * half, kCogBlock);
        add_cells(level + 1, bx / 2, by / 2, std::int64_t((vw + 1) / 2) * ((vh + 1) / 2));
    }
    free_blocks_.push_back(std::move(block.cells));
    l.pending.erase(index);
}

void CogWriter::record(Level& level, std::int64_t index, const std::vector<std::uint8_t>& bytes) {
    const auto i = static_cast<std::size_t>(index);
    level.size[i] = bytes.size();
    std::uint8_t last[4] = {0, 0, 0, 0};
    if (bytes.size() >= 4) std::memcpy(last, bytes.data() + bytes.size() - 4, 4);
    std::memcpy(&level.last4[i], last, 4);
    level.done[i] = 1;
}

// Full-resolution blocks go to their file in row-major order, each framed as in the COG: a block that is done
// before the ones ahead of it waits (tiles finish a row of blocks at a time, left to right).
void CogWriter::queue_full_resolution(std::int64_t index, std::vector<std::uint8_t>& bytes) {
    if (index != next_main_) {
        waiting_[index].swap(bytes);
        return;
    }
    const Level& l = levels_[0];
    const auto frame_and_append = [&](std::int64_t i, const std::vector<std::uint8_t>& b) {
        std::uint8_t leader[4], trailer[4];
        put_u32_at(leader, static_cast<std::uint32_t>(b.size()));
        std::memcpy(trailer, &l.last4[static_cast<std::size_t>(i)], 4);
        append(main_, leader, 4);
        append(main_, b.data(), b.size());
        append(main_, trailer, 4);
    };
    frame_and_append(index, bytes);
    ++next_main_;
    for (auto it = waiting_.begin(); it != waiting_.end() && it->first == next_main_; it = waiting_.erase(it)) {
        frame_and_append(it->first, it->second);
        ++next_main_;
    }
}

void CogWriter::append(Scratch& to, const std::uint8_t* data, std::size_t size) {
    to.buffer.insert(to.buffer.end(), data, data + size);
    if (to.buffer.size() >= kSpillFlushBytes) flush(to);
}

void CogWriter::flush(Scratch& s) {
    write_all(s.fd, s.buffer.data(), s.buffer.size(), final_path_);
    s.size += s.buffer.size();
    s.buffer.clear();
    if (&s == &main_ && s.size - s.written_back >= kWritebackBytes) {
        // Starts the writeback and returns; it does not wait for the disk. Failing changes nothing but speed.
        (void)::sync_file_range(s.fd, static_cast<off_t>(s.written_back), static_cast<off_t>(s.size - s.written_back),
                                SYNC_FILE_RANGE_WRITE);
        s.written_back = s.size;
    }
}

// Bytes [0, main_base) of the COG: the head, the overviews' blocks framed (smallest level first), zeros.
void CogWriter::write_front(int fd, const CogLayout& layout) {
    if (::lseek(fd, 0, SEEK_SET) != 0) throw Error(std::string("cannot write the COG: ") + std::strerror(errno), Location{final_path_});
    std::vector<std::uint8_t> out = layout.head;
    for (std::size_t k = levels_.size(); k-- > 1;) {
        const Level& l = levels_[k];
        for (std::size_t b = 0; b < l.size.size(); ++b) {
            const std::size_t at = out.size();
            out.resize(at + 4 + l.size[b] + 4);
            put_u32_at(out.data() + at, static_cast<std::uint32_t>(l.size[b]));
            read_all(overviews_.fd, out.data() + at + 4, l.size[b], l.spill_offset[b], final_path_);
            std::memcpy(out.data() + at + 4 + l.size[b], &l.last4[b], 4);
            if (out.size() >= kSpillFlushBytes) {
                write_all(fd, out.data(), out.size(), final_path_);
                out.clear();
            }
        }
    }
    out.resize(out.size() + (layout.main_base - layout.overviews_end), 0);
    write_all(fd, out.data(), out.size(), final_path_);
}

void CogWriter::assemble(const CogLayout& layout) {
    // In place: the full resolution moves up by main_base bytes without being copied, and the front is
    // written into the gap.
    if (insert_in_place_ &&
        ::fallocate(main_.fd, FALLOC_FL_INSERT_RANGE, 0, static_cast<off_t>(layout.main_base)) == 0) {
        write_front(main_.fd, layout);
        in_place_ = true;
        return;
    }
    // Elsewhere (tmpfs, network file systems, a block size that is not a divisor of 4096): a new file.
    const int out = ::open(cog_temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0)
        throw Error(std::string("cannot create the Cloud-Optimized GeoTIFF: ") + std::strerror(errno), Location{final_path_},
                    "check that the output folder is writable and has free space");
    try {
        write_front(out, layout);
        std::vector<std::uint8_t> chunk(kSpillFlushBytes);
        for (std::uint64_t at = 0; at < main_.size;) {
            const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), main_.size - at));
            read_all(main_.fd, chunk.data(), n, at, final_path_);
            write_all(out, chunk.data(), n, final_path_);
            at += n;
        }
    } catch (...) {
        ::close(out);
        throw;
    }
    if (::close(out) != 0) {
        const std::string why = std::strerror(errno);
        throw Error("writing the Cloud-Optimized GeoTIFF failed: " + why, Location{final_path_}, raster_write_hint(why));
    }
}

void CogWriter::commit(const Progress& progress) {
    flush(main_);
    flush(overviews_);
    std::vector<CogLevelBlocks> blocks;
    for (const auto& l : levels_) {
        for (const char d : l.done)
            if (!d) throw Error("a raster was committed before all its cells were written", Location{final_path_});
        blocks.push_back({l.width, l.height, l.size});
    }
    const CogLayout layout = layout_cog(blocks, codec_, main_entries_, overview_entries_, classic_limit_, kMainAlign);
    assemble(layout);
    if (!progress.report(1.0, "") || cancel_requested()) throw Error("cancelled");
    const std::string& done = in_place_ ? main_.path : cog_temp_path_;
    if (::close(main_.fd) != 0) {
        main_.fd = -1;
        const std::string why = std::strerror(errno);
        throw Error("writing the Cloud-Optimized GeoTIFF failed: " + why, Location{final_path_}, raster_write_hint(why));
    }
    main_.fd = -1;
    std::error_code ec;
    fs::rename(done, final_path_, ec);
    if (ec) throw Error("cannot move the finished raster into place: " + ec.message(), Location{final_path_});
}

}  // namespace minerisk
