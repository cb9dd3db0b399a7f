// materialize(): a Tree onto disk through directory file descriptors (see layer.hpp).
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "rootfs/layer.hpp"

#include "base/fs.hpp"

namespace rootfs {

namespace fs = std::filesystem;

namespace {

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = o.fd_;
      o.fd_ = -1;
    }
    return *this;
  }
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

class Writer {
 public:
  Writer(const fs::path& dir, int root_fd) : dir_(dir), root_(root_fd), privileged_(::geteuid() == 0) {}

  base::Status fill(int dfd, const Node& dir, const std::string& prefix) {
    for (const auto& [name, child] : dir.children) {
      std::string path = prefix.empty() ? name : prefix + "/" + name;
      ++result.entries;
      const Node& n = *child;
      switch (n.type) {
        case NodeType::kDir: {
          if (::mkdirat(dfd, name.c_str(), 0700) != 0) return err(path, "create directory");
          Fd fd(::openat(dfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
          if (fd.get() < 0) return err(path, "open directory");
          TRY(fill(fd.get(), n, path));
          dirs_.push_back({path, &n});  // children first: post-order
          break;
        }
        case NodeType::kFile:
          TRY(write_file(dfd, name, path, n));
          break;
        case NodeType::kHardlink:
          links_.push_back({path, &n});
          break;
        case NodeType::kSymlink:
          if (::symlinkat(n.link.c_str(), dfd, name.c_str()) != 0) return err(path, "create symlink");
          TRY(chown_at(dfd, name, path, n.meta));
          if (!n.meta.xattrs.empty()) result.skipped.push_back(path + ": extended attributes on a symlink");
          TRY(times_at(dfd, name, path, n.meta));
          break;
        case NodeType::kCharDevice:
        case NodeType::kBlockDevice:
        case NodeType::kFifo: {
          mode_t type = n.type == NodeType::kFifo ? S_IFIFO : n.type == NodeType::kCharDevice ? S_IFCHR : S_IFBLK;
          if (::mknodat(dfd, name.c_str(), type | 0600, makedev(n.devmajor, n.devminor)) != 0) {
            if (errno == EPERM) {
              result.skipped.push_back(path + ": device node not created (EPERM)");
              break;
            }
            return err(path, "create device node");
          }
          TRY(chown_at(dfd, name, path, n.meta));
          if (::fchmodat(dfd, name.c_str(), n.meta.mode & 07777, 0) != 0) return err(path, "chmod");
          TRY(times_at(dfd, name, path, n.meta));
          break;
        }
      }
    }
    return base::ok();
  }

  // Hard links, then directory metadata (deepest first).
  base::Status finish() {
    for (const auto& [path, n] : links_) TRY(link(path, *n));
    for (const auto& [path, n] : dirs_) {
      TRY_ASSIGN(Fd fd, open_path(path, true));
      TRY(apply_fd(fd.get(), path, n->meta));
    }
    return base::ok();
  }

  MaterializeResult result;

 private:
  base::Status err(const std::string& path, std::string_view what) const {
    return tl::unexpected(base::io_error(dir_ / path, what, errno));
  }

  base::Status write_file(int dfd, const std::string& name, const std::string& path, const Node& n) {
    Fd fd(::openat(dfd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (fd.get() < 0) return err(path, "create file");
    TRY(n.content.for_each_chunk([&](std::string_view data) -> base::Status {
      while (!data.empty()) {
        ssize_t w = ::write(fd.get(), data.data(), data.size());
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return err(path, "write");
        data.remove_prefix(size_t(w));
      }
      return base::ok();
    }));
    return apply_fd(fd.get(), path, n.meta);
  }

  // Owner, then mode (chown clears setgid), xattrs, times.
  base::Status apply_fd(int fd, const std::string& path, const Meta& m) {
    if (privileged_ && ::fchown(fd, m.uid, m.gid) != 0) {
      if (errno != EINVAL && errno != EPERM) return err(path, "chown");
      result.skipped.push_back(path + ": owner " + std::to_string(m.uid) + ":" + std::to_string(m.gid) + " not set");
    }
    if (::fchmod(fd, m.mode & 07777) != 0) return err(path, "chmod");
    for (const auto& [name, value] : m.xattrs) {
      if (::fsetxattr(fd, name.c_str(), value.data(), value.size(), 0) == 0) continue;
      bool restricted = name.rfind("security.", 0) == 0 || name.rfind("trusted.", 0) == 0;
      if (errno == EPERM && restricted && !privileged_) {
        result.skipped.push_back(path + ": xattr " + name + " (EPERM)");
        continue;
      }
      return err(path, "set extended attribute " + name);
    }
    struct timespec ts[2] = {{m.mtime, 0}, {m.mtime, 0}};
    if (::futimens(fd, ts) != 0) return err(path, "set mtime");
    return base::ok();
  }

  base::Status chown_at(int dfd, const std::string& name, const std::string& path, const Meta& m) {
    if (!privileged_) return base::ok();
    if (::fchownat(dfd, name.c_str(), m.uid, m.gid, AT_SYMLINK_NOFOLLOW) == 0) return base::ok();
    if (errno != EINVAL && errno != EPERM) return err(path, "chown");
    result.skipped.push_back(path + ": owner " + std::to_string(m.uid) + ":" + std::to_string(m.gid) + " not set");
    return base::ok();
  }

  base::Status times_at(int dfd, const std::string& name, const std::string& path, const Meta& m) {
    struct timespec ts[2] = {{m.mtime, 0}, {m.mtime, 0}};
    if (::utimensat(dfd, name.c_str(), ts, AT_SYMLINK_NOFOLLOW) != 0) return err(path, "set mtime");
    return base::ok();
  }

  // Opens a directory (whole path) or the parent of the last component (dir=false),
  // one component at a time with O_NOFOLLOW.
  base::Result<Fd> open_path(const std::string& path, bool whole) {
    auto comps = path_components(path);
    if (!whole && !comps.empty()) comps.pop_back();
    Fd cur(::dup(root_));
    for (auto c : comps) {
      std::string name(c);
      Fd next(::openat(cur.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (next.get() < 0) return tl::unexpected(base::io_error(dir_ / path, "open directory", errno));
      cur = std::move(next);
    }
    return cur;
  }

  base::Status link(const std::string& path, const Node& n) {
    std::string name(path_components(path).back());
    TRY_ASSIGN(Fd dfd, open_path(path, false));
    auto tcomps = path_components(n.link);
    auto target_dir = open_path(n.link, false);
    struct stat st;
    if (target_dir && !tcomps.empty()) {
      std::string tname(tcomps.back());
      if (::fstatat(target_dir->get(), tname.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
          ::linkat(target_dir->get(), tname.c_str(), dfd.get(), name.c_str(), 0) == 0)
        return base::ok();
    }
    // Target gone or replaced: a copy keeps the content right.
    return write_file(dfd.get(), name, path, n);
  }

  fs::path dir_;
  int root_;
  bool privileged_;
  std::vector<std::pair<std::string, const Node*>> dirs_, links_;
};

}  // namespace

base::Result<MaterializeResult> materialize(const Tree& tree, const fs::path& dir) {
  Fd root(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (root.get() < 0) return tl::unexpected(base::io_error(dir, "open directory", errno));
  std::error_code ec;
  if (fs::directory_iterator(dir, ec) != fs::directory_iterator() || ec)
    return base::fail(base::ErrorCode::kInvalidInput, dir.string() + ": materialize needs an empty directory");
  Writer w(dir, root.get());
  TRY(w.fill(root.get(), tree.root(), ""));
  TRY(w.finish());
  return std::move(w.result);
}

}  // namespace rootfs
