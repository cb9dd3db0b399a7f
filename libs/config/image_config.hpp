// apko image configuration (the YAML given to `apko build`, also melange's `environment:`).
//
// Keys follow apko's pkg/build/types (yaml names such as `stop-signal`, `run-as`,
// `build_repositories`). Parsing is strict: unknown keys, duplicate keys and wrong types fail
// with "<file>:<line>: ...". `include:` is resolved (deprecated in apko, still supported):
// the included file is the base, the including file wins, lists are concatenated base-first.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "config/yaml_util.hpp"

namespace config {

struct NamedContent {  // runtime_keyring and certificates.additional entries
  std::string name;
  std::string content;
};

struct BaseImage {
  std::string image;     // local OCI layout
  std::string apkindex;  // dir holding <arch>/APKINDEX in installed-db format
};

struct ImageContents {
  std::vector<std::string> repositories;          // build time and /etc/apk/repositories
  std::vector<std::string> build_repositories;    // build time only
  std::vector<std::string> runtime_repositories;  // image only
  std::vector<std::string> keyring;               // paths or http(s) URLs
  std::vector<NamedContent> runtime_keyring;      // written to /etc/apk/keys/<name>
  std::vector<std::string> packages;
  std::optional<BaseImage> baseimage;
};

struct Entrypoint {
  std::string type;  // only "service-bundle" means anything
  std::string command;
  std::string shell_fragment;
  OrderedMap services;
  bool empty() const { return type.empty() && command.empty() && shell_fragment.empty() && services.empty(); }
};

struct User {
  std::string username;
  uint32_t uid = 0;
  std::optional<uint32_t> gid;  // defaults to uid
  std::string shell;            // defaults to /bin/sh (applied by the image builder)
  std::string homedir;          // defaults to /home/<username>
  int line = 0;
};

struct Group {
  std::string groupname;
  uint32_t gid = 0;
  std::vector<std::string> members;
  int line = 0;
};

struct Accounts {
  std::string run_as;
  std::vector<User> users;
  std::vector<Group> groups;
  bool empty() const { return run_as.empty() && users.empty() && groups.empty(); }
};

enum class PathType { kDirectory, kEmptyFile, kHardlink, kSymlink, kPermissions };
std::string_view path_type_name(PathType t);

struct PathMutation {
  std::string path;
  PathType type = PathType::kDirectory;
  std::optional<uint32_t> uid;  // chown happens only if uid or gid is set
  std::optional<uint32_t> gid;
  uint32_t permissions = 0;  // YAML accepts 493, 0755, 0o755 or "0755"
  std::string source;
  bool recursive = false;
  int line = 0;
};

struct Layering {
  std::string strategy;  // "origin" or empty
  long long budget = 0;
};

struct Certificates {
  std::vector<NamedContent> additional;
  std::vector<std::string> providers;
};

struct ImageConfig {
  ImageContents contents;
  Entrypoint entrypoint;
  std::string cmd;
  std::string stop_signal;
  std::string work_dir;
  Accounts accounts;
  std::vector<std::string> archs;  // as written; apk::parse_arch validates them
  OrderedMap environment;
  std::vector<PathMutation> paths;
  std::string include;
  std::string vcs_url;
  OrderedMap annotations;
  std::vector<std::string> volumes;
  std::optional<Layering> layering;
  Certificates certificates;
  std::string format;  // "", "tar" or "erofs"

  // Filled by load_image_config: the file read first and the checksum over it and its includes.
  std::string source_file;
  std::string checksum;
};

struct LoadOptions {
  // Extra directories searched for `include:` targets (apko --include-paths).
  std::vector<std::filesystem::path> include_paths;
};

// Parses one mapping node as an image configuration (no include resolution, no apko-only
// checks). `context` prefixes unknown-key messages, e.g. "environment".
base::Result<ImageConfig> parse_image_config_node(const YAML::Node& node, std::string_view file,
                                                  std::string_view context = "image configuration");
// Parses YAML text; no include resolution.
base::Result<ImageConfig> parse_image_config(std::string_view yaml, std::string_view file);

// Reads, parses, resolves `include:` (searched relative to the including file, then as given,
// then under each include path; cycles are errors), trims trailing "/" from repositories and
// checks apko's rules (uid/gid 0 users, baseimage exclusivity, format vs layering).
base::Result<ImageConfig> load_image_config(const std::filesystem::path& file, const LoadOptions& options = {});

// `base` merged under `target` as apko does for include:.
ImageConfig merge_image_configs(const ImageConfig& base, const ImageConfig& target);

// "sha256-" + base64(sha256(concatenation)): the lock file's config.checksum. Pass the main
// file's bytes first, then each included file's bytes in the order they were read.
std::string config_checksum(const std::vector<std::string>& file_contents);

// `@tag url` repository syntax ("@local ./packages"); untagged strings have an empty tag.
struct RepositoryRef {
  std::string tag;
  std::string url;
};
RepositoryRef parse_repository(std::string_view repository);

// Replaces the password of a URL's userinfo with "xxxxx" (Go url.Redacted); others unchanged.
std::string redact_url(std::string_view url);

// JSON (apko's field names) and YAML (for `apko show-config`, credentials redacted).
nlohmann::ordered_json to_json(const ImageConfig& config);
std::string to_yaml(const ImageConfig& config);

}  // namespace config
