// Test plugin: score writes through a null pointer (SIGSEGV). Nothing in-process can recover from that: the
// process dies (under AddressSanitizer, after ASan's report). The test proves only what the engine can promise:
// no output under its final name is partial, and the next run removes the dead run's temporary files.
// docs/testing.md, "Limitations". Only ever run in a child process.
#include "common.hpp"

namespace {

int score(const void*, const mr_host*, mr_window, float* const*, char*, size_t) {
    volatile float* nowhere = nullptr;
    *nowhere = 0.5f;  // deliberate
    return MR_OK;
}

const mr_plugin kPlugin = {
    MINERISK_PLUGIN_ABI_VERSION,
    "crashing",
    "0.0.1",
    "test plugin: score crashes the process (SIGSEGV)",
    nullptr, 0, nullptr, 0, nullptr, 0, nullptr, 0,
    test_plugin::prepare_ok,
    test_plugin::reach_zero,
    score,
    test_plugin::release_state,
    nullptr,  // roles: none
};

}  // namespace

extern "C" MINERISK_PLUGIN_EXPORT const mr_plugin* minerisk_plugin_v1(void) { return &kPlugin; }
