#include "apk/repo_index.hpp"

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "apk/index_archive.hpp"
#include "apk/index_stamps.hpp"
#include "apk/package.hpp"
#include "apk/version.hpp"
#include "base/dir_lock.hpp"
#include "base/fs.hpp"

namespace apk {

using base::ErrorCode;
using base::fail;

namespace {

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
    FileStatter statter;
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
    if (const FileStamp* old = previous.stamps.find(stamp_name(u.packages[i])); old && old->same_file(stamps[i]))
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
    new_stamps.emplace_back(stamp_name(u.packages[i]), stamps[i]);
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
