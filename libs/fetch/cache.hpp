// A content-addressed on-disk cache: the bytes for `key` live in <dir>/<key>.
//
// Keys are relative paths chosen by the caller (e.g. "sha256/ab12..." or
// "<escaped repo url>/x86_64/APKINDEX/<etag>.tar.gz"); "..", "." and empty segments and
// absolute keys are refused. Entries are written through a temp file + rename, so a
// reader sees either no file or a complete one, even with concurrent writers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>

#include "base/error.hpp"

namespace fetch {

// What a cache directory holds (regular files and their bytes, symlinks not followed).
struct CacheUsage {
  uint64_t files = 0;
  uint64_t bytes = 0;
};

class Cache {
 public:
  explicit Cache(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // The path of the entry if it exists (nullopt for missing entries and invalid keys).
  std::optional<std::filesystem::path> find(std::string_view key) const;
  // Stores `data` under `key` atomically (parents created) and returns its path.
  base::Result<std::filesystem::path> put(std::string_view key, std::string_view data);
  const std::filesystem::path& dir() const { return dir_; }

  static bool valid_key(std::string_view key);

  // What `dir` holds (nothing when it does not exist); an error if it is not a directory.
  static base::Result<CacheUsage> usage(const std::filesystem::path& dir);
  // Removes `dir` and everything in it (apko clean), after the same checks and
  // check_removable().
  static base::Result<CacheUsage> remove(const std::filesystem::path& dir);
  // Refuses the filesystem root and the home directory as a cache to remove.
  static base::Status check_removable(const std::filesystem::path& dir);

 private:
  std::filesystem::path dir_;
};

}  // namespace fetch
