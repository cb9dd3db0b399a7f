// run_process: one poll(2) loop over the child's stdin, stdout and stderr (see process.hpp).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "base/interrupt.hpp"
#include "sandbox/process.hpp"

namespace sandbox {

namespace {

using Clock = std::chrono::steady_clock;

// Blocks SIGPIPE in this thread for the lifetime of the guard, so writing to a child that closed
// its stdin yields EPIPE instead of killing us; a SIGPIPE raised meanwhile is consumed.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~SigpipeGuard() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    struct timespec zero {};
    while (sigtimedwait(&set, nullptr, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t old_;
};

std::string describe(const std::vector<std::string>& argv) {
  std::string s = argv[0];
  if (argv.size() > 1) s += " " + argv[1];
  if (argv.size() > 2) s += " ...";
  return s;
}

// Asks the child's process group to stop, gives it two seconds, then kills it and whatever it
// started (a sandbox's own session and pid namespace included) and waits for them; always reaps.
void stop_child(Child& child) { child.kill_tree(std::chrono::seconds(2)); }

}  // namespace

base::Result<int> run_process(const std::vector<std::string>& argv, const OutputFn& out,
                              const std::map<std::string, std::string>* env, std::string_view stdin_data,
                              std::chrono::seconds timeout) {
  SpawnOptions opts;
  opts.in = stdin_data.empty() ? Stdio::kNull : Stdio::kPipe;
  opts.out = Stdio::kPipe;
  opts.err = Stdio::kPipe;
  opts.env = env;
  SigpipeGuard guard;
  TRY_ASSIGN(Child child, Child::spawn(argv, opts));

  int fds[3] = {child.stdout_fd(), child.stderr_fd(), child.stdin_fd()};
  if (fds[2] >= 0) ::fcntl(fds[2], F_SETFL, ::fcntl(fds[2], F_GETFL) | O_NONBLOCK);
  LineSplitter split[2];
  auto emitter = [&](bool is_err) {
    return [&out, is_err](std::string_view line) {
      if (out) out(line, is_err);
    };
  };
  const auto emit_out = emitter(false), emit_err = emitter(true);
  size_t written = 0;
  const auto deadline = timeout.count() > 0 ? Clock::now() + timeout : Clock::time_point::max();
  bool exited = false;
  int code = 0;
  char buf[1 << 16];

  while (fds[0] >= 0 || fds[1] >= 0) {
    if (base::interrupted()) {
      stop_child(child);
      return tl::unexpected(base::check_interrupted(describe(argv)).error());
    }
    if (fds[2] >= 0 && (written == stdin_data.size() || exited)) {
      child.close_stdin();
      fds[2] = -1;
    }
    struct pollfd p[3];
    int n = 0;
    int idx[3];
    for (int i = 0; i < 3; ++i) {
      if (fds[i] < 0) continue;
      p[n] = {fds[i], short(i == 2 ? POLLOUT : POLLIN), 0};
      idx[n++] = i;
    }
    int wait_ms = exited ? 200 : 100;
    if (deadline != Clock::time_point::max()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) {
        child.kill_tree();
        return base::fail(base::ErrorCode::kSandbox,
                          describe(argv) + ": timed out after " + std::to_string(timeout.count()) + "s, killed");
      }
      wait_ms = int(std::min<long long>(wait_ms, left));
    }
    int r = ::poll(p, nfds_t(n), wait_ms);
    if (r < 0) {
      if (errno == EINTR) continue;
      return base::fail(base::ErrorCode::kInternal, describe(argv) + ": poll failed: " + std::strerror(errno));
    }
    if (r == 0) {
      // Quiet: check whether the child is gone. Once it is, output still arriving is drained,
      // but a background grandchild keeping the pipes open does not keep us waiting.
      if (exited) break;
      exited = child.try_wait(&code);
      continue;
    }
    for (int k = 0; k < n; ++k) {
      if (!p[k].revents) continue;
      int i = idx[k];
      if (i == 2) {
        ssize_t w = ::write(fds[2], stdin_data.data() + written, stdin_data.size() - written);
        if (w > 0) written += size_t(w);
        else if (w < 0 && errno != EAGAIN && errno != EINTR) written = stdin_data.size();  // EPIPE
        continue;
      }
      ssize_t got = ::read(fds[i], buf, sizeof buf);
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (got <= 0) {
        split[i].finish(i == 0 ? emit_out : emit_err);
        fds[i] = -1;  // closed by child.wait()
        continue;
      }
      split[i].feed(std::string_view(buf, size_t(got)), i == 0 ? emit_out : emit_err);
    }
  }
  split[0].finish(emit_out);
  split[1].finish(emit_err);
  return child.wait();
}

}  // namespace sandbox
