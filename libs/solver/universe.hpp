// The candidate packages a solve chooses from: every package of every repository, for
// one architecture, with dependency strings parsed once and names interned.
//
// A "name" is anything a dependency can ask for: a package name ("busybox") or a
// provided name ("so:libc.musl-aarch64.so.1", "cmd:sh", "pc:zlib"). Each name knows its
// providers. A provider is either the package of that name, a VERSIONED provide
// ("p:so:libc.so.6=6", which behaves like a package name: at most one provider of it is
// installed) or an UNVERSIONED provide ("p:cmd:sh", which only satisfies unversioned
// dependencies and never excludes other providers).
//
// A package is identified by its checksum (C:), as in apk-tools: an index entry whose checksum
// an earlier entry already has is that package (it becomes available from one more
// repository; the later entry's other fields are ignored). The same name-version with
// different checksums is two packages; the solver prefers the repository with the higher
// priority, then the lower index.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "apk/dependency.hpp"
#include "apk/package_info.hpp"
#include "base/error.hpp"

namespace solver {

struct Repository {
  std::string tag;  // "" = untagged; "@local" repositories have tag "local"
  int priority = 0; // higher wins between equal candidates
  std::string url;
};

using NameId = uint32_t;
using PkgId = uint32_t;
inline constexpr uint32_t kNone = 0xffffffffu;

namespace detail {

// A parsed dependency of a package (or of the world).
struct Dep {
  NameId name = kNone;
  uint8_t op = apk::kOpAny;
  bool conflict = false;
  uint32_t tag = 0;  // tag id (0 = untagged); only world dependencies carry one
  std::string version;
  std::string text;  // as written, for messages

  bool versioned() const { return (op & apk::kOpAny) != apk::kOpAny; }
};

// One way a package provides a name.
struct Provider {
  PkgId pkg;
  uint32_t provide;  // index into Pkg::provides, or kNone for the package's own name
};

struct Pkg {
  NameId name = kNone;
  std::string version;      // copy of PackageInfo::version, kept here for locality
  uint32_t origin = kNone;  // interned origin (the name when the index has none)
  size_t repo = 0;          // the preferred repository serving it (higher priority, then lower index)
  uint64_t tags = 0;        // bit t: a repository with tag id t serves it (bit 0: an untagged one)
  // Why the package can never be installed, as apk-tools refuses it: it provides its own
  // name, provides one name twice (once with a version), or conflicts ("!name") with a name
  // it provides. Empty for ordinary packages.
  std::string self_conflict;
  int64_t provider_priority = 0;
  std::vector<Dep> depends;
  std::vector<Dep> install_if;
  struct Provide {
    NameId name;
    std::string version;  // empty = unversioned
  };
  std::vector<Provide> provides;
};

struct Name {
  std::string text;
  std::vector<Provider> providers;
  std::vector<PkgId> rdepends;     // packages with a dependency on this name
  std::vector<PkgId> rinstall_if;  // packages with an install_if condition on this name
  // The names those packages are found under (their own and the ones they provide), as
  // apk-tools lists them; discovery walks these.
  std::vector<NameId> rinstall_if_names;
  bool has_versioned = false;      // the package of this name or a versioned provide
  bool has_unversioned = false;    // an unversioned provide
  // 0: no unversioned providers, 1: some, 2: all (apk-tools resolves such names last).
  int virtual_class() const { return !has_unversioned ? 0 : has_versioned ? 1 : 2; }
};

}  // namespace detail

class Universe {
 public:
  // Adds a package from repository `repo_index`. Returns its id: an existing one when a
  // package with the same checksum was added before. Parses depends, provides and
  // install_if; errors name the package ("foo-1.0-r0: ...").
  base::Result<size_t> add(const apk::PackageInfo& pkg, size_t repo_index);
  size_t add_repository(Repository r);

  const apk::PackageInfo& package(size_t id) const { return infos_[id]; }
  size_t size() const { return infos_.size(); }
  // The preferred repository of a package (see Pkg::repo); a package whose checksum several
  // repositories share is served by each of them.
  size_t repository_of(size_t id) const { return pkgs_[id].repo; }
  const Repository& repository(size_t index) const { return repos_[index]; }
  size_t repository_count() const { return repos_.size(); }

  // Solver internals.
  NameId find_name(std::string_view text) const;  // kNone if unknown
  const detail::Name& name(NameId id) const { return names_[id]; }
  size_t name_count() const { return names_.size(); }
  const detail::Pkg& pkg(PkgId id) const { return pkgs_[id]; }
  size_t origin_count() const { return origin_ids_.size(); }
  uint32_t repo_tag(size_t repo) const { return repo_tags_[repo]; }
  // Tag id of "local" for "@local"; 0 for ""; kNone if no repository has the tag.
  uint32_t find_tag(std::string_view tag) const;
  const std::string& tag_name(uint32_t tag) const { return tags_[tag]; }
  // Version a provider offers for its name; empty for an unversioned provide.
  std::string_view provided_version(const detail::Provider& p) const;
  // A world dependency against this universe's names; `name` is kNone for a name no
  // package mentions, `tag` is kNone for a tag no repository has.
  detail::Dep make_dep(const apk::Dependency& d) const;

 private:
  NameId intern(std::string_view text);
  std::string self_conflict(const detail::Pkg& pkg) const;
  uint32_t intern_origin(std::string_view text);
  base::Result<std::vector<detail::Dep>> parse_list(const std::vector<std::string>& list);

  std::vector<apk::PackageInfo> infos_;
  std::vector<detail::Pkg> pkgs_;
  std::vector<detail::Name> names_;
  std::unordered_map<std::string, NameId> name_ids_;
  std::unordered_map<std::string, uint32_t> origin_ids_;
  std::unordered_map<std::string, PkgId> by_checksum_;
  std::vector<Repository> repos_;
  std::vector<uint32_t> repo_tags_;
  std::vector<std::string> tags_{""};
};

}  // namespace solver
