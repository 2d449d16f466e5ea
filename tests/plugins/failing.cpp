// Test plugin: prepare succeeds; score refuses every block with MR_ERROR and a message.
#include "common.hpp"

namespace {

int score(const void*, const mr_host*, mr_window w, float* const*, char* err, size_t es) {
    minerisk::plugin::set_error(err, es, "deliberate failure in block at column " + std::to_string(w.col0) + ", row " +
                                             std::to_string(w.row0));
    return MR_ERROR;
}

const mr_plugin kPlugin = {
    MINERISK_PLUGIN_ABI_VERSION,
    "failing",
    "0.0.1",
    "test plugin: every block fails",
    nullptr, 0, nullptr, 0, nullptr, 0, nullptr, 0,
    test_plugin::prepare_ok,
    test_plugin::reach_zero,
    score,
    test_plugin::release_state,
    nullptr,  // roles: none
};

}  // namespace

extern "C" MINERISK_PLUGIN_EXPORT const mr_plugin* minerisk_plugin_v1(void) { return &kPlugin; }
