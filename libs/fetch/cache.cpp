#include "fetch/cache.hpp"

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

}  // namespace fetch
