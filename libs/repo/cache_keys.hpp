// The layout of the download cache under Options::cache_dir (fetch::Cache keys).
//
//   <escaped repo url>/<arch>/APKINDEX.tar.gz   the last index downloaded
//   apk/<hex sha1 of control>.apk                packages, by their index checksum (C:Q1...)
//   keys/<escaped key url>                       downloaded public keys
//
// Packages are keyed by the control-member SHA-1 the index names, so a changed file on
// the server never matches a stale entry, and the same package from two repositories
// (or through a mirror) is stored once. URLs are escaped like Go's url.QueryEscape
// (unreserved characters kept, everything else %XX) after removing credentials, so
// no secret lands in a file name; very long ones are shortened with a hash suffix.
// Only remote (http/https) locations are cached; local files are read in place.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace repo {

// One path segment for `url` (credentials removed, escaped, at most ~200 bytes).
std::string escape_url_segment(std::string_view url);
std::string index_cache_key(std::string_view repo_url, std::string_view arch);
// nullopt when `checksum` is not a "Q1<base64 sha1>" value.
std::optional<std::string> package_cache_key(std::string_view checksum);
std::string key_cache_key(std::string_view key_url);

}  // namespace repo
