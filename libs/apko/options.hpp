// The knobs of one apko run, mirroring the command-line flags of `apko build` / `publish` /
// `lock` / `show-packages` (docs/apko.md lists them). Library code reads no environment
// except where noted (SOURCE_DATE_EPOCH is read by the CLI and passed in; APK_MIRRORS and
// HTTP_AUTH are read by libs/repo and libs/fetch).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace apko {

struct BuildOptions {
  std::vector<std::string> archs;                    // --arch (apk or OCI names, "all", "host"); empty: config, else all
  std::vector<std::string> keyring_append;           // -k
  std::vector<std::string> repository_append;        // -r: build time and etc/apk/repositories
  std::vector<std::string> build_repository_append;  // -b: build time only
  std::vector<std::string> package_append;           // -p
  std::vector<std::pair<std::string, std::string>> annotations;  // --annotations k:v (win over the config's)
  std::optional<int64_t> build_date;                 // --build-date, parsed
  std::optional<int64_t> source_date_epoch;          // $SOURCE_DATE_EPOCH
  std::filesystem::path lockfile;                    // --lockfile
  bool offline = false;                              // --offline
  std::filesystem::path cache_dir;                   // --cache-dir
  bool ignore_signatures = false;                    // --ignore-signatures
  std::vector<std::string> mirrors;                  // --mirror FROM=TO (over $APK_MIRRORS)
  std::string vcs_url;                               // "url@commit" (--vcs probes git; overrides the config's)
  std::vector<std::filesystem::path> include_paths;  // --include-paths
  std::string tool_version;                          // for SBOM creators
  unsigned threads = 0;                              // fetch/gzip threads; 0 = all cores
};

}  // namespace apko
