#include "core/random.hpp"

#include <cmath>

namespace minerisk {

std::uint64_t Random::next() {
    // SplitMix64, as used to seed xoshiro.
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

std::uint64_t Random::below(std::uint64_t n) {
    if (n <= 1) return 0;
    // Lemire's multiply-shift: the high half of a 64 x 64-bit product. Bias below n / 2^64: negligible here.
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
}

double Random::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

double Random::normal() {
    if (has_spare_) {
        has_spare_ = false;
        return spare_;
    }
    double u = 0;
    while (u <= 0) u = uniform();
    const double v = uniform();
    const double r = std::sqrt(-2.0 * std::log(u)), t = 2.0 * M_PI * v;
    spare_ = r * std::sin(t);
    has_spare_ = true;
    return r * std::cos(t);
}

double Random::gamma(double shape) {
    if (!(shape > 0)) return 0;
    if (shape < 1) {  // Gamma(a) = Gamma(a + 1) U^(1/a)
        double u = 0;
        while (u <= 0) u = uniform();
        return gamma(shape + 1) * std::pow(u, 1.0 / shape);
    }
    // Marsaglia and Tsang (2000).
    const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
        double x, v;
        do {
            x = normal();
            v = 1.0 + c * x;
        } while (v <= 0);
        v = v * v * v;
        const double u = uniform();
        if (u < 1 - 0.0331 * x * x * x * x) return d * v;
        if (u > 0 && std::log(u) < 0.5 * x * x + d * (1 - v + std::log(v))) return d * v;
    }
}

std::vector<double> dirichlet(Random& rng, const std::vector<double>& alpha) {
    std::vector<double> g(alpha.size(), 0.0);
    double sum = 0;
    for (size_t k = 0; k < alpha.size(); ++k) sum += g[k] = alpha[k] > 0 ? rng.gamma(alpha[k]) : 0.0;
    if (sum > 0)
        for (double& x : g) x /= sum;
    return g;
}

}  // namespace minerisk
