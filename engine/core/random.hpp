// Seeded random numbers for the backtest's bootstrap and block folds and the plans' weight draws (engine-private).
// SplitMix64 (Steele, Lea & Flood 2014): fixed by its constants, so the same seed gives the same draws on every
// platform, compiler and thread count.
#pragma once
#include <cstdint>
#include <vector>

namespace minerisk {

class Random {
public:
    explicit Random(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next();
    std::uint64_t below(std::uint64_t n);  // [0, n), Lemire's multiply-shift
    double uniform();                      // [0, 1)
    double normal();                       // standard normal (Box-Muller)
    double gamma(double shape);            // Gamma(shape, 1) (Marsaglia-Tsang)

private:
    std::uint64_t state_;
    bool has_spare_ = false;
    double spare_ = 0;
};

// Draws from a Dirichlet distribution with parameters alpha[k] (0 stays 0).
std::vector<double> dirichlet(Random& rng, const std::vector<double>& alpha);

}  // namespace minerisk
