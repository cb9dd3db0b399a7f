// Classifying and redacting the locations packages, indexes and keys come from.
//
// A location is a local path, a file:// URL or an http(s):// URL. URLs may carry
// credentials ("https://user:token@host/...") which must never reach a log line or an
// error message: every message about a URL goes through redact().
// HTTP_AUTH follows apko/melange (go-apk): exactly one "basic:HOST:USER:PASS" entry,
// applied to requests whose host is HOST.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fetch {

// True for http:// and https:// (scheme case-insensitive).
bool is_remote(std::string_view url);
// True when `url` has a scheme ("xyz://") at all.
bool has_scheme(std::string_view url);
// The local path for a plain path or a file:// URL (percent-decoded); nullopt for other schemes.
std::optional<std::string> local_path(std::string_view url_or_path);

// Removes "user:password@" from the authority of a URL; other text is returned unchanged.
std::string redact(std::string_view url);
// Removes the credentials of `url` wherever they appear in `text` (e.g. libcurl messages).
std::string scrub(std::string_view text, std::string_view url);

struct HostPort {
  std::string host;  // lowercased, without brackets for IPv6
  std::string port;  // empty when the URL has none
};
// Host and port of an http(s) URL; nullopt if it does not parse.
std::optional<HostPort> url_host(std::string_view url);

struct BasicAuth {
  std::string host;
  std::string user;
  std::string password;
};
// Parses an HTTP_AUTH value: "basic:HOST:USER:PASS" (exactly four ':'-separated parts,
// like go-apk; anything else gives nullopt).
std::optional<BasicAuth> parse_http_auth(std::string_view value);
// Whether `auth` applies to `url`: HOST equals the URL's host, or its "host:port".
bool auth_applies(const BasicAuth& auth, std::string_view url);

}  // namespace fetch
