// Combining factor scores into one risk value per cell.
#pragma once
#include <string>
#include <vector>

namespace minerisk {

struct CombineSpec {
    std::string method = "weighted_sum";  // weighted_sum | weighted_product | maximum | likelihood_consequence | fitted
    std::vector<double> weights;          // one per factor, >= 0, not all zero
    std::vector<int> group;               // likelihood_consequence: 0 = likelihood, 1 = consequence
};

// risk[i] from factors[k][i], k = 0..n-1, i = 0..cells-1. Any NaN factor in a cell gives NaN.
//   weighted_sum:           sum w_k f_k / sum w_k
//   weighted_product:       prod f_k ^ (w_k / sum w)
//   maximum:                max_k (w_k / max w) f_k
//   likelihood_consequence: L * C, with L and C the weighted sums of each group's factors
//   fitted:                 exp(sum w_k (f_k - 1)): the fitted Poisson intensity relative to its largest value
//                           (every factor 1), so that risk 1 is a known rate of incidents (FittedWeights); w_k >= 0
// Each factor's weight as the method uses it (docs/scenario.md, scoring.method): divided by the sum of the
// weights (of its group, for likelihood_consequence), or by the largest weight for maximum. The one place this
// normalisation is written (fitted weights are shown as fitted, not normalised): the rasters' metadata, run.json and the report all show these.
std::vector<double> normalised_weights(const CombineSpec& spec);

void combine(const CombineSpec& spec, const std::vector<const float*>& factors, long long cells, float* risk);

}  // namespace minerisk
