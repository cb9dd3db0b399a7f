// The host's side of the command channel to ma-guest-init (sandbox/vm_protocol.hpp): runs
// commands, copies guest directories out, powers the guest off. Works on any connected
// stream socket or pipe pair; the qemu runner hands it the VM's virtio serial port.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include "base/error.hpp"
#include "sandbox/process.hpp"
#include "sandbox/vm_protocol.hpp"

namespace sandbox {

class GuestClient {
 public:
  explicit GuestClient(int fd) : fd_(fd) {}  // takes ownership
  GuestClient(GuestClient&& o) noexcept : fd_(o.fd_), parser_(std::move(o.parser_)) { o.fd_ = -1; }
  GuestClient& operator=(GuestClient&&) = delete;
  ~GuestClient();

  // Waits for the guest's hello. `alive` is polled while waiting (false: give up at once).
  base::Status wait_hello(std::chrono::seconds timeout, const std::function<bool()>& alive);
  // Runs a command; output lines go to `out`. With a non-zero timeout the command's process
  // group is killed when it runs longer, and the result is a kSandbox "timed out" error.
  base::Result<int> exec(const vm::ExecRequest& req, const OutputFn& out, std::chrono::seconds timeout);
  // Runs a command on a pseudo-terminal in the guest: what is read from in_fd is typed into
  // it, what it prints is written to out_fd, until it exits (its exit code). End of in_fd
  // only stops the typing. The caller puts its own terminal in raw mode.
  base::Result<int> exec_tty(const vm::TtyExecRequest& req, int in_fd, int out_fd);
  // Copies guest_dir (recursively, links not followed) to host_dir (see tree_receiver.hpp).
  base::Status copy_out(const std::string& guest_dir, const std::filesystem::path& host_dir);
  // Asks the guest to power off (it syncs and exits); does not wait.
  base::Status power_off();

 private:
  base::Status send(vm::Frame type, std::string_view payload = {});
  // The next frame, waiting at most until `deadline` (time_point::max() = forever).
  base::Result<std::pair<vm::Frame, std::string>> receive(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  vm::FrameParser parser_;
};

}  // namespace sandbox
