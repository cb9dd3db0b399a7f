// ma-guest-init: running one command for the host (see channel.hpp).
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include "channel.hpp"

namespace guest {

namespace {

using sandbox::vm::Frame;

pid_t g_running = -1;        // the command's pid while it runs
int g_running_status = -1;   // its wait status once reaped by reap_others()

std::string env_value(const std::vector<std::string>& env, std::string_view name) {
  for (const auto& e : env)
    if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=')
      return e.substr(name.size() + 1);
  return {};
}

std::string find_executable(const std::string& name, const std::vector<std::string>& env) {
  if (name.find('/') != std::string::npos) return name;
  std::string path = env_value(env, "PATH");
  if (path.empty()) path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    std::string cand = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(cand.c_str(), X_OK) == 0) return cand;
    start = end + 1;
  }
  return name;
}

[[noreturn]] void child_fail(const char* what, const std::string& arg) {
  dprintf(2, "ma-guest-init: %s %s: %s\n", what, arg.c_str(), strerror(errno));
  _exit(127);
}

bool set_caps(uint64_t mask) {
  for (int c = 0; c <= 63; ++c) {
    if (mask & (1ull << c)) continue;
    if (::prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 && errno == EINVAL) break;  // past CAP_LAST_CAP
  }
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (::syscall(SYS_capget, &hdr, data) != 0) return false;
  for (int i = 0; i < 2; ++i) {
    auto part = uint32_t(mask >> (32 * i)) & data[i].permitted;  // never more than we hold
    data[i].effective = data[i].permitted = data[i].inheritable = part;
  }
  return ::syscall(SYS_capset, &hdr, data) == 0;
}

[[noreturn]] void exec_child(const sandbox::vm::ExecRequest& req, int out, int err) {
  ::setsid();
  int null = ::open("/dev/null", O_RDONLY);
  if (null >= 0) ::dup2(null, 0);
  ::dup2(out, 1);
  ::dup2(err, 2);
  become(req);
}

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

}  // namespace

void become(const sandbox::vm::ExecRequest& req) {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int s = 1; s < 32; ++s) ::signal(s, SIG_DFL);  // SIGPIPE above all: ignored in init
  if (!req.work_dir.empty() && ::chdir(req.work_dir.c_str()) != 0) child_fail("cannot chdir to", req.work_dir);
  if (::setgroups(0, nullptr) != 0 && errno != EPERM) child_fail("setgroups", "");
  if (::getgid() != req.gid && ::setgid(req.gid) != 0) child_fail("setgid", std::to_string(req.gid));
  if (req.uid == 0) {
    if (::getuid() == 0 && !set_caps(req.caps)) child_fail("capset", "");
  } else if (::getuid() != req.uid && ::setuid(req.uid) != 0) {
    child_fail("setuid", std::to_string(req.uid));
  }
  std::vector<char*> argv, envp;
  for (const auto& a : req.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : req.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  std::string exe = find_executable(req.argv[0], req.env);
  ::execve(exe.c_str(), argv.data(), envp.data());
  child_fail("cannot run", req.argv[0]);
}

void reap_others() {
  int st = 0;
  pid_t p;
  while ((p = ::waitpid(-1, &st, WNOHANG)) > 0)
    if (p == g_running) g_running_status = st;
}

void run_exec(Channel& ch, const sandbox::vm::ExecRequest& req) {
  int outp[2], errp[2];
  if (::pipe2(outp, O_CLOEXEC) != 0 || ::pipe2(errp, O_CLOEXEC) != 0) {
    ch.send(Frame::kError, std::string("ma-guest-init: pipe: ") + strerror(errno));
    return;
  }
  g_running_status = -1;
  pid_t pid = ::fork();
  if (pid < 0) {
    ch.send(Frame::kError, std::string("ma-guest-init: fork: ") + strerror(errno));
    return;
  }
  if (pid == 0) exec_child(req, outp[1], errp[1]);
  g_running = pid;
  ::close(outp[1]);
  ::close(errp[1]);
  int fds[2] = {outp[0], errp[0]};
  bool chan_ok = true;
  using Clock = std::chrono::steady_clock;
  Clock::time_point exited_at{};
  while (fds[0] >= 0 || fds[1] >= 0 || g_running_status < 0) {
    pollfd p[3] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}, {chan_ok ? ch.fd() : -1, POLLIN, 0}};
    int r = ::poll(p, 3, 100);
    if (r < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i] < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[65536];
      ssize_t n = ::read(fds[i], buf, sizeof buf);
      if (n > 0) {
        ch.send(i == 0 ? Frame::kStdout : Frame::kStderr, std::string_view(buf, size_t(n)));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i]);
        fds[i] = -1;
      }
    }
    if (chan_ok && (p[2].revents & (POLLIN | POLLHUP | POLLERR))) {
      chan_ok = ch.pump();
      while (auto f = ch.take_queued())
        if (f->first == Frame::kKill) {
          ::kill(-pid, SIGKILL);
          ::kill(pid, SIGKILL);
        }
    }
    if (g_running_status < 0) reap_others();
    if (g_running_status >= 0) {
      if (exited_at == Clock::time_point{}) {
        exited_at = Clock::now();
        ::kill(-pid, SIGKILL);  // what is left of its group goes with it, as in a PID namespace
      } else if (Clock::now() - exited_at > std::chrono::seconds(2)) {
        for (int& fd : fds)
          if (fd >= 0) ::close(fd), fd = -1;  // a daemon outside the group holds the pipe
      }
    }
  }
  g_running = -1;
  sandbox::vm::Encoder e;
  e.u32(uint32_t(exit_code(g_running_status)));
  ch.send(Frame::kExit, e.bytes());
}

}  // namespace guest
