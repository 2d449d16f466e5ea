// Predicted against observed incidents by decile of a fitted risk: does "risk x the rate at risk 1" say how many
// incidents the held-out period brought, across the whole range of the map, not only its top?
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace minerisk::backtest {

struct CalibrationBin {
    int decile = 0;              // 10 = the riskiest tenth of the cells
    std::int64_t cells = 0;
    double predicted = 0;        // sum over its cells of risk x rate x cell area x years
    double observed = 0;         // held-out incidents in its cells
};

// Deciles of `risk` (values of the area's cells; equal counts, riskiest last) with the incidents at
// `incident_cells` (indices into `risk`). `rate_km2_year`: expected incidents per km2 per year at risk 1.
std::vector<CalibrationBin> calibration_by_decile(const std::vector<float>& risk, const std::vector<std::int64_t>& incident_cells,
                                                  double rate_km2_year, double cell_km2, double years);

// One line for people: "predicted / observed later incidents by tenth of the area, riskiest first: ...".
std::string calibration_text(const std::vector<CalibrationBin>& bins, double years);

}  // namespace minerisk::backtest
