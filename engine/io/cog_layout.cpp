#include "io/cog_layout.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace minerisk {

namespace {

std::uint64_t type_size(std::uint16_t type) {
    switch (type) {
        case 1: case 2: case 6: case 7: return 1;
        case 3: case 8: return 2;
        case 4: case 9: case 11: case 13: return 4;
        case 5: case 10: case 12: case 16: case 17: case 18: return 8;
        default: return 0;
    }
}

std::uint64_t get(const std::vector<std::uint8_t>& b, std::uint64_t at, int bytes) {
    if (at + bytes > b.size()) throw std::runtime_error("the template TIFF is cut short");
    std::uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | b[at + i];
    return v;
}

void put(std::vector<std::uint8_t>& b, std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

TiffEntry number_entry(std::uint16_t tag, std::uint16_t type, const std::vector<std::uint64_t>& values) {
    TiffEntry e;
    e.tag = tag;
    e.type = type;
    e.count = values.size();
    for (const auto v : values) put(e.value, v, static_cast<int>(type_size(type)));
    return e;
}

// Tags the writer sets itself for every level.
bool is_layout_tag(std::uint16_t tag) {
    switch (tag) {
        case 254: case 256: case 257: case 258: case 259: case 262: case 273: case 277: case 278: case 279:
        case 284: case 317: case 322: case 323: case 324: case 325: case 338: case 339:
            return true;
        default:
            return false;
    }
}

std::vector<TiffEntry> level_entries(const CogLevelBlocks& level, bool overview, CogCodec codec, bool bigtiff,
                                     const std::vector<std::uint64_t>& offsets, const std::vector<TiffEntry>& extra) {
    std::vector<TiffEntry> e = extra;
    if (overview) e.push_back(number_entry(254, 4, {1}));  // NewSubfileType: a reduced-resolution image
    e.push_back(number_entry(256, 4, {static_cast<std::uint64_t>(level.width)}));
    e.push_back(number_entry(257, 4, {static_cast<std::uint64_t>(level.height)}));
    e.push_back(number_entry(258, 3, {32}));  // bits per sample
    e.push_back(number_entry(259, 3, {tiff_compression_tag(codec)}));
    e.push_back(number_entry(262, 3, {1}));  // photometric: min-is-black
    e.push_back(number_entry(277, 3, {1}));  // one sample per pixel
    e.push_back(number_entry(284, 3, {1}));  // planar configuration: contiguous
    if (codec != CogCodec::none) e.push_back(number_entry(317, 3, {3}));  // floating-point predictor
    e.push_back(number_entry(322, 3, {kCogBlock}));
    e.push_back(number_entry(323, 3, {kCogBlock}));
    e.push_back(number_entry(324, bigtiff ? 16 : 4, offsets));
    e.push_back(number_entry(325, bigtiff ? 16 : 4, level.sizes));
    e.push_back(number_entry(339, 3, {3}));  // sample format: IEEE floating point
    std::sort(e.begin(), e.end(), [](const TiffEntry& a, const TiffEntry& b) { return a.tag < b.tag; });
    return e;
}

// Appends one IFD at the end of `out` (which must be where it will be in the file), its long values after
// it; `last`: no IFD follows. Returns nothing; the next IFD starts at out.size() (even).
void write_ifd(std::vector<std::uint8_t>& out, const std::vector<TiffEntry>& entries, bool bigtiff, bool last) {
    const int inline_bytes = bigtiff ? 8 : 4, count_bytes = bigtiff ? 8 : 2, offset_bytes = bigtiff ? 8 : 4;
    const std::uint64_t start = out.size();
    const std::uint64_t ifd_size = count_bytes + entries.size() * (bigtiff ? 20 : 12) + offset_bytes;
    std::uint64_t extra_at = start + ifd_size;
    std::vector<std::uint8_t> extra;
    put(out, entries.size(), count_bytes);
    for (const auto& e : entries) {
        put(out, e.tag, 2);
        put(out, e.type, 2);
        put(out, e.count, bigtiff ? 8 : 4);
        if (e.value.size() <= static_cast<std::size_t>(inline_bytes)) {
            out.insert(out.end(), e.value.begin(), e.value.end());
            for (std::size_t i = e.value.size(); i < static_cast<std::size_t>(inline_bytes); ++i) out.push_back(0);
        } else {
            put(out, extra_at + extra.size(), offset_bytes);
            extra.insert(extra.end(), e.value.begin(), e.value.end());
            if (extra.size() % 2) extra.push_back(0);  // values start on a word boundary
        }
    }
    put(out, last ? 0 : extra_at + extra.size(), offset_bytes);
    out.insert(out.end(), extra.begin(), extra.end());
}

// GDAL's structural metadata, as its COG driver writes it (the validator reads the same text).
std::string ghost_area() {
    const std::string body =
        "LAYOUT=IFDS_BEFORE_DATA\nBLOCK_ORDER=ROW_MAJOR\nBLOCK_LEADER=SIZE_AS_UINT4\n"
        "BLOCK_TRAILER=LAST_4_BYTES_REPEATED\nKNOWN_INCOMPATIBLE_EDITION=NO\n ";
    char head[64];
    std::snprintf(head, sizeof head, "GDAL_STRUCTURAL_METADATA_SIZE=%06zu bytes\n", body.size());
    return head + body;
}

std::vector<std::uint8_t> compose_head(const std::vector<CogLevelBlocks>& levels, CogCodec codec, bool bigtiff,
                                       const std::vector<std::vector<std::uint64_t>>& offsets,
                                       const std::vector<TiffEntry>& main_entries,
                                       const std::vector<TiffEntry>& overview_entries) {
    std::vector<std::uint8_t> out = {'I', 'I'};
    if (bigtiff) {
        put(out, 43, 2);
        put(out, 8, 2);  // offset size
        put(out, 0, 2);
    } else {
        put(out, 42, 2);
    }
    const std::size_t first_ifd_field = out.size();
    put(out, 0, bigtiff ? 8 : 4);
    const std::string ghost = ghost_area();
    out.insert(out.end(), ghost.begin(), ghost.end());
    if (out.size() % 2) out.push_back(0);
    const std::uint64_t first_ifd = out.size();
    for (int i = 0; i < (bigtiff ? 8 : 4); ++i) out[first_ifd_field + i] = static_cast<std::uint8_t>(first_ifd >> (8 * i));
    for (std::size_t k = 0; k < levels.size(); ++k)
        write_ifd(out, level_entries(levels[k], k > 0, codec, bigtiff, offsets[k], k ? overview_entries : main_entries),
                  bigtiff, k + 1 == levels.size());
    return out;
}

}  // namespace

std::vector<TiffEntry> read_first_ifd(const std::vector<std::uint8_t>& file) {
    if (file.size() < 8 || file[0] != 'I' || file[1] != 'I' || get(file, 2, 2) != 42)
        throw std::runtime_error("the template is not a little-endian classic TIFF");
    const std::uint64_t at = get(file, 4, 4);
    const std::uint64_t n = get(file, at, 2);
    std::vector<TiffEntry> entries;
    for (std::uint64_t i = 0; i < n; ++i) {
        const std::uint64_t p = at + 2 + 12 * i;
        TiffEntry e;
        e.tag = static_cast<std::uint16_t>(get(file, p, 2));
        e.type = static_cast<std::uint16_t>(get(file, p + 2, 2));
        e.count = get(file, p + 4, 4);
        const std::uint64_t bytes = type_size(e.type) * e.count;
        if (type_size(e.type) == 0) throw std::runtime_error("the template has a TIFF field of unknown type");
        const std::uint64_t from = bytes <= 4 ? p + 8 : get(file, p + 8, 4);
        if (from + bytes > file.size()) throw std::runtime_error("the template TIFF is cut short");
        e.value.assign(file.begin() + static_cast<std::ptrdiff_t>(from), file.begin() + static_cast<std::ptrdiff_t>(from + bytes));
        entries.push_back(std::move(e));
    }
    return entries;
}

std::vector<TiffEntry> descriptive_entries(const std::vector<TiffEntry>& template_ifd) {
    std::vector<TiffEntry> kept;
    for (const auto& e : template_ifd)
        if (!is_layout_tag(e.tag)) kept.push_back(e);
    return kept;
}

CogLayout layout_cog(const std::vector<CogLevelBlocks>& levels, CogCodec codec, const std::vector<TiffEntry>& main_entries,
                     const std::vector<TiffEntry>& overview_entries, std::uint64_t classic_limit, std::uint64_t main_align) {
    CogLayout layout;
    for (const bool bigtiff : {false, true}) {
        layout.bigtiff = bigtiff;
        layout.offsets.assign(levels.size(), {});
        for (std::size_t k = 0; k < levels.size(); ++k) layout.offsets[k].assign(levels[k].sizes.size(), 0);
        // The head's size does not depend on the offsets' values, only on their count and width.
        const std::size_t head_size =
            compose_head(levels, codec, bigtiff, layout.offsets, main_entries, overview_entries).size();
        std::uint64_t pos = head_size;
        for (std::size_t k = levels.size(); k-- > 0;) {
            if (k == 0) {
                layout.overviews_end = pos;
                pos = (pos + main_align - 1) / main_align * main_align;
                layout.main_base = pos;
            }
            for (std::size_t b = 0; b < levels[k].sizes.size(); ++b) {
                layout.offsets[k][b] = pos + 4;  // after the block's leader (its size)
                pos += 4 + levels[k].sizes[b] + 4;
            }
        }
        layout.total = pos;
        if (bigtiff || pos <= classic_limit) break;
    }
    layout.head = compose_head(levels, codec, layout.bigtiff, layout.offsets, main_entries, overview_entries);
    return layout;
}

}  // namespace minerisk
