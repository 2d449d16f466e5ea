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

constexpr std::size_t kSpillFlushBytes = 8u << 20;

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
    auto gt = grid.geotransform();
    ds->SetGeoTransform(gt.data());
    ds->SetProjection(grid.crs_wkt.c_str());
    GDALRasterBand* band = ds->GetRasterBand(1);
    band->SetNoDataValue(std::nan(""));
    band->SetDescription(info.description.c_str());
    if (!info.unit.empty()) band->SetUnitType(info.unit.c_str());
    for (const auto& [k, v] : info.metadata) ds->SetMetadataItem(k.c_str(), v.c_str());
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

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

}  // namespace

CogWriter::CogWriter(const std::string& final_path, const GridSpec& grid, const RasterInfo& info, CogCodec codec,
                     std::uint64_t classic_limit)
    : final_path_(final_path),
      spill_path_(temporary_path_for(final_path) + ".blocks"),
      cog_temp_path_(temporary_path_for(final_path)),
      codec_(codec),
      classic_limit_(classic_limit) {
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
    spill_fd_ = ::open(spill_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (spill_fd_ < 0)
        throw Error(std::string("cannot create a raster's scratch file: ") + std::strerror(errno), Location{final_path},
                    "check that the output folder is writable and has free space");
}

CogWriter::~CogWriter() {
    if (spill_fd_ >= 0) ::close(spill_fd_);
    std::remove(spill_path_.c_str());
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
    spill(encoded_, l, index);
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

void CogWriter::spill(const std::vector<std::uint8_t>& bytes, Level& level, std::int64_t index) {
    const auto i = static_cast<std::size_t>(index);
    level.spill_offset[i] = spill_size_ + spill_buffer_.size();
    level.size[i] = bytes.size();
    std::uint8_t last[4] = {0, 0, 0, 0};
    if (bytes.size() >= 4) std::memcpy(last, bytes.data() + bytes.size() - 4, 4);
    std::memcpy(&level.last4[i], last, 4);
    level.done[i] = 1;
    spill_buffer_.insert(spill_buffer_.end(), bytes.begin(), bytes.end());
    if (spill_buffer_.size() >= kSpillFlushBytes) flush_spill();
}

void CogWriter::flush_spill() {
    write_all(spill_fd_, spill_buffer_.data(), spill_buffer_.size(), final_path_);
    spill_size_ += spill_buffer_.size();
    spill_buffer_.clear();
}

void CogWriter::assemble(const std::string& to, const Progress& progress) {
    std::vector<CogLevelBlocks> blocks;
    for (const auto& l : levels_) {
        for (const char d : l.done)
            if (!d) throw Error("a raster was committed before all its cells were written", Location{final_path_});
        blocks.push_back({l.width, l.height, l.size});
    }
    const CogLayout layout = layout_cog(blocks, codec_, main_entries_, overview_entries_, classic_limit_);
    const int read_fd = ::open(spill_path_.c_str(), O_RDONLY | O_CLOEXEC);
    const int out_fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    struct Closer {
        int a, b;
        ~Closer() {
            if (a >= 0) ::close(a);
            if (b >= 0) ::close(b);
        }
    } closer{read_fd, out_fd};
    if (read_fd < 0 || out_fd < 0)
        throw Error(std::string("cannot open the Cloud-Optimized GeoTIFF's files: ") + std::strerror(errno),
                    Location{final_path_}, "check that the output folder is writable and has free space");
    std::vector<std::uint8_t> out = layout.head;
    std::uint64_t copied = 0;
    for (std::size_t k = levels_.size(); k-- > 0;) {
        const Level& l = levels_[k];
        for (std::size_t b = 0; b < l.size.size(); ++b) {
            put_u32(out, static_cast<std::uint32_t>(l.size[b]));  // the leader: the block's size
            const std::size_t at = out.size();
            out.resize(at + l.size[b]);
            read_all(read_fd, out.data() + at, l.size[b], l.spill_offset[b], final_path_);
            put_u32(out, l.last4[b]);  // the trailer: its last 4 bytes again
            if (out.size() >= kSpillFlushBytes) {
                write_all(out_fd, out.data(), out.size(), final_path_);
                copied += out.size();
                out.clear();
                if (!progress.report(double(copied) / double(layout.total), "")) throw Error("cancelled");
            }
        }
    }
    write_all(out_fd, out.data(), out.size(), final_path_);
    if (::close(closer.b) != 0) {
        closer.b = -1;
        const std::string why = std::strerror(errno);
        throw Error("writing the Cloud-Optimized GeoTIFF failed: " + why, Location{final_path_}, raster_write_hint(why));
    }
    closer.b = -1;
}

void CogWriter::commit(const Progress& progress) {
    flush_spill();
    if (::close(spill_fd_) != 0) {
        spill_fd_ = -1;
        const std::string why = std::strerror(errno);
        throw Error("writing a raster's scratch file failed: " + why, Location{final_path_}, raster_write_hint(why));
    }
    spill_fd_ = -1;
    assemble(cog_temp_path_, progress);
    std::remove(spill_path_.c_str());
    if (cancel_requested()) throw Error("cancelled");
    std::error_code ec;
    fs::rename(cog_temp_path_, final_path_, ec);
    if (ec) throw Error("cannot move the finished raster into place: " + ec.message(), Location{final_path_});
}

}  // namespace minerisk
