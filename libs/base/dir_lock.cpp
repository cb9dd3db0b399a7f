#include "base/dir_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include "base/fs.hpp"

namespace base {

Result<DirLock> DirLock::lock(const std::filesystem::path& dir, bool wait) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return tl::unexpected(io_error(dir, "open directory to lock", errno));
  int op = LOCK_EX | (wait ? 0 : LOCK_NB);
  int rc;
  do rc = ::flock(fd, op);
  while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      return fail(ErrorCode::kConflict, dir.string() + ": locked by another process");
    return tl::unexpected(io_error(dir, "lock", err));
  }
  return DirLock(fd);
}

Result<DirLock> DirLock::acquire(const std::filesystem::path& dir) { return lock(dir, true); }
Result<DirLock> DirLock::try_acquire(const std::filesystem::path& dir) { return lock(dir, false); }

DirLock::~DirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace base
