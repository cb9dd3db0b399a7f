// Anonymous temporary files and read/write mappings of them: room on disk (page cache)
// for data too big to hold in the process, such as a package's whole data tar.
//
// open_anonymous_file() makes a file with no name (O_TMPFILE in `dir`, or mkstemp + unlink
// where the file system lacks O_TMPFILE): nothing is left behind on any exit, and its
// space is freed when the descriptor is closed. Mapping is the way to hand such a file to
// a library that wants one contiguous buffer (libdeflate): its pages are file-backed, so
// the kernel can write them out and drop them under memory pressure instead of the
// process running out of memory.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

#include "base/error.hpp"

namespace base {

// A file descriptor closed on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();
  int get() const { return fd_; }
  int release() { int f = fd_; fd_ = -1; return f; }

 private:
  int fd_ = -1;
};

// `dir` empty: $TMPDIR, else /tmp. `purpose` completes the error message
// ("cannot create a temporary file for <purpose>").
Result<UniqueFd> open_anonymous_file(std::string_view purpose, const std::filesystem::path& dir = {});

// The first `size` bytes of a file, mapped shared (writes go to the file); unmapped on
// destruction. A size of 0 maps nothing and gives an empty view.
class FileMapping {
 public:
  enum class Access { kRead, kReadWrite };
  static Result<FileMapping> map(int fd, size_t size, Access access, std::string_view origin);
  // A whole regular file, read-only. By default a symlink is not followed (an error, as any
  // other file that is not regular); kFollow is for paths a user named on purpose.
  enum class Symlink { kRefuse, kFollow };
  static Result<FileMapping> map_file(const std::filesystem::path& path, Symlink symlink = Symlink::kRefuse);
  FileMapping(FileMapping&& o) noexcept : data_(o.data_), size_(o.size_) { o.data_ = nullptr, o.size_ = 0; }
  FileMapping& operator=(FileMapping&&) = delete;
  FileMapping(const FileMapping&) = delete;
  ~FileMapping();
  char* data() const { return data_; }
  size_t size() const { return size_; }
  std::string_view view() const { return {data_, size_}; }

 private:
  FileMapping(char* d, size_t n) : data_(d), size_(n) {}
  char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace base
