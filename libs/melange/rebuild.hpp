// `melange rebuild PKG.apk...`: build a package again from what it records about its own
// build, and compare the result with it byte for byte (a reproducibility check).
//
// What a package records, and where (as melange recovers it):
//   - the configuration: .melange.yaml in the control member, with the build environment
//     locked to the exact packages that were installed ("name=version"), so the rebuild
//     resolves the same build root;
//   - the configuration file's name: the FILE package of the SBOM inside the package
//     (var/lib/db/sbom/<name>-<version>.spdx.json), which the rebuilt SBOM names again;
//   - the build time (SOURCE_DATE_EPOCH): .PKGINFO builddate (absent = 0);
//   - the architecture: .PKGINFO arch;
//   - the namespace: .PKGINFO maintainer (melange reads the SBOM supplier and lowercases
//     it; the maintainer line is the same value, unchanged).
// Not recorded, so given again on the command line: the signing key (same key, same
// signature: RSA PKCS#1 v1.5 is deterministic), the source directory (default: an empty
// workspace), the repositories and keys passed with -r/-k, the source cache.
// One build per origin: a second package of an already rebuilt origin is only compared.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "apk/package.hpp"
#include "base/error.hpp"
#include "melange/build.hpp"
#include "melange/package_diff.hpp"

namespace melange {

struct RebuildSource {
  std::string name, version, arch, origin;
  std::string config_yaml;  // .melange.yaml
  std::string config_name;  // the SBOM's FILE package ("hello.yaml")
  // Its version (the commit), download location (the repository URL) and declared license,
  // each empty when the SBOM has NOASSERTION or nothing: the rebuild passes them on as
  // --git-commit, --git-repo-url and --license so that its SBOM says the same.
  std::string config_commit, config_repo_url, config_license;
  std::string namespace_;   // .PKGINFO maintainer
  long long build_date = 0; // .PKGINFO builddate
  std::string recipe_hash;  // .PKGINFO `# recipe = ` (carried over: the rebuild compiles the locked config)
};

// Errors name the package and what is missing (no .melange.yaml, no SBOM, no FILE package).
base::Result<RebuildSource> rebuild_source(const apk::Package& pkg);

struct RebuildOptions {
  // Runner, signing key, out dir, -r/-k/--mirror, caches, source dir, network, tests...
  // config_file, archs, namespace_, build_date and source_date_epoch are set per package.
  BuildOptions build;
  std::vector<std::filesystem::path> packages;
  bool diff = true;  // compare each rebuilt package with its original
};

struct RebuildResult {
  std::filesystem::path original, rebuilt;
  bool compared = false;
  PackageDiff diff;  // when compared
};

base::Result<std::vector<RebuildResult>> rebuild(const RebuildOptions& opts);

}  // namespace melange
