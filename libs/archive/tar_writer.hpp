// The project's only tar writer: deterministic POSIX (ustar + pax) archives for .apk
// streams, APKINDEX.tar.gz and OCI layers.
//
// Why not libarchive: apk v2 needs a per-file PAX record `APK-TOOLS.checksum.SHA1`,
// control/signature tars without end-of-archive blocks, and headers that are byte for
// byte what melange (Go archive/tar) writes, because the compressed control stream is
// what gets signed and indexed. libarchive neither writes nor reads custom PAX records
// and decides header layout itself, so it cannot give that control.
//
// Header policy (matches Go archive/tar as melange and apko use it, checked against the
// data tars of the melange-built apks in tests/data):
// - Every header: magic "ustar\0", version "00"; numeric fields zero-padded octal that
//   fills the field and ends in NUL ("0000644\0", "00000000012\0"); checksum as six
//   octal digits, NUL, space; uname/gname written as given (no lookup); devmajor and
//   devminor always written ("0000000\0"); mode is `mode & 07777` (no S_IFMT bits).
// - USTAR when everything fits: ASCII name <= 100 bytes (or, like Go, splittable into
//   prefix <= 155 + "/" + name <= 100 when no other reason forces PAX), linkname <= 100,
//   size <= 8 GiB - 1, uid/gid <= 07777777, mtime in 0..8^11-1, uname/gname <= 32 ASCII.
// - Otherwise, and whenever the entry carries extra PAX records, a PAX 'x' header comes
//   first. Its name is "<dir>/PaxHeaders.0/<base>" (Go's scheme), ASCII only, cut to 100
//   bytes; mode/uid/gid/mtime 0, uname/gname/dev fields empty. Records: the entry's own
//   `pax` records exactly in the given order, then the needed standard records in
//   lexical key order (gid gname linkpath mtime path size uid uname). Go sorts all keys;
//   for the APK-TOOLS.* and SCHILY.* keys (upper case) both orders agree, so give your
//   own records sorted if byte-equality with Go matters. Fields that do not fit are
//   written as 0 in the main header (ASCII-stripped, truncated for strings) as Go does.
// - apk-tools 2 (src/tar.c) reads only path, linkpath, SCHILY.xattr.* and
//   APK-TOOLS.checksum.* from PAX; it ignores pax size/uid/gid/mtime and requires the
//   "ustar" magic and plain octal digits in every header, so apk data must fit USTAR
//   numeric fields (the writer does not check this; callers building apks may).
// - Directories: name gets a trailing "/" with dir_trailing_slash (apk/abuild style),
//   or has it removed without (OCI layers, like apko). Only kFile entries carry data.
// - finish(end_blocks) writes two zero blocks (no padding to a 10 KiB record, like Go);
//   apk control and signature streams use end_blocks=false.
#pragma once

#include <string_view>

#include "archive/sink.hpp"
#include "archive/tar_entry.hpp"
#include "base/error.hpp"

namespace archive {

struct TarWriterOptions {
  bool dir_trailing_slash = true;  // apk style "usr/"; OCI layers use false
};

class TarWriter {
 public:
  explicit TarWriter(Sink& out, TarWriterOptions opts = {});

  // Writes one entry; for kFile `data.size()` must equal `e.size`, other types take no data.
  base::Status add(const TarEntry& e, std::string_view data = {});
  // Streaming form for big files: add_header(e) then add_data() chunks totalling e.size.
  base::Status add_header(const TarEntry& e);
  base::Status add_data(std::string_view chunk);
  // Ends the archive; end_blocks=false for apk control/signature streams.
  base::Status finish(bool end_blocks = true);

  uint64_t bytes_written() const { return written_; }

 private:
  base::Status emit(std::string_view bytes);
  base::Status close_entry();

  Sink& out_;
  TarWriterOptions opts_;
  std::string current_;       // name of the entry whose data is being written
  uint64_t remaining_ = 0;    // data bytes still owed for it
  uint64_t entry_size_ = 0;
  uint64_t written_ = 0;
  bool finished_ = false;
  bool failed_ = false;
};

}  // namespace archive
