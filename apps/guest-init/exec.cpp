// ma-guest-init: running one command for the host (see channel.hpp).
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
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

namespace {

// Relays the running command's output (fds: stdout and stderr pipes, or a terminal's master
// and -1) to the host until it exits, handling kKill (and kStdin into `tty_master`) meanwhile;
// then sends kExit.
void relay(Channel& ch, pid_t pid, int fds[2], int tty_master) {
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
      } else if (n == 0 || errno != EINTR) {  // a terminal's master reads EIO once the slave is gone
        ::close(fds[i]);
        fds[i] = -1;
      }
    }
    if (chan_ok && (p[2].revents & (POLLIN | POLLHUP | POLLERR))) chan_ok = ch.pump();
    {
      // Also what arrived with the request itself (already queued: no poll event announces it).
      while (auto f = ch.take_queued()) {
        if (f->first == Frame::kKill) {
          ::kill(-pid, SIGKILL);
          ::kill(pid, SIGKILL);
        } else if (f->first == Frame::kStdin && tty_master >= 0 && fds[0] >= 0) {
          for (size_t off = 0; off < f->second.size();) {
            ssize_t n = ::write(tty_master, f->second.data() + off, f->second.size() - off);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            off += size_t(n);
          }
        }
      }
    }
    if (g_running_status < 0) reap_others();
    if (g_running_status >= 0) {
      if (exited_at == Clock::time_point{}) {
        exited_at = Clock::now();
        ::kill(-pid, SIGKILL);  // what is left of its group goes with it, as in a PID namespace
      } else if (Clock::now() - exited_at > std::chrono::seconds(2)) {
        for (int i = 0; i < 2; ++i)
          if (fds[i] >= 0) ::close(fds[i]), fds[i] = -1;  // a daemon outside the group holds the pipe
      }
    }
  }
  g_running = -1;
  sandbox::vm::Encoder e;
  e.u32(uint32_t(exit_code(g_running_status)));
  ch.send(Frame::kExit, e.bytes());
}

}  // namespace

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
  relay(ch, pid, fds, -1);
}

void run_exec_tty(Channel& ch, const sandbox::vm::TtyExecRequest& req) {
  int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  const char* slave = master >= 0 && ::grantpt(master) == 0 && ::unlockpt(master) == 0 ? ::ptsname(master) : nullptr;
  if (!slave) {
    ch.send(Frame::kError, std::string("ma-guest-init: cannot allocate a terminal: ") + strerror(errno));
    if (master >= 0) ::close(master);
    return;
  }
  std::string slave_path = slave;
  winsize ws{};
  ws.ws_row = static_cast<unsigned short>(req.rows);
  ws.ws_col = static_cast<unsigned short>(req.cols);
  ::ioctl(master, TIOCSWINSZ, &ws);
  g_running_status = -1;
  pid_t pid = ::fork();
  if (pid < 0) {
    ch.send(Frame::kError, std::string("ma-guest-init: fork: ") + strerror(errno));
    ::close(master);
    return;
  }
  if (pid == 0) {
    ::setsid();  // a new session whose controlling terminal is the slave
    int fd = ::open(slave_path.c_str(), O_RDWR);
    if (fd < 0 || ::ioctl(fd, TIOCSCTTY, 0) != 0) child_fail("cannot open the terminal", slave_path);
    ::dup2(fd, 0);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    if (fd > 2) ::close(fd);
    become(req.exec);
  }
  g_running = pid;
  int fds[2] = {master, -1};
  relay(ch, pid, fds, master);
}

}  // namespace guest
