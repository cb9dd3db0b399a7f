#include "oci/docker_config.hpp"

#include <cstdlib>
#include <system_error>

#include <nlohmann/json.hpp>

#include "base/fs.hpp"
#include "base/hash.hpp"

namespace oci {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

// "https://index.docker.io/v1/" -> "index.docker.io"; Docker Hub aliases collapse.
std::string normalize_host(std::string_view key) {
  if (auto p = key.find("://"); p != std::string_view::npos) key = key.substr(p + 3);
  key = key.substr(0, key.find('/'));
  std::string host(key);
  if (host == "docker.io" || host == "registry-1.docker.io") host = "index.docker.io";
  return host;
}

base::Result<Json> load_config(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Json::object();
  TRY_ASSIGN(std::string text, base::read_file(path));
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return base::fail(base::ErrorCode::kFormat, path.string() + ": not a JSON object");
  return j;
}

}  // namespace

fs::path docker_config_path() {
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir && *dir) return fs::path(dir) / "config.json";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/") / ".docker" / "config.json";
}

base::Result<Credentials> find_credentials(std::string_view registry) {
  fs::path path = docker_config_path();
  TRY_ASSIGN(Json config, load_config(path));
  if (!config.contains("auths") || !config["auths"].is_object()) return Credentials{};
  std::string want = normalize_host(registry);
  for (const auto& [key, entry] : config["auths"].items()) {
    if (normalize_host(key) != want || !entry.is_object()) continue;
    Credentials c;
    if (entry.contains("auth") && entry["auth"].is_string() && !entry["auth"].get<std::string>().empty()) {
      std::string decoded;
      if (!base::base64_decode(entry["auth"].get<std::string>(), &decoded))
        return base::fail(base::ErrorCode::kFormat, path.string() + ": auths." + key + ".auth is not base64");
      auto colon = decoded.find(':');
      if (colon == std::string::npos)
        return base::fail(base::ErrorCode::kFormat, path.string() + ": auths." + key + ".auth is not user:password");
      c.username = decoded.substr(0, colon);
      c.password = decoded.substr(colon + 1);
    } else {
      c.username = entry.value("username", "");
      c.password = entry.value("password", "");
    }
    return c;
  }
  return Credentials{};
}

base::Status docker_login(std::string_view registry, std::string_view user, std::string_view password) {
  if (registry.empty() || user.empty())
    return base::fail(base::ErrorCode::kUsage, "login: registry and username are required");
  fs::path path = docker_config_path();
  std::error_code ec;
  if (!fs::exists(path.parent_path(), ec)) {
    fs::create_directories(path.parent_path(), ec);
    if (ec) return base::fail(base::ErrorCode::kIo, path.parent_path().string() + ": cannot create directory: " + ec.message());
    fs::permissions(path.parent_path(), fs::perms::owner_all, ec);
  }
  TRY_ASSIGN(Json config, load_config(path));
  std::string host = normalize_host(registry);
  std::string key = host == "index.docker.io" ? "https://index.docker.io/v1/" : host;
  if (!config.contains("auths") || !config["auths"].is_object()) config["auths"] = Json::object();
  // Replace any entry naming the same registry under another spelling.
  std::vector<std::string> stale;
  for (const auto& [k, v] : config["auths"].items())
    if (normalize_host(k) == host && k != key) stale.push_back(k);
  for (const auto& k : stale) config["auths"].erase(k);
  config["auths"][key] = Json{{"auth", base::base64_encode(std::string(user) + ":" + std::string(password))}};
  return base::write_file_atomic(path, config.dump(1, '\t') + "\n", 0600);
}

}  // namespace oci
