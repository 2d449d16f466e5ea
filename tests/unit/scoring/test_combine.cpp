// The four ways of combining factor scores, against their formulas.
#include <gtest/gtest.h>

#include <cmath>

#include "minerisk/combine.hpp"

using minerisk::CombineSpec;

namespace {

std::vector<float> run(const CombineSpec& spec, const std::vector<std::vector<float>>& f) {
    std::vector<const float*> ptrs;
    for (const auto& x : f) ptrs.push_back(x.data());
    std::vector<float> out(f[0].size());
    minerisk::combine(spec, ptrs, static_cast<long long>(out.size()), out.data());
    return out;
}

const std::vector<std::vector<float>> kFactors = {{0.0f, 0.5f, 1.0f, 0.2f}, {1.0f, 0.5f, 0.0f, 0.8f}, {0.5f, 0.5f, 0.5f, 0.1f}};

TEST(Combine, WeightedSumNormalisesWeights) {
    CombineSpec s{"weighted_sum", {2, 1, 1}, {}};
    const auto r = run(s, kFactors);
    for (size_t i = 0; i < r.size(); ++i)
        EXPECT_NEAR(r[i], (2 * kFactors[0][i] + kFactors[1][i] + kFactors[2][i]) / 4.0, 1e-6) << i;
}

TEST(Combine, WeightedProductIsAWeightedGeometricMean) {
    CombineSpec s{"weighted_product", {2, 1, 1}, {}};
    const auto r = run(s, kFactors);
    for (size_t i = 0; i < r.size(); ++i)
        EXPECT_NEAR(r[i], std::pow(kFactors[0][i], 0.5) * std::pow(kFactors[1][i], 0.25) * std::pow(kFactors[2][i], 0.25), 1e-6) << i;
    EXPECT_EQ(r[0], 0.0f);  // one factor at 0 vetoes the cell
}

TEST(Combine, MaximumScalesByTheLargestWeight) {
    CombineSpec s{"maximum", {2, 1, 0.5}, {}};
    const auto r = run(s, kFactors);
    for (size_t i = 0; i < r.size(); ++i)
        EXPECT_NEAR(r[i], std::max({kFactors[0][i] * 1.0, kFactors[1][i] * 0.5, kFactors[2][i] * 0.25}), 1e-6) << i;
}

TEST(Combine, LikelihoodTimesConsequence) {
    // likelihood: factors 0 and 1 (weights 3:1); consequence: factor 2 alone.
    CombineSpec s{"likelihood_consequence", {3, 1, 5}, {0, 0, 1}};
    const auto r = run(s, kFactors);
    for (size_t i = 0; i < r.size(); ++i)
        EXPECT_NEAR(r[i], (0.75 * kFactors[0][i] + 0.25 * kFactors[1][i]) * kFactors[2][i], 1e-6) << i;
}

TEST(Combine, NoDataInAnyFactorGivesNoData) {
    std::vector<std::vector<float>> f = kFactors;
    f[1][2] = std::nanf("");
    for (const char* m : {"weighted_sum", "weighted_product", "maximum"}) {
        CombineSpec s{m, {1, 0, 1}, {}};  // even with weight 0
        EXPECT_TRUE(std::isnan(run(s, f)[2])) << m;
        EXPECT_FALSE(std::isnan(run(s, f)[1])) << m;
    }
    CombineSpec lc{"likelihood_consequence", {1, 1, 1}, {0, 0, 1}};
    EXPECT_TRUE(std::isnan(run(lc, f)[2]));
}

TEST(Combine, ResultStaysInZeroOne) {
    for (const char* m : {"weighted_sum", "weighted_product", "maximum"}) {
        CombineSpec s{m, {0.3, 7, 1e-3}, {}};
        for (float v : run(s, kFactors)) {
            EXPECT_GE(v, 0.0f) << m;
            EXPECT_LE(v, 1.0f) << m;
        }
    }
}

}  // namespace
