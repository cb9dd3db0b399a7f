#include "apk/repo_index.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <map>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>

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

struct FileStamp {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t inode = 0;
  std::string checksum;
  bool same_file(const FileStamp& o) const { return size == o.size && mtime_ns == o.mtime_ns && inode == o.inode; }
};

using StampMap = std::map<std::string, FileStamp>;

StampMap read_stamps(const std::filesystem::path& path) {
  StampMap out;
  auto text = base::read_file(path);
  if (!text) return out;
  for (auto line : base::split(*text, '\n')) {
    auto f = base::split(line, '\t');
    if (f.size() != 5) continue;
    FileStamp s;
    long long size, mtime, inode;
    if (!base::parse_int64(f[1], &size) || !base::parse_int64(f[2], &mtime) || !base::parse_int64(f[3], &inode))
      continue;
    s.size = uint64_t(size);
    s.mtime_ns = mtime;
    s.inode = uint64_t(inode);
    s.checksum = std::string(f[4]);
    out.emplace(std::string(f[0]), std::move(s));
  }
  return out;
}

std::string write_stamps(const StampMap& stamps) {
  std::ostringstream out;
  for (const auto& [name, s] : stamps)
    out << name << '\t' << s.size << '\t' << s.mtime_ns << '\t' << s.inode << '\t' << s.checksum << '\n';
  return out.str();
}

base::Result<FileStamp> stamp_of(const std::filesystem::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) {
    if (errno == ENOENT) return fail(ErrorCode::kNotFound, p.string() + ": no such package file");
    return tl::unexpected(base::io_error(p, "cannot stat", errno));
  }
  FileStamp s;
  s.size = uint64_t(st.st_size);
  s.mtime_ns = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  s.inode = uint64_t(st.st_ino);
  return s;
}

// One record of the new index: taken over from the previous index (a view into its text,
// written back without a copy) or read from a package file.
struct Record {
  const IndexEntry* raw = nullptr;
  PackageInfo info;
  std::string_view name() const { return raw ? raw->name : std::string_view(info.name); }
  std::string_view version() const { return raw ? raw->version : std::string_view(info.version); }
  std::string_view arch() const { return raw ? raw->arch : std::string_view(info.arch); }
  std::string_view checksum() const { return raw ? raw->checksum : std::string_view(info.checksum); }
};

std::string entry_key(const Record& r) {
  std::string k;
  k.reserve(r.name().size() + r.version().size() + r.arch().size() + 2);
  k.append(r.name()).append("\n").append(r.version()).append("\n").append(r.arch());
  return k;
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
  // The previous index stays parsed (zero-copy) for the whole update: unchanged packages'
  // records are written back from its views.
  std::optional<IndexArchive> previous;
  std::filesystem::path source = u.source.value_or(u.output);
  if (std::filesystem::exists(source)) {
    TRY_ASSIGN(std::string bytes, base::read_file(source));
    IndexReadOptions ro;
    ro.signature = SignaturePolicy::kIgnore;
    TRY_ASSIGN(IndexArchive idx, read_index_archive(bytes, source.string(), ro));
    previous = std::move(idx);
  } else if (u.source) {
    return fail(ErrorCode::kNotFound, u.source->string() + ": source index does not exist");
  }
  const std::vector<IndexEntry> none;
  const std::vector<IndexEntry>& prev = previous ? previous->index.entries() : none;
  std::unordered_map<std::string_view, const IndexEntry*> by_checksum;
  by_checksum.reserve(prev.size());
  for (const auto& e : prev) by_checksum.emplace(e.checksum, &e);

  StampMap old_stamps = read_stamps(index_stat_path(u.output));
  StampMap new_stamps;
  std::map<std::string, Record> entries;  // key: name/version/arch
  PackageReadOptions ro;
  ro.signature = SignaturePolicy::kIgnore;
  ro.verify_datahash = false;  // as `apk index`: the record needs the control member only
  // Stat every input first; those unchanged since the previous index are taken from it.
  struct Input {
    FileStamp stamp;
    const IndexEntry* raw = nullptr;
  };
  std::vector<Input> inputs(u.packages.size());
  std::vector<size_t> to_read;
  for (size_t i = 0; i < u.packages.size(); ++i) {
    TRY_ASSIGN(inputs[i].stamp, stamp_of(u.packages[i]));
    if (auto it = old_stamps.find(u.packages[i].filename().string());
        it != old_stamps.end() && it->second.same_file(inputs[i].stamp)) {
      if (auto pit = by_checksum.find(it->second.checksum); pit != by_checksum.end()) inputs[i].raw = pit->second;
    }
    if (!inputs[i].raw) to_read.push_back(i);
  }
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
  for (size_t i = 0; i < u.packages.size(); ++i) {
    FileStamp& stamp = inputs[i].stamp;
    Record rec;
    rec.raw = inputs[i].raw;
    if (rec.raw) {
      ++stats.reused;
    } else {
      TRY_ASSIGN(rec.info, std::move(*loaded[stats.read]));
      ++stats.read;
    }
    if (!u.arch.empty() && rec.arch() != u.arch) {
      ++stats.skipped;
      continue;
    }
    stamp.checksum = std::string(rec.checksum());
    new_stamps[u.packages[i].filename().string()] = std::move(stamp);
    std::string key = entry_key(rec);
    entries[std::move(key)] = std::move(rec);
  }
  if (u.merge) {
    for (const auto& e : prev) {
      if (!u.arch.empty() && e.arch != u.arch) continue;
      Record rec;
      rec.raw = &e;
      if (entries.emplace(entry_key(rec), rec).second) ++stats.kept;
    }
    // Keep stamps of files still indexed so later runs can reuse them.
    for (const auto& [name, st] : old_stamps)
      if (!new_stamps.count(name) && by_checksum.count(st.checksum)) new_stamps.emplace(name, st);
  }
  std::vector<const Record*> list;
  list.reserve(entries.size());
  for (const auto& [k, v] : entries) list.push_back(&v);
  std::sort(list.begin(), list.end(), [](const Record* a, const Record* b) {
    if (a->name() != b->name()) return a->name() < b->name();
    if (int c = version_compare(a->version(), b->version()); c != 0) return c < 0;
    return a->arch() < b->arch();
  });
  stats.total = list.size();
  std::string text;
  text.reserve(previous ? previous->index.text().size() + 4096 : list.size() * 512);
  for (const Record* r : list) {
    if (r->raw) append_index_fields(text, *r->raw);
    else append_index_fields(text, r->info);
    text.push_back('\n');
  }
  TRY_ASSIGN(std::string bytes, write_index_archive_text(text, u.description, u.key, u.mtime));
  TRY(base::write_file_atomic(u.output, bytes));
  // The sidecar is an optimisation: failing to write it is not an error.
  (void)base::write_file_atomic(index_stat_path(u.output), write_stamps(new_stamps));
  return stats;
}

}  // namespace apk
