// ma-guest-init: frame I/O on the command channel (see channel.hpp).
#include "channel.hpp"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

namespace guest {

bool Channel::send(sandbox::vm::Frame type, std::string_view payload) {
  std::string f = sandbox::vm::frame(type, payload);
  size_t off = 0;
  while (off < f.size()) {
    ssize_t n = ::write(fd_, f.data() + off, f.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      pollfd p{fd_, POLLOUT, 0};
      ::poll(&p, 1, 1000);
      continue;
    }
    if (n <= 0) return false;
    off += size_t(n);
  }
  return true;
}

bool Channel::pump() {
  char buf[65536];
  ssize_t n = ::read(fd_, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  parser_.feed(std::string_view(buf, size_t(n)));
  while (auto f = parser_.next()) queue_.push_back(std::move(*f));
  return !parser_.corrupt();
}

std::optional<std::pair<sandbox::vm::Frame, std::string>> Channel::take_queued() {
  if (queue_.empty()) return std::nullopt;
  auto f = std::move(queue_.front());
  queue_.pop_front();
  return f;
}

std::optional<std::pair<sandbox::vm::Frame, std::string>> Channel::receive() {
  while (queue_.empty()) {
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, 500);
    if (r < 0 && errno != EINTR) return std::nullopt;
    reap_others();
    if (r > 0 && !pump()) return std::nullopt;
  }
  return take_queued();
}

}  // namespace guest
