// Orderly interruption: SIGINT, SIGTERM and SIGHUP become a flag that long-running work polls.
//
// Killing the process outright would skip every destructor: temp dirs and temp files stay,
// a sandbox child keeps running, a container is never removed. So the CLI installs handlers
// that only record the signal; loops that wait on children or go through many items call
// check_interrupted() and return an ErrorCode::kInterrupted error, and the ordinary error path
// unwinds (TempDir, AtomicFile, Child and container guards clean up). Output is published by
// rename, so an interrupted run leaves the previous output or the complete new one.
// A second signal while the first is being handled ends the process at once (the default
// action), for a user who does not want to wait for the clean-up.
#pragma once

#include <string_view>

#include "base/error.hpp"

namespace base {

// Installs the handlers (idempotent). Without it interrupted() is always false.
void install_interrupt_handlers();

// The signal number received, or 0.
int interrupt_signal();
inline bool interrupted() { return interrupt_signal() != 0; }

// ok(), or kInterrupted: "<what>: interrupted by SIGINT".
Status check_interrupted(std::string_view what);

// Tests only: forget a received signal.
void reset_interrupt_for_testing();

}  // namespace base
