#include "apk/data_tar.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <vector>

#include "archive/sink.hpp"
#include "archive/tar_writer.hpp"
#include "base/fs.hpp"
#include "base/hash.hpp"
#include "base/temp_file.hpp"

namespace apk {

using base::ErrorCode;
using base::fail;

namespace {

class Walker {
 public:
  Walker(const std::filesystem::path& root, const DataTarOptions& opts, archive::Sink& sink)
      : root_(root), opts_(opts), writer_(sink, {false}) {}

  base::Status walk(const std::string& rel) {
    std::filesystem::path dir = rel.empty() ? root_ : root_ / rel;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return tl::unexpected(base::io_error(dir, "cannot open directory", errno));
    std::vector<std::string> names;
    while (dirent* de = ::readdir(d)) {
      std::string n = de->d_name;
      if (n != "." && n != "..") names.push_back(std::move(n));
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
      std::string child = rel.empty() ? n : rel + "/" + n;
      TRY(add(child));
    }
    return {};
  }

  base::Result<DataTarStats> finish() {
    TRY(writer_.finish(true));
    return out_;
  }

 private:
  uint32_t map_id(uint32_t id, uint32_t build) const { return id == build ? 0 : id; }
  std::string name_of(const std::map<uint32_t, std::string>& names, uint32_t id) const {
    auto it = names.find(id);
    if (it != names.end()) return it->second;
    return id == 0 ? "root" : std::string();
  }

  base::Status add_xattrs(const std::filesystem::path& p, archive::TarEntry& e) {
    char list[4096];
    ssize_t n = ::llistxattr(p.c_str(), list, sizeof list);
    if (n <= 0) return {};
    std::vector<std::string> keys;
    for (ssize_t i = 0; i < n;) {
      std::string k(list + i);
      i += ssize_t(k.size()) + 1;
      keys.push_back(std::move(k));
    }
    std::sort(keys.begin(), keys.end());
    for (const auto& k : keys) {
      char val[8192];
      ssize_t vn = ::lgetxattr(p.c_str(), k.c_str(), val, sizeof val);
      if (vn < 0) continue;
      e.pax.emplace_back("SCHILY.xattr." + k, std::string(val, size_t(vn)));
    }
    return {};
  }

  base::Status add(const std::string& rel) {
    std::filesystem::path p = root_ / rel;
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return tl::unexpected(base::io_error(p, "cannot stat", errno));
    archive::TarEntry e;
    e.name = rel;
    e.mode = st.st_mode & 07777;
    e.uid = map_id(st.st_uid, opts_.build_uid);
    e.gid = map_id(st.st_gid, opts_.build_gid);
    e.uname = name_of(opts_.user_names, e.uid);
    e.gname = name_of(opts_.group_names, e.gid);
    e.mtime = opts_.mtime;
    std::string content;
    if (S_ISDIR(st.st_mode)) {
      e.type = archive::EntryType::kDir;
    } else if (S_ISLNK(st.st_mode)) {
      e.type = archive::EntryType::kSymlink;
      std::vector<char> buf(size_t(st.st_size) + 1 > 4096 ? size_t(st.st_size) + 1 : 4096);
      ssize_t n = ::readlink(p.c_str(), buf.data(), buf.size());
      if (n < 0) return tl::unexpected(base::io_error(p, "cannot read link", errno));
      e.linkname.assign(buf.data(), size_t(n));
      e.pax.emplace_back("APK-TOOLS.checksum.SHA1", base::sha1_hex(e.linkname));
    } else if (S_ISREG(st.st_mode)) {
      auto key = std::make_pair(uint64_t(st.st_dev), uint64_t(st.st_ino));
      if (st.st_nlink > 1) {
        auto it = links_.find(key);
        if (it != links_.end()) {
          e.type = archive::EntryType::kHardlink;
          e.linkname = it->second;
          TRY(writer_.add(e));
          ++out_.entries;
          return {};
        }
        links_.emplace(key, rel);
      }
      e.type = archive::EntryType::kFile;
      TRY(add_file(p, e));
      ++out_.entries;
      return {};
    } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
      e.type = S_ISCHR(st.st_mode) ? archive::EntryType::kCharDevice : archive::EntryType::kBlockDevice;
      e.devmajor = major(st.st_rdev);
      e.devminor = minor(st.st_rdev);
    } else if (S_ISFIFO(st.st_mode)) {
      e.type = archive::EntryType::kFifo;
    } else {
      return fail(ErrorCode::kInvalidInput, p.string() + ": sockets cannot be packaged");
    }
    TRY(add_xattrs(p, e));
    TRY(writer_.add(e, content));
    ++out_.entries;
    if (e.type == archive::EntryType::kDir) TRY(walk(rel));
    return {};
  }

  // A regular file, streamed in pieces so that no file is held whole in memory: its SHA-1
  // goes into the header, so the file is read twice (the second time from the page cache).
  base::Status add_file(const std::filesystem::path& p, archive::TarEntry& e) {
    base::UniqueFd fd(::open(p.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (fd.get() < 0) return tl::unexpected(base::io_error(p, "cannot open", errno));
    buf_.resize(kPiece);
    base::Hasher sha1(base::HashAlgo::kSha1);
    uint64_t size = 0;
    for (;;) {
      TRY_ASSIGN(size_t n, read_at(fd.get(), p, size));
      if (n == 0) break;
      sha1.update(std::string_view(buf_.data(), n));
      size += n;
    }
    e.size = size;
    out_.installed_size += size;
    e.pax.emplace_back("APK-TOOLS.checksum.SHA1", base::to_hex(sha1.finish()));
    TRY(add_xattrs(p, e));
    TRY(writer_.add_header(e));
    for (uint64_t at = 0; at < size;) {
      TRY_ASSIGN(size_t n, read_at(fd.get(), p, at));
      if (n == 0 || at + n > size)
        return fail(ErrorCode::kIo, p.string() + ": changed while it was being packaged");
      TRY(writer_.add_data(std::string_view(buf_.data(), n)));
      at += n;
    }
    return {};
  }
  base::Result<size_t> read_at(int fd, const std::filesystem::path& p, uint64_t offset) {
    for (;;) {
      ssize_t n = ::pread(fd, buf_.data(), buf_.size(), off_t(offset));
      if (n >= 0) return size_t(n);
      if (errno != EINTR) return tl::unexpected(base::io_error(p, "cannot read", errno));
    }
  }

  static constexpr size_t kPiece = 1 << 20;
  std::filesystem::path root_;
  const DataTarOptions& opts_;
  archive::TarWriter writer_;
  std::map<std::pair<uint64_t, uint64_t>, std::string> links_;
  std::string buf_;
  DataTarStats out_;
};

}  // namespace

base::Result<DataTarStats> build_data_tar_to(const std::filesystem::path& root, const DataTarOptions& opts,
                                             archive::Sink& sink) {
  struct stat st {};
  if (::lstat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return fail(ErrorCode::kNotFound, root.string() + ": not a directory");
  Walker w(root, opts, sink);
  TRY(w.walk(""));
  return w.finish();
}

base::Result<DataTar> build_data_tar(const std::filesystem::path& root, const DataTarOptions& opts) {
  archive::StringSink sink;
  TRY_ASSIGN(DataTarStats stats, build_data_tar_to(root, opts, sink));
  return DataTar{std::move(sink.data), stats.installed_size, stats.entries};
}

}  // namespace apk
