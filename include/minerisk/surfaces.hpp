// The factor and risk surfaces of a run, whole and in memory, for analyses that need them as arrays
// (backtests, rank stability): nothing is written to disk.
#pragma once
#include <string>
#include <vector>

#include "minerisk/run_plan.hpp"

namespace minerisk {

struct Surfaces {
    GridSpec grid;
    double as_of = 0;                       // the date the surfaces were built for
    std::string method;                     // how `risk` combines the factors
    std::vector<std::string> factor_names;  // in scenario order
    std::vector<std::vector<std::string>> factor_roles;  // each factor's roles (run_plan.hpp, BoundFactor)
    std::vector<std::string> factor_meanings;          // each factor's plugin description
    std::vector<double> weights;
    std::vector<int> groups;                // 0 likelihood, 1 consequence (likelihood_consequence only)
    std::vector<std::vector<float>> factors;  // each grid.cells() floats, row-major, NaN = no data
    std::vector<float> risk;
    std::vector<std::string> warnings;
    std::vector<std::string> notes;
};

// Scores the plan's grid on all threads into memory, with the plugins seeing `as_of` as the run's date
// (so incidents, signs, sessions and hazards dated after it do not count: what was known then).
// Refuses grids whose surfaces would need more than max_bytes. Throws Error.
Surfaces compute_surfaces(RunPlan& plan, double as_of, const Progress& progress = {},
                          std::uint64_t max_bytes = 8ull << 30);

}  // namespace minerisk
