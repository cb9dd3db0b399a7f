#include "melange/update_cache.hpp"

#include <spdlog/spdlog.h>

#include <system_error>

#include "base/fs.hpp"
#include "base/hash.hpp"

namespace melange {

namespace fs = std::filesystem;

namespace {

bool is_lower_hex(const std::string& s, size_t len) {
  if (s.size() != len) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// The cache entry holds exactly the bytes with this hash.
bool cache_entry_valid(const fs::path& file, base::HashAlgo algo, const std::string& want) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return false;
  auto data = base::read_file(file);
  if (!data) return false;
  return base::to_hex(base::digest(algo, *data)) == want;
}

}  // namespace

base::Result<std::vector<CacheEntryResult>> update_cache(const CompiledBuild& build, const fs::path& cache_dir,
                                                         fetch::Client& client) {
  std::vector<CacheEntryResult> out;
  for (const auto& src : build.sources) {
    if (src.kind != "fetch") continue;
    const std::string where = src.location.to_string() + ": fetch " + src.uri;
    CacheEntryResult r;
    r.uri = src.uri;
    struct Want {
      const char* family;
      base::HashAlgo algo;
      size_t hex_len;
      std::string hash;
    };
    std::vector<Want> wants;
    if (!src.sha256.empty()) wants.push_back({"sha256", base::HashAlgo::kSha256, 64, src.sha256});
    if (!src.sha512.empty()) wants.push_back({"sha512", base::HashAlgo::kSha512, 128, src.sha512});
    if (wants.empty()) {
      spdlog::info("{}: no expected-sha256 or expected-sha512, nothing to cache", where);
      r.skipped = true;
      out.push_back(std::move(r));
      continue;
    }
    for (const auto& w : wants)
      if (!is_lower_hex(w.hash, w.hex_len))
        return base::fail(base::ErrorCode::kInvalidInput,
                          where + ": expected-" + w.family + " \"" + w.hash + "\" is not " + std::to_string(w.hex_len) +
                              " lowercase hex digits");

    bool all_cached = true;
    for (const auto& w : wants)
      all_cached = all_cached && cache_entry_valid(cache_dir / (std::string(w.family) + ":" + w.hash), w.algo, w.hash);
    if (all_cached) {
      for (const auto& w : wants) r.entries.push_back(cache_dir / (std::string(w.family) + ":" + w.hash));
      spdlog::info("{}: already cached", where);
      out.push_back(std::move(r));
      continue;
    }

    spdlog::info("{}: downloading", where);
    TRY_ASSIGN(std::string data, base::with_context(client.get(src.uri), where));
    for (const auto& w : wants) {
      std::string got = base::to_hex(base::digest(w.algo, data));
      if (got != w.hash)
        return base::fail(base::ErrorCode::kSignature,
                          where + ": " + w.family + " mismatch: downloaded " + got + ", expected-" + w.family + " is " + w.hash,
                          "update the checksum (melange bump) or check the uri");
    }
    std::error_code ec;
    fs::create_directories(cache_dir, ec);
    if (ec) return tl::unexpected(base::io_error(cache_dir, "create directory", ec.value()));
    for (const auto& w : wants) {
      fs::path file = cache_dir / (std::string(w.family) + ":" + w.hash);
      TRY(base::write_file_atomic(file, data, 0644));
      spdlog::info("{}: wrote {}", where, file.string());
      r.entries.push_back(file);
    }
    r.downloaded = true;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace melange
