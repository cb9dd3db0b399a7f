// Teardown on interruption (see cleanup.hpp). The handler only uses async-signal-safe calls:
// kill, fork, execve, waitpid, sigaction, raise.
#include "sandbox/cleanup.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <cstdlib>
#include <functional>
#include <mutex>

#include "sandbox/process.hpp"

extern char** environ;

namespace sandbox::cleanup {

namespace {

constexpr int kSlots = 16;
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

struct Slot {
  std::atomic<int> state{0};  // 0 free, 1 pid, 2 command
  pid_t pid = -1;
  char* argv[8] = {};        // prepared for execve (owned, never freed while registered)
};
Slot g_slots[kSlots];
struct sigaction g_old[3];
std::once_flag g_installed;


std::atomic<int> g_interrupted{0};

// Puts the previous action back. When it was a handler of ours (base/interrupt.hpp: the CLI
// turns signals into an orderly error), it is called too, so the rest of the program sees the
// interruption; a later signal then goes straight to it.
void restore_and_chain(int sig, bool raise_default) {
  for (int i = 0; i < 3; ++i) {
    if (kSignals[i] != sig) continue;
    ::sigaction(sig, &g_old[i], nullptr);
    auto h = g_old[i].sa_handler;
    if ((g_old[i].sa_flags & SA_SIGINFO) == 0 && h != SIG_DFL && h != SIG_IGN) h(sig);
    else if (raise_default && h == SIG_DFL) ::raise(sig);
  }
}

void handler(int sig) {
  g_interrupted.store(sig);
  bool killed = false;
  for (auto& s : g_slots)
    if (s.state.load() == 1) ::kill(s.pid, SIGKILL), killed = true;
  if (killed) {
    restore_and_chain(sig, false);
    return;
  }
  for (auto& s : g_slots) {
    if (s.state.load() != 2) continue;
    pid_t p = ::fork();
    if (p == 0) {
      ::execve(s.argv[0], s.argv, environ);
      ::_exit(127);
    }
    if (p > 0) {
      for (int i = 0; i < 300; ++i) {  // 30 s at most
        if (::waitpid(p, nullptr, WNOHANG) != 0) break;
        struct timespec ts{0, 100000000};
        ::nanosleep(&ts, nullptr);
      }
    }
  }
  restore_and_chain(sig, true);
}

void install() {
  std::call_once(g_installed, [] {
    struct sigaction sa {};
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 3; ++i) ::sigaction(kSignals[i], &sa, &g_old[i]);
  });
}

int claim(int state, const std::function<void(Slot&)>& fill) {
  install();
  for (int i = 0; i < kSlots; ++i) {
    int expected = 0;
    if (g_slots[i].state.compare_exchange_strong(expected, -1)) {
      fill(g_slots[i]);
      g_slots[i].state.store(state);
      return i;
    }
  }
  return -1;
}

}  // namespace

int register_pid(pid_t pid) {
  return claim(1, [pid](Slot& s) { s.pid = pid; });
}

int register_command(const std::vector<std::string>& argv) {
  if (argv.empty() || argv.size() > 7) return -1;
  std::string exe = find_program(argv[0]);
  if (exe.empty()) return -1;
  return claim(2, [&](Slot& s) {
    for (size_t i = 0; i < argv.size(); ++i) s.argv[i] = ::strdup(i == 0 ? exe.c_str() : argv[i].c_str());
    s.argv[argv.size()] = nullptr;
  });
}

void unregister(int handle) {
  if (handle < 0 || handle >= kSlots) return;
  Slot& s = g_slots[handle];
  int st = s.state.exchange(-1);
  if (st == 2)
    for (auto*& a : s.argv) {
      std::free(a);
      a = nullptr;
    }
  s.pid = -1;
  s.state.store(0);
}

int interrupted() { return g_interrupted.load(); }

}  // namespace sandbox::cleanup
