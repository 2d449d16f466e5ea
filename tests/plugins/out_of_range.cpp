// Test plugin: scores 0.5 everywhere except grid cell (column 1, row 2), where it writes 1.5 - outside
// [0, 1]. The engine must refuse the run and name the plugin.
#include "common.hpp"

namespace {

constexpr std::int64_t kBadCol = 1, kBadRow = 2;

int score(const void*, const mr_host*, mr_window w, float* const* bands, char* err, size_t es) {
    return minerisk::plugin::guarded(err, es, [&] {
        test_plugin::fill(bands[0], w, 0.5f);
        if (kBadCol >= w.col0 && kBadCol < w.col0 + w.width && kBadRow >= w.row0 && kBadRow < w.row0 + w.height)
            bands[0][(kBadRow - w.row0) * w.width + (kBadCol - w.col0)] = 1.5f;
        return MR_OK;
    });
}

const mr_plugin kPlugin = {
    MINERISK_PLUGIN_ABI_VERSION,
    "out_of_range",
    "0.0.1",
    "test plugin: one cell scores 1.5",
    nullptr, 0, nullptr, 0, nullptr, 0, nullptr, 0,
    test_plugin::prepare_ok,
    test_plugin::reach_zero,
    score,
    test_plugin::release_state,
    nullptr,  // roles: none
};

}  // namespace

extern "C" MINERISK_PLUGIN_EXPORT const mr_plugin* minerisk_plugin_v1(void) { return &kPlugin; }
