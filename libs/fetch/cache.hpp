// A content-addressed on-disk cache: the bytes for `key` live in <dir>/<key>.
//
// Keys are relative paths chosen by the caller (e.g. "sha256/ab12..." or
// "<escaped repo url>/x86_64/APKINDEX/<etag>.tar.gz"); "..", "." and empty segments and
// absolute keys are refused. Entries are written through a temp file + rename, so a
// reader sees either no file or a complete one, even with concurrent writers.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include "base/error.hpp"

namespace fetch {

class Cache {
 public:
  explicit Cache(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // The path of the entry if it exists (nullopt for missing entries and invalid keys).
  std::optional<std::filesystem::path> find(std::string_view key) const;
  // Stores `data` under `key` atomically (parents created) and returns its path.
  base::Result<std::filesystem::path> put(std::string_view key, std::string_view data);
  const std::filesystem::path& dir() const { return dir_; }

  static bool valid_key(std::string_view key);

 private:
  std::filesystem::path dir_;
};

}  // namespace fetch
