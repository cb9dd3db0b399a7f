// The repositories of one build, for ONE architecture: their indexes (verified), the
// solver universe built from them, and verified package downloads.
//
// open() reads <url>/<arch>/APKINDEX.tar.gz of every repository (local directory,
// file:// or http(s); mirrors applied), checks its signature against the keyring
// (.SIGN.RSA and .SIGN.RSA256; skipped with ignore_signatures) and adds its packages
// to a solver::Universe. Repositories keep the order given: an earlier one has a
// higher priority; a tagged one ("@local") only serves name@local requests. A
// repository without an index for the architecture is an error naming the index URL, except
// an existing local directory without an index for any architecture (an out dir before its
// first package), which is an empty repository.
//
// Remote indexes are downloaded on every open() (no ETag revalidation yet) and kept at
// <cache>/<escaped repo url>/<arch>/APKINDEX.tar.gz; offline, that copy is used, and a
// missing one is an error. Packages are fetched from the cache (keyed by their index
// checksum, see cache_keys.hpp) or downloaded and then cached. Every package is checked
// before use: its control SHA-1 against the index C: (so the data hash and every file
// hash are bound to the signed index), the datahash, and, unless ignore_signatures, its
// own signature against the keyring (the original apko skipped this last check).
// Local repositories are read in place, never copied into the cache.
//
// A RepositorySet may be used from several threads at once (fetch_package, prefetch).
// It refers to the keyring passed to open(), which must outlive it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "apk/arch.hpp"
#include "apk/index_archive.hpp"
#include "apk/keyring.hpp"
#include "apk/package.hpp"
#include "base/error.hpp"
#include "fetch/client.hpp"
#include "repo/options.hpp"
#include "repo/repo_spec.hpp"
#include "solver/universe.hpp"

namespace repo {

class RepositorySet {
 public:
  static base::Result<RepositorySet> open(const std::vector<RepoSpec>& specs, const apk::Keyring& keyring,
                                          const apk::Arch& arch, const Options& opts);
  RepositorySet(RepositorySet&&) noexcept;
  RepositorySet& operator=(RepositorySet&&) noexcept;
  ~RepositorySet();

  const solver::Universe& universe() const { return universe_; }
  const apk::Arch& arch() const { return arch_; }
  // Repositories in universe order (duplicates given to open() appear once).
  size_t repository_count() const { return specs_.size(); }
  const RepoSpec& spec(size_t repo) const { return specs_[repo]; }
  const apk::IndexArchive& index(size_t repo) const { return indexes_[repo]; }
  // <url>/<arch>/APKINDEX.tar.gz, before mirror rewriting (may carry credentials).
  std::string index_url(size_t repo) const;

  // <repo url>/<arch>/<name>-<version>.apk for a universe package id, before mirror
  // rewriting (may carry credentials: redact before showing it).
  std::string package_url(size_t id) const;
  // Whether the package comes over the network (after mirror rewriting): callers fetch
  // such packages with more threads than they have cores.
  bool is_remote(size_t id) const;
  // The package, verified (see above). Errors name the package URL. Thread-safe.
  base::Result<apk::Package> fetch_package(size_t id) const;
  // Downloads (and verifies) the remote packages among `ids` not yet in the cache,
  // `threads` at a time. Nothing to do without a cache dir or for local repositories.
  // On failure: the first error, with how many packages failed.
  base::Status prefetch(const std::vector<size_t>& ids, unsigned threads) const;

 private:
  RepositorySet() = default;
  apk::PackageReadOptions read_options(size_t id) const;
  std::string describe(const std::string& url, const std::string& effective) const;
  base::Result<apk::Package> fetch_remote(size_t id, const std::string& url, const std::string& effective) const;

  std::vector<RepoSpec> specs_;
  std::vector<apk::IndexArchive> indexes_;
  solver::Universe universe_;
  apk::Arch arch_;
  Options opts_;
  const apk::Keyring* keyring_ = nullptr;
  std::unique_ptr<fetch::Client> client_;
};

}  // namespace repo
