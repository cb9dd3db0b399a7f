// A Tree as a newc cpio archive (archive/cpio_writer.hpp): the image root as an initramfs a
// kernel (e.g. under qemu) boots, apko's build-cpio.
//
// Same walk, names, modes (with setuid/setgid/sticky), owners and mtimes as write_layer(),
// so the archive unpacks to the same tree as the image layer, with two format limits:
// extended attributes are not kept (newc has no field for them) and numbers are 32 bits.
// Inodes are numbered in walk order from 1. A hard link whose target (a regular file with
// the same content) comes earlier in the walk shares the target's inode, and the target's
// entry carries the data; any other hard link is written as a copy, as write_layer() does.
// Devices carry their major/minor; fifos are kept. Same tree, same bytes.
#pragma once

#include <cstdint>

#include "archive/sink.hpp"
#include "base/error.hpp"
#include "rootfs/tree.hpp"

namespace rootfs {

struct CpioStats {
  uint64_t entries = 0;
  uint64_t files = 0;          // regular files, each hard-linked inode once
  uint64_t content_bytes = 0;
  uint64_t cpio_bytes = 0;
  uint64_t xattrs_dropped = 0;  // nodes whose extended attributes newc cannot carry
};

base::Result<CpioStats> write_cpio(const Tree& tree, archive::Sink& out);

}  // namespace rootfs
