#include "base/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace base {

Error io_error(const fs::path& path, std::string_view what, int err) {
  return Error{ErrorCode::kIo, path.string() + ": " + std::string(what) + ": " + std::strerror(err), {}};
}

Result<std::string> read_file(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    if (e == ENOENT) return fail(ErrorCode::kNotFound, path.string() + ": no such file");
    return tl::unexpected(io_error(path, "cannot open", e));
  }
  std::string out;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) out.reserve(size_t(st.st_size));
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return tl::unexpected(io_error(path, "cannot read", e));
    }
    if (n == 0) break;
    out.append(buf, size_t(n));
  }
  ::close(fd);
  return out;
}

Result<AtomicFile> AtomicFile::create(const fs::path& path, unsigned mode) {
  fs::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  std::string templ = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  int fd = ::mkostemp(buf.data(), O_CLOEXEC);
  if (fd < 0) return tl::unexpected(io_error(path, "cannot create temporary file", errno));
  return AtomicFile(path, fs::path(buf.data()), fd, mode);
}

AtomicFile::AtomicFile(AtomicFile&& o) noexcept
    : path_(std::move(o.path_)), temp_(std::move(o.temp_)), fd_(o.fd_), mode_(o.mode_), done_(o.done_) {
  o.fd_ = -1;
  o.done_ = true;
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!done_ && !temp_.empty()) ::unlink(temp_.c_str());
}

Status AtomicFile::write(std::string_view data) {
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return tl::unexpected(io_error(path_, "cannot write", errno));
    }
    p += n;
    left -= size_t(n);
  }
  return {};
}

Status AtomicFile::commit() {
  if (::fchmod(fd_, mode_) != 0) return tl::unexpected(io_error(path_, "cannot chmod", errno));
  if (::close(fd_) != 0) {
    fd_ = -1;
    return tl::unexpected(io_error(path_, "cannot close", errno));
  }
  fd_ = -1;
  if (::rename(temp_.c_str(), path_.c_str()) != 0) return tl::unexpected(io_error(path_, "cannot rename into place", errno));
  done_ = true;
  return {};
}

Status write_file_atomic(const fs::path& path, std::string_view data, unsigned mode) {
  TRY_ASSIGN(auto file, AtomicFile::create(path, mode));
  TRY(file.write(data));
  return file.commit();
}

fs::path temp_dir_or(const fs::path& dir) {
  if (!dir.empty()) return dir;
  const char* t = std::getenv("TMPDIR");
  return (t && *t) ? t : "/tmp";
}

Result<TempDir> TempDir::create(std::string_view prefix, const fs::path& parent) {
  const fs::path base = temp_dir_or(parent);
  std::string templ = (base / (std::string(prefix) + "XXXXXX")).string();
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) return tl::unexpected(io_error(templ, "cannot create temporary directory", errno));
  return TempDir(fs::path(buf.data()));
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace base
