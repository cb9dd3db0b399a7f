// lib/apk/db/installed: the database of installed packages that apk-tools and image
// scanners (Syft, Grype, Trivy) read.
//
// One record per package, ended by a blank line: the index fields (index_text.hpp
// letters), then per directory `F:<dir>` (+ `M:uid:gid:mode` unless root:root 0755), and
// per file `R:<name>` (+ `a:uid:gid:mode` unless root:root 0644) and `Z:Q1<base64 sha1>`.
// Modes are octal. apk-tools may append `:Q1<xattr checksum>` to M:/a: lines; it is read
// and dropped. Fields `s:` (repository tag) and `f:` (broken flags) are ignored.
//
// Two writers, checked byte for byte against real databases in tests/data:
//  - DbStyle::kApko (default): what apko writes (/usr/lib/apk/db/installed in its images):
//    P V A L T o m U D p [r] [q] c i t S I k C, every field always present, `i:` in Go's
//    slice syntax (`i:[]`, `i:[a b]`), modes as %04o (`a:0:0:0755`); an unset provider
//    priority is written as `k:0` and reads back as 0.
//  - DbStyle::kApkTools: what apk-tools 2.x writes (apk_db_fdb_write): the APKINDEX record
//    (C P V A S I T U L [o m t c k] [D p i]) then [r] [q], modes as %o (`a:0:0:755`).
// The reader accepts both, including the `i:[...]` form.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "apk/package_info.hpp"
#include "base/error.hpp"

namespace apk {

struct InstalledFile {
  std::string name;  // base name inside its directory
  uint32_t uid = 0, gid = 0, mode = 0644;
  std::string checksum;  // "Q1..." or empty (no Z: line)
  bool operator==(const InstalledFile&) const = default;
};

struct InstalledDir {
  std::string path;  // relative, no leading or trailing '/'; "" is the root
  uint32_t uid = 0, gid = 0, mode = 0755;
  std::vector<InstalledFile> files;
  bool operator==(const InstalledDir&) const = default;
};

struct InstalledPackage {
  PackageInfo info;
  std::vector<InstalledDir> dirs;
  bool operator==(const InstalledPackage&) const = default;
};

enum class DbStyle { kApko, kApkTools };

std::string write_installed_db(const std::vector<InstalledPackage>& packages, DbStyle style = DbStyle::kApko);

// Errors name the line: "installed db line 12: R: before any F:".
base::Result<std::vector<InstalledPackage>> parse_installed_db(std::string_view text);

}  // namespace apk
