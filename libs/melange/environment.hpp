// The root a melange build (or test) runs in, assembled from `environment:` like apko does:
//
//   repositories = environment.contents.repositories + build_repositories + -r (in that order;
//                  earlier wins between identical name-versions), mirrors applied
//                  ($APK_MIRRORS, then --mirror FROM=TO), relative paths relative to the
//                  working directory (as apko);
//   keyring      = environment.contents.keyring + -k;
//   packages     = environment.contents.packages (already holding every step's `needs`)
//                  + EnvironmentOptions::package_append;
//   -> solver -> rootfs::Installer into a rootfs::Tree on top of apko's base skeleton ->
//   apk database files -> `accounts:` users and groups added to etc/passwd / etc/group
//   (melange's build user 1000 comes from compile()) -> the directories the runners mount
//   onto (home/build, var/cache/melange, tmp, dev, proc) -> materialize() into a fresh
//   directory on disk.
//
// Steps run as `accounts.run-as` when set (a user name from etc/passwd or a number), else
// as root (uid 0 inside the sandbox; under bubblewrap that is the invoking host user).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "apk/arch.hpp"
#include "apk/installed_db.hpp"
#include "base/error.hpp"
#include "base/fs.hpp"
#include "config/image_config.hpp"
#include "rootfs/tree.hpp"

namespace melange {

struct EnvironmentOptions {
  std::vector<std::string> repository_append;  // -r/--repository-append
  std::vector<std::string> keyring_append;     // -k/--keyring-append
  std::vector<std::string> package_append;     // e.g. the package under test
  std::vector<std::string> mirrors;            // --mirror FROM=TO (merged over $APK_MIRRORS)
  std::filesystem::path apk_cache_dir;         // downloaded indexes and packages; empty = none
  bool ignore_signatures = false;
  unsigned threads = 0;  // download threads; 0 = all cores
  std::string what = "build environment";  // names the root in errors
};

struct Environment {
  rootfs::Tree tree;
  std::vector<apk::InstalledPackage> installed;  // install order
  uint32_t run_uid = 0, run_gid = 0;
  std::map<uint32_t, std::string> user_names, group_names;  // from etc/passwd, etc/group
};

base::Result<Environment> assemble_environment(const config::ImageConfig& env, const apk::Arch& arch,
                                               const EnvironmentOptions& opts);

// Writes the tree into a new directory "<prefix>XXXXXX" under `parent` ($TMPDIR when empty).
base::Result<base::TempDir> materialize_environment(const Environment& env, const std::filesystem::path& parent,
                                                    std::string_view prefix = "melange-guest-");

// Adds users and groups to the tree's etc/passwd and etc/group (lines of the same name are
// replaced; others kept), creating missing home directories owned by the user.
base::Status add_accounts(rootfs::Tree& tree, const config::Accounts& accounts);

// uid:gid from a name (looked up in etc/passwd) or "uid[:gid]"; "" = 0:0.
base::Result<std::pair<uint32_t, uint32_t>> resolve_run_as(const rootfs::Tree& tree, const std::string& run_as);

// uid -> name of "name:x:uid:..." lines (etc/passwd or etc/group text).
std::map<uint32_t, std::string> parse_id_names(std::string_view text);

}  // namespace melange
