#include "apko/path_mutations.hpp"

#include <string>

namespace apko {
namespace {

using rootfs::Follow;
using rootfs::Meta;

base::Status set_owner_mode(rootfs::Tree& tree, const config::PathMutation& m, const std::string& path,
                            uint32_t mode, Follow follow) {
  if (m.uid || m.gid) TRY(tree.chown(path, m.uid.value_or(0), m.gid.value_or(0), follow));
  // chown may clear setuid/setgid bits on real systems; apply the mode after it.
  return tree.chmod(path, mode, follow);
}

base::Status apply_recursive(rootfs::Tree& tree, const config::PathMutation& m, const std::string& path,
                             uint32_t mode) {
  TRY_ASSIGN(std::string top, tree.canonical(path, Follow::kFollow));
  std::vector<std::string> below;
  std::string prefix = top.empty() ? "" : top + "/";
  tree.walk([&](const std::string& p, const rootfs::Node& n) {
    if (p.compare(0, prefix.size(), prefix) == 0 && p.size() > prefix.size() && n.type != rootfs::NodeType::kSymlink)
      below.push_back(p);
  });
  for (const auto& p : below) TRY(set_owner_mode(tree, m, p, mode, Follow::kNoFollow));
  return base::ok();
}

base::Status apply_one(rootfs::Tree& tree, const config::PathMutation& m) {
  const std::string& path = m.path;
  uint32_t owner_uid = m.uid.value_or(0), owner_gid = m.gid.value_or(0);
  switch (m.type) {
    case config::PathType::kDirectory: {
      uint32_t mode = m.permissions ? m.permissions : 0755;
      std::string parent = path.substr(0, path.find_last_of('/'));
      if (!parent.empty()) TRY(tree.mkdir_p(parent, Meta{0755, 0, 0, 0, {}}));
      TRY(tree.mkdir_p(path, Meta{mode, owner_uid, owner_gid, 0, {}}));
      TRY(set_owner_mode(tree, m, path, mode, Follow::kFollow));
      if (m.recursive) TRY(apply_recursive(tree, m, path, mode));
      return base::ok();
    }
    case config::PathType::kEmptyFile: {
      uint32_t mode = m.permissions ? m.permissions : 0644;
      return tree.write_file(path, rootfs::Content::own(""), Meta{mode, owner_uid, owner_gid, 0, {}});
    }
    case config::PathType::kHardlink: {
      if (m.source.empty()) return base::fail(base::ErrorCode::kInvalidInput, "hardlink needs a source");
      TRY(tree.hardlink(path, m.source, Meta{m.permissions ? m.permissions : 0644, owner_uid, owner_gid, 0, {}}));
      if (m.permissions || m.uid || m.gid) {
        TRY_ASSIGN(const rootfs::Node* src, tree.lookup(m.source, Follow::kFollow));
        TRY(set_owner_mode(tree, m, path, m.permissions ? m.permissions : src->meta.mode, Follow::kNoFollow));
      }
      return base::ok();
    }
    case config::PathType::kSymlink: {
      if (m.source.empty()) return base::fail(base::ErrorCode::kInvalidInput, "symlink needs a source");
      return tree.symlink(path, m.source, Meta{m.permissions ? m.permissions : 0777, owner_uid, owner_gid, 0, {}});
    }
    case config::PathType::kPermissions: {
      TRY(set_owner_mode(tree, m, path, m.permissions, Follow::kFollow));
      if (m.recursive) TRY(apply_recursive(tree, m, path, m.permissions));
      return base::ok();
    }
  }
  return base::ok();
}

}  // namespace

base::Status apply_path_mutations(rootfs::Tree& tree, const std::vector<config::PathMutation>& paths) {
  for (size_t i = 0; i < paths.size(); ++i) {
    const auto& m = paths[i];
    if (m.path.empty())
      return base::fail(base::ErrorCode::kInvalidInput, "paths[" + std::to_string(i) + "]: empty path");
    auto st = apply_one(tree, m);
    if (!st) {
      st.error().context("paths[" + std::to_string(i) + "] (" + std::string(config::path_type_name(m.type)) + " " +
                         m.path + ")");
      return st;
    }
  }
  return base::ok();
}

}  // namespace apko
