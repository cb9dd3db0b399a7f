// The stamp file beside an index (`.APKINDEX.tar.gz.stat`): which package file, as it was
// on disk (size, mtime in ns, inode), had which index checksum when the index was written.
// `melange index` takes a package's record from the previous index without opening the file
// when its stamp still matches (repo_index.hpp). One line per file name, tab-separated:
//   name  size  mtime_ns  inode  checksum
// The file is only an optimisation: unreadable or malformed lines are ignored, and a missing
// file costs a full re-read, never a different index.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/error.hpp"

namespace apk {

// `checksum` is a view: into a StampFile's text, an index's text or a package's record.
struct FileStamp {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t inode = 0;
  std::string_view checksum;
  bool same_file(const FileStamp& o) const { return size == o.size && mtime_ns == o.mtime_ns && inode == o.inode; }
};

// A stamp file parsed in place: file name -> stamp (a later line for a name wins).
class StampFile {
 public:
  static StampFile read(const std::filesystem::path& path);  // missing or unreadable: empty
  static StampFile parse(std::string text);
  const FileStamp* find(std::string_view name) const;
  const std::unordered_map<std::string_view, FileStamp>& all() const { return by_name_; }

 private:
  std::unique_ptr<std::string> text_;  // heap-held: the map's views stay valid when moved
  std::unordered_map<std::string_view, FileStamp> by_name_;
};

// The stamp file's text, one line per entry in the order given (callers sort by name).
std::string format_stamps(const std::vector<std::pair<std::string_view, FileStamp>>& stamps);

// The last component of a path as written ("dir/x.apk" -> "x.apk"): the stamp file's key.
std::string_view stamp_name(const std::filesystem::path& p);

// Stats package files, opening each distinct directory once: inputs are nearly always one
// directory's files, and fstatat on the name saves walking that directory's path each time.
// A missing file is kNotFound "<path>: no such package file".
class FileStatter {
 public:
  FileStatter() = default;
  FileStatter(const FileStatter&) = delete;
  FileStatter& operator=(const FileStatter&) = delete;
  ~FileStatter();
  base::Result<FileStamp> stamp(const std::filesystem::path& p);

 private:
  std::string dir_;
  int dir_fd_ = -1;
};

}  // namespace apk
