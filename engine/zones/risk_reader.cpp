#include "zones/risk_reader.hpp"

#include <gdal_priv.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "io/scored_tiles.hpp"
#include "minerisk/error.hpp"

namespace minerisk::zones {
namespace {

constexpr std::int64_t kRowsPerBlock = 256;

// Order-preserving map of a float's bits onto an unsigned integer (larger float, larger key).
inline std::uint32_t key_of(float v) {
    std::uint32_t b;
    std::memcpy(&b, &v, sizeof b);
    return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}
inline float float_of(std::uint32_t k) {
    const std::uint32_t b = (k & 0x80000000u) ? (k & 0x7FFFFFFFu) : ~k;
    float v;
    std::memcpy(&v, &b, sizeof v);
    return v;
}

}  // namespace

RiskReader::RiskReader(const std::string& path, const GridSpec& expected) : path_(path) {
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);  // the Error says it; no GDAL message on the terminal
    ds_ = static_cast<GDALDataset*>(GDALOpen(path.c_str(), GA_ReadOnly));
    CPLPopErrorHandler();
    if (!ds_ || ds_->GetRasterCount() < 1) {
        const std::string why = CPLGetLastErrorMsg();
        if (ds_) GDALClose(ds_);
        ds_ = nullptr;
        throw Error("cannot read the risk raster: " + why, Location(path),
                    "run the scoring stage first; the zone stage reads its risk.tif");
    }
    double gt[6] = {0, 1, 0, 0, 0, -1};
    const bool has_gt = ds_->GetGeoTransform(gt) == CE_None;
    const std::int64_t w = ds_->GetRasterXSize(), h = ds_->GetRasterYSize();
    if (expected.width > 0) {
        grid_ = expected;
        const double tol = 1e-3 * expected.cell_size;  // a thousandth of a cell
        const auto eg = expected.geotransform();
        bool same = w == expected.width && h == expected.height && has_gt;
        for (int i = 0; same && i < 6; ++i) same = std::fabs(gt[i] - eg[i]) <= tol;
        if (!same) {
            GDALClose(ds_);
            ds_ = nullptr;
            throw Error("the risk raster is " + std::to_string(w) + " x " + std::to_string(h) +
                            " cells and does not lie on the run's grid (" + expected.describe() + ")",
                        Location(path), "give the zone stage the risk.tif written by the same run");
        }
    } else {
        if (!has_gt || gt[2] != 0 || gt[4] != 0 || std::fabs(gt[1] + gt[5]) > 1e-9 * std::fabs(gt[1]) || !(gt[1] > 0)) {
            GDALClose(ds_);
            ds_ = nullptr;
            throw Error("the risk raster is not a north-up grid of square cells", Location(path),
                        "give the zone stage the risk.tif written by minerisk");
        }
        grid_.width = w;
        grid_.height = h;
        grid_.cell_size = gt[1];
        grid_.origin_x = gt[0];
        grid_.origin_y = gt[3];
        if (const char* wkt = ds_->GetProjectionRef()) grid_.crs_wkt = wkt;
    }
    int has = 0;
    const double nd = ds_->GetRasterBand(1)->GetNoDataValue(&has);
    has_nodata_ = has && !std::isnan(nd);
    nodata_ = static_cast<float>(nd);
}

RiskReader::RiskReader(const ScoredTiles& tiles, int band, const std::string& name)
    : tiles_(&tiles), band_(band), path_(name), grid_(tiles.grid()) {}

RiskReader::~RiskReader() {
    if (ds_) GDALClose(ds_);
}

void RiskReader::block_size(std::int64_t& bw, std::int64_t& bh) const {
    if (tiles_) {
        bw = bh = 512;
        return;
    }
    int bx = 0, by = 0;
    ds_->GetRasterBand(1)->GetBlockSize(&bx, &by);
    bw = std::max(1, bx);
    bh = std::max(1, by);
}

std::int64_t RiskReader::cached_rows() const {
    if (tiles_) return std::max(1, tiles_->tile_size());
    std::int64_t bw = 1, bh = 1;
    block_size(bw, bh);
    return bh;
}

void RiskReader::read(const Window& w, float* dst, std::int64_t stride) const {
    if (tiles_) {
        tiles_->read(band_, w, dst, stride);
        return;
    }
    if (ds_->GetRasterBand(1)->RasterIO(GF_Read, static_cast<int>(w.col0), static_cast<int>(w.row0),
                                        static_cast<int>(w.width), static_cast<int>(w.height), dst,
                                        static_cast<int>(w.width), static_cast<int>(w.height), GDT_Float32, sizeof(float),
                                        static_cast<GSpacing>(stride) * static_cast<GSpacing>(sizeof(float))) != CE_None)
        throw Error("reading the raster failed: " + std::string(CPLGetLastErrorMsg()), Location(path_));
    if (has_nodata_)
        for (std::int64_t r = 0; r < w.height; ++r)
            for (float* v = dst + r * stride; v < dst + r * stride + w.width; ++v)
                if (*v == nodata_) *v = NAN;
}

void RiskReader::for_each_rows(const Progress& progress, const char* what,
                               const std::function<void(std::int64_t, std::int64_t, const float*)>& fn) const {
    const std::int64_t w = grid_.width, h = grid_.height;
    std::vector<float> buf;
    for (std::int64_t r0 = 0; r0 < h; r0 += kRowsPerBlock) {
        const std::int64_t n = std::min(kRowsPerBlock, h - r0);
        buf.resize(static_cast<size_t>(n * w));
        read(Window{0, r0, w, n}, buf.data(), w);
        fn(r0, n, buf.data());
        if (!progress.report(double(r0 + n) / double(h), what)) throw Error("cancelled");
    }
}

void RiskReader::for_each_rows_covering(const RowRuns& runs, const Progress& progress, const char* what,
                                        const std::function<void(std::int64_t, std::int64_t, const float*)>& fn) const {
    const std::int64_t w = grid_.width, h = grid_.height;
    std::int64_t bw = 1, bh = 1;
    block_size(bw, bh);
    const std::int64_t strip = std::max<std::int64_t>(1, (kRowsPerBlock + bh - 1) / bh) * bh;  // whole blocks
    const std::int64_t nblocks = (w + bw - 1) / bw;
    std::vector<float> buf;
    std::vector<char> needed(static_cast<size_t>(nblocks));
    for (std::int64_t r0 = 0; r0 < h; r0 += strip) {
        const std::int64_t n = std::min(strip, h - r0);
        std::fill(needed.begin(), needed.end(), 0);
        bool any = false;
        for (std::int64_t r = r0; r < r0 + n && r < runs.rows_done(); ++r)
            for (const Run* it = runs.row_begin(r); it != runs.row_end(r); ++it) {
                for (std::int64_t b = it->c0 / bw; b <= (it->c1 - 1) / bw; ++b) needed[static_cast<size_t>(b)] = 1;
                any = true;
            }
        if (any) {
            buf.assign(static_cast<size_t>(n * w), NAN);
            for (std::int64_t b0 = 0; b0 < nblocks;) {
                if (!needed[static_cast<size_t>(b0)]) {
                    ++b0;
                    continue;
                }
                std::int64_t b1 = b0;
                while (b1 < nblocks && needed[static_cast<size_t>(b1)]) ++b1;
                const std::int64_t c0 = b0 * bw, c1 = std::min(w, b1 * bw);
                read(Window{c0, r0, c1 - c0, n}, buf.data() + c0, w);
                b0 = b1;
            }
            fn(r0, n, buf.data());
        }
        if (!progress.report(double(r0 + n) / double(h), what)) throw Error("cancelled");
    }
}

std::vector<float> RiskReader::window(const Window& w) const {
    std::vector<float> buf(static_cast<size_t>(std::max<std::int64_t>(0, w.cells())));
    if (buf.empty()) return buf;
    read(w, buf.data(), w.width);
    return buf;
}

// ---- the top percent -----------------------------------------------------------------------------------

TopPercentSelect::TopPercentSelect(double percent) : percent_(percent), hist_(65536, 0) {}

void TopPercentSelect::pass1(const float* v, std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i)
        if (!std::isnan(v[i])) ++hist_[key_of(v[i]) >> 16], ++valid_;
}

void TopPercentSelect::end_pass1() {
    if (valid_ == 0) return;
    k_ = static_cast<std::int64_t>(std::ceil(percent_ / 100.0 * static_cast<double>(valid_) - 1e-9));
    k_ = std::clamp<std::int64_t>(k_, 1, valid_);
    // The high 16 bits of the k-th largest key; k_ becomes its rank within that bucket.
    for (std::int64_t b = 65535; b >= 0; --b) {
        if (hist_[static_cast<size_t>(b)] >= k_) {
            high_ = static_cast<std::uint32_t>(b);
            break;
        }
        k_ -= hist_[static_cast<size_t>(b)];
    }
    std::fill(hist_.begin(), hist_.end(), 0);
}

void TopPercentSelect::pass2(const float* v, std::int64_t n) {
    if (valid_ == 0) return;
    for (std::int64_t i = 0; i < n; ++i)
        if (!std::isnan(v[i])) {
            const std::uint32_t key = key_of(v[i]);
            if ((key >> 16) == high_) ++hist_[key & 0xFFFFu];
        }
}

float TopPercentSelect::threshold() const {
    if (valid_ == 0) return NAN;
    std::int64_t k = k_;
    std::uint32_t low = 0;
    for (std::int64_t b = 65535; b >= 0; --b) {
        if (hist_[static_cast<size_t>(b)] >= k) {
            low = static_cast<std::uint32_t>(b);
            break;
        }
        k -= hist_[static_cast<size_t>(b)];
    }
    return float_of((high_ << 16) | low);
}

float top_percent_threshold(const RiskReader& risk, double percent, std::int64_t* valid, const Progress& progress) {
    TopPercentSelect sel(percent);
    risk.for_each_rows(progress.sub(0, 0.5), "risk distribution",
                       [&](std::int64_t, std::int64_t n, const float* v) { sel.pass1(v, n * risk.grid().width); });
    const float t = finish_top_percent(risk, sel, progress.sub(0.5, 1));
    if (valid) *valid = sel.valid();
    return t;
}

float finish_top_percent(const RiskReader& risk, TopPercentSelect& sel, const Progress& progress) {
    sel.end_pass1();
    if (sel.valid() == 0) return NAN;
    risk.for_each_rows(progress, "risk distribution",
                       [&](std::int64_t, std::int64_t n, const float* v) { sel.pass2(v, n * risk.grid().width); });
    return sel.threshold();
}

CandidateRuns candidate_runs(const RiskReader& risk, float threshold, const Progress& progress) {
    const std::int64_t w = risk.grid().width, h = risk.grid().height;
    CandidateRuns out{RowRuns(w, h), RowRuns(w, h), 0, 0};
    risk.for_each_rows(progress, "zone cells", [&](std::int64_t, std::int64_t n, const float* v) {
        for (std::int64_t r = 0; r < n; ++r) {
            const float* row = v + r * w;
            // Each row: runs of cells >= threshold and runs of NaN; a NaN is never >= anything.
            std::int64_t c = 0;
            while (c < w) {
                const float x = row[c];
                const std::int64_t c0 = c;
                if (x >= threshold) {
                    while (c < w && row[c] >= threshold) ++c;
                    out.candidates.add(static_cast<std::int32_t>(c0), static_cast<std::int32_t>(c));
                    out.candidate_cells += c - c0;
                    out.valid += c - c0;
                } else if (std::isnan(x)) {
                    while (c < w && std::isnan(row[c])) ++c;
                    out.nodata.add(static_cast<std::int32_t>(c0), static_cast<std::int32_t>(c));
                } else {
                    while (c < w && row[c] < threshold) ++c;  // false for NaN: stops there
                    out.valid += c - c0;
                }
            }
            out.candidates.end_row();
            out.nodata.end_row();
        }
    });
    return out;
}

}  // namespace minerisk::zones
