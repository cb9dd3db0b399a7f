// Building a repository's APKINDEX.tar.gz from .apk files, incrementally.
//
// The original `melange index` re-reads every package of the repository on every
// build, so CI time grows with the repository. Here each output index has a sidecar
// `.APKINDEX.tar.gz.stat` beside it (index_stamps.hpp: one line per package file with
// its size, mtime, inode and index checksum). A package whose file still has the same size,
// mtime and inode, and whose checksum is still listed in the previous index, is taken from
// that index without opening the file. Anything else is read and verified. Deleting the
// sidecar only costs a full re-read; it never changes the result.
//
// Semantics (`melange index`):
//   - inputs: the .apk files to index (only those whose arch matches `arch` if set);
//   - source: a previous index to start from (default: the output, if it exists);
//   - merge: keep the source's entries for packages not among the inputs; without
//     merge the index lists exactly the inputs.
// The whole read-merge-write holds an exclusive lock on the output's directory
// (base::DirLock), so concurrent updates of one index with merge never lose an entry.
// Entries are sorted by name, then version, then arch: the same inputs give the same
// bytes.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "apk/package_writer.hpp"
#include "base/error.hpp"

namespace apk {

struct IndexUpdate {
  std::vector<std::filesystem::path> packages;
  std::filesystem::path output;
  std::optional<std::filesystem::path> source;
  bool merge = false;
  std::string arch;  // empty = every arch
  const SigningKey* key = nullptr;
  // A private key file to sign with instead of `key`: loaded on a helper thread while the
  // inputs are stat'ed (loading a key and starting OpenSSL take ~2 ms of a ~25 ms re-index).
  std::filesystem::path key_file;
  std::string description;
  int64_t mtime = 0;
  // Called after each input package: (inputs done, inputs in all, package files read so far).
  std::function<void(size_t, size_t, size_t)> progress;
};

struct IndexUpdateStats {
  size_t read = 0;     // package files opened and verified
  size_t reused = 0;   // entries taken from the previous index (file unchanged)
  size_t kept = 0;     // source entries kept by --merge
  size_t skipped = 0;  // inputs of another arch
  size_t total = 0;    // entries written
};

base::Result<IndexUpdateStats> update_index(const IndexUpdate& update);

// Path of the stat sidecar for an index file.
std::filesystem::path index_stat_path(const std::filesystem::path& index);

}  // namespace apk
