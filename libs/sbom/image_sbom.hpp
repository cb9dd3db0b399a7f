// SPDX 2.3 SBOMs of apko images: one per architecture (`sbom-<apkarch>.spdx.json`)
// listing the image, its layer, the operating system and EVERY installed apk package
// (from the installed database, not only packages that ship their own SBOM), and
// one for the multi-arch index whose per-arch images are VARIANT_OF the index.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sbom {

// One installed package, as recorded in lib/apk/db/installed.
struct PackageRef {
  std::string name, version, arch, license, origin, description, url, supplier;
  std::string checksum_sha1_hex;  // optional: hex SHA-1 of the package's control section
  std::vector<std::string> depends_on_names;  // names of other installed packages it depends on
};

struct ImageSbomInput {
  std::string image_digest;  // sha256:<hex> of the image manifest
  std::string image_name;    // repository basename, used in the image purl
  std::string arch;          // OCI architecture (amd64, arm64, ...)
  std::string os_id, os_name, os_version;  // from /etc/os-release ID, NAME, VERSION_ID
  std::string layer_digest;  // sha256:<hex> of the (first) compressed layer
  int64_t created_epoch = 0;
  std::string namespace_;    // purl namespace of the packages (wolfi, alpine); defaults to os_id
  std::vector<PackageRef> packages;
  std::string tool_version;
};

// Deterministic bytes: fixed key order, 2-space indent, trailing newline.
std::string image_sbom_json(const ImageSbomInput& in);

struct IndexSbomInput {
  std::string index_digest, image_name;
  int64_t created_epoch = 0;
  std::vector<std::pair<std::string /*OCI arch*/, std::string /*image digest*/>> images;
  std::string tool_version;
};

std::string index_sbom_json(const IndexSbomInput& in);

}  // namespace sbom
