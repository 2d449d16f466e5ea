// The risk, the sampling and the zone outlines the engine's pictures draw from (quicklook_risk.hpp).
#include "export/quicklook_risk.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogr_api.h>

#include <algorithm>
#include <cmath>

#include "io/scored_tiles.hpp"
#include "minerisk/error.hpp"
#include "minerisk/run_plan.hpp"

namespace minerisk::quicklook {
namespace {

const RasterOutput* risk_raster(const ExportContext& ctx) {
    for (const auto& r : ctx.rasters)
        if (r.kind == "risk") return &r;
    return ctx.rasters.empty() ? nullptr : &ctx.rasters.front();
}

// The rings of a (multi)polygon as line strings: what an outline is drawn from.
void collect_rings(const OGRGeometry* g, OGRMultiLineString& out) {
    if (!g) return;
    switch (wkbFlatten(g->getGeometryType())) {
        case wkbPolygon:
            for (const auto* ring : *g->toPolygon()) {
                auto* ls = new OGRLineString();
                ls->addSubLineString(ring);
                out.addGeometryDirectly(ls);
            }
            break;
        case wkbMultiPolygon:
        case wkbGeometryCollection:
        case wkbMultiLineString:
            for (const auto* part : *g->toGeometryCollection()) collect_rings(part, out);
            break;
        case wkbLineString:
            out.addGeometry(g);
            break;
        default:
            break;
    }
}

struct GdalCloser {
    void operator()(GDALDataset* d) const {
        if (d) GDALClose(d);
    }
};

}  // namespace

// A run's risk comes from its scored tiles; the raster is read only when there are none (a quick-look of a raster
// written before).
RiskSource::RiskSource(const ExportContext& ctx) : ctx_(ctx) {
    if (ctx.scored) {
        const GridSpec& g = ctx.scored->grid();
        width_ = static_cast<int>(g.width), height_ = static_cast<int>(g.height);
        const auto t = g.geotransform();
        std::copy(t.begin(), t.end(), gt_);
        return;
    }
    const RasterOutput* risk = risk_raster(ctx);
    if (!risk) throw Error("no risk raster to draw the quick-look from", Location(ctx.output_dir));
    path_ = risk->path;
    GDALAllRegister();
    raster_ = static_cast<GDALDataset*>(
        GDALOpenEx(path_.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!raster_) throw Error(std::string("cannot open the risk raster: ") + CPLGetLastErrorMsg(), Location(path_));
    width_ = raster_->GetRasterXSize(), height_ = raster_->GetRasterYSize();
    if (raster_->GetGeoTransform(gt_) != CE_None && ctx.plan) {
        const auto g = ctx.plan->grid.geotransform();
        std::copy(g.begin(), g.end(), gt_);
    }
    int has_nodata = 0;
    nodata_ = raster_->GetRasterBand(1)->GetNoDataValue(&has_nodata);
    nodata_is_value_ = has_nodata && !std::isnan(nodata_);
}

RiskSource::~RiskSource() { GdalCloser{}(raster_); }

void RiskSource::read(int col0, int row0, int w, int h, float* out) const {
    if (!raster_) {
        ctx_.scored->read(0, Window{col0, row0, w, h}, out);
        return;
    }
    if (raster_->GetRasterBand(1)->RasterIO(GF_Read, col0, row0, w, h, out, w, h, GDT_Float32, 0, 0) != CE_None)
        throw Error(std::string("cannot read the risk raster: ") + CPLGetLastErrorMsg(), Location(path_),
                    "check that the run finished writing it");
    if (nodata_is_value_)
        for (float* v = out; v < out + static_cast<std::int64_t>(w) * h; ++v)
            if (*v == static_cast<float>(nodata_)) *v = NAN;
}

std::vector<float> sample_risk(const RiskSource& src, const CellWindow& win, int map_w, int map_h) {
    const std::int64_t ww = std::max<std::int64_t>(1, win.width), wh = std::max<std::int64_t>(1, win.height);
    // The window's columns inside the grid, read for every row band.
    const std::int64_t in_c0 = std::clamp<std::int64_t>(win.col0, 0, src.width());
    const std::int64_t in_c1 = std::clamp<std::int64_t>(win.col0 + ww, 0, src.width());
    std::vector<std::int64_t> c0(static_cast<size_t>(map_w)), c1(static_cast<size_t>(map_w));
    for (int c = 0; c < map_w; ++c) {
        c0[static_cast<size_t>(c)] = win.col0 + c * ww / map_w;
        c1[static_cast<size_t>(c)] = std::max(c0[static_cast<size_t>(c)] + 1, win.col0 + (c + 1) * ww / map_w);
    }
    std::vector<float> out(static_cast<size_t>(map_w) * static_cast<size_t>(map_h), NAN);
    std::vector<float> rows;
    std::int64_t have_r0 = -1, have_n = 0;
    const std::int64_t read_w = in_c1 - in_c0;
    for (int r = 0; r < map_h; ++r) {
        const std::int64_t w0 = win.row0 + r * wh / map_h;
        const std::int64_t w1 = std::max(w0 + 1, win.row0 + (r + 1) * wh / map_h);
        const std::int64_t r0 = std::max<std::int64_t>(w0, 0), r1 = std::min<std::int64_t>(w1, src.height());
        const std::int64_t n = r1 - r0;
        if (n <= 0 || read_w <= 0) continue;  // rows or columns beyond the grid: no data
        if (r0 != have_r0 || n != have_n) {
            rows.resize(static_cast<size_t>(n * read_w));
            src.read(static_cast<int>(in_c0), static_cast<int>(r0), static_cast<int>(read_w), static_cast<int>(n), rows.data());
            have_r0 = r0, have_n = n;
        }
        float* dst = &out[static_cast<size_t>(r) * static_cast<size_t>(map_w)];
        for (int c = 0; c < map_w; ++c) {
            const std::int64_t x0 = std::max(c0[static_cast<size_t>(c)], in_c0), x1 = std::min(c1[static_cast<size_t>(c)], in_c1);
            double sum = 0;
            int count = 0;
            for (std::int64_t k = 0; k < n; ++k) {
                const float* src_row = &rows[static_cast<size_t>(k * read_w)];
                for (std::int64_t x = x0; x < x1; ++x)
                    if (!std::isnan(src_row[x - in_c0])) sum += src_row[x - in_c0], ++count;
            }
            if (count) dst[c] = static_cast<float>(sum / count);
        }
    }
    return out;
}

std::unique_ptr<OGRGeometry> zone_geometry(const Zone& z) {
    if (z.wkb.empty()) return nullptr;
    OGRGeometry* g = nullptr;
    if (OGRGeometryFactory::createFromWkb(z.wkb.data(), nullptr, &g, z.wkb.size(), wkbVariantIso) != OGRERR_NONE)
        return nullptr;
    return std::unique_ptr<OGRGeometry>(g);
}

std::vector<unsigned char> outline_mask(const std::vector<const OGRGeometry*>& geoms, const double* map_gt, int map_w,
                                        int map_h, int width) {
    std::vector<unsigned char> mask(static_cast<size_t>(map_w) * static_cast<size_t>(map_h), 0);
    std::vector<std::unique_ptr<OGRMultiLineString>> lines;
    std::vector<OGRGeometryH> handles;
    for (const OGRGeometry* g : geoms) {
        auto ml = std::make_unique<OGRMultiLineString>();
        collect_rings(g, *ml);
        if (ml->getNumGeometries() == 0) continue;
        handles.push_back(OGRGeometry::ToHandle(ml.get()));
        lines.push_back(std::move(ml));
    }
    if (handles.empty()) return mask;
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    std::unique_ptr<GDALDataset, GdalCloser> ds(mem->Create("", map_w, map_h, 1, GDT_Byte, nullptr));
    if (!ds) throw Error(std::string("cannot draw the zone outlines: ") + CPLGetLastErrorMsg());
    ds->SetGeoTransform(const_cast<double*>(map_gt));
    int band = 1;
    std::vector<double> burn(handles.size(), 1.0);
    if (GDALRasterizeGeometries(ds.get(), 1, &band, static_cast<int>(handles.size()), handles.data(), nullptr, nullptr,
                                burn.data(), nullptr, nullptr, nullptr) != CE_None)
        throw Error(std::string("cannot draw the zone outlines: ") + CPLGetLastErrorMsg());
    std::vector<unsigned char> thin(mask.size());
    if (ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, map_w, map_h, thin.data(), map_w, map_h, GDT_Byte, 0, 0) != CE_None)
        throw Error(std::string("cannot draw the zone outlines: ") + CPLGetLastErrorMsg());
    // Thicken to `width` px: a pixel is on when one of the pixels up to width - 1 to its left and above is.
    const int t = std::max(1, width);
    for (int y = 0; y < map_h; ++y)
        for (int x = 0; x < map_w; ++x) {
            bool on = false;
            for (int dy = 0; dy < t && !on; ++dy)
                for (int dx = 0; dx < t && !on; ++dx)
                    on = x - dx >= 0 && y - dy >= 0 &&
                         thin[static_cast<size_t>(y - dy) * static_cast<size_t>(map_w) + static_cast<size_t>(x - dx)];
            if (on) mask[static_cast<size_t>(y) * static_cast<size_t>(map_w) + static_cast<size_t>(x)] = 1;
        }
    return mask;
}

}  // namespace minerisk::quicklook
