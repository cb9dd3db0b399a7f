// The SPDX 2.3 SBOM melange puts inside each package at
// var/lib/db/sbom/<name>-<ver>-rN.spdx.json: the distribution (operating system)
// package, the apk itself (purl pkg:apk/<ns>/<name>@<ver>-rN?arch=&distro=) with
// its license and copyright, the build configuration file the apk is DESCRIBED_BY,
// and the upstream sources (fetch / git-checkout) it was GENERATED_FROM.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sbom {

// A fetched source: a tarball (url + sha256) or a git checkout (url + commit as version).
struct SourceRef {
  std::string name, version, url, sha256, purl;  // purl optional: derived from url when empty
};

struct PackageSbomInput {
  std::string name, version /*ver-rN*/, arch;
  std::string license;    // SPDX expression; anything else becomes a LicenseRef-
  std::string copyright;  // may be empty
  std::string namespace_; // distribution / purl namespace (wolfi); default "unknown"
  std::string config_path, config_repo_url, config_commit;
  std::string config_license;  // the configuration file's own license (melange --license); empty: NOASSERTION
  int64_t created_epoch = 0;
  std::vector<SourceRef> sources;
  std::string tool_version;
};

std::string package_sbom_json(const PackageSbomInput& in);

}  // namespace sbom
