// Zonal statistics from the zone runs, streaming every raster by blocks of rows: memory is one block per
// raster. NaN cells are left out of means and maxima.
#include <gdal_priv.h>

#include <algorithm>

#include "minerisk/error.hpp"
#include "zones/risk_reader.hpp"
#include "zones/zones_internal.hpp"

namespace minerisk::zones {

std::vector<ZoneStats> zonal_stats(const RowRuns& zones, std::int32_t count, const RiskReader& risk,
                                   const std::vector<std::string>& factor_names, const ScoredTiles* scored,
                                   const std::vector<std::string>& factor_paths, std::vector<std::string>& warnings,
                                   const Progress& progress) {
    const size_t nf = scored ? factor_names.size() : factor_paths.size();
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
    risk.for_each_rows_covering(zones, progress.sub(0, 1 / parts), "zonal statistics", [&](std::int64_t r0, std::int64_t n, const float* v) {
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
        if (!scored && factor_paths[k].empty()) {
            no_factor("no raster (outputs.factors is off?)");
            continue;
        }
        std::unique_ptr<RiskReader> f;
        try {
            f = scored ? std::make_unique<RiskReader>(*scored, static_cast<int>(k) + 1, "the factor '" + name + "'")
                       : std::make_unique<RiskReader>(factor_paths[k], risk.grid());
        } catch (const Error&) {
            no_factor("cannot read " + factor_paths[k] + " on the risk raster's grid (" + CPLGetLastErrorMsg() + ")");
            continue;
        }
        try {
            f->for_each_rows_covering(zones, progress.sub(double(k + 1) / parts, double(k + 2) / parts), "zonal statistics",
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
            no_factor("reading " + (scored ? "its scores" : factor_paths[k]) + " failed: " + e.problem());
        }
    }
    return st;
}

}  // namespace minerisk::zones
