// The data member of a package built from a directory tree (melange's output dirs).
//
// Walks `root` without following symlinks, children sorted by name, every directory
// before its contents (apk-tools refuses a data tar without directory entries).
// Names are relative, directories without a trailing slash (as melange writes them).
// Modes keep setuid/setgid/sticky; owners are kept except the build user (uid/gid
// 1000 by default), which maps to root; every mtime is the build epoch. Regular
// files and symlinks get the PAX record APK-TOOLS.checksum.SHA1 (hex sha1 of the
// content / link target); extended attributes become SCHILY.xattr.* records; a file
// seen twice through hard links is written once, then as hard links to the first path.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "archive/sink.hpp"
#include "base/error.hpp"

namespace apk {

struct DataTarOptions {
  int64_t mtime = 0;
  uint32_t build_uid = 1000, build_gid = 1000;  // mapped to 0
  std::map<uint32_t, std::string> user_names;   // uid -> name for uname (default: root for 0)
  std::map<uint32_t, std::string> group_names;
};

struct DataTarStats {
  uint64_t installed_size = 0;  // sum of regular file sizes
  uint64_t entries = 0;
};

struct DataTar {
  std::string tar;              // uncompressed, with end blocks
  uint64_t installed_size = 0;  // sum of regular file sizes
  uint64_t entries = 0;
};

// Streams the tar into `sink`; files are read in 1 MiB pieces (twice: SHA-1 first, as it
// precedes the content), so memory does not grow with the package.
base::Result<DataTarStats> build_data_tar_to(const std::filesystem::path& root, const DataTarOptions& opts,
                                             archive::Sink& sink);
// The same tar in memory (small packages, tests).
base::Result<DataTar> build_data_tar(const std::filesystem::path& root, const DataTarOptions& opts);

}  // namespace apk
