// Small, policy-free file helpers. Every writer of user-visible output goes through
// AtomicFile so that a failure never leaves a half-written file behind.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "base/error.hpp"

namespace base {

namespace fs = std::filesystem;

Result<std::string> read_file(const fs::path& path);
// Writes `data` to `path` through a temp file in the same directory and rename(2).
Status write_file_atomic(const fs::path& path, std::string_view data, unsigned mode = 0644);

// A file being written: data goes to `<path>.tmp-XXXXXX`; commit() renames it over
// `path`; destruction without commit() removes the temp file.
class AtomicFile {
 public:
  static Result<AtomicFile> create(const fs::path& path, unsigned mode = 0644);
  AtomicFile(AtomicFile&&) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  ~AtomicFile();

  Status write(std::string_view data);
  Status commit();
  int fd() const { return fd_; }
  const fs::path& temp_path() const { return temp_; }

 private:
  AtomicFile(fs::path path, fs::path temp, int fd, unsigned mode) : path_(std::move(path)), temp_(std::move(temp)), fd_(fd), mode_(mode) {}
  fs::path path_, temp_;
  int fd_ = -1;
  unsigned mode_ = 0644;
  bool done_ = false;
};

// A temporary directory removed (recursively) on destruction.
class TempDir {
 public:
  static Result<TempDir> create(std::string_view prefix = "ma-", const fs::path& parent = {});
  TempDir(TempDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir();
  const fs::path& path() const { return path_; }
  // Keep the directory after destruction (for --debug / --rm=false).
  fs::path release() { auto p = path_; path_.clear(); return p; }

 private:
  explicit TempDir(fs::path p) : path_(std::move(p)) {}
  fs::path path_;
};

// `dir` when given, else $TMPDIR, else /tmp: where temporary directories and files go.
fs::path temp_dir_or(const fs::path& dir);

// "Cannot X: strerror" with the path.
Error io_error(const fs::path& path, std::string_view what, int err);

}  // namespace base
