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

// The bootstrap replicates of figures that are sums of parts over incidents divided by the incidents, with the
// units of several strata (the rounds pooled; one for a round alone): in every replicate each stratum's units
// are drawn with replacement, as many as it has, one stratum after the other from one SplitMix64 stream, and the
// figure is the sum of the drawn units' sums over their incidents. Returns [figure][replicate]. The draws depend
// only on the seed and the strata's numbers of units, so that every surface scored on the same units sees the
// same draws; a single stratum gives the draws score_surface has always made.
std::vector<std::vector<double>> stratified_replicates(const std::vector<const SurfaceScore*>& strata, int replicates,
                                                       std::uint64_t seed);

// The 2.5th and 97.5th percentiles of replicates (NaN without any, or when `value` is NaN).
Estimate with_interval(double value, std::vector<double> replicates);

// The PAI of each capture rate: capture / (percent / 100), intervals alike (a positive factor keeps percentiles).
std::vector<Estimate> pai_of(const std::vector<double>& percents, const std::vector<Estimate>& capture);

}  // namespace minerisk::backtest
