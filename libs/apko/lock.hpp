// apko lock files (`apko lock`, `apko build --lockfile`), JSON, 2-space indent, newline:
//
//   {"version": "v1",
//    "config": {"name": "<config path as given>", "checksum": "sha256-<b64>"},
//    "contents": {
//      "keyring": [{"name": <source without scheme>, "url": <source>, "content": <PEM>}],   sorted by name
//      "build_repositories" / "runtime_repositories" / "repositories":
//          [{"name": "<repo>/<arch>", "url": "<repo>/<arch>/APKINDEX.tar.gz", "architecture": "<apk arch>"}],
//      "packages": [{"name", "url", "version", "architecture",
//                    "signature": {"range": "bytes=a-b", "checksum": "sha1-<b64>"},
//                    "control":   {"range": "bytes=a-b", "checksum": "sha1-<b64>"},
//                    "data":      {"range": "bytes=a-b", "checksum": "sha256-<b64>"},
//                    "checksum": "Q1<b64 sha1 of control>"}]        per arch, in install order
//    }}
// Repository `@tag`s are dropped in names and URLs; credentials in URLs are redacted.
// Building with a lock file installs exactly the locked packages: each must be in the
// repositories with the same name, version and control checksum (so the signed index,
// the control and data hashes all bind it), and the config checksum must be unchanged.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "apko/plan.hpp"
#include "base/error.hpp"

namespace apko {

struct LockRange {
  std::string range, checksum;
};
struct LockedPackage {
  std::string name, url, version, architecture;
  LockRange signature, control, data;  // signature empty for unsigned packages
  std::string checksum;
};
struct LockKey {
  std::string name, url, content;
};
struct LockRepo {
  std::string name, url, architecture;
};
struct LockFile {
  std::string version = "v1";
  std::string config_name, config_checksum;
  std::vector<LockKey> keyring;
  std::vector<LockRepo> build_repositories, runtime_repositories, repositories;
  std::vector<LockedPackage> packages;
};

// The lock for a resolved plan (make_plan without a lockfile). Reads every package to
// record its section ranges and hashes. `config_name` is what goes in config.name.
base::Result<LockFile> make_lock(const Plan& plan, const std::string& config_name);
std::string lock_to_json(const LockFile& lock);
// Errors name `file`: "<file>: ...".
base::Result<LockFile> parse_lock(std::string_view json, std::string_view file);
// Sets plan.archs[*].packages from the lock (see above).
base::Status apply_lock(Plan& plan, const LockFile& lock, std::string_view file);

}  // namespace apko
