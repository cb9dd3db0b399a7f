#include "fetch/url.hpp"

#include <algorithm>
#include <cctype>

#include "base/strings.hpp"

namespace fetch {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

struct Parts {
  size_t authority_begin = 0;  // just after "://"
  size_t authority_end = 0;    // first '/', '?' or '#' after it (or size)
  size_t at = std::string_view::npos;  // last '@' in the authority
};

std::optional<Parts> split_url(std::string_view url) {
  size_t sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  for (size_t i = 0; i < sep; ++i) {
    unsigned char c = url[i];
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return std::nullopt;
  }
  Parts p;
  p.authority_begin = sep + 3;
  p.authority_end = url.find_first_of("/?#", p.authority_begin);
  if (p.authority_end == std::string_view::npos) p.authority_end = url.size();
  size_t at = url.rfind('@', p.authority_end == 0 ? 0 : p.authority_end - 1);
  if (at != std::string_view::npos && at >= p.authority_begin) p.at = at;
  return p;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += char(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

}  // namespace

bool is_remote(std::string_view url) { return starts_with_ci(url, "http://") || starts_with_ci(url, "https://"); }

bool has_scheme(std::string_view url) { return split_url(url).has_value(); }

std::optional<std::string> local_path(std::string_view url) {
  if (starts_with_ci(url, "file://")) {
    std::string_view rest = url.substr(7);
    // file://localhost/x and file:///x both mean /x.
    if (starts_with_ci(rest, "localhost/")) rest.remove_prefix(9);
    if (rest.empty() || rest[0] != '/') return std::nullopt;
    return percent_decode(rest);
  }
  if (has_scheme(url)) return std::nullopt;
  return std::string(url);
}

std::string redact(std::string_view url) {
  auto p = split_url(url);
  if (!p || p->at == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, p->authority_begin));
  out += url.substr(p->at + 1);
  return out;
}

std::string scrub(std::string_view text, std::string_view url) {
  std::string out(text);
  auto p = split_url(url);
  if (!p || p->at == std::string_view::npos) return out;
  replace_all(out, url, redact(url));
  std::string_view userinfo = url.substr(p->authority_begin, p->at - p->authority_begin);
  replace_all(out, std::string(userinfo) + "@", "");
  size_t colon = userinfo.find(':');
  if (colon != std::string_view::npos) {
    std::string_view password = userinfo.substr(colon + 1);
    if (password.size() >= 3) {
      replace_all(out, password, "***");
      std::string decoded = percent_decode(password);
      if (decoded != password) replace_all(out, decoded, "***");
    }
  }
  return out;
}

std::optional<HostPort> url_host(std::string_view url) {
  auto p = split_url(url);
  if (!p) return std::nullopt;
  size_t begin = p->at == std::string_view::npos ? p->authority_begin : p->at + 1;
  std::string_view hp = url.substr(begin, p->authority_end - begin);
  HostPort out;
  if (!hp.empty() && hp[0] == '[') {
    size_t close = hp.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = lower(hp.substr(1, close - 1));
    std::string_view rest = hp.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return std::nullopt;
      out.port = std::string(rest.substr(1));
    }
  } else {
    size_t colon = hp.rfind(':');
    out.host = lower(hp.substr(0, colon));
    if (colon != std::string_view::npos) out.port = std::string(hp.substr(colon + 1));
  }
  if (out.host.empty()) return std::nullopt;
  return out;
}

std::optional<BasicAuth> parse_http_auth(std::string_view value) {
  auto parts = base::split(value, ':');
  if (parts.size() != 4 || parts[0] != "basic" || parts[1].empty()) return std::nullopt;
  return BasicAuth{lower(parts[1]), std::string(parts[2]), std::string(parts[3])};
}

bool auth_applies(const BasicAuth& auth, std::string_view url) {
  auto hp = url_host(url);
  if (!hp) return false;
  if (auth.host == hp->host) return true;
  return !hp->port.empty() && auth.host == hp->host + ":" + hp->port;
}

}  // namespace fetch
