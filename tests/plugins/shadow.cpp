// Test plugin: named like the built-in hazard_proximity, with a version no real build has, so the tests can
// tell which of the two a search found. Built into a sub-folder of the test plugin folder.
#include "common.hpp"

namespace {

int score(const void*, const mr_host*, mr_window w, float* const* bands, char*, size_t) {
    test_plugin::fill(bands[0], w, 0.0f);
    return MR_OK;
}

const mr_plugin kPlugin = {
    MINERISK_PLUGIN_ABI_VERSION,
    "hazard_proximity",
    "99.0.0-shadow",
    "test plugin: hides the built-in hazard_proximity when found earlier on the plugin path",
    nullptr, 0, nullptr, 0, nullptr, 0, nullptr, 0,
    test_plugin::prepare_ok,
    test_plugin::reach_zero,
    score,
    test_plugin::release_state,
    nullptr,  // roles: none
};

}  // namespace

extern "C" MINERISK_PLUGIN_EXPORT const mr_plugin* minerisk_plugin_v1(void) { return &kPlugin; }
