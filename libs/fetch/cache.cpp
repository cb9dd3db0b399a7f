#include "fetch/cache.hpp"

#include <cstdlib>
#include <system_error>

#include "base/fs.hpp"
#include "base/strings.hpp"

namespace fetch {

namespace fs = std::filesystem;

bool Cache::valid_key(std::string_view key) {
  if (key.empty() || key.front() == '/' || key.find('\0') != std::string_view::npos) return false;
  for (std::string_view seg : base::split(key, '/'))
    if (seg.empty() || seg == "." || seg == "..") return false;
  return true;
}

std::optional<fs::path> Cache::find(std::string_view key) const {
  if (!valid_key(key)) return std::nullopt;
  fs::path p = dir_ / fs::path(std::string(key));
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return std::nullopt;
  return p;
}

base::Result<fs::path> Cache::put(std::string_view key, std::string_view data) {
  if (!valid_key(key))
    return base::fail(base::ErrorCode::kInvalidInput, dir_.string() + ": invalid cache key '" + std::string(key) + "'");
  fs::path p = dir_ / fs::path(std::string(key));
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  if (ec)
    return base::fail(base::ErrorCode::kIo, p.parent_path().string() + ": cannot create directory: " + ec.message());
  TRY(base::write_file_atomic(p, data));
  return p;
}

base::Result<CacheUsage> Cache::usage(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  CacheUsage u;
  std::error_code ec;
  auto st = fs::symlink_status(dir, ec);
  if (ec || st.type() == fs::file_type::not_found) return u;
  if (st.type() != fs::file_type::directory)
    return base::fail(base::ErrorCode::kInvalidInput, dir.string() + ": not a directory");
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    ++u.files;
    u.bytes += it->file_size(ec);
  }
  if (ec) return base::fail(base::ErrorCode::kIo, dir.string() + ": " + ec.message());
  return u;
}

base::Status Cache::check_removable(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path abs = fs::weakly_canonical(fs::absolute(dir), ec);
  const char* home = std::getenv("HOME");
  if (abs.empty() || abs == abs.root_path() || (home && *home && abs == fs::weakly_canonical(home, ec)))
    return base::fail(base::ErrorCode::kUsage, dir.string() + ": refusing to remove this directory as a cache");
  return base::ok();
}

base::Result<CacheUsage> Cache::remove(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  TRY(check_removable(dir));
  TRY_ASSIGN(CacheUsage u, usage(dir));
  fs::remove_all(dir, ec);
  if (ec) return base::fail(base::ErrorCode::kIo, dir.string() + ": " + ec.message());
  return u;
}

}  // namespace fetch
