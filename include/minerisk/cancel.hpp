// Cancelling a run from outside (Ctrl-C, a GUI's Cancel button): every stage checks it between pieces of work.
#pragma once

namespace minerisk {

// Asks the running stage to stop at its next check (safe to call from a signal handler). The run then throws
// Error("cancelled") and removes its temporary files; outputs already in place stay untouched.
void request_cancel();
bool cancel_requested();
// Clears the request, so that a later run in the same process (a GUI's next run, a test) starts uncancelled.
void clear_cancel();

}  // namespace minerisk
