// An exclusive advisory lock on a directory, held for the lifetime of the object.
//
// Read-modify-write updates of a shared file in a directory (a repository's APKINDEX.tar.gz
// when several `melange build` runs share one --out-dir) take this lock so that no update is
// lost. The lock is flock(2) on the directory itself: no lock file appears in a published
// repository, and the kernel drops the lock when the process dies, so a killed build never
// leaves a stale lock behind. Processes that do not take the lock are not stopped.
#pragma once

#include <filesystem>

#include "base/error.hpp"

namespace base {

class DirLock {
 public:
  // Blocks until the lock on `dir` (which must exist) is held.
  static Result<DirLock> acquire(const std::filesystem::path& dir);
  // As acquire(), but fails with kConflict at once if another holder has it.
  static Result<DirLock> try_acquire(const std::filesystem::path& dir);

  DirLock(DirLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  DirLock& operator=(DirLock&&) = delete;
  ~DirLock();

 private:
  explicit DirLock(int fd) : fd_(fd) {}
  static Result<DirLock> lock(const std::filesystem::path& dir, bool wait);
  int fd_ = -1;
};

}  // namespace base
