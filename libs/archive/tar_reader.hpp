// The project's only tar reader: zero-copy iteration over an uncompressed tar in memory.
//
// Reads ustar, GNU ('L' long name, 'K' long link name, "ustar  " magic, base-256
// numbers) and PAX ('x' records; 'g' global records are parsed and ignored) headers.
// PAX path, linkpath, size, uid, gid, uname, gname and mtime override the header
// fields; atime/ctime are dropped; every other record (APK-TOOLS.checksum.SHA1,
// SCHILY.xattr.*, ...) is kept in TarEntry::pax in file order. libarchive is not used
// because it hides unknown PAX records such as apk's checksum.
//
// Tolerates a missing end-of-archive (apk control/signature streams have none) and a
// single zero block between entries; stops at two consecutive zero blocks. Directory
// names come back without a trailing "/". Only kFile entries have data; for other
// types the size field is ignored (as Go does). Bad checksums, truncation, bad numbers
// or PAX records and unknown entry types end the iteration with error() set.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "archive/tar_entry.hpp"
#include "base/error.hpp"

namespace archive {

class TarReader {
 public:
  explicit TarReader(std::string_view tar);
  // Fills the next entry and a view of its data (valid while the tar buffer lives).
  // Returns false at the end; on malformed input returns false and sets error().
  bool next(TarEntry* entry, std::string_view* data);
  const std::optional<base::Error>& error() const { return error_; }
  // Byte offset of the next header to read (end of the last entry's padded data).
  size_t offset() const { return pos_; }

 private:
  bool fail(std::string message);

  std::string_view tar_;
  size_t pos_ = 0;
  bool done_ = false;
  std::optional<base::Error> error_;
};

}  // namespace archive
