#include "rootfs/spill.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "base/fs.hpp"
#include "base/temp_file.hpp"

namespace rootfs {

base::Result<std::shared_ptr<SpillFile>> SpillFile::create(const std::filesystem::path& dir) {
  TRY_ASSIGN(base::UniqueFd fd, base::open_anonymous_file("file contents", dir));
  return std::shared_ptr<SpillFile>(new SpillFile(fd.release(), base::temp_dir_or(dir).string()));
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
