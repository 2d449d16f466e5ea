// The fit behind `scoring.method: fitted`: incidents drawn from a known log-linear intensity over two factors are
// fitted back within a stated tolerance; the constraints and the refusals hold.
#include <gtest/gtest.h>

#include <cmath>

#include "core/random.hpp"
#include "minerisk/combine.hpp"
#include "minerisk/error.hpp"
#include "minerisk/poisson_fit.hpp"

using namespace minerisk;

namespace {

// A Poisson draw by inversion (the means here are small).
float poisson(Random& rng, double mean) {
    const double l = std::exp(-mean);
    double p = rng.uniform();
    int k = 0;
    double term = l, cdf = l;
    while (p > cdf && k < 1000) {
        ++k;
        term *= mean / k;
        cdf += term;
    }
    return static_cast<float>(k);
}

// `cells` cells with two factors uniform in [0, 1] and counts drawn from exposure * exp(b0 + b1 x1 + b2 x2).
fit::Sample synthetic(size_t cells, double b0, double b1, double b2, double exposure, std::uint64_t seed) {
    Random rng(seed);
    fit::Sample s;
    s.x.assign(2, {});
    s.exposure = exposure;
    for (size_t c = 0; c < cells; ++c) {
        const double x1 = rng.uniform(), x2 = rng.uniform();
        s.x[0].push_back(static_cast<float>(x1));
        s.x[1].push_back(static_cast<float>(x2));
        s.y.push_back(poisson(rng, exposure * std::exp(b0 + b1 * x1 + b2 * x2)));
    }
    return s;
}

}  // namespace

// About 5,400 incidents: the standard errors are about 0.05, so 0.2 is four of them.
TEST(PoissonFit, RecoversTheWeightsOfAKnownIntensity) {
    const fit::Sample s = synthetic(200000, -6.0, 2.0, 1.0, 2.0, 7);
    const fit::Fit f = fit::fit_poisson(s, 0.0, {"a", "b"});
    ASSERT_TRUE(f.converged);
    EXPECT_NEAR(f.coef[0], 2.0, 0.2);
    EXPECT_NEAR(f.coef[1], 1.0, 0.2);
    EXPECT_NEAR(f.intercept, -6.0, 0.2);
    // The intervals are honest: the true weights lie within 3 standard errors, and the errors are small but not 0.
    EXPECT_LT(std::fabs(f.coef[0] - 2.0), 3 * f.se[0]);
    EXPECT_LT(std::fabs(f.coef[1] - 1.0), 3 * f.se[1]);
    EXPECT_GT(f.se[0], 0.01);
    EXPECT_LT(f.se[0], 0.15);
    EXPECT_LT(f.dispersion, 1.2) << "Poisson counts are not overdispersed";
}

TEST(PoissonFit, AFactorThatLowersTheRiskGetsWeightZeroNotANegativeOne) {
    const fit::Sample s = synthetic(100000, -5.0, 1.5, -1.0, 2.0, 11);
    const fit::Fit f = fit::fit_poisson(s, 0.0, {"a", "b"});
    EXPECT_NEAR(f.coef[0], 1.5, 0.25);
    EXPECT_DOUBLE_EQ(f.coef[1], 0.0);
}

TEST(PoissonFit, RegularisationShrinksTheWeights) {
    const fit::Sample s = synthetic(50000, -5.0, 2.0, 1.0, 1.0, 3);
    const double n = [&] {
        double t = 0;
        for (float y : s.y) t += y;
        return t;
    }();
    const fit::Fit loose = fit::fit_poisson(s, 0.0, {"a", "b"}), tight = fit::fit_poisson(s, n, {"a", "b"});
    EXPECT_LT(tight.coef[0], loose.coef[0] - 0.1);
    EXPECT_LE(fit::deviance(loose, s), fit::deviance(tight, s)) << "the unpenalised fit fits its own data best";
}

TEST(PoissonFit, AConstantFactorIsRefusedByName) {
    fit::Sample s = synthetic(1000, -3.0, 1.0, 1.0, 1.0, 5);
    for (auto& v : s.x[1]) v = 0.25f;
    try {
        fit::fit_poisson(s, 0.0, {"distance to hazards", "signs"});
        FAIL() << "a constant factor was fitted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("factor 'signs' has the same score everywhere"), std::string::npos) << e.what();
    }
}

// The fitted combination: risk 1 where every factor is 1, exp(-sum w) where every one is 0, NaN stays NaN.
TEST(PoissonFit, FittedRiskIsTheIntensityRelativeToItsLargest) {
    CombineSpec spec;
    spec.method = "fitted";
    spec.weights = {2.0, 1.0};
    const float a[] = {1, 0, 0.5f, NAN}, b[] = {1, 0, 1, 0};
    float risk[4];
    combine(spec, {a, b}, 4, risk);
    EXPECT_FLOAT_EQ(risk[0], 1.0f);
    EXPECT_FLOAT_EQ(risk[1], static_cast<float>(std::exp(-3.0)));
    EXPECT_FLOAT_EQ(risk[2], static_cast<float>(std::exp(-1.0)));
    EXPECT_TRUE(std::isnan(risk[3]));
    EXPECT_EQ(normalised_weights(spec), spec.weights) << "fitted weights are shown as fitted";
}
