#include "apk/index_stamps.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

#include "base/fs.hpp"

namespace apk {

namespace {
// The whole of `s` as a number of T's type (inodes use all 64 bits on some filesystems).
template <typename T>
bool whole_number(std::string_view s, T* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}
}  // namespace

StampFile StampFile::read(const std::filesystem::path& path) {
  auto text = base::read_file(path);
  return text ? parse(std::move(*text)) : StampFile{};
}

StampFile StampFile::parse(std::string text) {
  StampFile out;
  out.text_ = std::make_unique<std::string>(std::move(text));
  std::string_view rest = *out.text_;
  out.by_name_.reserve(size_t(std::count(rest.begin(), rest.end(), '\n')));
  while (!rest.empty()) {
    size_t eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    std::string_view f[5];
    size_t n = 0;
    for (size_t tab; n < 4 && (tab = line.find('\t')) != std::string_view::npos; line.remove_prefix(tab + 1))
      f[n++] = line.substr(0, tab);
    if (n != 4 || line.find('\t') != std::string_view::npos) continue;
    f[4] = line;
    FileStamp st;
    if (!whole_number(f[1], &st.size) || !whole_number(f[2], &st.mtime_ns) || !whole_number(f[3], &st.inode)) continue;
    st.checksum = f[4];
    out.by_name_.insert_or_assign(f[0], st);
  }
  return out;
}

const FileStamp* StampFile::find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &it->second;
}

std::string format_stamps(const std::vector<std::pair<std::string_view, FileStamp>>& stamps) {
  std::string out;
  out.reserve(stamps.size() * 96);
  char num[24];
  auto put = [&](auto v) {
    out.append(num, size_t(std::to_chars(num, num + sizeof num, v).ptr - num));
    out.push_back('\t');
  };
  for (const auto& [name, s] : stamps) {
    out.append(name).push_back('\t');
    put(s.size);
    put(s.mtime_ns);
    put(s.inode);
    out.append(s.checksum).push_back('\n');
  }
  return out;
}

std::string_view stamp_name(const std::filesystem::path& p) {
  std::string_view s = p.native();
  size_t slash = s.rfind('/');
  return slash == std::string_view::npos ? s : s.substr(slash + 1);
}

FileStatter::~FileStatter() {
  if (dir_fd_ >= 0) ::close(dir_fd_);
}

base::Result<FileStamp> FileStatter::stamp(const std::filesystem::path& p) {
  std::string_view s = p.native();
  size_t slash = s.rfind('/');
  std::string_view dir = slash == std::string_view::npos ? std::string_view(".") : s.substr(0, slash + 1);
  if (dir_fd_ < 0 || dir != dir_) {
    if (dir_fd_ >= 0) ::close(dir_fd_);
    dir_ = dir;
    dir_fd_ = ::open(dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  }
  struct stat st {};
  if (dir_fd_ < 0 || ::fstatat(dir_fd_, std::string(stamp_name(p)).c_str(), &st, 0) != 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return base::fail(base::ErrorCode::kNotFound, p.string() + ": no such package file");
    return tl::unexpected(base::io_error(p, "cannot stat", errno));
  }
  FileStamp out;
  out.size = uint64_t(st.st_size);
  out.mtime_ns = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  out.inode = uint64_t(st.st_ino);
  return out;
}

}  // namespace apk
