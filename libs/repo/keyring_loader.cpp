#include "repo/keyring_loader.hpp"

#include <system_error>

#include "base/fs.hpp"
#include "fetch/cache.hpp"
#include "fetch/url.hpp"
#include "repo/cache_keys.hpp"

namespace repo {

namespace fs = std::filesystem;

std::string key_name_for_source(std::string_view source) {
  std::string_view s = source;
  if (fetch::has_scheme(s)) {
    size_t cut = s.find_first_of("?#");
    if (cut != std::string_view::npos) s = s.substr(0, cut);
  }
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  size_t slash = s.rfind('/');
  return std::string(slash == std::string_view::npos ? s : s.substr(slash + 1));
}

namespace {

base::Result<std::string> fetch_remote_key(std::string_view url, const Options& opts) {
  std::optional<fetch::Cache> cache;
  if (!opts.cache_dir.empty()) cache.emplace(opts.cache_dir);
  std::string key = key_cache_key(url);
  if (opts.offline) {
    if (cache)
      if (auto hit = cache->find(key)) return base::read_file(*hit);
    return base::fail(base::ErrorCode::kNotFound, "offline and no cached copy of the key",
                      "run once online with the same --cache-dir, or map the key to a local file with a mirror");
  }
  fetch::Client client(opts.fetch);
  TRY_ASSIGN(std::string pem, client.get(url));
  if (cache) TRY(cache->put(key, pem));
  return pem;
}

// Adds the key under the original source's name and, when a mirror replaced the source
// with a file of another name (e.g. a local repository signed by its own key), under that
// name too, so signatures naming either key verify.
base::Status add_named(apk::Keyring& keyring, const std::string& name, std::string_view source,
                       std::string_view effective, std::string_view pem, const std::string& where) {
  TRY(base::with_context(keyring.add_pem(name, pem), "keyring " + where));
  if (effective == source) return {};
  std::string target = key_name_for_source(fetch::redact(effective));
  if (target.empty() || target == name || target == "." || target == "..") return {};
  return base::with_context(keyring.add_pem(target, pem), "keyring " + where);
}

}  // namespace

base::Status add_key_source(apk::Keyring& keyring, std::string_view source, const Options& opts) {
  std::string shown = fetch::redact(source);
  std::string name = key_name_for_source(shown);
  if (name.empty() || name == "." || name == "..")
    return base::fail(base::ErrorCode::kInvalidInput, "keyring source \"" + shown + "\": no file name to name the key by");
  std::string effective = opts.mirrors.rewrite(source);
  std::string where = shown;
  if (effective != source) where += " (mirror " + fetch::redact(effective) + ")";

  if (auto local = fetch::local_path(effective)) {
    std::error_code ec;
    if (fs::is_directory(*local, ec)) return base::with_context(keyring.add_dir(*local), "keyring " + where);
    auto pem = base::read_file(*local);
    if (!pem) return tl::unexpected(base::Error{pem.error().code, "keyring " + where + ": " + pem.error().message, {}});
    return add_named(keyring, name, source, effective, *pem, where);
  }
  if (!fetch::is_remote(effective))
    return base::fail(base::ErrorCode::kUnsupported, "keyring " + where + ": unsupported URL scheme",
                      "use a local path, file://, http:// or https://");
  auto pem = fetch_remote_key(effective, opts);
  if (!pem) {
    base::Error e = pem.error();
    // Client errors already start with the (redacted) URL; avoid saying it twice.
    std::string red = fetch::redact(effective);
    if (e.message.rfind(red + ": ", 0) == 0) e.message.erase(0, red.size() + 2);
    e.message = "keyring " + where + ": " + e.message;
    return tl::unexpected(std::move(e));
  }
  return add_named(keyring, name, source, effective, *pem, where);
}

base::Result<apk::Keyring> load_keyring(const std::vector<std::string>& sources, const Options& opts) {
  apk::Keyring keyring;
  for (const auto& s : sources) TRY(add_key_source(keyring, s, opts));
  return keyring;
}

}  // namespace repo
