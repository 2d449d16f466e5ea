// Test plugin: prepare returns MR_ERROR with a message and leaves no state behind.
#include "common.hpp"

namespace {

int prepare(const mr_host*, const mr_grid*, const mr_param_value*, int, void** out, char* err, size_t es) {
    *out = nullptr;
    minerisk::plugin::set_error(err, es, "deliberate failure in prepare");
    return MR_ERROR;
}

int score(const void*, const mr_host*, mr_window w, float* const* bands, char*, size_t) {
    test_plugin::fill(bands[0], w, 0.0f);
    return MR_OK;
}

const mr_plugin kPlugin = {
    MINERISK_PLUGIN_ABI_VERSION,
    "failing_prepare",
    "0.0.1",
    "test plugin: prepare fails",
    nullptr, 0, nullptr, 0, nullptr, 0, nullptr, 0,
    prepare,
    test_plugin::reach_zero,
    score,
    test_plugin::release_state,
    nullptr,  // roles: none
};

}  // namespace

extern "C" MINERISK_PLUGIN_EXPORT const mr_plugin* minerisk_plugin_v1(void) { return &kPlugin; }
