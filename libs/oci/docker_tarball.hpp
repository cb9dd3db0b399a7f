// A `docker load` / `podman load` tarball that is at the same time an OCI image
// layout archive (`oci-archive:`), written deterministically and atomically.
//
// Entries, in this order, all root-owned with mtime 0:
//   blobs/  blobs/sha256/  blobs/sha256/<hex>...   (sorted by digest; configs, layers,
//                                                   manifests, the index)
//   oci-layout
//   index.json      the image index, each entry annotated with
//                   org.opencontainers.image.ref.name = its tag and
//                   io.containerd.image.name = its full name (as `docker save` does)
//   manifest.json   docker's format: [{"Config": "blobs/sha256/<hex>", "RepoTags": [...],
//                   "Layers": ["blobs/sha256/<hex>", ...]}], pointing at the same blobs
// Tags: one image loads as `repo:tag`; several load as `repo:tag-<arch>` each (arm/v7
// becomes `tag-armv7`, so arm/v6 and arm/v7 do not collide as in the original).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "oci/image.hpp"

namespace oci {

// The RepoTags entry per image (same order as `images`): "repo:tag" or "repo:tag-<arch>".
base::Result<std::vector<std::string>> docker_tags(const std::string& tag, const std::vector<Image>& images);

base::Status write_docker_tarball(const std::filesystem::path& out, const std::string& tag,
                                  const std::vector<Image>& images, const Index& index);

}  // namespace oci
