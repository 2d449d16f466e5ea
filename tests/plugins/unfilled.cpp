// Test plugin: reports success but writes nothing into its block. The engine must notice and name it.
#include "common.hpp"

namespace {

int score(const void*, const mr_host*, mr_window, float* const*, char*, size_t) { return MR_OK; }

const mr_plugin kPlugin = {
    MINERISK_PLUGIN_ABI_VERSION,
    "unfilled",
    "0.0.1",
    "test plugin: fills nothing",
    nullptr, 0, nullptr, 0, nullptr, 0, nullptr, 0,
    test_plugin::prepare_ok,
    test_plugin::reach_zero,
    score,
    test_plugin::release_state,
    nullptr,  // roles: none
};

}  // namespace

extern "C" MINERISK_PLUGIN_EXPORT const mr_plugin* minerisk_plugin_v1(void) { return &kPlugin; }
