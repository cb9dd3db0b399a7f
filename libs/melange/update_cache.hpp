// `melange update-cache`: fill a source cache with what a configuration's `fetch` steps
// download, under the names the `fetch` pipeline looks up before it downloads:
// <cache-dir>/sha256:<expected-sha256> and <cache-dir>/sha512:<expected-sha512>.
//
// As melange: every `fetch` step of the build (uses: inlined, ${{...}} substituted, so the
// uri is the one the build fetches) is downloaded and its checksums compared with the
// step's expected-sha256 / expected-sha512; a mismatch is an error naming the step, and
// each given checksum gets its cache entry. Differences: subpackage pipelines count too
// (their fetches are cached by a build as well), a step with neither checksum is skipped
// (nothing could find it in the cache), an entry already in the cache whose content has
// the right hash is not downloaded again, and the cache directory is created if missing.
// Entries are written atomically (temp file + rename).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "fetch/client.hpp"
#include "melange/compile.hpp"

namespace melange {

struct CacheEntryResult {
  std::string uri;
  std::vector<std::filesystem::path> entries;  // cache files written or found valid
  bool downloaded = false;                     // false: every entry was already there (or skipped)
  bool skipped = false;                        // no expected checksum
};

// Caches the `fetch` sources of a compiled build.
base::Result<std::vector<CacheEntryResult>> update_cache(const CompiledBuild& build,
                                                         const std::filesystem::path& cache_dir,
                                                         fetch::Client& client);

}  // namespace melange
