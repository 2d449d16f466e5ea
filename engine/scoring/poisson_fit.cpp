#include "minerisk/poisson_fit.hpp"

#include <algorithm>
#include <cmath>

#include "minerisk/error.hpp"

namespace minerisk::fit {

namespace {

double weight(const Sample& s, size_t c) { return s.w.empty() ? 1.0 : s.w[c]; }

// The linear predictor b0 + sum b_k x_kc of every cell.
std::vector<double> linear(const Sample& s, double b0, const std::vector<double>& b) {
    std::vector<double> eta(s.cells(), b0);
    for (size_t k = 0; k < b.size(); ++k)
        if (b[k] != 0)
            for (size_t c = 0; c < eta.size(); ++c) eta[c] += b[k] * s.x[k][c];
    return eta;
}

// The penalised negative log-likelihood (up to a constant).
double objective(const Sample& s, double b0, const std::vector<double>& b, double lambda) {
    const std::vector<double> eta = linear(s, b0, b);
    const double le = std::log(s.exposure);
    double f = 0;
    for (size_t c = 0; c < eta.size(); ++c) f += weight(s, c) * (std::exp(eta[c] + le) - s.y[c] * (eta[c] + le));
    for (double x : b) f += 0.5 * lambda * x * x;
    return f;
}

// Solves the small symmetric positive definite system A z = g (Cholesky); false when A is singular.
bool solve(std::vector<std::vector<double>> a, std::vector<double>& g) {
    const size_t n = g.size();
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < i; ++j) {
            double v = a[i][j];
            for (size_t m = 0; m < j; ++m) v -= a[i][m] * a[j][m];
            a[i][j] = v / a[j][j];
        }
        double d = a[i][i];
        for (size_t m = 0; m < i; ++m) d -= a[i][m] * a[i][m];
        if (!(d > 1e-12)) return false;
        a[i][i] = std::sqrt(d);
    }
    for (size_t i = 0; i < n; ++i) {
        for (size_t m = 0; m < i; ++m) g[i] -= a[i][m] * g[m];
        g[i] /= a[i][i];
    }
    for (size_t i = n; i-- > 0;) {
        for (size_t m = i + 1; m < n; ++m) g[i] -= a[m][i] * g[m];
        g[i] /= a[i][i];
    }
    return true;
}

// Gradient and Hessian of the objective over (b0, b_1..b_K) at the current point.
void derivatives(const Sample& s, double b0, const std::vector<double>& b, double lambda, std::vector<double>& grad,
                 std::vector<std::vector<double>>& hess) {
    const size_t p = b.size() + 1;
    grad.assign(p, 0);
    hess.assign(p, std::vector<double>(p, 0));
    const std::vector<double> eta = linear(s, b0, b);
    const double le = std::log(s.exposure);
    std::vector<double> z(p);
    for (size_t c = 0; c < eta.size(); ++c) {
        const double wc = weight(s, c), mu = std::exp(eta[c] + le), r = wc * (mu - s.y[c]), h = wc * mu;
        z[0] = 1;
        for (size_t k = 1; k < p; ++k) z[k] = s.x[k - 1][c];
        for (size_t i = 0; i < p; ++i) {
            grad[i] += r * z[i];
            for (size_t j = 0; j <= i; ++j) hess[i][j] += h * z[i] * z[j];
        }
    }
    for (size_t i = 0; i < p; ++i)
        for (size_t j = 0; j < i; ++j) hess[j][i] = hess[i][j];
    for (size_t k = 1; k < p; ++k) grad[k] += lambda * b[k - 1], hess[k][k] += lambda;
}

void refuse_constant_factors(const Sample& s, const std::vector<std::string>& names) {
    for (size_t k = 0; k < s.x.size(); ++k) {
        const auto [lo, hi] = std::minmax_element(s.x[k].begin(), s.x[k].end());
        if (s.x[k].empty() || *hi - *lo < 1e-6)
            throw Error("factor '" + (k < names.size() ? names[k] : std::to_string(k)) +
                            "' has the same score everywhere in the area, so its weight cannot be fitted",
                        {}, "remove it from the fitted factors, or check its inputs and parameters (it may see no feature)");
    }
}

}  // namespace

Fit fit_poisson(const Sample& s, double lambda, const std::vector<std::string>& names) {
    refuse_constant_factors(s, names);
    const size_t K = s.x.size();
    Fit f;
    f.lambda = lambda;
    f.coef.assign(K, 0.0);
    double total_y = 0, total_w = 0;
    for (size_t c = 0; c < s.cells(); ++c) total_y += weight(s, c) * s.y[c], total_w += weight(s, c);
    f.intercept = std::log(std::max(total_y, 0.5) / (total_w * s.exposure));  // the mean rate: b = 0
    std::vector<bool> fixed(K, false);  // held at 0 by the b >= 0 constraint
    double obj = objective(s, f.intercept, f.coef, lambda);
    std::vector<double> grad;
    std::vector<std::vector<double>> hess;
    for (f.iterations = 1; f.iterations <= 200; ++f.iterations) {
        derivatives(s, f.intercept, f.coef, lambda, grad, hess);
        // A coefficient at 0 whose gradient pushes it below 0 stays there; one pushed up is freed.
        for (size_t k = 0; k < K; ++k) fixed[k] = f.coef[k] <= 0 && grad[k + 1] >= 0;
        std::vector<size_t> free{0};
        for (size_t k = 0; k < K; ++k)
            if (!fixed[k]) free.push_back(k + 1);
        std::vector<std::vector<double>> a(free.size(), std::vector<double>(free.size()));
        std::vector<double> step(free.size());
        for (size_t i = 0; i < free.size(); ++i) {
            step[i] = grad[free[i]];
            for (size_t j = 0; j < free.size(); ++j) a[i][j] = hess[free[i]][free[j]];
        }
        if (!solve(a, step)) throw Error("the fit of the factor weights failed: the factors are too alike (collinear) in the area", {},
                                         "remove one of the factors that measure the same thing, or use method weighted_sum");
        // Backtracking line search, the step projected onto b >= 0.
        double t = 1, decrease = 0;
        for (int ls = 0; ls < 40; ++ls, t /= 2) {
            double b0 = f.intercept;
            std::vector<double> b = f.coef;
            for (size_t i = 0; i < free.size(); ++i) {
                if (free[i] == 0) b0 -= t * step[i];
                else b[free[i] - 1] = std::max(0.0, b[free[i] - 1] - t * step[i]);
            }
            const double o = objective(s, b0, b, lambda);
            if (o <= obj) {
                decrease = obj - o;
                f.intercept = b0, f.coef = b, obj = o;
                break;
            }
        }
        if (decrease <= 1e-10 * (1 + std::fabs(obj))) {
            f.converged = true;
            break;
        }
    }
    if (!f.converged)
        throw Error("the fit of the factor weights did not converge in 200 iterations", {},
                    "check that the factors vary over the area and that incidents were recorded there, or use method weighted_sum");
    // Standard errors from the penalised Hessian, inflated by the overdispersion (victims of one accident
    // recorded one row each are not independent counts).
    derivatives(s, f.intercept, f.coef, lambda, grad, hess);
    const std::vector<double> eta = linear(s, f.intercept, f.coef);
    double pearson = 0, n = 0;
    for (size_t c = 0; c < eta.size(); ++c) {
        const double mu = std::exp(eta[c]) * s.exposure, wc = weight(s, c);
        pearson += wc * (s.y[c] - mu) * (s.y[c] - mu) / mu;
        n += wc;
    }
    f.dispersion = std::max(1.0, pearson / std::max(1.0, n - static_cast<double>(K + 1)));
    f.se.assign(K, 0.0);
    for (size_t k = 0; k < K; ++k) {
        std::vector<double> e(K + 1, 0.0);
        e[k + 1] = 1;
        if (solve(hess, e)) f.se[k] = std::sqrt(std::max(0.0, e[k + 1]) * f.dispersion);
    }
    f.deviance = deviance(f, s);
    return f;
}

double deviance(const Fit& f, const Sample& s) {
    const std::vector<double> eta = linear(s, f.intercept, f.coef);
    double d = 0;
    for (size_t c = 0; c < eta.size(); ++c) {
        const double mu = std::exp(eta[c]) * s.exposure, y = s.y[c];
        d += 2 * weight(s, c) * ((y > 0 ? y * std::log(y / mu) : 0.0) - (y - mu));
    }
    return d;
}

}  // namespace minerisk::fit
