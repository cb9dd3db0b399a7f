// One tar entry as the writer takes it and the reader returns it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace archive {

enum class EntryType : uint8_t { kFile, kDir, kSymlink, kHardlink, kCharDevice, kBlockDevice, kFifo };

struct TarEntry {
  std::string name;            // relative path, no leading "/"; dirs need no trailing slash
  EntryType type = EntryType::kFile;
  uint32_t mode = 0644;        // permission bits incl. 07000 (setuid/setgid/sticky)
  uint32_t uid = 0, gid = 0;
  std::string uname, gname;
  int64_t mtime = 0;           // seconds since the epoch
  uint64_t size = 0;           // data size; only kFile has data
  std::string linkname;        // symlink target / hardlink target
  uint32_t devmajor = 0, devminor = 0;
  // Extra PAX records in order, e.g. APK-TOOLS.checksum.SHA1, SCHILY.xattr.security.capability.
  // The reader puts here every record it does not itself interpret.
  std::vector<std::pair<std::string, std::string>> pax;
};

// The header typeflag of a type ('0', '5', '2', '1', '3', '4', '6').
char tar_typeflag(EntryType type);

}  // namespace archive
