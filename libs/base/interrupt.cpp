#include "base/interrupt.hpp"

#include <signal.h>

#include <atomic>
#include <cstring>
#include <string>

namespace base {
namespace {

std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the handler stores into it");

void on_signal(int sig) {
  int expected = 0;
  if (!g_signal.compare_exchange_strong(expected, sig)) {
    // Second signal: give up on the clean-up.
    ::signal(sig, SIG_DFL);
    ::raise(sig);
  }
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking poll() or waitpid() returns EINTR and looks
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &sa, nullptr);
}

int interrupt_signal() { return g_signal.load(std::memory_order_relaxed); }

Status check_interrupted(std::string_view what) {
  int sig = interrupt_signal();
  if (sig == 0) return ok();
  const char* name = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "a signal";
  return fail(ErrorCode::kInterrupted, std::string(what) + ": interrupted by " + name);
}

void reset_interrupt_for_testing() { g_signal.store(0); }

}  // namespace base
