// Test plugin: built for the next plugin interface version. The engine must refuse it and name both versions.
#include "common.hpp"

namespace {

int score(const void*, const mr_host*, mr_window w, float* const* bands, char*, size_t) {
    test_plugin::fill(bands[0], w, 0.0f);
    return MR_OK;
}

const mr_plugin kPlugin = {
    MINERISK_PLUGIN_ABI_VERSION + 1,
    "wrong_abi",
    "0.0.1",
    "test plugin: built for a newer plugin interface than this minerisk speaks",
    nullptr, 0, nullptr, 0, nullptr, 0, nullptr, 0,
    test_plugin::prepare_ok,
    test_plugin::reach_zero,
    score,
    test_plugin::release_state,
    nullptr,  // roles: none
};

}  // namespace

extern "C" MINERISK_PLUGIN_EXPORT const mr_plugin* minerisk_plugin_v1(void) { return &kPlugin; }
