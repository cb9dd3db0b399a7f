// The root a melange build (or test) runs in: an apko-assembled root (apko/plan.hpp,
// apko/build.hpp assemble_rootfs) from `environment:`, plus what melange needs on top.
//
// apko's part: repositories = environment.contents.repositories + build_repositories + -r
// (in that order; earlier wins between identical name-versions; all of them end up, sorted,
// in etc/apk/repositories), mirrors ($APK_MIRRORS, then --mirror FROM=TO), keyring =
// environment.contents.keyring + -k, packages = environment.contents.packages (already
// holding every step's `needs`) + EnvironmentOptions::package_append -> solver -> installer
// on apko's base skeleton -> apk database -> apko's post-install steps (`accounts:` users
// and groups, melange's build user 1000 coming from compile(); busybox applet links).
//
// melange's part: a /bin/sh check, the directories the runners mount onto (home/build 0755,
// var/cache/melange, tmp, dev, proc, sys) and etc/resolv.conf, the uid:gid steps run as,
// the uid/gid names for packaging, and materialize() into a fresh directory on disk.
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
  std::string config_key = "environment.";  // where the config sits in the YAML, for hints
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

// uid:gid from a name (looked up in etc/passwd) or "uid[:gid]"; "" = 0:0.
base::Result<std::pair<uint32_t, uint32_t>> resolve_run_as(const rootfs::Tree& tree, const std::string& run_as);

}  // namespace melange
