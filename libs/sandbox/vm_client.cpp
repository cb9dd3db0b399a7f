// The host's side of the command channel (see vm_client.hpp).
#include "sandbox/vm_client.hpp"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "sandbox/tree_receiver.hpp"

namespace sandbox {

namespace {

using Clock = std::chrono::steady_clock;

base::Error timed_out() { return base::Error{base::ErrorCode::kSandbox, "guest channel: no answer in time", {}}; }

}  // namespace

GuestClient::~GuestClient() {
  if (fd_ >= 0) ::close(fd_);
}

base::Status GuestClient::send(vm::Frame type, std::string_view payload) {
  std::string f = vm::frame(type, payload);
  size_t off = 0;
  while (off < f.size()) {
    ssize_t n = ::send(fd_, f.data() + off, f.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == ENOTSOCK) n = ::write(fd_, f.data() + off, f.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return base::fail(base::ErrorCode::kSandbox, std::string("guest channel: cannot send: ") + std::strerror(errno));
    off += size_t(n);
  }
  return base::ok();
}

base::Result<std::pair<vm::Frame, std::string>> GuestClient::receive(Clock::time_point deadline) {
  for (;;) {
    if (auto f = parser_.next()) return std::move(*f);
    if (parser_.corrupt()) return base::fail(base::ErrorCode::kSandbox, "guest channel: corrupt frame from the guest");
    int wait_ms = -1;
    if (deadline != Clock::time_point::max()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return tl::unexpected(timed_out());
      wait_ms = int(std::min<long long>(left, 1000 * 1000));
    }
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, wait_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return base::fail(base::ErrorCode::kSandbox, std::string("guest channel: poll: ") + std::strerror(errno));
    if (r == 0) continue;
    char buf[1 << 16];
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return base::fail(base::ErrorCode::kSandbox, "guest channel: the guest went away");
    parser_.feed(std::string_view(buf, size_t(n)));
  }
}

base::Status GuestClient::wait_hello(std::chrono::seconds timeout, const std::function<bool()>& alive) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    if (alive && !alive()) return base::fail(base::ErrorCode::kSandbox, "the guest stopped before it was ready");
    auto f = receive(std::min(deadline, Clock::now() + std::chrono::milliseconds(200)));
    if (f && f->first == vm::Frame::kHello) return base::ok();
    if (f) continue;
    if (f.error().message != timed_out().message) return tl::unexpected(f.error());
    if (Clock::now() >= deadline)
      return base::fail(base::ErrorCode::kSandbox,
                        "the guest did not answer within " + std::to_string(timeout.count()) + " s");
  }
}

base::Result<int> GuestClient::exec(const vm::ExecRequest& req, const OutputFn& out, std::chrono::seconds timeout) {
  TRY(send(vm::Frame::kExec, vm::encode(req)));
  LineSplitter so, se;
  auto emit_out = [&](std::string_view l) { if (out) out(l, false); };
  auto emit_err = [&](std::string_view l) { if (out) out(l, true); };
  auto deadline = timeout.count() ? Clock::now() + timeout : Clock::time_point::max();
  bool killed = false;
  for (;;) {
    auto f = receive(deadline);
    if (!f) {
      if (f.error().message != timed_out().message || killed) return tl::unexpected(f.error());
      killed = true;  // ask the guest to kill it, then wait for the exit it reports
      TRY(send(vm::Frame::kKill));
      deadline = Clock::now() + std::chrono::seconds(30);
      continue;
    }
    switch (f->first) {
      case vm::Frame::kStdout:
        so.feed(f->second, emit_out);
        break;
      case vm::Frame::kStderr:
        se.feed(f->second, emit_err);
        break;
      case vm::Frame::kExit: {
        so.finish(emit_out);
        se.finish(emit_err);
        vm::Decoder d(f->second);
        int code = int(d.u32());
        if (killed)
          return base::fail(base::ErrorCode::kSandbox, req.argv[0] + ": timed out after " +
                                                           std::to_string(timeout.count()) + " s");
        return code;
      }
      case vm::Frame::kError:
        return base::fail(base::ErrorCode::kSandbox, f->second);
      default:
        return base::fail(base::ErrorCode::kSandbox, "guest channel: unexpected frame during a command");
    }
  }
}

base::Result<int> GuestClient::exec_tty(const vm::TtyExecRequest& req, int in_fd, int out_fd) {
  TRY(send(vm::Frame::kExecTty, vm::encode(req)));
  auto write_all = [](int fd, std::string_view b) {
    while (!b.empty()) {
      ssize_t n = ::write(fd, b.data(), b.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // the terminal went away: keep serving the guest
      b.remove_prefix(size_t(n));
    }
  };
  for (;;) {
    while (auto f = parser_.next()) {
      switch (f->first) {
        case vm::Frame::kStdout:
        case vm::Frame::kStderr:
          write_all(out_fd, f->second);
          break;
        case vm::Frame::kExit:
          return int(vm::Decoder(f->second).u32());
        case vm::Frame::kError:
          return base::fail(base::ErrorCode::kSandbox, f->second);
        default:
          return base::fail(base::ErrorCode::kSandbox, "guest channel: unexpected frame during a terminal session");
      }
    }
    if (parser_.corrupt()) return base::fail(base::ErrorCode::kSandbox, "guest channel: corrupt frame from the guest");
    pollfd p[2] = {{fd_, POLLIN, 0}, {in_fd, POLLIN, 0}};
    int r = ::poll(p, in_fd >= 0 ? 2 : 1, -1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return base::fail(base::ErrorCode::kSandbox, std::string("guest channel: poll: ") + std::strerror(errno));
    char buf[1 << 16];
    if (in_fd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t n = ::read(in_fd, buf, sizeof buf);
      if (n > 0) {
        TRY(send(vm::Frame::kStdin, std::string_view(buf, size_t(n))));
      } else if (n == 0 || errno != EINTR) {
        in_fd = -1;  // nothing more to type
      }
    }
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return base::fail(base::ErrorCode::kSandbox, "guest channel: the guest went away");
      parser_.feed(std::string_view(buf, size_t(n)));
    }
  }
}

base::Status GuestClient::copy_out(const std::string& guest_dir, const std::filesystem::path& host_dir) {
  TRY(send(vm::Frame::kCopyOut, guest_dir));
  auto rx = TreeReceiver::open(host_dir);
  base::Status first = rx ? base::ok() : base::Status(tl::unexpected(rx.error()));
  // After a local error the rest of the stream is read and dropped, so the channel stays usable.
  for (;;) {
    TRY_ASSIGN(auto f, receive(Clock::now() + std::chrono::minutes(10)));
    switch (f.first) {
      case vm::Frame::kFile: {
        auto r = vm::decode_file(f.second);
        if (!r) return base::fail(base::ErrorCode::kSandbox, "guest channel: malformed file record");
        if (first) first = rx->begin(*r);
        break;
      }
      case vm::Frame::kData:
        if (first) first = rx->data(f.second);
        break;
      case vm::Frame::kDone:
        if (!first) return first;
        return rx->finish();
      case vm::Frame::kError:
        return base::fail(base::ErrorCode::kNotFound, f.second);
      default:
        return base::fail(base::ErrorCode::kSandbox, "guest channel: unexpected frame during a copy");
    }
  }
}

base::Status GuestClient::power_off() { return send(vm::Frame::kPowerOff); }

}  // namespace sandbox
