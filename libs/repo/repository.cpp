#include "repo/repository.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <filesystem>

#include "apk/checksum_stream.hpp"
#include "base/fs.hpp"
#include "fetch/cache.hpp"
#include "fetch/url.hpp"
#include "repo/cache_keys.hpp"

namespace repo {

namespace {

// Client errors begin with the redacted URL; replace that with our own description.
base::Error reword(base::Error e, const std::string& effective, const std::string& shown) {
  std::string red = fetch::redact(effective);
  if (e.message.rfind(red + ": ", 0) == 0) e.message.erase(0, red.size() + 2);
  e.message = shown + ": " + e.message;
  return e;
}

// A package download checked against its index checksum as it streams (see ChecksumStream).
class ChecksumCheck : public fetch::BodyCheck {
 public:
  ChecksumCheck(std::string expected, std::string origin) : stream_(std::move(expected), std::move(origin)) {}
  void restart() override { stream_.restart(); }
  base::Status feed(std::string_view chunk) override { return stream_.feed(chunk); }

 private:
  apk::ChecksumStream stream_;
};

// An index's S: is the package's file size; a body far beyond it is not that package
// (a misconfigured server streaming something else). Generous: mirrors may recompress.
uint64_t download_limit(uint64_t indexed_size) {
  if (indexed_size == 0) return UINT64_MAX;
  return indexed_size > (UINT64_MAX - (1u << 20)) / 2 ? UINT64_MAX : 2 * indexed_size + (1u << 20);
}

std::optional<fetch::Cache> make_cache(const Options& opts) {
  if (opts.cache_dir.empty()) return std::nullopt;
  return fetch::Cache(opts.cache_dir);
}

}  // namespace

RepositorySet::RepositorySet(RepositorySet&&) noexcept = default;
RepositorySet& RepositorySet::operator=(RepositorySet&&) noexcept = default;
RepositorySet::~RepositorySet() = default;

std::string RepositorySet::describe(const std::string& url, const std::string& effective) const {
  std::string shown = fetch::redact(url);
  if (effective != url) shown += " (mirror " + fetch::redact(effective) + ")";
  return shown;
}

std::string RepositorySet::index_url(size_t repo) const {
  return specs_[repo].url + "/" + arch_.apk + "/APKINDEX.tar.gz";
}

std::string RepositorySet::package_url(size_t id) const {
  const auto& info = universe_.package(id);
  return specs_[universe_.repository_of(id)].url + "/" + arch_.apk + "/" + info.name + "-" + info.version + ".apk";
}

namespace {
// The repository directory of a local index URL (<repo>/<arch>/APKINDEX.tar.gz) exists and
// holds no index for any architecture yet (an out dir before its first package; one indexed
// for other architectures only is the wrong repository, an error).
}  // namespace

base::Result<RepositorySet> RepositorySet::open(const std::vector<RepoSpec>& specs, const apk::Keyring& keyring,
                                                const apk::Arch& arch, const Options& opts) {
  RepositorySet set;
  set.arch_ = arch;
  set.opts_ = opts;
  set.keyring_ = &keyring;
  set.client_ = std::make_unique<fetch::Client>(opts.fetch);
  for (const auto& s : specs)
    if (std::find(set.specs_.begin(), set.specs_.end(), s) == set.specs_.end()) set.specs_.push_back(s);
  auto cache = make_cache(opts);

  // Remote indexes are downloaded at the same time (a round trip each; many repositories or
  // a slow mirror add up), then read in order.
  std::vector<std::optional<base::Result<std::string>>> downloaded(set.specs_.size());
  if (!opts.offline) {
    std::vector<size_t> remote_ids;
    for (size_t r = 0; r < set.specs_.size(); ++r)
      if (fetch::is_remote(opts.mirrors.rewrite(set.index_url(r)))) remote_ids.push_back(r);
    if (remote_ids.size() > 1) {
      std::atomic<size_t> next{0};
      auto work = [&] {
        for (size_t i; (i = next.fetch_add(1)) < remote_ids.size();) {
          size_t r = remote_ids[i];
          downloaded[r] = set.client_->get(opts.mirrors.rewrite(set.index_url(r)));
        }
      };
      std::vector<std::thread> pool;
      for (size_t t = 1; t < std::min<size_t>(remote_ids.size(), 6); ++t) pool.emplace_back(work);
      work();
      for (auto& t : pool) t.join();
    }
  }

  for (size_t r = 0; r < set.specs_.size(); ++r) {
    const RepoSpec& spec = set.specs_[r];
    std::string url = set.index_url(r);
    std::string effective = opts.mirrors.rewrite(url);
    std::string shown = set.describe(url, effective);
    bool remote = fetch::is_remote(effective);
    if (!remote && !fetch::local_path(effective))
      return base::fail(base::ErrorCode::kUnsupported, shown + ": unsupported URL scheme",
                        "use a local directory, file://, http:// or https://");
    std::string key = index_cache_key(spec.url, arch.apk);

    std::string bytes;
    if (remote && opts.offline) {
      auto hit = cache ? cache->find(key) : std::nullopt;
      if (!hit)
        return base::fail(base::ErrorCode::kNotFound, "offline and no cached index for " + shown,
                          "run once online with the same --cache-dir");
      TRY_ASSIGN(bytes, base::read_file(*hit));
    } else {
      auto got = downloaded[r] ? std::move(*downloaded[r]) : set.client_->get(effective);
      if (!got && !remote && got.error().code == base::ErrorCode::kNotFound) {
        // A local repository without an index for this architecture (an out dir before its
        // first package, as wolfi-dev/os's Makefile appends): skipped with a warning, as the
        // original tools do, not an error.
        spdlog::warn("{}: no index here: skipped (an empty repository)", shown);
        set.universe_.add_repository(solver::Repository{spec.tag, static_cast<int>(set.specs_.size() - r), spec.url});
        set.indexes_.emplace_back();
        continue;
      }
      if (!got) {
        base::Error e = reword(std::move(got).error(), effective, shown);
        if (e.code == base::ErrorCode::kNotFound && e.hint.empty())
          e.hint = "repository \"" + fetch::redact(spec.url) + "\" has no " + arch.apk +
                   " index: check the URL, or build and index packages for " + arch.apk + " (melange index)";
        return tl::unexpected(std::move(e));
      }
      bytes = std::move(*got);
      if (remote && cache) TRY(base::with_context(cache->put(key, bytes), shown + ": caching the index"));
    }

    apk::IndexReadOptions ro;
    ro.keyring = &keyring;
    ro.signature = opts.ignore_signatures ? apk::SignaturePolicy::kIgnore : apk::SignaturePolicy::kRequire;
    TRY_ASSIGN(apk::IndexArchive index, apk::read_index_archive(bytes, shown, ro));

    size_t repo_index = set.universe_.add_repository(
        solver::Repository{spec.tag, static_cast<int>(set.specs_.size() - r), spec.url});
    for (const auto& entry : index.index.entries())
      TRY(base::with_context(set.universe_.add(entry.to_info(), repo_index), shown));
    spdlog::debug("{}: {} packages", shown, index.index.size());
    set.indexes_.push_back(std::move(index));
  }
  return set;
}

apk::PackageReadOptions RepositorySet::read_options(size_t id) const {
  apk::PackageReadOptions ro;
  ro.keyring = keyring_;
  ro.signature = opts_.ignore_signatures ? apk::SignaturePolicy::kIgnore : apk::SignaturePolicy::kRequire;
  ro.expected_checksum = universe_.package(id).checksum;
  return ro;
}

base::Result<apk::Package> RepositorySet::fetch_remote(size_t id, const std::string& url,
                                                       const std::string& effective) const {
  std::string shown = describe(url, effective);
  auto cache = make_cache(opts_);
  auto key = package_cache_key(universe_.package(id).checksum);
  if (cache && key) {
    if (auto hit = cache->find(*key)) {
      TRY_ASSIGN(std::string bytes, base::read_file(*hit));
      auto pkg = apk::Package::parse(std::move(bytes), shown, read_options(id));
      if (pkg) return pkg;
      if (opts_.offline)
        return tl::unexpected(base::Error(pkg.error()).context("cached copy " + hit->string()));
      spdlog::warn("{}: cached copy {} is unusable, downloading again: {}", shown, hit->string(),
                   pkg.error().message);
    }
  }
  if (opts_.offline)
    return base::fail(base::ErrorCode::kNotFound, "offline and no cached copy of " + shown,
                      cache ? "run once online with the same --cache-dir" : "offline use needs a cache dir");
  const auto& info = universe_.package(id);
  ChecksumCheck check(info.checksum, fetch::redact(effective));  // reword() puts `shown` in its place
  auto got = client_->get(effective, fetch::GetOptions{download_limit(info.package_size), &check});
  if (!got) return tl::unexpected(reword(std::move(got).error(), effective, shown));
  TRY_ASSIGN(apk::Package pkg, apk::Package::parse(std::move(*got), shown, read_options(id)));
  if (cache && key) TRY(base::with_context(cache->put(*key, pkg.bytes()), shown + ": caching"));
  return pkg;
}

bool RepositorySet::is_remote(size_t id) const {
  return id < universe_.size() && fetch::is_remote(opts_.mirrors.rewrite(package_url(id)));
}

base::Result<apk::Package> RepositorySet::fetch_package(size_t id) const {
  if (id >= universe_.size())
    return base::fail(base::ErrorCode::kInternal, "package id " + std::to_string(id) + " out of range");
  std::string url = package_url(id);
  std::string effective = opts_.mirrors.rewrite(url);
  if (fetch::is_remote(effective)) return fetch_remote(id, url, effective);
  std::string shown = describe(url, effective);
  if (!fetch::local_path(effective))
    return base::fail(base::ErrorCode::kUnsupported, shown + ": unsupported URL scheme");
  auto got = client_->get(effective);
  if (!got) return tl::unexpected(reword(std::move(got).error(), effective, shown));
  return apk::Package::parse(std::move(*got), shown, read_options(id));
}

base::Status RepositorySet::prefetch(const std::vector<size_t>& ids, unsigned threads) const {
  auto cache = make_cache(opts_);
  if (!cache) return base::ok();
  struct Job {
    size_t id;
    std::string url, effective;
  };
  std::vector<Job> jobs;
  for (size_t id : ids) {
    if (id >= universe_.size())
      return base::fail(base::ErrorCode::kInternal, "package id " + std::to_string(id) + " out of range");
    std::string url = package_url(id);
    std::string effective = opts_.mirrors.rewrite(url);
    if (!fetch::is_remote(effective)) continue;
    auto key = package_cache_key(universe_.package(id).checksum);
    if (!key || cache->find(*key)) continue;  // uncacheable (no C: in the index) or cached
    jobs.push_back({id, std::move(url), std::move(effective)});
  }
  if (jobs.empty()) return base::ok();

  std::atomic<size_t> next{0};
  std::mutex mu;
  std::optional<base::Error> first;
  size_t failed = 0;
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < jobs.size();) {
      auto r = fetch_remote(jobs[i].id, jobs[i].url, jobs[i].effective);
      if (!r) {
        std::lock_guard<std::mutex> lock(mu);
        ++failed;
        if (!first) first = std::move(r.error());
      }
    }
  };
  size_t n = std::clamp<size_t>(threads, 1, jobs.size());
  std::vector<std::thread> pool;
  for (size_t t = 1; t < n; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (!first) return base::ok();
  if (failed > 1) first->message += " (and " + std::to_string(failed - 1) + " more packages failed)";
  return tl::unexpected(std::move(*first));
}

}  // namespace repo
