// Cell-by-cell reference implementations of the zone stage's steps, for tests only: the engine works on runs
// (engine/zones/runs.hpp); these are the straightforward whole-grid versions it is checked against.
#pragma once
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <vector>

#include "minerisk/error.hpp"
#include "zones/risk_reader.hpp"
#include "zones/runs.hpp"
#include "zones/zones_internal.hpp"

namespace minerisk::zones {

// Cell classes for cleaning.
enum : std::uint8_t { kBackground = 0, kCandidate = 1, kNoData = 2 };

struct CleanResult {
    std::vector<std::int32_t> labels;  // 0 = not in a zone; 1..zones, row-major discovery order
    std::int32_t zones = 0;
    std::int64_t candidate_components = 0;
    std::int64_t dropped_components = 0, dropped_cells = 0;
    std::int64_t filled_holes = 0, filled_cells = 0;
};


namespace detail {
inline std::int32_t find(std::vector<std::int32_t>& parent, std::int32_t x) {
    while (parent[static_cast<size_t>(x)] != x) {
        parent[static_cast<size_t>(x)] = parent[static_cast<size_t>(parent[static_cast<size_t>(x)])];
        x = parent[static_cast<size_t>(x)];
    }
    return x;
}

inline void unite(std::vector<std::int32_t>& parent, std::int32_t a, std::int32_t b) {
    a = detail::find(parent, a);
    b = detail::find(parent, b);
    if (a == b) return;
    if (a < b) parent[static_cast<size_t>(b)] = a;
    else parent[static_cast<size_t>(a)] = b;
}

}  // namespace detail

inline std::int32_t label_components(const std::vector<std::uint8_t>& mask, std::int64_t w, std::int64_t h, std::uint8_t value,
                              bool match, bool eight, std::vector<std::int32_t>& labels, std::vector<std::int64_t>& sizes) {
    const size_t n = static_cast<size_t>(w * h);
    labels.assign(n, 0);
    std::vector<std::int32_t> parent{0};
    auto in = [&](size_t i) { return (mask[i] == value) == match; };
    for (std::int64_t r = 0; r < h; ++r) {
        for (std::int64_t c = 0; c < w; ++c) {
            const size_t i = static_cast<size_t>(r * w + c);
            if (!in(i)) continue;
            std::int32_t l = 0;
            auto take = [&](std::int64_t rr, std::int64_t cc) {
                if (rr < 0 || cc < 0 || cc >= w) return;
                const std::int32_t o = labels[static_cast<size_t>(rr * w + cc)];
                if (o == 0) return;
                if (l == 0) l = o;
                else if (o != l) detail::unite(parent, l, o);
            };
            take(r, c - 1);
            take(r - 1, c);
            if (eight) {
                take(r - 1, c - 1);
                take(r - 1, c + 1);
            }
            if (l == 0) {
                if (parent.size() >= static_cast<size_t>(std::numeric_limits<std::int32_t>::max()))
                    throw Error("too many separate areas above the threshold to label", Location{},
                                "raise the threshold or use a coarser resolution");
                l = static_cast<std::int32_t>(parent.size());
                parent.push_back(l);
            }
            labels[i] = l;
        }
    }
    // Final numbers in the row-major order of each component's first cell.
    std::vector<std::int32_t> final_id(parent.size(), 0);
    std::int32_t next = 0;
    sizes.assign(1, 0);
    for (size_t i = 0; i < n; ++i) {
        if (!labels[i]) continue;
        const std::int32_t root = detail::find(parent, labels[i]);
        std::int32_t& f = final_id[static_cast<size_t>(root)];
        if (f == 0) {
            f = ++next;
            sizes.push_back(0);
        }
        labels[i] = f;
        ++sizes[static_cast<size_t>(f)];
    }
    return next;
}

inline CleanResult clean_zones(std::vector<std::uint8_t>& mask, std::int64_t w, std::int64_t h, std::int64_t min_cells,
                        std::int64_t max_hole_cells) {
    CleanResult out;
    std::vector<std::int64_t> sizes;
    const size_t n = static_cast<size_t>(w * h);

    // 1. Candidate areas smaller than the minimum go.
    out.candidate_components = label_components(mask, w, h, kCandidate, true, false, out.labels, sizes);
    if (min_cells > 1) {
        std::vector<char> drop(sizes.size(), 0);
        for (size_t c = 1; c < sizes.size(); ++c)
            if (sizes[c] < min_cells) drop[c] = 1, ++out.dropped_components, out.dropped_cells += sizes[c];
        if (out.dropped_components)
            for (size_t i = 0; i < n; ++i)
                if (out.labels[i] && drop[static_cast<size_t>(out.labels[i])]) mask[i] = kBackground;
    }

    // 2. Holes: background (and nodata) patches closed on every side, smaller than the limit, are filled.
    //    A patch touching the grid's edge or holding a nodata cell is open (what lies beyond is unknown).
    if (max_hole_cells > 1) {
        const std::int32_t nb = label_components(mask, w, h, kCandidate, false, true, out.labels, sizes);
        std::vector<char> open(static_cast<size_t>(nb) + 1, 0);
        for (std::int64_t r = 0; r < h; ++r)
            for (std::int64_t c = 0; c < w; ++c) {
                const size_t i = static_cast<size_t>(r * w + c);
                const std::int32_t l = out.labels[i];
                if (l && (r == 0 || c == 0 || r == h - 1 || c == w - 1 || mask[i] == kNoData)) open[static_cast<size_t>(l)] = 1;
            }
        std::vector<char> fill(open.size(), 0);
        for (size_t c = 1; c < open.size(); ++c)
            if (!open[c] && sizes[c] < max_hole_cells) fill[c] = 1, ++out.filled_holes, out.filled_cells += sizes[c];
        if (out.filled_holes)
            for (size_t i = 0; i < n; ++i)
                if (out.labels[i] && fill[static_cast<size_t>(out.labels[i])]) mask[i] = kCandidate;
    }

    // 3. The zones.
    out.zones = label_components(mask, w, h, kCandidate, true, false, out.labels, sizes);
    return out;
}


inline std::vector<std::uint8_t> candidate_mask(const std::vector<float>& risk, float threshold, std::int64_t* candidates = nullptr) {
    std::vector<std::uint8_t> mask(risk.size());
    std::int64_t n = 0;
    for (size_t i = 0; i < risk.size(); ++i) {
        const float v = risk[i];
        if (std::isnan(v)) mask[i] = kNoData;
        else if (v >= threshold) mask[i] = kCandidate, ++n;
        else mask[i] = kBackground;
    }
    if (candidates) *candidates = n;
    return mask;
}



namespace polygonize_detail {

inline int CPL_STDCALL forward_progress(double f, const char*, void* user) {
    return static_cast<const Progress*>(user)->report(f, "polygonizing") ? 1 : 0;
}

struct DatasetCloser {
    void operator()(GDALDataset* d) const { GDALClose(d); }
};

}  // namespace

inline std::vector<std::vector<unsigned char>> polygonize_labels(const std::vector<std::int32_t>& labels, std::int32_t zones,
                                                          const GridSpec& grid, const Progress& progress) {
    std::vector<std::vector<unsigned char>> out(static_cast<size_t>(zones));
    if (zones == 0) return out;
    GDALAllRegister();
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDriver* vmem = GetGDALDriverManager()->GetDriverByName("Memory");
    if (!mem || !vmem) throw Error("GDAL has no MEM or Memory driver", Location{}, "check the GDAL installation");
    std::unique_ptr<GDALDataset, polygonize_detail::DatasetCloser> rds(
        mem->Create("", static_cast<int>(grid.width), static_cast<int>(grid.height), 0, GDT_Int32, nullptr));
    if (!rds) throw Error("cannot create an in-memory raster: " + std::string(CPLGetLastErrorMsg()));
    char ptr[64] = "";
    const int np = CPLPrintPointer(ptr, const_cast<std::int32_t*>(labels.data()), sizeof ptr - 1);
    ptr[np] = '\0';
    CPLStringList bopts;
    bopts.SetNameValue("DATAPOINTER", ptr);
    if (rds->AddBand(GDT_Int32, bopts.List()) != CE_None)
        throw Error("cannot wrap the zone labels in a raster: " + std::string(CPLGetLastErrorMsg()));
    auto gt = grid.geotransform();
    rds->SetGeoTransform(gt.data());
    OGRSpatialReference srs;
    const bool has_srs = !grid.crs_wkt.empty() && srs.importFromWkt(grid.crs_wkt.c_str()) == OGRERR_NONE;
    if (has_srs) srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);

    std::unique_ptr<GDALDataset, polygonize_detail::DatasetCloser> vds(vmem->Create("zones", 0, 0, 0, GDT_Unknown, nullptr));
    if (!vds) throw Error("cannot create an in-memory layer: " + std::string(CPLGetLastErrorMsg()));
    OGRLayer* layer = vds->CreateLayer("zones", has_srs ? &srs : nullptr, wkbPolygon, nullptr);
    OGRFieldDefn field("label", OFTInteger);
    if (!layer || layer->CreateField(&field) != OGRERR_NONE)
        throw Error("cannot create an in-memory layer: " + std::string(CPLGetLastErrorMsg()));

    GDALRasterBand* band = rds->GetRasterBand(1);
    // The label band is its own mask: label 0 (no zone) is left out.
    const CPLErr e = GDALPolygonize(band, band, layer, 0, nullptr, polygonize_detail::forward_progress, const_cast<Progress*>(&progress));
    if (e != CE_None) {
        if (!progress.report(1.0, "polygonizing")) throw Error("cancelled");
        throw Error("polygonizing the zones failed: " + std::string(CPLGetLastErrorMsg()));
    }

    std::vector<std::vector<std::unique_ptr<OGRPolygon>>> parts(static_cast<size_t>(zones));
    layer->ResetReading();
    for (auto& f : *layer) {
        const int label = f->GetFieldAsInteger(0);
        OGRGeometry* g = f->StealGeometry();
        if (label < 1 || label > zones || !g) {
            delete g;
            continue;
        }
        if (wkbFlatten(g->getGeometryType()) == wkbPolygon) {
            parts[static_cast<size_t>(label - 1)].emplace_back(g->toPolygon());
        } else {
            delete g;
        }
    }
    for (std::int32_t z = 0; z < zones; ++z) {
        auto& ps = parts[static_cast<size_t>(z)];
        if (ps.empty()) throw Error("polygonizing lost zone " + std::to_string(z + 1));
        std::unique_ptr<OGRGeometry> geom;
        if (ps.size() == 1) {
            geom = std::move(ps[0]);
        } else {
            auto mp = std::make_unique<OGRMultiPolygon>();
            for (auto& p : ps) mp->addGeometryDirectly(p.release());
            geom = std::move(mp);
        }
        auto& wkb = out[static_cast<size_t>(z)];
        wkb.resize(static_cast<size_t>(geom->WkbSize()));
        geom->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    }
    return out;
}


// The k-th largest value of a whole grid in memory (see TopPercentSelect).
inline float top_percent_threshold(const std::vector<float>& risk, double percent, std::int64_t* valid = nullptr) {
    TopPercentSelect sel(percent);
    sel.pass1(risk.data(), static_cast<std::int64_t>(risk.size()));
    sel.end_pass1();
    sel.pass2(risk.data(), static_cast<std::int64_t>(risk.size()));
    if (valid) *valid = sel.valid();
    return sel.threshold();
}

// Runs of the cells of `mask` equal to `value`; and back, a label raster from labelled runs.
inline RowRuns runs_of(const std::vector<std::uint8_t>& mask, std::int64_t w, std::int64_t h, std::uint8_t value) {
    RowRuns out(w, h);
    for (std::int64_t r = 0; r < h; ++r) {
        std::int64_t c = 0;
        while (c < w) {
            while (c < w && mask[static_cast<size_t>(r * w + c)] != value) ++c;
            const std::int64_t c0 = c;
            while (c < w && mask[static_cast<size_t>(r * w + c)] == value) ++c;
            out.add(static_cast<std::int32_t>(c0), static_cast<std::int32_t>(c));
        }
        out.end_row();
    }
    return out;
}

inline std::vector<std::int32_t> labels_of(const RowRuns& z, std::int64_t w, std::int64_t h) {
    std::vector<std::int32_t> l(static_cast<size_t>(w * h), 0);
    for (std::int64_t r = 0; r < h; ++r)
        for (const Run* it = z.row_begin(r); it != z.row_end(r); ++it)
            for (std::int32_t c = it->c0; c < it->c1; ++c) l[static_cast<size_t>(r * w + c)] = it->label;
    return l;
}

}  // namespace minerisk::zones
