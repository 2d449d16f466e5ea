// Shared pieces of the test-only plugins: a state that remembers the grid, and the trivial functions.
// Written against the public plugin headers only, as a third party would.
#pragma once
#include <cmath>
#include <memory>
#include <string>

#include "minerisk/plugin.hpp"

namespace test_plugin {

struct State {
    mr_grid grid{};
    double value = 0.5;
};

// prepare() that always succeeds and remembers the grid.
inline int prepare_ok(const mr_host*, const mr_grid* grid, const mr_param_value*, int, void** out, char* err, size_t es) {
    return minerisk::plugin::guarded(err, es, [&] {
        auto s = std::make_unique<State>();
        s->grid = *grid;
        *out = s.release();
        return MR_OK;
    });
}

inline double reach_zero(const void*) { return 0.0; }

inline void release_state(void* state) { delete static_cast<State*>(state); }

inline void fill(float* band, const mr_window& w, float v) {
    for (std::int64_t i = 0; i < w.width * w.height; ++i) band[i] = v;
}

}  // namespace test_plugin
