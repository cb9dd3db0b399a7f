// The packaging half of `melange build`: lint and emit every package of a compiled build
// from the workspace's melange-out/<name> into a staging repository, and publishing the
// staged packages into --out-dir once everything (tests included) has passed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "apk/package_info.hpp"
#include "apk/package_writer.hpp"
#include "base/error.hpp"
#include "melange/compile.hpp"

namespace melange {

struct PackagingInput {
  const CompiledBuild* build = nullptr;
  std::filesystem::path workspace;   // holds melange-out/<name>
  std::filesystem::path staging;     // packages go to <staging>/<arch>/
  const apk::SigningKey* key = nullptr;
  std::string config_yaml;           // embedded as .melange.yaml
  std::string config_path;           // named in the SBOM
  std::map<uint32_t, std::string> user_names, group_names;
};

struct StagedPackage {
  apk::PackageInfo info;
  std::filesystem::path path;  // in the staging dir
};

// Lints every package (findings logged; an error-level finding fails with one line naming
// the package, the linter and the path), then emits them and indexes the staging repository.
base::Result<std::vector<StagedPackage>> package_all(const PackagingInput& in);

// The PackageInfo of a compiled package (version = full version, origin = main package).
base::Result<apk::PackageInfo> compiled_package_info(const CompiledBuild& build, const CompiledPackage& pkg);

// Moves staged packages into <out>/<arch>/ (atomic renames, copies across filesystems),
// then, when `index`, merges them into <out>/<arch>/APKINDEX.tar.gz (signed with key), and
// when `build_log`, appends "arch|origin|name|version" lines to <out>/packages.log.
enum class UpdateIndex { kNo, kYes };
enum class BuildLog { kNo, kYes };
base::Status publish(const std::vector<StagedPackage>& staged, const std::filesystem::path& out_dir,
                     const std::string& arch, const apk::SigningKey* key, UpdateIndex index, BuildLog build_log);

}  // namespace melange
