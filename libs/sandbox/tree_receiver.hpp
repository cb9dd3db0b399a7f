// Writing a tree sent by a guest (sandbox/vm_protocol.hpp FileRecords) under a host
// directory without ever leaving it: every name is checked (relative, no "." or ".."
// components, no NUL), every parent is opened component by component with O_NOFOLLOW, so a
// symlink the guest created earlier is never followed, and existing entries are replaced,
// not written through. Owners are applied when this process is root (else the files are
// ours), then modes (with setuid/setgid/sticky), extended attributes and mtimes; directory
// modes and mtimes last, deepest first, so a read-only directory can still be filled.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "sandbox/vm_protocol.hpp"

namespace sandbox {

class TreeReceiver {
 public:
  static base::Result<TreeReceiver> open(const std::filesystem::path& host_dir);
  TreeReceiver(TreeReceiver&& o) noexcept;
  TreeReceiver& operator=(TreeReceiver&&) = delete;
  ~TreeReceiver();

  // A new entry; a regular file then takes data() calls for exactly r.size bytes.
  base::Status begin(const vm::FileRecord& r);
  base::Status data(std::string_view bytes);
  bool wants_data() const { return file_fd_ >= 0; }
  // Directory modes and times; an unfinished file is an error.
  base::Status finish();

 private:
  TreeReceiver() = default;
  base::Result<int> open_parent(const std::string& rel, std::string* leaf) const;
  base::Status finish_file();
  std::filesystem::path dir_;
  int root_fd_ = -1;
  bool chown_ = false;
  int file_fd_ = -1;
  uint64_t file_left_ = 0;
  vm::FileRecord file_;
  std::vector<vm::FileRecord> dirs_;
};

// A local directory tree (links not followed) written into host_dir through a TreeReceiver:
// for copies a tool made into a fresh temporary directory (the lima runner's `limactl copy`).
base::Status receive_local_tree(const std::filesystem::path& src, const std::filesystem::path& host_dir);

// A tar archive (a Docker engine's GET /containers/{id}/archive) written into host_dir through
// a TreeReceiver, without its first path component (the archived directory itself): hard
// links become copies of their target's data, SCHILY.xattr records become xattrs, devices and
// fifos are skipped. `origin` names the archive in errors.
base::Status receive_tar(std::string_view tar, const std::filesystem::path& host_dir, const std::string& origin);

}  // namespace sandbox
