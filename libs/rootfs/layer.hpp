// Getting a Tree out of memory: as a deterministic OCI layer tar, or onto disk.
//
// write_layer(): one tar (archive::TarWriter, no trailing "/" on directories) with
// every node in Tree::walk order (depth-first, names sorted, parents first, no "."
// entry, names without a leading "/"). Each header carries the node's mode including
// setuid/setgid/sticky, its uid/gid as recorded (apko zeroes them; this does not), its
// mtime, and uname/gname from the tree's own etc/passwd and etc/group when they list
// the id. Extended attributes become SCHILY.xattr.<name> PAX records (sorted). A hard
// link becomes a TypeLink entry when its target was written earlier in the archive as
// a regular file with the same content, else a regular file with the content (a tar
// reader cannot link to a later entry). Devices carry major/minor. Same tree, same bytes.
//
// write_layer() with a LayerFilter: one layer of several (apko's `layering`). The same walk,
// entries and headers, but only the nodes the filter picks; a picked node's ancestor
// directories not yet in this tar are written just before it (owner, mode, xattrs as in
// the tree; mtime as in the tree, or with ParentMtime::kEntry the picked node's mtime, as
// apko does so package layers do not depend on other packages' directory times). A pick
// may replace a regular file's content (apko's per-layer partial installed database).
// Hard links still become TypeLink only for targets written earlier in THIS tar.
//
// materialize(): writes the tree into an EMPTY directory, relative to directory file
// descriptors, never following a symlink (O_NOFOLLOW, *at() calls): a crafted tree
// cannot write outside `dir`. Owners are set (lchown) only when running as root, and
// modes after owners (chown clears setgid); directory modes, owners and mtimes are
// applied last, deepest first, so read-only directories can still be filled. mtimes
// via utimensat/futimens. Extended attributes via lsetxattr; EPERM/ENOTSUP on
// security.* / trusted.* as non-root, devices that cannot be created (EPERM as
// non-root) and ids the user namespace does not map (EINVAL) are skipped and listed
// in the result; any other failure is an error naming the path. The target
// directory's own mode, owner and mtime are left as they are.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "archive/sink.hpp"
#include "base/error.hpp"
#include "rootfs/tree.hpp"

namespace rootfs {

struct LayerStats {
  uint64_t entries = 0;        // tar entries (PAX headers not counted)
  uint64_t files = 0;          // regular files (incl. hard links written as files)
  uint64_t content_bytes = 0;  // sum of regular file sizes
  uint64_t tar_bytes = 0;      // size of the uncompressed tar
};

base::Result<LayerStats> write_layer(const Tree& tree, archive::Sink& out);

struct LayerPick {
  bool include = false;
  const std::string* content = nullptr;  // regular files only: written instead of the node's data
};
using LayerFilter = std::function<LayerPick(const std::string& path, const Node& node)>;
enum class ParentMtime { kTree, kEntry };

base::Result<LayerStats> write_layer(const Tree& tree, archive::Sink& out, const LayerFilter& filter,
                                     ParentMtime parent_mtime);

struct MaterializeResult {
  uint64_t entries = 0;
  std::vector<std::string> skipped;  // "dev/null: device (EPERM)", ... one line each
};

base::Result<MaterializeResult> materialize(const Tree& tree, const std::filesystem::path& dir);

}  // namespace rootfs
