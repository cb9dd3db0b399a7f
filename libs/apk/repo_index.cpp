#include "apk/repo_index.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "apk/index_archive.hpp"
#include "apk/package.hpp"
#include "apk/version.hpp"
#include "base/dir_lock.hpp"
#include "base/fs.hpp"
#include "base/strings.hpp"

namespace apk {

using base::ErrorCode;
using base::fail;

namespace {

// What identifies a package file between two runs; `checksum` is the index checksum it had
// (a view into the sidecar's text, the previous index or a package just read).
struct FileStamp {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t inode = 0;
  std::string_view checksum;
  bool same_file(const FileStamp& o) const { return size == o.size && mtime_ns == o.mtime_ns && inode == o.inode; }
};

// The sidecar of the previous run, parsed in place: file name -> stamp. Unreadable or
// malformed lines are skipped (the file is only an optimisation).
class StampFile {
 public:
  static StampFile read(const std::filesystem::path& path) {
    StampFile out;
    auto text = base::read_file(path);
    if (!text) return out;
    out.text_ = std::make_unique<std::string>(std::move(*text));
    std::string_view rest = *out.text_;
    out.by_name_.reserve(std::count(rest.begin(), rest.end(), '\n'));
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
      long long size, mtime, inode;
      if (!base::parse_int64(f[1], &size) || !base::parse_int64(f[2], &mtime) || !base::parse_int64(f[3], &inode))
        continue;
      out.by_name_.insert_or_assign(f[0], FileStamp{uint64_t(size), mtime, uint64_t(inode), f[4]});
    }
    return out;
  }
  const FileStamp* find(std::string_view name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : &it->second;
  }
  const std::unordered_map<std::string_view, FileStamp>& all() const { return by_name_; }

 private:
  std::unique_ptr<std::string> text_;  // heap-held: the map's views stay valid when moved
  std::unordered_map<std::string_view, FileStamp> by_name_;
};

// One line per file name ("name\tsize\tmtime_ns\tinode\tchecksum\n"), in the order given.
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

std::string_view base_name(const std::filesystem::path& p) {
  std::string_view s = p.native();
  size_t slash = s.rfind('/');
  return slash == std::string_view::npos ? s : s.substr(slash + 1);
}

// Stats package files, opening each distinct directory once (inputs are nearly always one
// directory's files: fstatat on the name skips walking the directory's path 2,000 times).
class Statter {
 public:
  ~Statter() {
    if (dir_fd_ >= 0) ::close(dir_fd_);
  }
  base::Result<FileStamp> stamp(const std::filesystem::path& p) {
    std::string_view s = p.native();
    size_t slash = s.rfind('/');
    std::string_view dir = slash == std::string_view::npos ? std::string_view(".") : s.substr(0, slash + 1);
    if (dir != dir_) {
      if (dir_fd_ >= 0) ::close(dir_fd_);
      dir_fd_ = ::open(std::string(dir).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
      dir_ = dir;
    }
    struct stat st {};
    if (dir_fd_ < 0 || ::fstatat(dir_fd_, std::string(base_name(p)).c_str(), &st, 0) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return fail(ErrorCode::kNotFound, p.string() + ": no such package file");
      return tl::unexpected(base::io_error(p, "cannot stat", errno));
    }
    FileStamp out;
    out.size = uint64_t(st.st_size);
    out.mtime_ns = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    out.inode = uint64_t(st.st_ino);
    return out;
  }

 private:
  std::string_view dir_;
  int dir_fd_ = -1;
};

// One record of the new index: taken over from the previous index (a view into its text,
// written back without a copy) or read from a package file. `rank` decides between records
// of the same name, version and arch: later inputs win over earlier ones, and any input over
// an entry --merge keeps from the source (rank 0).
struct Record {
  const IndexEntry* raw = nullptr;
  const PackageInfo* info = nullptr;
  size_t rank = 0;
  std::string_view name() const { return raw ? raw->name : std::string_view(info->name); }
  std::string_view version() const { return raw ? raw->version : std::string_view(info->version); }
  std::string_view arch() const { return raw ? raw->arch : std::string_view(info->arch); }
  std::string_view checksum() const { return raw ? raw->checksum : std::string_view(info->checksum); }
};

// Index order: name, then version (apk's comparison), then arch; the rest only makes the
// order total (versions apk calls equal but spelled differently, then rank, highest first).
bool index_order(const Record& a, const Record& b) {
  if (a.name() != b.name()) return a.name() < b.name();
  if (int c = version_compare(a.version(), b.version()); c != 0) return c < 0;
  if (a.arch() != b.arch()) return a.arch() < b.arch();
  if (a.version() != b.version()) return a.version() < b.version();
  return a.rank > b.rank;
}

// What a helper thread reads while the inputs are stat'ed: the previous index, the sidecar
// and (optionally) the signing key.
struct Previous {
  std::optional<IndexArchive> index;
  base::Status index_status;
  StampFile stamps;
  std::optional<base::Result<LoadedKey>> key;
};

Previous read_previous(const IndexUpdate& u) {
  Previous out;
  if (!u.key_file.empty()) out.key = load_signing_key(u.key_file);
  std::filesystem::path source = u.source.value_or(u.output);
  std::error_code ec;
  if (std::filesystem::exists(source, ec)) {
    out.index_status = [&]() -> base::Status {
      TRY_ASSIGN(std::string bytes, base::read_file(source));
      IndexReadOptions ro;
      ro.signature = SignaturePolicy::kIgnore;
      TRY_ASSIGN(IndexArchive idx, read_index_archive(bytes, source.string(), ro));
      out.index = std::move(idx);
      return {};
    }();
  } else if (u.source) {
    out.index_status = fail(ErrorCode::kNotFound, u.source->string() + ": source index does not exist");
  }
  out.stamps = StampFile::read(index_stat_path(u.output));
  return out;
}

}  // namespace

std::filesystem::path index_stat_path(const std::filesystem::path& index) {
  return index.parent_path() / ("." + index.filename().string() + ".stat");
}

base::Result<IndexUpdateStats> update_index(const IndexUpdate& u) {
  // Read, merge and write under the directory's lock: concurrent builds sharing an out dir
  // must not lose each other's entries.
  std::filesystem::path dir = u.output.parent_path().empty() ? std::filesystem::path(".") : u.output.parent_path();
  TRY_ASSIGN(base::DirLock lock, base::DirLock::acquire(dir));
  IndexUpdateStats stats;
  // The previous index, its sidecar and the key are read on a helper thread while this one
  // stats every input (on a re-index of a large repository these are most of the work).
  // The previous index stays parsed (zero-copy) for the whole update: unchanged packages'
  // records are written back from its views.
  Previous previous;
  std::vector<FileStamp> stamps(u.packages.size());
  std::optional<base::Error> stat_error;
  {
    std::jthread helper([&] { previous = read_previous(u); });
    Statter statter;
    for (size_t i = 0; i < u.packages.size() && !stat_error; ++i) {
      auto st = statter.stamp(u.packages[i]);
      if (st) stamps[i] = *st;
      else stat_error = std::move(st).error();
    }
  }
  // Errors in the order the user would fix them: key, source index, then package files.
  if (previous.key && !*previous.key) return tl::unexpected(std::move(*previous.key).error());
  TRY(std::move(previous.index_status));
  if (stat_error) return tl::unexpected(std::move(*stat_error));
  std::optional<SigningKey> loaded_key;
  if (previous.key) loaded_key = (*previous.key)->signing_key();
  const SigningKey* key = loaded_key ? &*loaded_key : u.key;

  const std::vector<IndexEntry> none;
  const std::vector<IndexEntry>& prev = previous.index ? previous.index->index.entries() : none;
  std::unordered_map<std::string_view, const IndexEntry*> by_checksum;
  by_checksum.reserve(prev.size());
  for (const auto& e : prev) by_checksum.emplace(e.checksum, &e);

  // Inputs unchanged since the previous index (same size, mtime and inode, and their
  // checksum still listed) are taken from it; the others are read.
  std::vector<const IndexEntry*> reused_entry(u.packages.size(), nullptr);
  std::vector<size_t> to_read;
  for (size_t i = 0; i < u.packages.size(); ++i) {
    if (const FileStamp* old = previous.stamps.find(base_name(u.packages[i])); old && old->same_file(stamps[i]))
      if (auto pit = by_checksum.find(old->checksum); pit != by_checksum.end()) reused_entry[i] = pit->second;
    if (!reused_entry[i]) to_read.push_back(i);
  }
  PackageReadOptions ro;
  ro.signature = SignaturePolicy::kIgnore;
  ro.verify_datahash = false;  // as `apk index`: the record needs the control member only
  // The others are read and verified on a few threads (a full index of a large repository
  // is mostly reading files and inflating control members). Threads claim blocks of inputs,
  // so that small packages do not pay a lock per package; results are used in input order.
  const size_t reused = u.packages.size() - to_read.size();
  std::vector<std::optional<base::Result<PackageInfo>>> loaded(to_read.size());
  {
    constexpr size_t kBlock = 32;
    std::atomic<size_t> next_block{0}, done{0};
    std::atomic<bool> failed{false};  // stop claiming: the first error (in input order) is reported
    auto work = [&](bool report) {
      // Blocks are claimed in order and finished once claimed, so every input before a
      // failed one has its result when the ordered pass below reaches the failure.
      for (size_t b; !failed && (b = next_block.fetch_add(1)) * kBlock < to_read.size();) {
        for (size_t k = b * kBlock; k < std::min(to_read.size(), (b + 1) * kBlock); ++k) {
          auto pkg = Package::load(u.packages[to_read[k]], ro);
          if (!pkg) failed = true;
          loaded[k] = pkg ? base::Result<PackageInfo>(pkg->info()) : tl::unexpected(std::move(pkg).error());
          size_t n = done.fetch_add(1) + 1;
          if (report && u.progress) u.progress(reused + n, u.packages.size(), n);
        }
      }
    };
    const size_t blocks = (to_read.size() + kBlock - 1) / kBlock;
    const size_t threads = std::min<size_t>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u), blocks);
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(work, false);
    work(true);  // this thread reports progress
    for (auto& t : pool) t.join();
  }
  if (u.progress) u.progress(u.packages.size(), u.packages.size(), to_read.size());

  std::vector<Record> records;
  records.reserve(u.packages.size() + (u.merge ? prev.size() : 0));
  std::vector<std::pair<std::string_view, FileStamp>> new_stamps;
  new_stamps.reserve(u.packages.size());
  for (size_t i = 0; i < u.packages.size(); ++i) {
    Record rec;
    rec.rank = i + 1;
    rec.raw = reused_entry[i];
    if (rec.raw) {
      ++stats.reused;
    } else {
      auto& got = *loaded[stats.read];
      if (!got) return tl::unexpected(std::move(got).error());
      rec.info = &*got;
      ++stats.read;
    }
    if (!u.arch.empty() && rec.arch() != u.arch) {
      ++stats.skipped;
      continue;
    }
    stamps[i].checksum = rec.checksum();
    new_stamps.emplace_back(base_name(u.packages[i]), stamps[i]);
    records.push_back(rec);
  }
  if (u.merge) {
    for (const auto& e : prev)
      if (u.arch.empty() || e.arch == u.arch) records.push_back(Record{&e, nullptr, 0});
  }
  // One record per name, version and arch: sorted, the winner of each group comes first.
  std::sort(records.begin(), records.end(), index_order);
  std::vector<const Record*> list;
  list.reserve(records.size());
  for (const Record& r : records) {
    if (!list.empty() && list.back()->name() == r.name() && list.back()->version() == r.version() &&
        list.back()->arch() == r.arch())
      continue;
    if (r.rank == 0) ++stats.kept;
    list.push_back(&r);
  }
  if (u.merge) {
    // Keep stamps of files still indexed so later runs can reuse them.
    std::unordered_set<std::string_view> named;
    named.reserve(new_stamps.size());
    for (const auto& s : new_stamps) named.insert(s.first);
    for (const auto& [name, st] : previous.stamps.all())
      if (!named.count(name) && by_checksum.count(st.checksum)) new_stamps.emplace_back(name, st);
  }
  // In name order; a file name given twice (from two directories) keeps its last input's stamp.
  std::stable_sort(new_stamps.begin(), new_stamps.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t k = 0; k + 1 < new_stamps.size();)
    if (new_stamps[k].first == new_stamps[k + 1].first) new_stamps.erase(new_stamps.begin() + ptrdiff_t(k));
    else ++k;
  stats.total = list.size();
  std::string text;
  text.reserve(previous.index ? previous.index->index.text().size() + 4096 : list.size() * 512);
  for (const Record* r : list) {
    if (r->raw) append_index_fields(text, *r->raw);
    else append_index_fields(text, *r->info);
    text.push_back('\n');
  }
  TRY_ASSIGN(std::string bytes, write_index_archive_text(text, u.description, key, u.mtime));
  TRY(base::write_file_atomic(u.output, bytes));
  // The sidecar is an optimisation: failing to write it is not an error.
  (void)base::write_file_atomic(index_stat_path(u.output), format_stamps(new_stamps));
  return stats;
}

}  // namespace apk
