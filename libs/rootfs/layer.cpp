#include "rootfs/layer.hpp"

#include <map>

#include "archive/tar_writer.hpp"
#include "base/strings.hpp"
#include "rootfs/id_file.hpp"

namespace rootfs {

namespace {

archive::EntryType entry_type(NodeType t) {
  switch (t) {
    case NodeType::kDir: return archive::EntryType::kDir;
    case NodeType::kFile: return archive::EntryType::kFile;
    case NodeType::kSymlink: return archive::EntryType::kSymlink;
    case NodeType::kHardlink: return archive::EntryType::kHardlink;
    case NodeType::kCharDevice: return archive::EntryType::kCharDevice;
    case NodeType::kBlockDevice: return archive::EntryType::kBlockDevice;
    case NodeType::kFifo: return archive::EntryType::kFifo;
  }
  return archive::EntryType::kFile;
}

bool is_ancestor(std::string_view dir, std::string_view path) {
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

}  // namespace

base::Result<LayerStats> write_layer(const Tree& tree, archive::Sink& out) {
  return write_layer(tree, out, nullptr, ParentMtime::kTree);
}

base::Result<LayerStats> write_layer(const Tree& tree, archive::Sink& out, const LayerFilter& filter,
                                     ParentMtime parent_mtime) {
  const auto users = id_names(tree, "etc/passwd");
  const auto groups = id_names(tree, "etc/group");
  archive::TarWriter tw(out, {.dir_trailing_slash = false});
  LayerStats stats;
  // Regular files so far, with their bytes: a node's own Content, or a pick's replacement.
  struct Written {
    const Content* content;
    const std::string* replaced;
  };
  std::map<std::string, Written, std::less<>> written;

  auto add = [&](const std::string& path, const Node& n, int64_t mtime, const std::string* content) -> base::Status {
    archive::TarEntry e;
    e.name = path;
    e.type = entry_type(n.type);
    e.mode = n.meta.mode & 07777;
    e.uid = n.meta.uid;
    e.gid = n.meta.gid;
    if (auto u = users.find(e.uid); u != users.end()) e.uname = u->second;
    if (auto g = groups.find(e.gid); g != groups.end()) e.gname = g->second;
    e.mtime = mtime;
    for (const auto& [k, v] : n.meta.xattrs) e.pax.emplace_back("SCHILY.xattr." + k, v);
    Written data{&n.content, nullptr};
    if (content && (n.type == NodeType::kFile || n.type == NodeType::kHardlink)) {
      e.type = archive::EntryType::kFile;
      data = {nullptr, content};
    }
    if (n.type == NodeType::kSymlink) e.linkname = n.link;
    if (n.type == NodeType::kCharDevice || n.type == NodeType::kBlockDevice) {
      e.devmajor = n.devmajor;
      e.devminor = n.devminor;
    }
    if (e.type == archive::EntryType::kHardlink) {
      auto t = written.find(n.link);
      bool same = false;
      if (t != written.end()) {
        // data is the node's own content here (a pick's replacement made it a kFile above).
        auto r = t->second.content ? t->second.content->same_bytes(n.content) : n.content.same_bytes(*t->second.replaced);
        if (!r) return tl::unexpected(r.error());
        same = *r;
      }
      if (same) e.linkname = n.link;
      else e.type = archive::EntryType::kFile;
    }
    ++stats.entries;
    if (e.type != archive::EntryType::kFile) return tw.add(e);
    const uint64_t size = data.content ? data.content->size() : data.replaced->size();
    e.size = size;
    written.emplace(path, data);
    ++stats.files;
    stats.content_bytes += size;
    if (data.replaced) return tw.add(e, *data.replaced);
    if (auto v = data.content->memory_view()) return tw.add(e, *v);
    // Spilled content streams from disk in pieces: the file is never whole in memory.
    TRY(tw.add_header(e));
    return data.content->for_each_chunk([&](std::string_view piece) { return tw.add_data(piece); });
  };

  struct OpenDir {
    std::string path;
    const Node* node;
    bool written;
  };
  std::vector<OpenDir> open;  // the directories enclosing the current node, outermost first
  base::Status status;
  tree.walk([&](const std::string& path, const Node& n) {
    if (!status) return;
    while (!open.empty() && !is_ancestor(open.back().path, path)) open.pop_back();
    LayerPick pick = filter ? filter(path, n) : LayerPick{true, nullptr};
    if (pick.include) {
      for (auto& d : open) {
        if (d.written) continue;
        int64_t mtime = parent_mtime == ParentMtime::kEntry ? n.meta.mtime : d.node->meta.mtime;
        status = add(d.path, *d.node, mtime, nullptr);
        if (!status) return;
        d.written = true;
      }
      status = add(path, n, n.meta.mtime, pick.content);
    }
    if (n.is_dir()) open.push_back({path, &n, pick.include});
  });
  TRY(status);
  TRY(tw.finish(true));
  stats.tar_bytes = tw.bytes_written();
  return stats;
}

}  // namespace rootfs
