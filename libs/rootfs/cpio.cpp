#include "rootfs/cpio.hpp"

#include <sys/stat.h>

#include <map>
#include <string>

#include "archive/cpio_writer.hpp"

namespace rootfs {

namespace {

uint32_t type_bits(NodeType t) {
  switch (t) {
    case NodeType::kDir: return S_IFDIR;
    case NodeType::kFile:
    case NodeType::kHardlink: return S_IFREG;
    case NodeType::kSymlink: return S_IFLNK;
    case NodeType::kCharDevice: return S_IFCHR;
    case NodeType::kBlockDevice: return S_IFBLK;
    case NodeType::kFifo: return S_IFIFO;
  }
  return S_IFREG;
}

}  // namespace

base::Result<CpioStats> write_cpio(const Tree& tree, archive::Sink& out) {
  // As in write_layer(), a hard link stays a link only when its target, a regular file with
  // the same content, comes earlier in the walk; otherwise it is written as a copy. Count
  // the names of every linked inode (the target and its links) first.
  std::map<std::string, const Node*, std::less<>> files_so_far;
  std::map<std::string, uint32_t, std::less<>> names_of;  // target -> number of names
  std::map<std::string, bool, std::less<>> is_link;       // hard-link path -> stays a link
  base::Status status;
  tree.walk([&](const std::string& path, const Node& n) {
    if (n.type == NodeType::kFile) files_so_far.emplace(path, &n);
    if (n.type != NodeType::kHardlink || !status) return;
    auto t = files_so_far.find(n.link);
    bool link = false;
    if (t != files_so_far.end()) {
      auto same = t->second->content.same_bytes(n.content);
      if (!same) status = tl::unexpected(same.error());
      link = same && *same;
    }
    is_link[path] = link;
    if (link) names_of[n.link] += names_of.count(n.link) ? 1 : 2;
  });

  archive::CpioWriter w(out);
  CpioStats stats;
  std::map<std::string, uint32_t, std::less<>> inode_of;  // linked target -> its inode
  uint32_t next_ino = 0;
  TRY(status);
  tree.walk([&](const std::string& path, const Node& n) {
    if (!status) return;
    archive::CpioEntry e;
    e.name = path;
    e.mode = type_bits(n.type) | (n.meta.mode & 07777);
    e.uid = n.meta.uid;
    e.gid = n.meta.gid;
    e.mtime = n.meta.mtime;
    std::string_view data;
    const Content* content = nullptr;
    if (n.type == NodeType::kHardlink && is_link[path]) {
      e.ino = inode_of.at(n.link);  // the target came first and carried the data
      e.nlink = names_of.at(n.link);
    } else if (n.type == NodeType::kFile || n.type == NodeType::kHardlink) {
      e.ino = ++next_ino;
      if (n.type == NodeType::kFile) {
        if (auto g = names_of.find(path); g != names_of.end()) {
          e.nlink = g->second;
          inode_of.emplace(path, e.ino);
        }
      }
      content = &n.content;
      ++stats.files;
      stats.content_bytes += n.content.size();
    } else {
      e.ino = ++next_ino;
      if (n.type == NodeType::kDir) e.nlink = 2;
      if (n.type == NodeType::kSymlink) data = n.link;
      if (n.type == NodeType::kCharDevice || n.type == NodeType::kBlockDevice) {
        e.rdevmajor = n.devmajor;
        e.rdevminor = n.devminor;
      }
    }
    if (!n.meta.xattrs.empty()) ++stats.xattrs_dropped;
    ++stats.entries;
    if (!content) {
      status = w.add(e, data);
    } else if (auto v = content->memory_view()) {
      status = w.add(e, *v);
    } else {
      auto bytes = content->read();  // initramfs files: read whole (the cpio writer takes one piece)
      status = bytes ? w.add(e, *bytes) : base::Status(tl::unexpected(bytes.error()));
    }
  });
  TRY(status);
  TRY(w.finish());
  stats.cpio_bytes = w.bytes_written();
  return stats;
}

}  // namespace rootfs
