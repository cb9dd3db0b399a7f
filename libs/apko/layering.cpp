#include "apko/layering.hpp"

#include <algorithm>
#include <numeric>

#include "apk/dependency.hpp"

namespace apko {

namespace {

// Union-find over origin ids.
size_t find_root(std::vector<size_t>& parent, size_t x) {
  while (parent[x] != x) x = parent[x] = parent[parent[x]];
  return x;
}

LayerGroup merge_groups(std::vector<LayerGroup>::iterator first, std::vector<LayerGroup>::iterator last) {
  LayerGroup out;
  for (auto it = first; it != last; ++it) {
    out.packages.insert(out.packages.end(), it->packages.begin(), it->packages.end());
    out.size += it->size;
    out.tiebreaker = std::max(out.tiebreaker, it->tiebreaker);
  }
  return out;
}

}  // namespace

std::vector<LayerGroup> group_by_origin(const std::vector<apk::InstalledPackage>& installed, long long budget) {
  std::map<std::string, size_t> origin_id;
  std::vector<size_t> pkg_origin;
  for (const auto& p : installed) pkg_origin.push_back(origin_id.emplace(p.info.origin, origin_id.size()).first->second);
  std::vector<size_t> parent(origin_id.size());
  std::iota(parent.begin(), parent.end(), size_t{0});
  std::map<std::string, size_t, std::less<>> by_name;
  for (size_t i = 0; i < installed.size(); ++i) by_name[installed[i].info.name] = i;

  for (size_t i = 0; i < installed.size(); ++i) {
    for (const auto& r : installed[i].info.replaces) {
      auto dep = apk::parse_dependency(r);
      if (!dep || dep->conflict) continue;
      auto other = by_name.find(dep->name);
      if (other == by_name.end() || !dep->matches_version(installed[other->second].info.version)) continue;
      size_t a = find_root(parent, pkg_origin[i]), b = find_root(parent, pkg_origin[other->second]);
      if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
  }

  std::map<size_t, LayerGroup> by_root;
  for (size_t i = 0; i < installed.size(); ++i) {
    LayerGroup& g = by_root[find_root(parent, pkg_origin[i])];
    g.packages.push_back(i);
    g.size += installed[i].info.installed_size;
    g.tiebreaker = std::max(g.tiebreaker, installed[i].info.name);
  }
  std::vector<LayerGroup> groups;
  for (auto& [root, g] : by_root) groups.push_back(std::move(g));
  std::sort(groups.begin(), groups.end(), [](const LayerGroup& a, const LayerGroup& b) {
    if (a.size != b.size) return a.size > b.size;
    return a.tiebreaker < b.tiebreaker;
  });

  if (budget < 0) budget = 0;
  if (groups.size() > static_cast<unsigned long long>(budget)) {
    size_t keep = budget > 1 ? static_cast<size_t>(budget - 1) : 0;
    LayerGroup rest = merge_groups(groups.begin() + static_cast<std::ptrdiff_t>(keep), groups.end());
    groups.resize(keep);
    groups.push_back(std::move(rest));
  }
  for (auto& g : groups)
    std::sort(g.packages.begin(), g.packages.end(), [&](size_t a, size_t b) {
      const auto &na = installed[a].info.name, &nb = installed[b].info.name;
      return na != nb ? na < nb : a < b;
    });
  return groups;
}

LayerAssignment assign_layers(const rootfs::Tree& tree, const std::vector<apk::InstalledPackage>& installed,
                              const std::vector<LayerGroup>& groups) {
  LayerAssignment a;
  a.groups = groups.size();
  for (size_t g = 0; g < groups.size(); ++g) {
    std::vector<apk::InstalledPackage> records;
    std::string desc;
    for (size_t i : groups[g].packages) {
      const auto& p = installed[i];
      records.push_back(p);
      desc += (desc.empty() ? "" : " ") + p.info.name + "=" + p.info.version;
      for (const auto& d : p.dirs) {
        for (const auto& f : d.files) {
          std::string listed = d.path.empty() ? f.name : d.path + "/" + f.name;
          auto canon = tree.canonical(listed, rootfs::Follow::kNoFollow);
          if (!canon) continue;
          auto node = tree.lookup(*canon);
          if (!node || (*node)->is_dir()) continue;
          a.owned[*canon] = g;
        }
      }
    }
    a.partial_dbs.push_back(apk::write_installed_db(records));
    a.descriptions.push_back(std::move(desc));
  }
  a.descriptions.push_back("top");
  return a;
}

rootfs::LayerFilter layer_filter(const LayerAssignment& a, size_t layer) {
  return [&a, layer](const std::string& path, const rootfs::Node& n) -> rootfs::LayerPick {
    auto it = a.owned.find(path);
    if (layer >= a.groups) return {n.is_dir() || it == a.owned.end(), nullptr};
    if (n.is_dir()) return {};
    if (it != a.owned.end()) return {it->second == layer, nullptr};
    if (path == kInstalledDbPath && n.type == rootfs::NodeType::kFile) return {true, &a.partial_dbs[layer]};
    return {};
  };
}

rootfs::ParentMtime layer_parent_mtime(const LayerAssignment& a, size_t layer) {
  return layer < a.groups ? rootfs::ParentMtime::kEntry : rootfs::ParentMtime::kTree;
}

}  // namespace apko
