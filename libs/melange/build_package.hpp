// The packaging half of `melange build`: lint and emit every package of a compiled build
// from the workspace's melange-out/<name> into a staging repository, and publishing the
// staged packages into --out-dir once everything (tests included) has passed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "apk/installed_db.hpp"
#include "apk/package_info.hpp"
#include "apk/package_writer.hpp"
#include "base/error.hpp"
#include "melange/compile.hpp"
#include "melange/emit.hpp"

namespace melange {

struct PackagingInput {
  const CompiledBuild* build = nullptr;
  std::filesystem::path workspace;   // holds melange-out/<name>
  std::filesystem::path staging;     // packages go to <staging>/<arch>/
  const apk::SigningKey* key = nullptr;
  std::string config_yaml;           // embedded as .melange.yaml (see embedded_config_yaml)
  std::string config_path;           // named in the SBOM
  // The configuration's license, commit and repository URL in the SBOM (empty: not known).
  std::string config_license, config_commit, config_repo_url;
  bool strip_origin_name = false;    // each subpackage its own origin (--strip-origin-name)
  std::optional<std::vector<std::string>> lint_require, lint_warn;  // replace the defaults
  std::map<uint32_t, std::string> user_names, group_names;
  // Owner on the host of the files the build creates (the melange process's uid/gid for
  // the bubblewrap and docker runners); mapped to root with the guest's `build` account.
  uint32_t host_uid = 0, host_gid = 0;
};

struct StagedPackage {
  apk::PackageInfo info;
  std::filesystem::path path;  // in the staging dir
};

// Lints every package (findings logged; an error-level finding fails with one line naming
// the package, the linter and the path), then emits them and indexes the staging repository.
base::Result<std::vector<StagedPackage>> package_all(const PackagingInput& in);

// The PackageInfo of a compiled package, the one place it is made: name, version = full
// version, arch, origin = main package, description, url and commit (the main package's
// when the subpackage has none), maintainer = namespace (or "unknown"), build time = the
// source date epoch, the YAML's depends/provides/replaces/priorities, and the licenses:
// one .PKGINFO line per copyright entry of the main package, as melange writes them, or of
// the subpackage when it has its own (our extension; melange's subpackages have no
// `copyright:`). `license` is their " AND " join (APKINDEX, SBOM). Fails on a non-integer
// provider/replaces priority.
base::Result<apk::PackageInfo> compiled_package_info(const CompiledBuild& build, const CompiledPackage& pkg);

// The uid/gid of the guest's `build` user and group (compile() adds 1000:1000 unless the
// config's accounts define them), with `host_uid`/`host_gid` as given.
BuildOwners build_owners(const CompiledBuild& build, uint32_t host_uid, uint32_t host_gid);

// The .melange.yaml melange embeds: its configuration as compiled for this build, YAML.
// As melange: the environment is the compiled one (build account, default environment
// variables, `needs` folded into the packages) locked to what was installed ("name=version"
// of every installed package, sorted), `archs` is the build's arch (OCI name, "amd64"),
// repository credentials redacted. Differences (our config model keeps no compiled
// pipeline tree): pipelines, subpackages and tests are written as parsed, with `uses:`
// steps not inlined, ${{...}} not substituted and subpackage `range:`s not expanded.
// parse_build_config() reads the result back (`melange lint <apk>` does).
std::string embedded_config_yaml(const config::BuildConfig& config, const CompiledBuild& build,
                                 const std::vector<apk::InstalledPackage>& installed);

// Moves staged packages into <out>/<arch>/ (atomic renames, copies across filesystems),
// then, when `index`, merges them into <out>/<arch>/APKINDEX.tar.gz (signed with key), and
// when `build_log`, appends "arch|origin|name|version" lines to <out>/packages.log.
enum class UpdateIndex { kNo, kYes };
enum class BuildLog { kNo, kYes };
base::Status publish(const std::vector<StagedPackage>& staged, const std::filesystem::path& out_dir,
                     const std::string& arch, const apk::SigningKey* key, UpdateIndex index, BuildLog build_log);

}  // namespace melange
