// ma-guest-init's side of the command channel (sandbox/vm_protocol.hpp): blocking frame I/O
// on one file descriptor, plus the frames that arrive while a command runs.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "sandbox/vm_protocol.hpp"

namespace guest {

class Channel {
 public:
  explicit Channel(int fd) : fd_(fd) {}
  int fd() const { return fd_; }
  // Writes one frame completely; false when the channel is gone.
  bool send(sandbox::vm::Frame type, std::string_view payload = {});
  // Reads what is available without blocking (fd readable) and queues complete frames;
  // false on EOF or a corrupt stream.
  bool pump();
  // The next queued frame, blocking until one arrives; nullopt when the channel is gone.
  std::optional<std::pair<sandbox::vm::Frame, std::string>> receive();
  std::optional<std::pair<sandbox::vm::Frame, std::string>> take_queued();

 private:
  int fd_;
  sandbox::vm::FrameParser parser_;
  std::deque<std::pair<sandbox::vm::Frame, std::string>> queue_;
};

// Runs a request: output and exit code as frames; kKill frames meanwhile kill its process group.
void run_exec(Channel& ch, const sandbox::vm::ExecRequest& req);
// The same on a new pseudo-terminal of the request's size (its controlling terminal, in a new
// session): kStdin frames are typed into it, everything it prints comes back as kStdout.
void run_exec_tty(Channel& ch, const sandbox::vm::TtyExecRequest& req);
// Sends the tree under dir (not following links) as kFile/kData frames, then kDone or kError.
void copy_out(Channel& ch, const std::string& dir);
// In the calling process: chdir to work_dir, drop to gid/uid (capabilities `caps` for root),
// exec argv with exactly env. Exits 127 with a message on stderr when that fails.
[[noreturn]] void become(const sandbox::vm::ExecRequest& req);
// ma-guest-init --exec (exec_as.cpp).
int exec_as(int argc, char** argv);
// Reaps children that are not `keep` (init adopts orphans).
void reap_others();

}  // namespace guest
