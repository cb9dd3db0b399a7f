// URL/prefix rewriting for artifact proxies and offline mirrors.
//
// A mirror rule "FROM=TO" replaces the prefix FROM of a location by TO. It applies to
// every location the tools fetch: repository URLs (and so index and package URLs under
// them), keyring URLs, and melange fetch URIs. TO may be another URL or a local
// directory / file. Examples:
//
//   APK_MIRRORS="https://packages.wolfi.dev/os=/srv/mirror/wolfi"
//     https://packages.wolfi.dev/os/x86_64/APKINDEX.tar.gz -> /srv/mirror/wolfi/x86_64/APKINDEX.tar.gz
//   APK_MIRRORS="https://packages.wolfi.dev/os=https://artifactory.corp/wolfi;https://packages.wolfi.dev/os/wolfi-signing.rsa.pub=/srv/keys/wolfi-signing.rsa.pub"
//     a key mapping is just a longer prefix; the longest matching FROM wins.
//
// Matching: FROM matches when the location starts with it and the match ends at a
// boundary (end of the location, or the next character is '/', '?' or '#'), so
// ".../os" does not rewrite ".../osx". Trailing '/' of FROM and TO are ignored.
// Comparison is exact (case-sensitive). A location with credentials
// ("https://user:tok@host/...") also matches a FROM written without them; the
// rewritten location then carries no credentials (supply them for the mirror in TO
// or through HTTP_AUTH). Rules never apply to their own output (one rewrite only).
// Error messages redact credentials.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.hpp"

namespace repo {

class Mirrors {
 public:
  // Each spec is "FROM=TO" (split at the first '='; surrounding blanks trimmed).
  // An empty FROM or TO, or the same FROM twice, is a kInvalidInput error.
  static base::Result<Mirrors> parse(const std::vector<std::string>& specs);
  // "FROM=TO;FROM2=TO2" (';' or newlines between rules; empty rules skipped).
  // `origin` names the text in errors, e.g. "APK_MIRRORS".
  static base::Result<Mirrors> parse_list(std::string_view text, std::string_view origin);
  // The rules of $APK_MIRRORS (none when unset or empty).
  static base::Result<Mirrors> from_env();

  // `url` with the longest matching FROM replaced by its TO; unchanged when none matches.
  std::string rewrite(std::string_view url) const;
  // Adds `other`'s rules; a rule of `other` replaces one of ours with the same FROM
  // (so merge the command line over the environment).
  void merge(const Mirrors& other);

  bool empty() const { return rules_.empty(); }
  size_t size() const { return rules_.size(); }
  // Rules as (FROM, TO), longest FROM first.
  const std::vector<std::pair<std::string, std::string>>& rules() const { return rules_; }

 private:
  void sort();
  std::vector<std::pair<std::string, std::string>> rules_;
};

}  // namespace repo
