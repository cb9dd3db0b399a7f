#include "repo/cache_keys.hpp"

#include "base/hash.hpp"
#include "fetch/url.hpp"

namespace repo {

namespace {
constexpr size_t kMaxSegment = 200;
}

std::string escape_url_segment(std::string_view url) {
  std::string bare = fetch::redact(url);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bare) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                c == '_' || c == '.' || c == '~';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  // "." and ".." are not valid cache segments; a URL never escapes to them, but be safe.
  if (out.empty() || out.find_first_not_of('.') == std::string::npos) out = "%2E" + out;
  if (out.size() > kMaxSegment) out = out.substr(0, kMaxSegment - 17) + "-" + base::sha256_hex(bare).substr(0, 16);
  return out;
}

std::string index_cache_key(std::string_view repo_url, std::string_view arch) {
  return escape_url_segment(repo_url) + "/" + std::string(arch) + "/APKINDEX.tar.gz";
}

std::optional<std::string> package_cache_key(std::string_view checksum) {
  if (checksum.substr(0, 2) != "Q1") return std::nullopt;
  std::string raw;
  if (!base::base64_decode(checksum.substr(2), &raw) || raw.size() != 20) return std::nullopt;
  return "apk/" + base::to_hex(raw) + ".apk";
}

std::string key_cache_key(std::string_view key_url) { return "keys/" + escape_url_segment(key_url); }

}  // namespace repo
