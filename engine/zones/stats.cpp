// Zonal statistics: one pass over the labels with the risk (in memory), then one pass per factor raster,
// streamed by blocks of rows. NaN cells are left out of means and maxima.
#include <gdal_priv.h>

#include <algorithm>

#include "minerisk/error.hpp"
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

}  // namespace minerisk::zones
