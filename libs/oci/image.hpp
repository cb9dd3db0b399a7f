// OCI image-spec v1.1 objects (github.com/opencontainers/image-spec): image config,
// manifest, index and content descriptors, serialized deterministically. Struct
// fields appear in the order of the spec's Go types (image-spec specs-go/v1) and
// map entries sorted by key, as Go's encoding/json writes them; no whitespace.
// Digests are "sha256:" + hex SHA-256 of the exact serialized bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"

namespace oci {

inline constexpr const char* kMediaManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kMediaIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kMediaConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr const char* kMediaLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr const char* kAnnotationRefName = "org.opencontainers.image.ref.name";

struct Platform {
  std::string architecture, os = "linux", variant;
  // "linux/amd64", "linux/arm/v7".
  std::string str() const { return os + "/" + architecture + (variant.empty() ? "" : "/" + variant); }
};

struct Descriptor {
  std::string media_type, digest;
  int64_t size = 0;
  std::map<std::string, std::string> annotations;
  std::optional<Platform> platform;
  std::string artifact_type;
};

struct HistoryEntry {
  std::string created, created_by, author, comment;
  bool empty_layer = false;
};

struct ImageConfigSpec {
  Platform platform;
  std::string created;  // RFC 3339; left out when empty
  std::string author;
  std::vector<std::string> entrypoint, cmd, env;
  std::string working_dir, user, stop_signal;
  std::map<std::string, std::string> labels;
  std::vector<std::string> volumes;
  std::vector<std::string> diff_ids;  // empty: taken from the layers
  std::vector<HistoryEntry> history;
};

struct Layer {
  std::string media_type = kMediaLayerGzip;
  std::string digest;    // sha256:<hex> of the compressed bytes
  std::string diff_id;   // sha256:<hex> of the uncompressed tar
  int64_t size = 0;      // compressed size
  std::filesystem::path file;  // the compressed bytes on disk
};

struct Image {
  std::string config_json, config_digest;
  std::vector<Layer> layers;
  std::string manifest_json, manifest_digest;
  Platform platform;
};

struct Index {
  std::string json, digest;
};

// "sha256:<hex>" of `data`.
std::string sha256_digest(std::string_view data);
// True for "sha256:" followed by 64 lowercase hex digits.
bool valid_sha256_digest(std::string_view digest);

std::string config_json(const ImageConfigSpec& spec);
std::string descriptor_json(const Descriptor& d);

// Builds config and manifest. Errors when a layer lacks a valid digest/diff_id or the
// given diff_ids do not match the layers.
base::Result<Image> make_image(const ImageConfigSpec& spec, std::vector<Layer> layers,
                               const std::map<std::string, std::string>& annotations);

// The multi-platform index; entries sorted by platform string ("linux/amd64" < "linux/arm64").
// `ref_names` (optional, by platform string) add org.opencontainers.image.ref.name annotations.
Index make_index(const std::vector<Image>& images, const std::map<std::string, std::string>& annotations,
                 const std::map<std::string, std::string>& ref_names = {});

// Writes `tar` gzip-compressed to `file` and returns the layer describing it.
base::Result<Layer> layer_from_tar(std::string_view tar, const std::filesystem::path& file, int level = 6);

}  // namespace oci
