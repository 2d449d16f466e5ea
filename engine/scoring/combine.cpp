#include "minerisk/combine.hpp"

#include <algorithm>
#include <cmath>

namespace minerisk {

void combine(const CombineSpec& spec, const std::vector<const float*>& f, long long cells, float* risk) {
    const size_t n = f.size();
    std::vector<double> w(spec.weights.begin(), spec.weights.end());
    if (spec.method == "likelihood_consequence") {
        double sum[2] = {0, 0};
        for (size_t k = 0; k < n; ++k) sum[spec.group[k]] += w[k];
        for (size_t k = 0; k < n; ++k) w[k] /= sum[spec.group[k]];
        for (long long i = 0; i < cells; ++i) {
            double g[2] = {0, 0};
            for (size_t k = 0; k < n; ++k) g[spec.group[k]] += w[k] * f[k][i];
            risk[i] = static_cast<float>(g[0] * g[1]);
        }
        return;
    }
    if (spec.method == "fitted") {
        for (long long i = 0; i < cells; ++i) {
            double eta = 0;
            bool nan = false;
            for (size_t k = 0; k < n; ++k) {
                nan |= std::isnan(f[k][i]);
                if (w[k] != 0) eta += w[k] * (static_cast<double>(f[k][i]) - 1.0);
            }
            risk[i] = nan ? std::nanf("") : static_cast<float>(std::exp(eta));
        }
        return;
    }
    double total = 0, top = 0;
    for (double x : w) total += x, top = std::max(top, x);
    if (spec.method == "weighted_product") {
        for (auto& x : w) x /= total;
        for (long long i = 0; i < cells; ++i) {
            double r = 1;
            bool nan = false;
            for (size_t k = 0; k < n; ++k) {
                nan |= std::isnan(f[k][i]);
                if (w[k] > 0) r *= std::pow(static_cast<double>(f[k][i]), w[k]);
            }
            risk[i] = nan ? std::nanf("") : static_cast<float>(r);
        }
    } else if (spec.method == "maximum") {
        for (auto& x : w) x /= top;
        for (long long i = 0; i < cells; ++i) {
            double r = 0;
            bool nan = false;
            for (size_t k = 0; k < n; ++k) {
                nan |= std::isnan(f[k][i]);
                r = std::max(r, w[k] * f[k][i]);
            }
            risk[i] = nan ? std::nanf("") : static_cast<float>(r);
        }
    } else {  // weighted_sum
        for (auto& x : w) x /= total;
        for (long long i = 0; i < cells; ++i) {
            double r = 0;
            for (size_t k = 0; k < n; ++k) r += w[k] * f[k][i];
            risk[i] = static_cast<float>(r);
        }
    }
}

std::vector<double> normalised_weights(const CombineSpec& spec) {
    if (spec.method == "fitted") return spec.weights;
    std::vector<double> out(spec.weights.size(), 0.0);
    const bool lxc = spec.method == "likelihood_consequence";
    for (int group = 0; group < (lxc ? 2 : 1); ++group) {
        double sum = 0, mx = 0;
        for (size_t k = 0; k < spec.weights.size(); ++k)
            if (!lxc || spec.group[k] == group) sum += spec.weights[k], mx = std::max(mx, spec.weights[k]);
        for (size_t k = 0; k < spec.weights.size(); ++k)
            if (!lxc || spec.group[k] == group)
                out[k] = spec.method == "maximum" ? (mx > 0 ? spec.weights[k] / mx : 0) : (sum > 0 ? spec.weights[k] / sum : 0);
    }
    return out;
}

}  // namespace minerisk
