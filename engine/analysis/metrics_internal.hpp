// Internal to the backtest: one surface's cells ranked once, so that the AUC, the capture rates, the curve and
// every bootstrap replicate come from the same sort.
#pragma once
#include <cstdint>
#include <vector>

#include "minerisk/backtest.hpp"

namespace minerisk::backtest {

struct Ranking {
    Ranking(const std::vector<float>& scores, const std::vector<std::int64_t>& incident_cells);

    std::int64_t cells = 0;        // cells in the evaluation area
    std::int64_t event_cells = 0;  // cells holding at least one incident
    std::int64_t negatives = 0;    // cells holding none
    std::vector<float> sorted;     // every cell's score, ascending, NaN as -inf
    std::vector<float> incident_score;  // the score of each incident's cell
    // Each incident's part of the AUC: (negatives scoring lower + half the negatives tied) / negatives. The AUC is
    // their mean.
    std::vector<double> auc_part;

    // Each incident's part of the capture rate at `percent`: 1 above the cut, the pro-rata share when tied with it,
    // 0 below. The capture rate is their mean.
    std::vector<double> capture_weights(double percent) const;
    std::vector<CurvePoint> curve(size_t max_points = 2000) const;
};

}  // namespace minerisk::backtest
