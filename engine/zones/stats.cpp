// Zonal statistics: one pass over the labels with the risk (in memory), then one pass per factor raster,
// streamed by blocks of rows. NaN cells are left out of means and maxima.
#include <gdal_priv.h>

#include <algorithm>

#include "minerisk/error.hpp"
#include "zones/risk_reader.hpp"
#include "zones/zones_internal.hpp"

namespace minerisk::zones {

std::vector<ZoneStats> zonal_stats(const std::vector<std::int32_t>& labels, std::int32_t zones, const RiskGrid& risk,
                                   const std::vector<std::string>& factor_names, const std::vector<std::string>& factor_paths,
                                   std::vector<std::string>& warnings, const Progress& progress) {
    const size_t nf = factor_paths.size();
    std::vector<ZoneStats> st(static_cast<size_t>(zones) + 1);  // [0] unused
    for (auto& s : st) s.factor_sum.assign(nf, 0.0), s.factor_n.assign(nf, 0);
    for (size_t i = 0; i < labels.size(); ++i) {
        const std::int32_t l = labels[i];
        if (!l) continue;
        ZoneStats& s = st[static_cast<size_t>(l)];
        ++s.cells;
        const float v = risk.risk[i];
        if (!std::isnan(v)) {
            ++s.risk_n;
            s.risk_sum += v;
            s.risk_max = std::max<double>(s.risk_max, v);
        }
    }
    const std::int64_t w = risk.grid.width, h = risk.grid.height;
    std::vector<float> buf;
    for (size_t k = 0; k < nf; ++k) {
        const Progress sub = progress.sub(double(k) / double(nf), double(k + 1) / double(nf));
        const std::string& name = k < factor_names.size() ? factor_names[k] : std::to_string(k + 1);
        auto no_factor = [&](const std::string& why) {
            warnings.push_back("factor '" + name + "': " + why + "; its zone means are left empty (NaN) and it cannot be the top factor");
            for (auto& s : st) s.factor_n[k] = 0, s.factor_sum[k] = NAN;
        };
        if (factor_paths[k].empty()) {
            no_factor("no raster (outputs.factors is off?)");
            continue;
        }
        CPLPushErrorHandler(CPLQuietErrorHandler);  // the warning says it; no GDAL message on the terminal
        std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(GDALOpen(factor_paths[k].c_str(), GA_ReadOnly)));
        CPLPopErrorHandler();
        if (!ds || ds->GetRasterCount() < 1) {
            no_factor("cannot read " + factor_paths[k] + " (" + CPLGetLastErrorMsg() + ")");
            continue;
        }
        if (ds->GetRasterXSize() != w || ds->GetRasterYSize() != h) {
            no_factor(factor_paths[k] + " is not on the risk raster's grid");
            continue;
        }
        GDALRasterBand* band = ds->GetRasterBand(1);
        int has_nd = 0;
        const double nd = band->GetNoDataValue(&has_nd);
        const bool use_nd = has_nd && !std::isnan(nd);
        const float ndf = static_cast<float>(nd);
        const std::int64_t step = 256;
        bool ok = true;
        for (std::int64_t r0 = 0; r0 < h && ok; r0 += step) {
            const std::int64_t n = std::min(step, h - r0);
            buf.resize(static_cast<size_t>(n * w));
            if (band->RasterIO(GF_Read, 0, static_cast<int>(r0), static_cast<int>(w), static_cast<int>(n), buf.data(),
                               static_cast<int>(w), static_cast<int>(n), GDT_Float32, 0, 0) != CE_None) {
                ok = false;
                break;
            }
            const std::int32_t* lab = labels.data() + r0 * w;
            for (size_t i = 0; i < buf.size(); ++i) {
                const std::int32_t l = lab[i];
                if (!l) continue;
                const float v = buf[i];
                if (std::isnan(v) || (use_nd && v == ndf)) continue;
                ZoneStats& s = st[static_cast<size_t>(l)];
                s.factor_sum[k] += v;
                ++s.factor_n[k];
            }
            if (!sub.report(double(r0 + n) / double(h), "zonal statistics")) throw Error("cancelled");
        }
        if (!ok) no_factor("reading " + factor_paths[k] + " failed: " + CPLGetLastErrorMsg());
    }
    return st;
}

// The same from runs, streaming every raster by blocks of rows: memory is one block per raster.
std::vector<ZoneStats> zonal_stats(const RowRuns& zones, std::int32_t count, const RiskReader& risk,
                                   const std::vector<std::string>& factor_names, const std::vector<std::string>& factor_paths,
                                   std::vector<std::string>& warnings, const Progress& progress) {
    const size_t nf = factor_paths.size();
    std::vector<ZoneStats> st(static_cast<size_t>(count) + 1);  // [0] unused
    for (auto& s : st) s.factor_sum.assign(nf, 0.0), s.factor_n.assign(nf, 0);
    const std::int64_t w = risk.grid().width;
    const double parts = double(nf + 1);
    // The runs of each row of a block, with their values.
    const auto each_run = [&](std::int64_t r0, std::int64_t n, const float* v, auto&& add) {
        for (std::int64_t r = r0; r < r0 + n; ++r) {
            const float* row = v + (r - r0) * w;
            for (const Run* it = zones.row_begin(r); it != zones.row_end(r); ++it) add(*it, row);
        }
    };
    risk.for_each_rows(progress.sub(0, 1 / parts), "zonal statistics", [&](std::int64_t r0, std::int64_t n, const float* v) {
        each_run(r0, n, v, [&](const Run& run, const float* row) {
            ZoneStats& s = st[static_cast<size_t>(run.label)];
            s.cells += run.c1 - run.c0;
            for (std::int32_t c = run.c0; c < run.c1; ++c) {
                const float x = row[c];
                if (std::isnan(x)) continue;
                ++s.risk_n;
                s.risk_sum += x;
                s.risk_max = std::max<double>(s.risk_max, x);
            }
        });
    });
    for (size_t k = 0; k < nf; ++k) {
        const std::string& name = k < factor_names.size() ? factor_names[k] : std::to_string(k + 1);
        auto no_factor = [&](const std::string& why) {
            warnings.push_back("factor '" + name + "': " + why + "; its zone means are left empty (NaN) and it cannot be the top factor");
            for (auto& s : st) s.factor_n[k] = 0, s.factor_sum[k] = NAN;
        };
        if (factor_paths[k].empty()) {
            no_factor("no raster (outputs.factors is off?)");
            continue;
        }
        std::unique_ptr<RiskReader> f;
        try {
            f = std::make_unique<RiskReader>(factor_paths[k], risk.grid());
        } catch (const Error&) {
            no_factor("cannot read " + factor_paths[k] + " on the risk raster's grid (" + CPLGetLastErrorMsg() + ")");
            continue;
        }
        try {
            f->for_each_rows(progress.sub(double(k + 1) / parts, double(k + 2) / parts), "zonal statistics",
                             [&](std::int64_t r0, std::int64_t n, const float* v) {
                                 each_run(r0, n, v, [&](const Run& run, const float* row) {
                                     ZoneStats& s = st[static_cast<size_t>(run.label)];
                                     for (std::int32_t c = run.c0; c < run.c1; ++c) {
                                         const float x = row[c];
                                         if (std::isnan(x)) continue;
                                         s.factor_sum[k] += x;
                                         ++s.factor_n[k];
                                     }
                                 });
                             });
        } catch (const Error& e) {
            if (e.problem() == "cancelled") throw;
            no_factor("reading " + factor_paths[k] + " failed: " + e.problem());
        }
    }
    return st;
}

}  // namespace minerisk::zones
