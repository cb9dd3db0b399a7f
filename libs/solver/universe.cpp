#include "solver/universe.hpp"

#include <algorithm>

#include "base/hash.hpp"

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
  if (inserted) names_.push_back(Name{std::string(text), {}, {}, {}, {}, false, false});
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

namespace {

// What identifies a package: its checksum's bytes ("Q1" + base64 of a SHA-1, compared
// decoded as apk-tools does, so encodings that differ only in unused bits are one package),
// else the checksum text; "" for a package without checksum (never merged).
std::string identity(const std::string& checksum) {
  if (checksum.size() > 2 && checksum.compare(0, 2, "Q1") == 0) {
    std::string raw;
    if (base::base64_decode(checksum.substr(2), &raw)) return "Q1" + raw;
  }
  return checksum;
}

uint64_t tag_bit(uint32_t tag) { return tag < 64 ? uint64_t{1} << tag : 0; }

}  // namespace

std::string Universe::self_conflict(const Pkg& pkg) const {
  const std::string& own = names_[pkg.name].text;
  for (size_t i = 0; i < pkg.provides.size(); ++i) {
    const auto& a = pkg.provides[i];
    if (a.name == pkg.name) return "it provides its own name \"" + own + "\"";
    for (size_t j = i + 1; j < pkg.provides.size(); ++j) {
      const auto& b = pkg.provides[j];
      if (b.name == a.name && !(a.version.empty() && b.version.empty()))
        return "it provides \"" + names_[a.name].text + "\" twice (" +
               names_[a.name].text + (a.version.empty() ? "" : "=" + a.version) + ", " + names_[b.name].text +
               (b.version.empty() ? "" : "=" + b.version) + ")";
    }
  }
  for (const Dep& d : pkg.depends) {
    if (!d.conflict) continue;
    if (d.name == pkg.name && (!d.versioned() || apk::version_match(pkg.version, d.op, d.version)))
      return "it conflicts with itself (\"" + d.text + "\")";
    for (const auto& pr : pkg.provides) {
      if (pr.name != d.name) continue;
      if (!d.versioned() || (!pr.version.empty() && apk::version_match(pr.version, d.op, d.version)))
        return "it conflicts with a name it provides (\"" + d.text + "\", provides \"" + names_[pr.name].text +
               (pr.version.empty() ? "" : "=" + pr.version) + "\")";
    }
  }
  return {};
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

  const uint64_t tags = tag_bit(repo_tags_[repo_index]);
  std::string key = identity(info.checksum);
  if (!key.empty()) {
    if (auto it = by_checksum_.find(key); it != by_checksum_.end()) {
      Pkg& known = pkgs_[it->second];
      known.tags |= tags;
      const int have = repos_[known.repo].priority, now = repos_[repo_index].priority;
      if (now > have || (now == have && repo_index < known.repo)) known.repo = repo_index;
      return static_cast<size_t>(it->second);
    }
  }

  Pkg pkg;
  pkg.repo = repo_index;
  pkg.tags = tags;
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

  pkg.self_conflict = self_conflict(pkg);

  const PkgId id = static_cast<PkgId>(pkgs_.size());
  if (!key.empty()) by_checksum_.emplace(std::move(key), id);
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
    auto& rn = names_[d.name].rinstall_if_names;
    auto note = [&rn](NameId m) {
      if (std::find(rn.begin(), rn.end(), m) == rn.end()) rn.push_back(m);
    };
    note(pkg.name);
    for (const auto& pr : pkg.provides) note(pr.name);
  }
  pkgs_.push_back(std::move(pkg));
  infos_.push_back(info);
  return static_cast<size_t>(id);
}

}  // namespace solver
