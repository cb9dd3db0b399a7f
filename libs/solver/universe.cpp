#include "solver/universe.hpp"

namespace solver {

using detail::Dep;
using detail::Name;
using detail::Pkg;
using detail::Provider;

size_t Universe::add_repository(Repository r) {
  uint32_t tag = 0;
  if (!r.tag.empty()) {
    tag = find_tag(r.tag);
    if (tag == kNone) {
      tag = static_cast<uint32_t>(tags_.size());
      tags_.push_back(r.tag);
    }
  }
  repos_.push_back(std::move(r));
  repo_tags_.push_back(tag);
  return repos_.size() - 1;
}

uint32_t Universe::find_tag(std::string_view tag) const {
  for (size_t i = 0; i < tags_.size(); ++i)
    if (tags_[i] == tag) return static_cast<uint32_t>(i);
  return kNone;
}

NameId Universe::find_name(std::string_view text) const {
  auto it = name_ids_.find(std::string(text));
  return it == name_ids_.end() ? kNone : it->second;
}

NameId Universe::intern(std::string_view text) {
  auto [it, inserted] = name_ids_.try_emplace(std::string(text), static_cast<NameId>(names_.size()));
  if (inserted) names_.push_back(Name{std::string(text), {}, {}, {}, false, false});
  return it->second;
}

uint32_t Universe::intern_origin(std::string_view text) {
  auto [it, inserted] =
      origin_ids_.try_emplace(std::string(text), static_cast<uint32_t>(origin_ids_.size()));
  return it->second;
}

std::string_view Universe::provided_version(const Provider& p) const {
  if (p.provide == kNone) return pkgs_[p.pkg].version;
  return pkgs_[p.pkg].provides[p.provide].version;
}

Dep Universe::make_dep(const apk::Dependency& d) const {
  Dep dep;
  dep.name = find_name(d.name);
  dep.op = d.op;
  dep.conflict = d.conflict;
  dep.version = d.version;
  dep.tag = d.tag.empty() ? 0 : find_tag(d.tag);
  dep.text = d.to_string();
  return dep;
}

base::Result<std::vector<Dep>> Universe::parse_list(const std::vector<std::string>& list) {
  std::vector<Dep> out;
  out.reserve(list.size());
  for (const std::string& text : list) {
    TRY_ASSIGN(apk::Dependency d, apk::parse_dependency(text));
    Dep dep;
    dep.name = intern(d.name);
    dep.op = d.op;
    dep.conflict = d.conflict;
    dep.version = std::move(d.version);
    dep.text = text;
    out.push_back(std::move(dep));
  }
  return out;
}

static void note_provider(Name& n, bool versioned) {
  (versioned ? n.has_versioned : n.has_unversioned) = true;
}

base::Result<size_t> Universe::add(const apk::PackageInfo& info, size_t repo_index) {
  const std::string who = info.name + "-" + info.version;
  if (repo_index >= repos_.size())
    return base::fail(base::ErrorCode::kInternal,
                      who + ": repository index " + std::to_string(repo_index) + " was never added");
  if (info.name.empty())
    return base::fail(base::ErrorCode::kInvalidInput, "package with version " + info.version + " has no name");
  if (!apk::version_is_valid(info.version))
    return base::fail(base::ErrorCode::kInvalidInput, who + ": invalid version \"" + info.version + "\"");

  Pkg pkg;
  pkg.repo = repo_index;
  pkg.provider_priority = info.provider_priority.value_or(0);
  auto deps = parse_list(info.depends);
  if (!deps) return base::fail(base::ErrorCode::kInvalidInput, who + ": depends: " + deps.error().message);
  pkg.depends = std::move(*deps);
  auto iif = parse_list(info.install_if);
  if (!iif) return base::fail(base::ErrorCode::kInvalidInput, who + ": install_if: " + iif.error().message);
  pkg.install_if = std::move(*iif);
  for (const std::string& text : info.provides) {
    apk::Provide p = apk::parse_provide(text);
    if (p.name.empty())
      return base::fail(base::ErrorCode::kInvalidInput, who + ": provides: empty name in \"" + text + "\"");
    if (!p.version.empty() && !apk::version_is_valid(p.version))
      return base::fail(base::ErrorCode::kInvalidInput,
                        who + ": provides: invalid version in \"" + text + "\"");
    pkg.provides.push_back({0, std::move(p.version)});
    pkg.provides.back().name = intern(p.name);
  }
  pkg.name = intern(info.name);
  pkg.version = info.version;
  pkg.origin = intern_origin(info.origin.empty() ? info.name : info.origin);

  const PkgId id = static_cast<PkgId>(pkgs_.size());
  names_[pkg.name].providers.push_back({id, kNone});
  note_provider(names_[pkg.name], true);
  for (uint32_t i = 0; i < pkg.provides.size(); ++i) {
    Name& n = names_[pkg.provides[i].name];
    n.providers.push_back({id, i});
    note_provider(n, !pkg.provides[i].version.empty());
  }
  for (const Dep& d : pkg.depends) {
    auto& r = names_[d.name].rdepends;
    if (r.empty() || r.back() != id) r.push_back(id);
  }
  for (const Dep& d : pkg.install_if) {
    auto& r = names_[d.name].rinstall_if;
    if (r.empty() || r.back() != id) r.push_back(id);
  }
  pkgs_.push_back(std::move(pkg));
  infos_.push_back(info);
  return static_cast<size_t>(id);
}

}  // namespace solver
