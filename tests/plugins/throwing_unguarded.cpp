// Test plugin: score lets a C++ exception escape, without guarded(): what a careless plugin does. The engine
// must catch it at the call (it cannot cross the C interface in general, but does between C++ libraries built
// with the same compiler and runtime, as here) and report it naming the plugin and the function.
#include <stdexcept>

#include "common.hpp"

namespace {

int score(const void*, const mr_host*, mr_window, float* const*, char*, size_t) {
    throw std::runtime_error("deliberate unguarded exception in score");
}

const mr_plugin kPlugin = {
    MINERISK_PLUGIN_ABI_VERSION,
    "throwing_unguarded",
    "0.0.1",
    "test plugin: score throws, not guarded",
    nullptr, 0, nullptr, 0, nullptr, 0, nullptr, 0,
    test_plugin::prepare_ok,
    test_plugin::reach_zero,
    score,
    test_plugin::release_state,
    nullptr,  // roles: none
};

}  // namespace

extern "C" MINERISK_PLUGIN_EXPORT const mr_plugin* minerisk_plugin_v1(void) { return &kPlugin; }
