// Writing a guest's tree on the host (see tree_receiver.hpp).
#include "sandbox/tree_receiver.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <cerrno>
#include <cstring>

#include "archive/tar_reader.hpp"
#include "base/strings.hpp"

namespace sandbox {

namespace fs = std::filesystem;

namespace {

base::Error io_error(const fs::path& dir, const std::string& rel, const std::string& what) {
  return base::Error{base::ErrorCode::kIo, (dir / rel).string() + ": " + what + ": " + std::strerror(errno), {}};
}

bool valid_name(const std::string& rel) {
  if (rel.empty() || rel[0] == '/' || rel.find('\0') != std::string::npos) return false;
  for (auto part : base::split(rel, '/'))
    if (part.empty() || part == "." || part == "..") return false;
  return true;
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

void set_times(int dirfd, const char* name, int64_t mtime, int flags) {
  struct timespec ts[2];
  ts[0].tv_sec = ts[1].tv_sec = time_t(mtime);
  ts[0].tv_nsec = ts[1].tv_nsec = 0;
  ::utimensat(dirfd, name, ts, flags);
}

}  // namespace

base::Result<TreeReceiver> TreeReceiver::open(const fs::path& host_dir) {
  std::error_code ec;
  fs::create_directories(host_dir, ec);
  TreeReceiver t;
  t.dir_ = host_dir;
  t.root_fd_ = ::open(host_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (t.root_fd_ < 0)
    return base::fail(base::ErrorCode::kIo, host_dir.string() + ": cannot open: " + std::strerror(errno));
  t.chown_ = ::geteuid() == 0;
  return t;
}

TreeReceiver::TreeReceiver(TreeReceiver&& o) noexcept
    : dir_(std::move(o.dir_)), root_fd_(o.root_fd_), chown_(o.chown_), file_fd_(o.file_fd_),
      file_left_(o.file_left_), file_(std::move(o.file_)), dirs_(std::move(o.dirs_)) {
  o.root_fd_ = o.file_fd_ = -1;
}

TreeReceiver::~TreeReceiver() {
  if (file_fd_ >= 0) ::close(file_fd_);
  if (root_fd_ >= 0) ::close(root_fd_);
}

base::Result<int> TreeReceiver::open_parent(const std::string& rel, std::string* leaf) const {
  auto parts = base::split(rel, '/');
  int cur = ::dup(root_fd_);
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    std::string name(parts[i]);
    int next = ::openat(cur, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    ::close(cur);
    if (next < 0)
      return base::fail(base::ErrorCode::kIo, (dir_ / rel).string() +
                                                  ": a parent is missing, a symlink or not a directory; not followed");
    cur = next;
  }
  *leaf = std::string(parts.back());
  return cur;
}

base::Status TreeReceiver::begin(const vm::FileRecord& r) {
  if (file_fd_ >= 0) return base::fail(base::ErrorCode::kFormat, (dir_ / file_.path).string() + ": file data cut short");
  if (!valid_name(r.path))
    return base::fail(base::ErrorCode::kFormat, dir_.string() + ": refusing the guest's path \"" + r.path + "\"");
  std::string leaf;
  TRY_ASSIGN(int pfd, open_parent(r.path, &leaf));
  Fd parent{pfd};
  struct stat st;
  bool exists = ::fstatat(parent.fd, leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
  if (exists && !(r.type == 'd' && S_ISDIR(st.st_mode))) {
    if (S_ISDIR(st.st_mode)) {
      errno = EISDIR;
      return tl::unexpected(io_error(dir_, r.path, "cannot replace a directory"));
    }
    if (::unlinkat(parent.fd, leaf.c_str(), 0) != 0) return tl::unexpected(io_error(dir_, r.path, "cannot replace"));
  }
  if (r.type == 'l') {
    if (::symlinkat(r.target.c_str(), parent.fd, leaf.c_str()) != 0)
      return tl::unexpected(io_error(dir_, r.path, "cannot create symlink"));
    if (chown_) ::fchownat(parent.fd, leaf.c_str(), r.uid, r.gid, AT_SYMLINK_NOFOLLOW);
    set_times(parent.fd, leaf.c_str(), r.mtime, AT_SYMLINK_NOFOLLOW);
    return base::ok();
  }
  if (r.type == 'd') {
    if (!exists && ::mkdirat(parent.fd, leaf.c_str(), 0700) != 0)
      return tl::unexpected(io_error(dir_, r.path, "cannot create directory"));
    Fd d{::openat(parent.fd, leaf.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
    if (d.fd < 0) return tl::unexpected(io_error(dir_, r.path, "cannot open directory"));
    ::fchmod(d.fd, 0700 | (r.mode & 0777));  // we must be able to fill it; the real mode at finish()
    if (chown_) ::fchown(d.fd, r.uid, r.gid);
    for (const auto& [k, v] : r.xattrs) ::fsetxattr(d.fd, k.c_str(), v.data(), v.size(), 0);
    dirs_.push_back(r);
    return base::ok();
  }
  file_fd_ = ::openat(parent.fd, leaf.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (file_fd_ < 0) return tl::unexpected(io_error(dir_, r.path, "cannot create"));
  file_ = r;
  file_left_ = r.size;
  if (file_left_ == 0) return finish_file();
  return base::ok();
}

base::Status TreeReceiver::data(std::string_view bytes) {
  if (file_fd_ < 0 || bytes.size() > file_left_)
    return base::fail(base::ErrorCode::kFormat, dir_.string() + ": file data the guest did not announce");
  while (!bytes.empty()) {
    ssize_t n = ::write(file_fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return tl::unexpected(io_error(dir_, file_.path, "cannot write"));
    bytes.remove_prefix(size_t(n));
    file_left_ -= uint64_t(n);
  }
  if (file_left_ == 0) return finish_file();
  return base::ok();
}

base::Status TreeReceiver::finish_file() {
  if (chown_ && ::fchown(file_fd_, file_.uid, file_.gid) != 0)
    return tl::unexpected(io_error(dir_, file_.path, "cannot set owner"));
  ::fchmod(file_fd_, file_.mode & 07777);  // after fchown, which clears setuid/setgid
  for (const auto& [k, v] : file_.xattrs) ::fsetxattr(file_fd_, k.c_str(), v.data(), v.size(), 0);
  struct timespec ts[2];
  ts[0].tv_sec = ts[1].tv_sec = time_t(file_.mtime);
  ts[0].tv_nsec = ts[1].tv_nsec = 0;
  ::futimens(file_fd_, ts);
  ::close(file_fd_);
  file_fd_ = -1;
  return base::ok();
}

base::Status TreeReceiver::finish() {
  if (file_fd_ >= 0) return base::fail(base::ErrorCode::kFormat, (dir_ / file_.path).string() + ": file data cut short");
  // Deepest first: a parent's mtime is set after its children were written.
  std::stable_sort(dirs_.begin(), dirs_.end(), [](const vm::FileRecord& a, const vm::FileRecord& b) {
    return std::count(a.path.begin(), a.path.end(), '/') > std::count(b.path.begin(), b.path.end(), '/');
  });
  for (const auto& d : dirs_) {
    std::string leaf;
    auto pfd = open_parent(d.path, &leaf);
    if (!pfd) continue;
    Fd parent{*pfd};
    Fd fd{::openat(parent.fd, leaf.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
    if (fd.fd < 0) continue;
    ::fchmod(fd.fd, d.mode & 07777);
    set_times(parent.fd, leaf.c_str(), d.mtime, AT_SYMLINK_NOFOLLOW);
  }
  dirs_.clear();
  return base::ok();
}

namespace {

base::Status feed_tree(TreeReceiver& rx, const fs::path& dir, const std::string& rel) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) names.push_back(it->path().filename());
  if (ec) return base::fail(base::ErrorCode::kIo, dir.string() + ": cannot list: " + ec.message());
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    fs::path p = dir / n;
    std::string r = rel.empty() ? n : rel + "/" + n;
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0) return tl::unexpected(io_error(dir, n, "cannot stat"));
    vm::FileRecord fr;
    fr.path = r;
    fr.mode = st.st_mode & 07777;
    fr.uid = st.st_uid;
    fr.gid = st.st_gid;
    fr.mtime = st.st_mtime;
    if (S_ISLNK(st.st_mode)) {
      fr.type = 'l';
      fr.target = fs::read_symlink(p, ec).string();
      TRY(rx.begin(fr));
    } else if (S_ISDIR(st.st_mode)) {
      fr.type = 'd';
      TRY(rx.begin(fr));
      TRY(feed_tree(rx, p, r));
    } else if (S_ISREG(st.st_mode)) {
      fr.type = 'f';
      fr.size = uint64_t(st.st_size);
      Fd fd{::open(p.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)};
      if (fd.fd < 0) return tl::unexpected(io_error(dir, n, "cannot read"));
      TRY(rx.begin(fr));
      std::string buf(1 << 16, '\0');
      uint64_t left = fr.size;
      while (left > 0) {
        ssize_t got = ::read(fd.fd, buf.data(), size_t(std::min<uint64_t>(left, buf.size())));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return tl::unexpected(io_error(dir, n, "cannot read"));
        TRY(rx.data(std::string_view(buf.data(), size_t(got))));
        left -= uint64_t(got);
      }
    }
  }
  return base::ok();
}

}  // namespace

base::Status receive_tar(std::string_view tar, const fs::path& host_dir, const std::string& origin) {
  TRY_ASSIGN(TreeReceiver rx, TreeReceiver::open(host_dir));
  archive::TarReader reader(tar);
  archive::TarEntry e;
  std::string_view data;
  std::map<std::string, std::string_view> contents;  // regular files so far, for hard links
  while (reader.next(&e, &data)) {
    std::string name = e.name;
    while (!name.empty() && name.back() == '/') name.pop_back();
    auto slash = name.find('/');
    if (slash == std::string::npos) continue;  // the archived directory itself
    vm::FileRecord r;
    r.path = name.substr(slash + 1);
    r.mode = e.mode & 07777;
    r.uid = e.uid;
    r.gid = e.gid;
    r.mtime = e.mtime;
    for (const auto& [k, v] : e.pax)
      if (k.rfind("SCHILY.xattr.", 0) == 0) r.xattrs.emplace_back(k.substr(13), v);
    std::string_view body;
    switch (e.type) {
      case archive::EntryType::kDir: r.type = 'd'; break;
      case archive::EntryType::kSymlink: r.type = 'l'; r.target = e.linkname; break;
      case archive::EntryType::kFile:
        r.type = 'f';
        body = data;
        contents[name] = data;
        break;
      case archive::EntryType::kHardlink: {
        auto it = contents.find(e.linkname);
        if (it == contents.end())
          return base::fail(base::ErrorCode::kFormat, origin + ": " + e.name + ": hard link to " + e.linkname +
                                                          ", which is not an earlier file of the archive");
        r.type = 'f';
        body = it->second;
        break;
      }
      default:
        continue;  // devices and fifos: a build's output has no business holding them
    }
    r.size = body.size();
    auto st = rx.begin(r);
    if (st && rx.wants_data()) st = rx.data(body);
    if (!st) return tl::unexpected(st.error().context(origin));
  }
  if (reader.error()) return base::fail(base::ErrorCode::kFormat, origin + ": " + reader.error()->message);
  return rx.finish();
}

base::Status receive_local_tree(const fs::path& src, const fs::path& host_dir) {
  TRY_ASSIGN(TreeReceiver rx, TreeReceiver::open(host_dir));
  TRY(feed_tree(rx, src, ""));
  return rx.finish();
}

}  // namespace sandbox
