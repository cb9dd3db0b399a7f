// File contents of a Tree kept on disk instead of in memory, so an image of any size is
// assembled in bounded memory (apko build, melange's build environments).
//
// A SpillFile is an anonymous temporary file (O_TMPFILE in `dir`, or mkstemp + unlink where
// the file system lacks O_TMPFILE): it has no name, so nothing is left behind on any exit,
// and its space is freed when the last Content referring to it goes. append() is
// thread-safe (the offset is reserved atomically, then written with pwrite), so package
// workers spill in parallel; read() is pread and safe from any thread. The bytes live in
// the page cache and on disk, not in the process: a spilled Content costs its 24 bytes.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "base/error.hpp"

namespace rootfs {

class SpillFile {
 public:
  // `dir` empty: $TMPDIR, else /tmp.
  static base::Result<std::shared_ptr<SpillFile>> create(const std::filesystem::path& dir = {});
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;
  ~SpillFile();

  // Appends `data`; returns the offset it starts at.
  base::Result<uint64_t> append(std::string_view data);
  // Exactly `length` bytes at `offset` into `out` (error on a short file).
  base::Status read(uint64_t offset, char* out, size_t length) const;
  // Bytes appended so far (reserved, including appends still being written).
  uint64_t size() const { return end_.load(); }

 private:
  SpillFile(int fd, std::string shown) : fd_(fd), shown_(std::move(shown)) {}
  int fd_;
  std::string shown_;  // the directory, for errors
  std::atomic<uint64_t> end_{0};
};

}  // namespace rootfs
