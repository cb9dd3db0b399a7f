// A root filesystem being assembled before it becomes a layer: metadata in memory, file
// contents in memory or spilled to disk.
//
// Nodes are directories, regular files, symlinks, hard links (to another path in the
// tree), character/block devices and fifos, each with mode (incl. setuid/setgid/sticky),
// uid, gid, mtime and extended attributes. File content is a slice of a shared,
// immutable buffer (package data is referenced, not copied) or a byte range of a
// SpillFile on disk (rootfs/spill.hpp: images larger than memory).
//
// Paths are relative to the tree's root; a leading "/" is accepted and means the root.
// The Tree resolves paths itself, one component at a time, like a chroot:
//  - symlinks met in PARENT components are followed inside the tree (an absolute target
//    starts again at the tree's root), at most 40 of them per lookup;
//  - the final component is followed only by stat-like lookups (Follow::kFollow), never
//    by operations that create, replace or remove an entry;
//  - ".." at the root: reads stay at the root (as the kernel does), but any operation
//    that writes returns kInvalidInput "...: escapes the root" - a crafted symlink such
//    as `evil -> ../../..` can never lead a write outside.
// Children are kept sorted by name (bytewise), which makes walks deterministic.
//
// Mutations can be grouped in a transaction: begin(), then commit() or rollback();
// rollback restores every node touched since begin() (used to install a package
// all-or-nothing).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "rootfs/spill.hpp"

namespace rootfs {

enum class NodeType : uint8_t { kDir, kFile, kSymlink, kHardlink, kCharDevice, kBlockDevice, kFifo };

// File data: `length` bytes at `offset` of a shared immutable buffer, or of a SpillFile.
class Content {
 public:
  Content() = default;
  static Content own(std::string data);
  static Content slice(std::shared_ptr<const std::string> buffer, size_t offset, size_t length);
  static Content spilled(std::shared_ptr<const SpillFile> file, uint64_t offset, size_t length);
  size_t size() const { return length_; }
  bool in_memory() const { return !spill_; }
  // The bytes without copying them, for in-memory content; nullopt for spilled content,
  // which is read with read() or for_each_chunk().
  std::optional<std::string_view> memory_view() const;
  // All the bytes (a copy).
  base::Result<std::string> read() const;
  // The bytes in order, in pieces of at most `chunk` bytes (in-memory content: one piece).
  base::Status for_each_chunk(const std::function<base::Status(std::string_view)>& fn, size_t chunk = 1 << 20) const;
  // Same bytes? True without reading when both name the same range of the same buffer or
  // file (a hard link and its target); else compared.
  base::Result<bool> same_bytes(const Content& other) const;
  base::Result<bool> same_bytes(std::string_view other) const;

 private:
  std::shared_ptr<const std::string> buffer_;
  std::shared_ptr<const SpillFile> spill_;
  uint64_t offset_ = 0;
  size_t length_ = 0;
};

// The attributes every node has.
struct Meta {
  uint32_t mode = 0644;  // permission bits incl. 07000; no S_IFMT bits
  uint32_t uid = 0, gid = 0;
  int64_t mtime = 0;
  std::map<std::string, std::string> xattrs;  // name ("security.capability") -> raw value
  bool operator==(const Meta&) const = default;
};

struct Node {
  NodeType type = NodeType::kDir;
  Meta meta;
  Content content;   // kFile; kHardlink keeps the target's content as well
  std::string link;  // kSymlink: target as written; kHardlink: tree path of the target
  uint32_t devmajor = 0, devminor = 0;
  std::map<std::string, std::unique_ptr<Node>, std::less<>> children;  // kDir

  bool is_dir() const { return type == NodeType::kDir; }
};

enum class Follow { kNoFollow, kFollow };
enum class Access { kRead, kWrite };

class Tree {
 public:
  explicit Tree(Meta root_meta = {0755, 0, 0, 0, {}});
  Tree(const Tree&) = delete;
  Tree& operator=(const Tree&) = delete;
  Tree(Tree&&) noexcept;
  Tree& operator=(Tree&&) noexcept;
  ~Tree();

  const Node& root() const { return *root_; }

  // Creates every missing directory of `path` with `meta`; existing ones are left as
  // they are (a symlink to a directory counts as one). Error if a component is a file.
  base::Status mkdir_p(std::string_view path, const Meta& meta);
  // Creates or replaces the entry at `path` (never a directory: kConflict).
  base::Status write_file(std::string_view path, Content content, const Meta& meta);
  base::Status symlink(std::string_view path, std::string_view target, const Meta& meta);
  // A hard link to the regular file at `target` (a tree path, parents resolved).
  base::Status hardlink(std::string_view path, std::string_view target, const Meta& meta);
  // kCharDevice, kBlockDevice or kFifo.
  base::Status mknod(std::string_view path, NodeType type, uint32_t major, uint32_t minor, const Meta& meta);
  // Replaces an empty directory or any non-directory at `path` with a new directory.
  base::Status mkdir(std::string_view path, const Meta& meta);

  base::Status chmod(std::string_view path, uint32_t mode, Follow follow = Follow::kFollow);
  base::Status chown(std::string_view path, uint32_t uid, uint32_t gid, Follow follow = Follow::kFollow);
  base::Status set_meta(std::string_view path, const Meta& meta, Follow follow = Follow::kFollow);
  // Removes the entry (a directory with everything below it). Never follows the final symlink.
  base::Status remove(std::string_view path);

  // lstat-like (kNoFollow) or stat-like (kFollow). kNotFound when absent.
  base::Result<const Node*> lookup(std::string_view path, Follow follow = Follow::kNoFollow) const;
  bool exists(std::string_view path, Follow follow = Follow::kNoFollow) const { return lookup(path, follow).has_value(); }
  // The canonical tree path ("usr/lib/x", "" for the root) `path` names: parents
  // resolved, the final component followed with kFollow. The final component need
  // not exist; its parent must.
  base::Result<std::string> canonical(std::string_view path, Follow follow, Access access = Access::kRead) const;
  // Content of the regular file (or hard link) at `path`, following symlinks.
  base::Result<std::string> read_file(std::string_view path) const;

  // Every node but the root, depth-first, children in name order, parents first.
  // `path` is the tree path without leading "/".
  void walk(const std::function<void(const std::string& path, const Node& node)>& fn) const;

  // Transactions (not nested).
  void begin();
  void commit();
  void rollback();

 private:
  struct Cursor;
  struct Undo;
  base::Status walk_into(Cursor& cur, std::string_view path, Follow follow_last, Access access,
                         std::string_view shown) const;
  base::Result<Node*> parent_dir(std::string_view path, std::string* name, Access access);
  base::Result<Node*> resolve(std::string_view path, Follow follow, Access access) const;
  base::Status place(std::string_view path, std::unique_ptr<Node> node, bool allow_empty_dir);
  void set_child(Node* parent, const std::string& name, std::unique_ptr<Node> node);
  void note_meta(Node* node);

  std::unique_ptr<Node> root_;
  bool in_txn_ = false;
  std::vector<Undo> journal_;
};

// Splits a path into its components, dropping empty ones and ".".
std::vector<std::string_view> path_components(std::string_view path);

}  // namespace rootfs
