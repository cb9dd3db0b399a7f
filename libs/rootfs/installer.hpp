// Installing apk packages into a rootfs::Tree, in the solver's install order, the way
// apk-tools does it but without running anything, plus the apk database files.
//
// Per package, in two steps. prepare_data() is the costly part and touches no tree, so
// callers may run it for several packages at once on worker threads (apko does):
//  - the data member is inflated once (libdeflate when the trailer's size holds);
//    every entry's APK-TOOLS.checksum.SHA1 is checked as apk::Package does; file
//    content references the inflated buffer (no copy), or, given a SpillFile, the
//    buffer is written there in one piece and dropped, so the tree holds no file bytes;
//  - names are checked (below) before anything is installed.
// install() then places the entries (all-or-nothing: the tree is changed in a
// transaction and rolled back on any error, so nothing from a refused package stays
// behind):
//  - leading hidden top-level entries (.PKGINFO, .SIGN.*) are not installed;
//  - absolute names, names with "..", and names whose parents resolve through symlinks
//    above the root are refused (kInvalidInput naming the package and the entry); an
//    absolute symlink in a parent is followed inside the tree, like a chroot;
//  - owners (uid/gid), setuid/setgid/sticky and SCHILY.xattr.* records are kept;
//  - directories: a new one gets the package's mode/owner/mtime. For one already
//    there, apk-tools 2.14's rule applies: of all packages shipping it, the lowest
//    uid:gid wins and equal owners AND their modes; a directory the installer did not
//    create keeps its mode/owner unless it already matched the first package's (as
//    apk-tools leaves foreign directories alone). mtime is the last writer's (apko);
//  - a directory entry whose path is a symlink to a directory (usrmerge `lib`) is
//    accepted; a symlink entry may replace an empty directory; nothing else replaces
//    a directory. No directory is created before packages unless the caller did so;
//  - file conflicts (owner = the package that wrote the path last, by canonical
//    path): apk-tools rules - the package with the higher replaces_priority among
//    those that `replaces` the other wins (the old one winning means the new file is
//    skipped), a new package that replaces the old one or shares its origin
//    overwrites, identical content (same SHA1) may be overwritten, anything else is
//    kConflict naming both packages and the path. Overwritten files move to the new
//    owner's database record. Files not owned by a package are overwritten.
// Scriptlets are never run; finish() stores them in scripts.tar as apk does.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apk/installed_db.hpp"
#include "apk/package.hpp"
#include "archive/tar_entry.hpp"
#include "base/error.hpp"
#include "rootfs/spill.hpp"
#include "rootfs/tree.hpp"

namespace rootfs {

// One data-member entry, checked and ready to install.
struct PreparedEntry {
  archive::TarEntry entry;  // as read
  std::string name;         // without leading "./" and trailing "/"
  Content content;          // regular files
  std::string sha1;         // raw SHA-1 of the content (files) or target (symlinks), else empty
};

// A package's data member, inflated and verified (see above).
struct PreparedData {
  std::vector<PreparedEntry> entries;
  uint64_t tar_bytes = 0;  // size of the inflated data tar
};

// `spill` null: contents stay in memory. Errors name the package as install() does.
// With a spill file the inflated data is only needed until it is written there: `scratch`
// (optional) is the buffer to inflate into, reused from package to package by the caller.
base::Result<PreparedData> prepare_data(const apk::Package& pkg, const std::shared_ptr<SpillFile>& spill = nullptr,
                                        std::string* scratch = nullptr);

// The apk configuration and database files finish() writes.
struct DbOptions {
  std::string arch;                                       // etc/apk/arch, e.g. "x86_64"
  std::vector<std::string> world;                         // etc/apk/world (written sorted)
  std::vector<std::string> repositories;                  // etc/apk/repositories, as given
  std::vector<std::pair<std::string, std::string>> keys;  // etc/apk/keys/<name> = PEM
  int64_t mtime = 0;  // of every file finish() creates (apko: 0)
};

class Installer {
 public:
  explicit Installer(Tree& tree) : tree_(tree) {}

  // prepare_data() in memory, then install().
  base::Status install(const apk::Package& pkg);
  // Installs what prepare_data(pkg) returned.
  base::Status install(const apk::Package& pkg, const PreparedData& data);

  // Writes, following usrmerge (the real files under usr/lib/apk):
  //   usr/lib/apk/db/installed (apk-tools layout), usr/lib/apk/db/scripts.tar,
  //   usr/lib/apk/db/triggers, usr/lib/apk/db/lock (0600, empty), etc/apk/world,
  //   etc/apk/arch, etc/apk/repositories, etc/apk/keys/<name>;
  // and keeps lib/apk reachable: nothing to do when lib is a symlink to usr/lib,
  // else (lib absent or a directory) lib/apk -> ../usr/lib/apk, unless lib/apk is
  // already a directory, which then gets a copy of the database files.
  base::Status finish(const DbOptions& opts);

  // Database records in install order (overwritten files already moved).
  const std::vector<apk::InstalledPackage>& installed() const { return records_; }
  // "name-version" of the package owning the canonical tree path, or "".
  std::string owner_of(std::string_view canonical_path) const;
  // The text finish() writes to usr/lib/apk/db/installed.
  std::string installed_db() const;
  std::string scripts_tar(int64_t mtime) const;
  std::string triggers() const;

 private:
  friend class PackageInstall;
  struct Owner {
    size_t pkg;            // index into records_
    std::string dir, name; // where the package's record lists it
    std::string checksum;  // Q1... or empty
  };
  struct DirAcl {
    uint32_t uid, gid, mode;
    bool managed;  // the installer may change the directory's mode/owner
  };

  Tree& tree_;
  std::vector<apk::InstalledPackage> records_;
  std::vector<std::vector<std::pair<std::string, std::string>>> scripts_;  // per record: file name, content
  std::map<std::string, Owner, std::less<>> owners_;  // canonical path -> owner
  std::map<std::string, DirAcl, std::less<>> dirs_;   // canonical path -> merged acl
};

// apko's base layout, for callers that want it before installing (apko does): /tmp 1777,
// /dev /etc /opt /var /usr 0755, /proc 0555, the apk dirs under /etc/apk, /usr/lib/apk
// and /var/cache, and the character devices /dev/{null,zero,random,urandom} (0666) and
// /dev/console (0620). Never /lib, /bin or /sbin, which usrmerge packages ship as symlinks.
base::Status add_base_skeleton(Tree& tree, int64_t mtime);

}  // namespace rootfs
