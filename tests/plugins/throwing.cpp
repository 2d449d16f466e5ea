// Test plugin: score throws a C++ exception inside guarded(), which turns it into MR_ERROR and a message,
// as every plugin must: an exception must never cross into the engine.
#include <stdexcept>

#include "common.hpp"

namespace {

int score(const void*, const mr_host*, mr_window, float* const*, char* err, size_t es) {
    return minerisk::plugin::guarded(err, es, []() -> int { throw std::runtime_error("deliberate exception in score"); });
}

const mr_plugin kPlugin = {
    MINERISK_PLUGIN_ABI_VERSION,
    "throwing",
    "0.0.1",
    "test plugin: score throws (guarded)",
    nullptr, 0, nullptr, 0, nullptr, 0, nullptr, 0,
    test_plugin::prepare_ok,
    test_plugin::reach_zero,
    score,
    test_plugin::release_state,
    nullptr,  // roles: none
};

}  // namespace

extern "C" MINERISK_PLUGIN_EXPORT const mr_plugin* minerisk_plugin_v1(void) { return &kPlugin; }
