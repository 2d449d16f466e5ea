#include "analysis/calibration.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>

namespace minerisk::backtest {

std::vector<CalibrationBin> calibration_by_decile(const std::vector<float>& risk, const std::vector<std::int64_t>& incident_cells,
                                                  double rate_km2_year, double cell_km2, double years) {
    const size_t n = risk.size();
    std::vector<CalibrationBin> bins(10);
    if (n == 0) return bins;
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    // Ascending risk, ties by cell index: the same deciles on every machine.
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return risk[a] < risk[b]; });
    std::vector<std::uint8_t> bin_of(n);
    for (size_t r = 0; r < n; ++r) bin_of[order[r]] = static_cast<std::uint8_t>(std::min<size_t>(9, r * 10 / n));
    const double scale = rate_km2_year * cell_km2 * years;
    for (size_t c = 0; c < n; ++c) {
        CalibrationBin& b = bins[bin_of[c]];
        ++b.cells;
        b.predicted += static_cast<double>(risk[c]) * scale;
    }
    for (std::int64_t c : incident_cells)
        if (c >= 0 && static_cast<size_t>(c) < n) bins[bin_of[static_cast<size_t>(c)]].observed += 1;
    for (int d = 0; d < 10; ++d) bins[static_cast<size_t>(d)].decile = d + 1;
    return bins;
}

std::string calibration_text(const std::vector<CalibrationBin>& bins, double years) {
    char head[160];
    std::snprintf(head, sizeof head,
                  "fitted risk, predicted / observed later incidents by tenth of the area, riskiest first (over %.1f years):", years);
    std::string s = head;
    double p = 0, o = 0;
    for (auto it = bins.rbegin(); it != bins.rend(); ++it) {
        char b[64];
        std::snprintf(b, sizeof b, " %.0f / %.0f%s", it->predicted, it->observed, it + 1 == bins.rend() ? "" : ";");
        s += b;
        p += it->predicted, o += it->observed;
    }
    char tail[96];
    std::snprintf(tail, sizeof tail, " (all: %.0f predicted, %.0f observed)", p, o);
    return s + tail;
}

}  // namespace minerisk::backtest
