// Turning a package's output directory (melange-out/<name>) into a signed .apk, as
// melange's emit step does, and updating the repository index.
//
// emit_package():
//   1. SCA (melange/sca.hpp) adds generated depends/provides to the YAML's lists;
//   2. the SPDX SBOM is written INTO the package dir at
//      var/lib/db/sbom/<name>-<ver>-r<epoch>.spdx.json, mode 0644 (never world-writable:
//      GHSA-5662), so it is part of the data member;
//   3. the data tar is built (apk/data_tar.hpp; mtimes = build time). Owners: see
//      BuildOwners; every other owner (a `chown 123:456` in a step run as root) is kept;
//   4. .PKGINFO (apk/pkginfo.hpp; builddate left out when the build time is 0; the
//      SCA's vendored entries as `# vendored = ` lines, as melange writes them),
//      .melange.yaml (the compiled configuration) and the scriptlets (.pre-install,
//      .post-install, .pre-deinstall, .post-deinstall, .pre-upgrade, .post-upgrade,
//      .trigger; mode 0755; trigger paths go to .PKGINFO `triggers`) form the control
//      member, signed when a key is given;
//   5. the package is written atomically (temp file + rename) to
//      <out>/<arch>/<name>-<ver>-r<epoch>.apk.
// Any failure leaves nothing new in the out dir (the SBOM file written in step 2 is
// removed again if a later step fails). Same inputs, same bytes.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "apk/data_tar.hpp"
#include "apk/package_info.hpp"
#include "apk/package_writer.hpp"
#include "base/error.hpp"
#include "config/build_config.hpp"
#include "melange/sca.hpp"
#include "sbom/package_sbom.hpp"

namespace melange {

// Which owners of the files in melange-out/<name> are the build's own, written as root
// (0:0) in the package. melange maps only the guest's `build` user/group (1000 unless the
// config's accounts say otherwise). We also map the host ids that files the build creates
// get on disk: under bubblewrap or docker run by a non-root user every guest id lands on
// disk as that user, and leaking it into packages would make them depend on who built
// them. When the host id is 0 (melange run as root) it needs no mapping, and the guest's
// ids reach the disk as they are, so a deliberate `chown 123:456` is kept.
struct BuildOwners {
  uint32_t host_uid = 0, host_gid = 0;        // owner on the host of files the build creates
  uint32_t build_uid = 1000, build_gid = 1000;  // the `build` account inside the guest
};

// The one uid (gid) the data tar maps to 0 for `o` (apk::DataTarOptions maps a single id):
// the host id when it is not 0, else the build user's. Nothing is lost: with a non-root
// host id every file the build writes is owned by that id, so no file can carry the build
// user's id unless both are the same.
std::pair<uint32_t, uint32_t> mapped_owner(const BuildOwners& o);

struct EmitInput {
  std::filesystem::path package_dir;  // melange-out/<name>
  // name, version ("ver-rN"), arch, origin, description, url, commit, license,
  // maintainer, build_time, and the YAML's depends/provides/replaces/priorities.
  apk::PackageInfo info;
  bool no_provides = false, no_depends = false, no_commands = false;
  std::vector<std::filesystem::path> related_dirs;  // other melange-out/* dirs of the build (SCA)
  std::optional<config::Scriptlets> scriptlets;
  std::string config_yaml;                      // .melange.yaml; left out when empty
  std::optional<sbom::PackageSbomInput> sbom;   // name/version/arch/license filled from `info` when empty
  const apk::SigningKey* key = nullptr;
  std::filesystem::path out_dir;
  std::map<uint32_t, std::string> user_names, group_names;  // uname/gname in the data tar
  BuildOwners owners;
};

struct EmitResult {
  apk::PackageInfo info;  // as written, with datahash, checksum, package_size
  std::filesystem::path path;
  ScaResult sca;
};

base::Result<EmitResult> emit_package(const EmitInput& in);

// The .PKGINFO metadata emit_package() writes, without writing anything: `in.info` with
// SCA's depends/provides/vendored for in.package_dir (step 1) and the trigger paths of
// in.scriptlets (step 4). installed_size, datahash and checksum are left as given.
// `melange scan` regenerates an existing package's .PKGINFO with it.
struct AnalyzedInfo {
  apk::PackageInfo info;
  ScaResult sca;
};
base::Result<AnalyzedInfo> analyzed_package_info(const EmitInput& in);

// <out>/<arch>/<name>-<version>.apk
std::filesystem::path package_output_path(const std::filesystem::path& out_dir, const apk::PackageInfo& info);

// Merges `packages` into <out>/<arch>/APKINDEX.tar.gz (created if absent), keeping the
// entries of other packages, and signs it when a key is given. Atomic.
base::Status update_repository_index(const std::filesystem::path& out_dir, const std::string& arch,
                                     const std::vector<std::filesystem::path>& packages, const apk::SigningKey* key);

}  // namespace melange
