#include "apk/keyring.hpp"

#include <algorithm>
#include <system_error>

#include "base/fs.hpp"

namespace apk {

using base::ErrorCode;
using base::fail;

base::Status Keyring::add(std::string name, std::string_view pem, std::string_view origin) {
  if (name.empty() || name.find('/') != std::string::npos)
    return fail(ErrorCode::kInvalidInput, std::string(origin) + ": invalid key name '" + name + "'");
  TRY_ASSIGN(PublicKey key, PublicKey::from_pem(pem, origin));
  auto it = keys_.find(name);
  if (it != keys_.end()) {
    if (it->second.pem() == key.pem()) return base::ok();
    return fail(ErrorCode::kConflict,
                std::string(origin) + ": a different key named " + name + " is already in the keyring");
  }
  keys_.emplace(std::move(name), std::move(key));
  return base::ok();
}

base::Status Keyring::add_file(const std::filesystem::path& path) {
  TRY_ASSIGN(std::string pem, base::read_file(path));
  return add(path.filename().string(), pem, path.string());
}

base::Status Keyring::add_pem(std::string name, std::string_view pem) {
  std::string origin = name;
  return add(std::move(name), pem, origin);
}

base::Status Keyring::add_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return fail(ErrorCode::kNotFound, dir.string() + ": no such directory");
    return fail(ErrorCode::kIo, dir.string() + ": cannot list directory: " + ec.message());
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : it) {
    if (entry.is_regular_file(ec)) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());  // deterministic error reporting
  for (const auto& f : files) TRY(add_file(f));
  return base::ok();
}

const PublicKey* Keyring::find(std::string_view name) const {
  auto it = keys_.find(name);
  return it == keys_.end() ? nullptr : &it->second;
}

std::vector<std::string> Keyring::names() const {
  std::vector<std::string> out;
  out.reserve(keys_.size());
  for (const auto& [name, key] : keys_) out.push_back(name);
  return out;
}

}  // namespace apk
