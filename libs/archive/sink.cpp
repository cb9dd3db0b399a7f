#include "archive/sink.hpp"

#include <cerrno>
#include <unistd.h>

#include "base/fs.hpp"

namespace archive {

base::Status StringSink::write(std::string_view d) {
  data.append(d);
  return base::ok();
}

FdSink::FdSink(int fd, FdOwnership own, std::string name)
    : fd_(fd), own_(own), name_(name.empty() ? "fd " + std::to_string(fd) : std::move(name)) {}

FdSink::~FdSink() {
  if (own_ == FdOwnership::kOwn && fd_ >= 0) ::close(fd_);
}

base::Status FdSink::write(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return tl::unexpected(base::io_error(name_, "cannot write", errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return base::ok();
}

HashSink::HashSink(base::HashAlgo algo, Sink* next) : hasher_(algo), next_(next) {}

base::Status HashSink::write(std::string_view data) {
  if (!digest_) hasher_.update(data);
  bytes_ += data.size();
  if (next_) return next_->write(data);
  return base::ok();
}

const std::string& HashSink::digest() {
  if (!digest_) digest_ = hasher_.finish();
  return *digest_;
}

}  // namespace archive
