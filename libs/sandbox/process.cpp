// Child process spawning and run_process (see process.hpp).
#include "sandbox/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <fstream>
#include <thread>
#include <utility>

#include "base/strings.hpp"

extern char** environ;

namespace sandbox {

namespace {

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// From /proc/PID/stat: state, parent and start time (clock ticks since boot; tells a pid reused
// by another process apart). False when the process is gone.
struct ProcStat {
  char state = 0;
  pid_t ppid = 0;
  unsigned long long start = 0;
};
bool read_proc_stat(pid_t pid, ProcStat* st) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(f, line)) return false;
  size_t close = line.rfind(')');  // the command name may hold spaces and parentheses
  if (close == std::string::npos) return false;
  std::istringstream rest(line.substr(close + 2));
  std::string skip;
  rest >> st->state >> st->ppid;
  for (int i = 0; i < 17 && rest; ++i) rest >> skip;  // fields 5..21
  rest >> st->start;
  return bool(rest);
}

// Every live descendant of root, with its start time.
std::vector<std::pair<pid_t, unsigned long long>> descendants(pid_t root) {
  std::map<pid_t, std::vector<std::pair<pid_t, unsigned long long>>> children;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    ProcStat st;
    pid_t pid = pid_t(std::stol(name));
    if (read_proc_stat(pid, &st)) children[st.ppid].emplace_back(pid, st.start);
  }
  std::vector<std::pair<pid_t, unsigned long long>> out;
  std::vector<pid_t> todo{root};
  while (!todo.empty()) {
    pid_t p = todo.back();
    todo.pop_back();
    auto it = children.find(p);
    if (it == children.end()) continue;
    for (const auto& c : it->second) {
      out.push_back(c);
      todo.push_back(c.first);
    }
  }
  return out;
}

}  // namespace

std::map<std::string, std::string> current_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return env;
}

std::string find_program(std::string_view name) {
  if (name.find('/') != std::string_view::npos)
    return ::access(std::string(name).c_str(), X_OK) == 0 ? std::string(name) : std::string();
  const char* path = std::getenv("PATH");
  for (std::string_view dir : base::split(path ? path : "/usr/local/bin:/usr/bin:/bin", ':')) {
    if (dir.empty()) continue;
    std::string cand = std::string(dir) + "/" + std::string(name);
    struct stat st {};
    if (::stat(cand.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(cand.c_str(), X_OK) == 0) return cand;
  }
  return {};
}

base::Result<Child> Child::spawn(const std::vector<std::string>& argv, const SpawnOptions& opts) {
  if (argv.empty()) return base::fail(base::ErrorCode::kInternal, "spawn: empty command line");
  Child c;
  c.name_ = argv[0];
  c.own_group_ = opts.own_process_group;
  int pipes[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}};
  Stdio modes[3] = {opts.in, opts.out, opts.err};
  auto cleanup = [&] {
    for (auto& p : pipes) {
      close_fd(p[0]);
      close_fd(p[1]);
    }
  };
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  for (int i = 0; i < 3; ++i) {
    if (modes[i] == Stdio::kPipe) {
      if (::pipe2(pipes[i], O_CLOEXEC) != 0) {
        int e = errno;
        cleanup();
        posix_spawn_file_actions_destroy(&fa);
        return base::fail(base::ErrorCode::kIo, c.name_ + ": cannot create pipe: " + std::strerror(e));
      }
      posix_spawn_file_actions_adddup2(&fa, i == 0 ? pipes[i][0] : pipes[i][1], i);
    } else if (modes[i] == Stdio::kNull) {
      posix_spawn_file_actions_addopen(&fa, i, "/dev/null", i == 0 ? O_RDONLY : O_WRONLY, 0);
    }
  }
  if (!opts.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, opts.cwd.c_str());

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (opts.own_process_group) flags |= POSIX_SPAWN_SETPGROUP;
  posix_spawnattr_setflags(&attr, flags);

  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  std::vector<std::string> envs;
  std::vector<char*> cenv;
  if (opts.env) {
    for (const auto& [k, v] : *opts.env) envs.push_back(k + "=" + v);
    for (auto& s : envs) cenv.push_back(s.data());
    cenv.push_back(nullptr);
  }
  int rc = ::posix_spawnp(&c.pid_, argv[0].c_str(), &fa, &attr, cargv.data(), opts.env ? cenv.data() : environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    cleanup();
    c.pid_ = -1;
    if (rc == ENOENT)
      return base::fail(base::ErrorCode::kNotFound, argv[0] + ": command not found in PATH");
    return base::fail(base::ErrorCode::kSandbox, argv[0] + ": cannot execute: " + std::strerror(rc));
  }
  close_fd(pipes[0][0]);
  close_fd(pipes[1][1]);
  close_fd(pipes[2][1]);
  c.in_ = pipes[0][1];
  c.out_ = pipes[1][0];
  c.err_ = pipes[2][0];
  return c;
}

Child::Child(Child&& o) noexcept
    : name_(std::move(o.name_)),
      pid_(o.pid_),
      in_(o.in_),
      out_(o.out_),
      err_(o.err_),
      own_group_(o.own_group_),
      reaped_(o.reaped_),
      code_(o.code_) {
  o.pid_ = -1;
  o.in_ = o.out_ = o.err_ = -1;
}

Child::~Child() {
  close_fds();
  if (pid_ > 0 && !reaped_) {
    kill(SIGKILL);
    (void)wait();
  }
}

void Child::close_fds() {
  close_fd(in_);
  close_fd(out_);
  close_fd(err_);
}

void Child::close_stdin() { close_fd(in_); }

void Child::kill(int sig) {
  if (pid_ > 0 && !reaped_) ::kill(own_group_ ? -pid_ : pid_, sig);
}

void Child::kill_tree(std::chrono::milliseconds grace, std::chrono::milliseconds limit) {
  if (pid_ <= 0 || reaped_) return;
  // Found before anything is signalled: once the child is gone, its descendants belong to init.
  auto procs = descendants(pid_);
  int code = 0;
  if (grace.count() > 0) {
    kill(SIGTERM);
    const auto until = std::chrono::steady_clock::now() + grace;
    while (!try_wait(&code) && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Looked for again while the child still stands: a process forked after the first look (a
  // step's shell starting its next command as the signal came) is killed and waited for too.
  if (!reaped_)
    for (const auto& p : descendants(pid_))
      if (std::find(procs.begin(), procs.end(), p) == procs.end()) procs.push_back(p);
  for (const auto& [pid, start] : procs) {
    ProcStat st;
    if (read_proc_stat(pid, &st) && st.start == start) ::kill(pid, SIGKILL);
  }
  kill(SIGKILL);
  (void)wait();
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (const auto& [pid, start] : procs) {
    for (;;) {
      ProcStat st;
      if (!read_proc_stat(pid, &st) || st.start != start || st.state == 'Z' || st.state == 'X') break;
      if (std::chrono::steady_clock::now() >= deadline) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
}

bool Child::try_wait(int* code) {
  if (reaped_) {
    *code = code_;
    return true;
  }
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r != pid_) return false;
  reaped_ = true;
  code_ = exit_code_of(status);
  *code = code_;
  return true;
}

base::Result<int> Child::wait() {
  close_fds();
  if (reaped_) return code_;
  int status = 0;
  for (;;) {
    pid_t r = ::waitpid(pid_, &status, 0);
    if (r == pid_) break;
    if (r < 0 && errno == EINTR) continue;
    return base::fail(base::ErrorCode::kInternal, name_ + ": waitpid failed: " + std::strerror(errno));
  }
  reaped_ = true;
  code_ = exit_code_of(status);
  return code_;
}

}  // namespace sandbox
