// The cancellation flag every long loop polls: set from a signal handler, so a lock-free atomic and nothing else.
#include "minerisk/cancel.hpp"

#include <atomic>

namespace minerisk {

namespace {
std::atomic<bool> g_cancel{false};
}

void request_cancel() { g_cancel = true; }
bool cancel_requested() { return g_cancel; }
void clear_cancel() { g_cancel = false; }

}  // namespace minerisk
