// OCI image layout (image-spec image-layout.md) on disk:
//   <dir>/oci-layout        {"imageLayoutVersion": "1.0.0"}
//   <dir>/index.json        the image index itself (entries are the per-arch manifests)
//   <dir>/blobs/sha256/<hex> every config, layer, manifest and the index blob
// plus the blob list and streaming helpers the docker tarball writer shares.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "oci/image.hpp"

namespace oci {

// One blob: in memory (`data`) or a file on disk (`file`, e.g. a compressed layer).
struct BlobRef {
  std::string digest;
  int64_t size = 0;
  std::string data;
  std::filesystem::path file;
};

// Every blob of the images and the index, sorted by digest, each once.
std::vector<BlobRef> collect_blobs(const std::vector<Image>& images, const Index& index);

// Calls `chunk` with the blob's bytes in order, verifying size and sha256 digest
// (a file that changed since the layer was built is an error naming it).
base::Status read_blob(const BlobRef& blob, const std::function<base::Status(std::string_view)>& chunk);

// The oci-layout file's content (4-space indented JSON, no trailing newline).
std::string oci_layout_file();

// Writes the layout into `dir` (created if missing; existing blobs with the right
// size are kept). index.json is written last and atomically.
base::Status write_oci_layout(const std::filesystem::path& dir, const std::vector<Image>& images, const Index& index);

}  // namespace oci
