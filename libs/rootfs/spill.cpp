#include "rootfs/spill.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

#include "base/fs.hpp"

namespace rootfs {

base::Result<std::shared_ptr<SpillFile>> SpillFile::create(const std::filesystem::path& dir) {
  std::filesystem::path base = dir;
  if (base.empty()) {
    const char* t = std::getenv("TMPDIR");
    base = (t && *t) ? t : "/tmp";
  }
  int fd = ::open(base.c_str(), O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    std::string templ = (base / "ma-spill-XXXXXX").string();
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    fd = ::mkostemp(buf.data(), O_CLOEXEC);
    if (fd >= 0) ::unlink(buf.data());
  }
  if (fd < 0) return tl::unexpected(base::io_error(base, "cannot create a temporary file for file contents", errno));
  return std::shared_ptr<SpillFile>(new SpillFile(fd, base.string()));
}

SpillFile::~SpillFile() { ::close(fd_); }

base::Result<uint64_t> SpillFile::append(std::string_view data) {
  const uint64_t at = end_.fetch_add(data.size());
  uint64_t off = at;
  while (!data.empty()) {
    ssize_t n = ::pwrite(fd_, data.data(), data.size(), off_t(off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return tl::unexpected(base::io_error(shown_, "cannot write file contents to the temporary file", n < 0 ? errno : ENOSPC));
    data.remove_prefix(size_t(n));
    off += uint64_t(n);
  }
  return at;
}

base::Status SpillFile::read(uint64_t offset, char* out, size_t length) const {
  while (length > 0) {
    ssize_t n = ::pread(fd_, out, length, off_t(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return tl::unexpected(base::io_error(shown_, "cannot read file contents back from the temporary file", errno));
    if (n == 0)
      return base::fail(base::ErrorCode::kInternal, "temporary file in " + shown_ + ": shorter than its contents");
    out += n;
    length -= size_t(n);
    offset += uint64_t(n);
  }
  return base::ok();
}

}  // namespace rootfs
