// Child processes: spawning (posix_spawn, own process group) and running a command to completion
// while streaming its stdout/stderr line by line to a callback.
//
// Both pipes are read with poll(2), so a child writing megabytes to stdout and stderr at the
// same time never deadlocks. A timeout kills the child's whole process group with SIGKILL.
// Exit statuses follow the shell convention: a child killed by signal N reports 128+N.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"

namespace sandbox {

// One line of output (without its '\n'); is_stderr tells which stream it came from.
using OutputFn = std::function<void(std::string_view line, bool is_stderr)>;

// Logs each line with spdlog at info level as "[prefix] line" (stderr lines too).
OutputFn log_output(std::string prefix);

// Cuts a byte stream into lines. Lines longer than kMaxLine are emitted in pieces.
class LineSplitter {
 public:
  static constexpr size_t kMaxLine = 64 * 1024;
  void feed(std::string_view data, const std::function<void(std::string_view)>& emit);
  // Emits a trailing line that had no '\n'.
  void finish(const std::function<void(std::string_view)>& emit);

 private:
  std::string buf_;
};

// The current process environment as a map (for building a child's environment).
std::map<std::string, std::string> current_environment();

// Where a child's standard stream goes.
enum class Stdio { kInherit, kNull, kPipe };

struct SpawnOptions {
  Stdio in = Stdio::kNull, out = Stdio::kInherit, err = Stdio::kInherit;
  const std::map<std::string, std::string>* env = nullptr;  // complete environment; null = inherit
  std::string cwd;                                          // empty = inherit
  // false: stay in the caller's process group, so a child reading the terminal is in the
  // foreground (interactive shells); kill() then signals the child alone.
  bool own_process_group = true;
};

// A spawned child in its own process group. The destructor kills (SIGKILL) and reaps a child
// that was not waited for.
class Child {
 public:
  // argv[0] is looked up in the caller's PATH.
  static base::Result<Child> spawn(const std::vector<std::string>& argv, const SpawnOptions& opts);
  Child(Child&& o) noexcept;
  Child& operator=(Child&&) = delete;
  ~Child();

  pid_t pid() const { return pid_; }
  // Pipe ends owned by the Child (-1 unless that stream is Stdio::kPipe). close_stdin() sends EOF.
  int stdin_fd() const { return in_; }
  int stdout_fd() const { return out_; }
  int stderr_fd() const { return err_; }
  void close_stdin();
  // Signals the whole process group.
  void kill(int sig);
  // Stops the child and every descendant (found through /proc before anything is signalled,
  // whatever their process group, session or pid namespace: bubblewrap's sandbox has its own):
  // SIGTERM to the group and up to `grace` for the child to exit, then SIGKILL to all of them;
  // reaps the child and waits (at most `limit`) until each descendant has exited. A pid
  // namespace's processes die some time after its outer bwrap: callers that promise "nothing
  // left running" need this wait.
  void kill_tree(std::chrono::milliseconds grace = {}, std::chrono::milliseconds limit = std::chrono::seconds(5));
  // Blocks until exit; returns the exit code or 128+signal. Closes remaining pipe ends.
  base::Result<int> wait();
  // Non-blocking: true (and *code set) once the child has exited.
  bool try_wait(int* code);

 private:
  Child() = default;
  void close_fds();
  std::string name_;
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1, err_ = -1;
  bool own_group_ = true;
  bool reaped_ = false;
  int code_ = 0;
};

// Runs argv to completion: stdout/stderr lines go to `out` (which may be empty to discard),
// `stdin_data` is written to its stdin (else stdin is /dev/null), `env` when given is the
// complete environment. A non-zero timeout kills the process group and returns a kSandbox error.
base::Result<int> run_process(const std::vector<std::string>& argv, const OutputFn& out,
                              const std::map<std::string, std::string>* env = nullptr,
                              std::string_view stdin_data = {},
                              std::chrono::seconds timeout = std::chrono::seconds{0});

// Looks `name` up in PATH; empty when not found (a name with '/' is returned if executable).
std::string find_program(std::string_view name);

}  // namespace sandbox
