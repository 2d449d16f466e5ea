// Test plugin: scores 0.5 everywhere but NaN (no data) on grid row 0. Allowed by the interface: the engine
// must go on, count the cells in a warning naming the factor, and give no-data risk there.
#include <cmath>

#include "common.hpp"

namespace {

int score(const void*, const mr_host*, mr_window w, float* const* bands, char* err, size_t es) {
    return minerisk::plugin::guarded(err, es, [&] {
        test_plugin::fill(bands[0], w, 0.5f);
        if (w.row0 == 0)
            for (std::int64_t c = 0; c < w.width; ++c) bands[0][c] = std::nanf("");
        return MR_OK;
    });
}

const mr_plugin kPlugin = {
    MINERISK_PLUGIN_ABI_VERSION,
    "nan_cells",
    "0.0.1",
    "test plugin: no data on the first row",
    nullptr, 0, nullptr, 0, nullptr, 0, nullptr, 0,
    test_plugin::prepare_ok,
    test_plugin::reach_zero,
    score,
    test_plugin::release_state,
    nullptr,  // roles: none
};

}  // namespace

extern "C" MINERISK_PLUGIN_EXPORT const mr_plugin* minerisk_plugin_v1(void) { return &kPlugin; }
