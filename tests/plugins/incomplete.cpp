// Test plugin: right interface version, but the descriptor has no score function. Refused on load.
#include "common.hpp"

namespace {

const mr_plugin kPlugin = {
    MINERISK_PLUGIN_ABI_VERSION,
    "incomplete",
    "0.0.1",
    "test plugin: a descriptor without score()",
    nullptr, 0, nullptr, 0, nullptr, 0, nullptr, 0,
    test_plugin::prepare_ok,
    test_plugin::reach_zero,
    nullptr,
    test_plugin::release_state,
    nullptr,  // roles: none
};

}  // namespace

extern "C" MINERISK_PLUGIN_EXPORT const mr_plugin* minerisk_plugin_v1(void) { return &kPlugin; }
