// A regularised Poisson regression of incident counts per cell on factor scores: the fit behind
// `scoring: {method: fitted}` (docs/scenario.md, "Fitted weights"), the risk-terrain-modelling approach.
//
//   counts_c ~ Poisson(mu_c),   mu_c = exposure * exp(b0 + sum_k b_k x_kc)
//
// fitted by penalised maximum likelihood: minimise sum_c w_c (mu_c - y_c log mu_c) + lambda/2 sum_k b_k^2, with
// every b_k >= 0 (a factor is built so that more means riskier; one that does not help gets 0, not a negative
// weight that would turn it upside down) and b0 free. Newton's method on the free coefficients with a line
// search; K is small (a few factors), the cost is O(cells K^2) per iteration.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace minerisk::fit {

struct Sample {
    std::vector<std::vector<float>> x;  // x[k][c]: factor k at cell c, in [0, 1]
    std::vector<float> y;               // incidents counted in cell c
    std::vector<float> w;               // the cell's weight (1, or 1 / sampling fraction); empty = all 1
    double exposure = 1;                // years the counts cover
    size_t cells() const { return y.size(); }
};

struct Fit {
    double intercept = 0;
    std::vector<double> coef, se;  // per factor; se: standard errors (quasi-Poisson, inflated by the dispersion)
    double lambda = 0;
    double dispersion = 1;         // Pearson chi2 / (n - p), at least 1
    double deviance = 0;           // Poisson deviance of the fit
    int iterations = 0;
    bool converged = false;
};

// Fits for one lambda. Throws Error when a factor is constant over the sample or the fit does not converge.
Fit fit_poisson(const Sample& s, double lambda, const std::vector<std::string>& names);

// Poisson deviance of `f` on `s` (for choosing lambda on a later period).
double deviance(const Fit& f, const Sample& s);

}  // namespace minerisk::fit
