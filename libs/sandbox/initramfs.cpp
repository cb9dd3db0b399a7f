// The qemu runner's initramfs (see initramfs.hpp).
#include "sandbox/initramfs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "archive/cpio_writer.hpp"
#include "base/temp_file.hpp"

namespace sandbox {

namespace fs = std::filesystem;

namespace {

struct Owner {
  bool map = false;
  uint32_t from_uid = 0, from_gid = 0, to_uid = 0, to_gid = 0;
  uint32_t uid(uint32_t u) const { return map && u == from_uid ? to_uid : u; }
  uint32_t gid(uint32_t g) const { return map && g == from_gid ? to_gid : g; }
};

class Builder {
 public:
  explicit Builder(archive::Sink& out) : w_(out) {}

  base::Status entry(const std::string& name, const struct stat& st, const Owner& own, std::string_view data = {}) {
    archive::CpioEntry e;
    e.name = name;
    e.mode = st.st_mode;
    e.uid = own.uid(st.st_uid);
    e.gid = own.gid(st.st_gid);
    e.mtime = st.st_mtime;
    e.ino = ++ino_;
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
      e.rdevmajor = major(st.st_rdev);
      e.rdevminor = minor(st.st_rdev);
    }
    ++stats_.entries;
    return w_.add(e, data);
  }

  base::Status synthetic_dir(const std::string& name, uint32_t mode = 0755) {
    struct stat st {};
    st.st_mode = S_IFDIR | mode;
    return entry(name, st, Owner{});
  }

  base::Status synthetic_file(const std::string& name, std::string_view data, uint32_t mode) {
    struct stat st {};
    st.st_mode = S_IFREG | mode;
    return entry(name, st, Owner{}, data);
  }

  // One path (not followed) and, for a directory, everything below it except `skip` names.
  base::Status add_path(const fs::path& host, const std::string& name, const Owner& own, bool follow_top) {
    struct stat st;
    if ((follow_top ? ::stat(host.c_str(), &st) : ::lstat(host.c_str(), &st)) != 0)
      return base::fail(base::ErrorCode::kIo, host.string() + ": cannot stat: " + std::strerror(errno));
    if (S_ISSOCK(st.st_mode)) return base::ok();
    count_xattrs(host);
    if (S_ISREG(st.st_mode)) {
      // A mount's source named as a symlink was stat'ed through it: map what it points to.
      TRY_ASSIGN(base::FileMapping m,
                 base::FileMapping::map_file(host, follow_top ? base::FileMapping::Symlink::kFollow
                                                              : base::FileMapping::Symlink::kRefuse));
      stats_.bytes += uint64_t(st.st_size);
      return entry(name, st, own, m.view());
    }
    if (S_ISLNK(st.st_mode)) {
      std::string target(size_t(st.st_size) + 1, '\0');
      ssize_t n = ::readlink(host.c_str(), target.data(), target.size());
      if (n < 0) return base::fail(base::ErrorCode::kIo, host.string() + ": cannot read link: " + std::strerror(errno));
      target.resize(size_t(n));
      return entry(name, st, own, target);
    }
    if (!name.empty()) TRY(entry(name, st, own));
    if (!S_ISDIR(st.st_mode)) return base::ok();
    if (hidden_.count(name)) return base::ok();  // a mount target: its contents come from the mount
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(host, ec), end; !ec && it != end; it.increment(ec))
      names.push_back(it->path().filename().string());
    if (ec) return base::fail(base::ErrorCode::kIo, host.string() + ": cannot list: " + ec.message());
    std::sort(names.begin(), names.end());
    for (const auto& n : names) TRY(add_path(host / n, name.empty() ? n : name + "/" + n, own, false));
    return base::ok();
  }

  void hide(const std::string& name) { hidden_.insert(name); }
  void unhide_all() { hidden_.clear(); }
  base::Status finish() { return w_.finish(); }
  InitramfsStats stats() {
    stats_.bytes = w_.bytes_written();
    return stats_;
  }

 private:
  void count_xattrs(const fs::path& p) {
    char buf[256];
    if (::llistxattr(p.c_str(), buf, sizeof buf) > 0) ++stats_.xattrs_dropped;
  }
  archive::CpioWriter w_;
  uint32_t ino_ = 0;
  std::set<std::string> hidden_;
  InitramfsStats stats_;
};

std::string rel_name(const std::string& target) {
  std::string t = fs::path(target).lexically_normal().relative_path().string();
  while (!t.empty() && t.back() == '/') t.pop_back();
  return t;
}

}  // namespace

void set_host_identity(InitramfsSpec& spec) {
  spec.host_uid = ::geteuid();
  spec.host_gid = ::getegid();
  spec.host_is_root = spec.host_uid == 0;
}

base::Result<InitramfsStats> write_initramfs(const InitramfsSpec& spec, archive::Sink& out) {
  Builder b(out);
  Owner root_own{!spec.host_is_root, spec.host_uid, spec.host_gid, 0, 0};
  Owner mount_own{!spec.host_is_root, spec.host_uid, spec.host_gid, spec.run_uid, spec.run_gid};
  std::string ro;
  for (const auto& m : spec.mounts) {
    std::string t = rel_name(m.target);
    if (t.empty() || t.find("..") != std::string::npos)
      return base::fail(base::ErrorCode::kInvalidInput, "mount target '" + m.target + "' cannot be copied into the VM");
    b.hide(t);
    if (m.read_only) ro += "/" + t + "\n";
  }
  TRY(b.add_path(spec.rootfs, "", root_own, true));
  b.unhide_all();
  for (const auto& m : spec.mounts) {
    std::string t = rel_name(m.target);
    // Parents the root lacks.
    fs::path parent;
    for (const auto& part : fs::path(t).parent_path()) {
      parent /= part;
      std::error_code ec;
      if (!fs::exists(fs::symlink_status(spec.rootfs / parent, ec))) TRY(b.synthetic_dir(parent.string()));
    }
    TRY(b.add_path(m.source, t, mount_own, true));
  }
  TRY(b.synthetic_dir(".ma", 0700));
  TRY(b.add_path(spec.init, ".ma/init", root_own, true));
  if (!ro.empty()) TRY(b.synthetic_file(".ma/ro", ro, 0600));
  TRY(b.synthetic_file(".ma/channel", spec.channel + "\n", 0600));
  if (!spec.network.empty()) TRY(b.synthetic_file(".ma/network", spec.network + "\n", 0600));
  if (!spec.modules.empty()) {
    TRY(b.synthetic_dir(".ma/mod", 0700));
    std::string list;
    for (size_t i = 0; i < spec.modules.size(); ++i) {
      std::string name = ".ma/mod/" + std::to_string(i) + "-" + spec.modules[i].filename().string();
      TRY(b.add_path(spec.modules[i], name, root_own, true));
      list += "/" + name + "\n";
    }
    TRY(b.synthetic_file(".ma/modules", list, 0600));
  }
  TRY(b.finish());
  return b.stats();
}

}  // namespace sandbox
