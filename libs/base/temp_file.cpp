#include "base/temp_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "base/fs.hpp"

namespace base {

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

Result<UniqueFd> open_anonymous_file(std::string_view purpose, const std::filesystem::path& dir) {
  const std::filesystem::path where = temp_dir_or(dir);
  int fd = ::open(where.c_str(), O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    std::string templ = (where / "ma-tmp-XXXXXX").string();
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    fd = ::mkostemp(buf.data(), O_CLOEXEC);
    if (fd >= 0) ::unlink(buf.data());
  }
  if (fd < 0) return tl::unexpected(io_error(where, "cannot create a temporary file for " + std::string(purpose), errno));
  return UniqueFd(fd);
}

Result<FileMapping> FileMapping::map(int fd, size_t size, Access access, std::string_view origin) {
  if (size == 0) return FileMapping(nullptr, 0);
  const int prot = access == Access::kRead ? PROT_READ : PROT_READ | PROT_WRITE;
  void* p = ::mmap(nullptr, size, prot, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return tl::unexpected(io_error(std::string(origin), "cannot map", errno));
  if (access == Access::kRead) ::madvise(p, size, MADV_SEQUENTIAL);
  return FileMapping(static_cast<char*>(p), size);
}

Result<FileMapping> FileMapping::map_file(const std::filesystem::path& path, Symlink symlink) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | (symlink == Symlink::kRefuse ? O_NOFOLLOW : 0)));
  if (fd.get() < 0) return tl::unexpected(io_error(path, "cannot open", errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return tl::unexpected(io_error(path, "cannot stat", errno));
  if (!S_ISREG(st.st_mode)) return fail(ErrorCode::kInvalidInput, path.string() + ": not a regular file");
  return map(fd.get(), size_t(st.st_size), Access::kRead, path.string());
}

FileMapping::~FileMapping() {
  if (data_) ::munmap(data_, size_);
}

}  // namespace base
