// ma-guest-init: sending a directory tree to the host (see channel.hpp).
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "channel.hpp"

namespace guest {

namespace {

using sandbox::vm::FileRecord;
using sandbox::vm::Frame;

std::vector<std::pair<std::string, std::string>> read_xattrs(int fd) {
  std::vector<std::pair<std::string, std::string>> out;
  char names[65536];
  ssize_t n = ::flistxattr(fd, names, sizeof names);
  for (ssize_t i = 0; i < n;) {
    std::string name(names + i);
    i += ssize_t(name.size()) + 1;
    char val[65536];
    ssize_t v = ::fgetxattr(fd, name.c_str(), val, sizeof val);
    if (v >= 0) out.emplace_back(name, std::string(val, size_t(v)));
  }
  return out;
}

FileRecord record(char type, const std::string& rel, const struct stat& st) {
  FileRecord r;
  r.type = type;
  r.path = rel;
  r.mode = st.st_mode & 07777;
  r.uid = st.st_uid;
  r.gid = st.st_gid;
  r.mtime = st.st_mtime;
  return r;
}

// false when the channel is gone; *err set for a local problem that ends the copy.
bool send_tree(Channel& ch, const std::string& abs, const std::string& rel, std::string* err) {
  DIR* d = ::opendir(abs.c_str());
  if (!d) {
    *err = abs + ": " + strerror(errno);
    return true;
  }
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d))
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.emplace_back(e->d_name);
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    std::string a = abs + "/" + name, r = rel.empty() ? name : rel + "/" + name;
    struct stat st;
    if (::lstat(a.c_str(), &st) != 0) continue;  // gone meanwhile
    if (S_ISLNK(st.st_mode)) {
      FileRecord fr = record('l', r, st);
      std::vector<char> buf(size_t(st.st_size) + 4096);
      ssize_t n = ::readlink(a.c_str(), buf.data(), buf.size());
      if (n < 0) continue;
      fr.target.assign(buf.data(), size_t(n));
      if (!ch.send(Frame::kFile, sandbox::vm::encode(fr))) return false;
    } else if (S_ISDIR(st.st_mode)) {
      FileRecord fr = record('d', r, st);
      int fd = ::open(a.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0) fr.xattrs = read_xattrs(fd), ::close(fd);
      if (!ch.send(Frame::kFile, sandbox::vm::encode(fr))) return false;
      if (!send_tree(ch, a, r, err)) return false;
      if (!err->empty()) return true;
    } else if (S_ISREG(st.st_mode)) {
      int fd = ::open(a.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) {
        *err = a + ": " + strerror(errno);
        return true;
      }
      FileRecord fr = record('f', r, st);
      fr.size = uint64_t(st.st_size);
      fr.xattrs = read_xattrs(fd);
      if (!ch.send(Frame::kFile, sandbox::vm::encode(fr))) return ::close(fd), false;
      std::string chunk(sandbox::vm::kDataChunk, '\0');
      uint64_t left = fr.size;
      while (left > 0) {
        size_t want = size_t(std::min<uint64_t>(left, chunk.size()));
        ssize_t n = ::read(fd, chunk.data(), want);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {  // shrank meanwhile: the promised size is sent as zeros
          std::fill(chunk.begin(), chunk.begin() + ptrdiff_t(want), '\0');
          n = ssize_t(want);
        }
        if (!ch.send(Frame::kData, std::string_view(chunk.data(), size_t(n)))) return ::close(fd), false;
        left -= uint64_t(n);
      }
      ::close(fd);
    }
    // devices, fifos and sockets are not copied
  }
  return true;
}

}  // namespace

void copy_out(Channel& ch, const std::string& dir) {
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    ch.send(Frame::kError, dir + ": no such directory in the guest");
    return;
  }
  std::string err;
  if (!send_tree(ch, dir == "/" ? "" : dir, "", &err)) return;
  if (err.empty())
    ch.send(Frame::kDone);
  else
    ch.send(Frame::kError, err);
}

}  // namespace guest
