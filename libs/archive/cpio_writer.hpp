// The "newc" cpio writer (SVR4 portable ASCII format, magic "070701"): what the Linux kernel
// unpacks as an initramfs and what GNU cpio -H newc reads and writes.
//
// Format: per entry a 110-byte header ("070701" and 13 fields of 8 upper-case hex digits:
// ino, mode with its S_IFMT bits, uid, gid, nlink, mtime, filesize, devmajor, devminor,
// rdevmajor, rdevminor, namesize including the NUL, check = 0), the name and a NUL padded
// with NULs to a multiple of 4, then the data padded to a multiple of 4. finish() writes the
// "TRAILER!!!" entry (nlink 1) and pads the archive to a multiple of 512 bytes like GNU cpio.
//
// Hard links: entries sharing an inode carry the same ino and nlink > 1; the FIRST of them
// carries the data and the others have size 0. The kernel (init/initramfs.c) links the later
// ones to the first name it saw; GNU cpio links a later entry to an inode it already
// extracted. Fields are 32 bits: a file of 4 GiB or more, or a negative or too large
// number, is an error naming the entry. Same entries, same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "archive/sink.hpp"
#include "base/error.hpp"

namespace archive {

struct CpioEntry {
  std::string name;        // relative, no leading "/" ("usr/bin/sh")
  uint32_t mode = 0;       // st_mode: file type bits (S_IFREG, S_IFDIR, ...) | permissions
  uint32_t uid = 0, gid = 0;
  uint32_t nlink = 1;
  int64_t mtime = 0;
  uint32_t ino = 0;
  uint32_t rdevmajor = 0, rdevminor = 0;  // character and block devices
};

class CpioWriter {
 public:
  explicit CpioWriter(Sink& out) : out_(out) {}

  // One entry; regular files (and symlinks: the target) give their bytes as `data`.
  base::Status add(const CpioEntry& e, std::string_view data = {});
  // The trailer entry and the padding to 512 bytes. No add() afterwards.
  base::Status finish();
  uint64_t bytes_written() const { return bytes_; }

 private:
  base::Status put(std::string_view s);
  base::Status pad(uint64_t to);

  Sink& out_;
  uint64_t bytes_ = 0;
  bool finished_ = false;
};

}  // namespace archive
