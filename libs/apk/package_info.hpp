// The metadata of one apk package, owned (std::string members).
//
// One struct serves the three text formats that carry it: .PKGINFO (pkginfo.hpp),
// APKINDEX (index_text.hpp) and lib/apk/db/installed (installed_db.hpp). Dependency-like
// lists hold one entry per element, in file order, exactly as written ("so:libc.so.6",
// "foo>=1.2", "!bar"); parsing them is dependency.hpp's job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace apk {

struct PackageInfo {
  std::string name;         // P:  pkgname
  std::string version;      // V:  pkgver, "1.2.3-r4"
  std::string arch;         // A:  arch
  std::string description;  // T:  pkgdesc
  std::string url;          // U:  url
  std::string license;      // L:  license (several .PKGINFO license lines are joined with " AND ")
  // .PKGINFO only: the `license` lines when there are several (melange writes one per
  // copyright entry; apk-tools keeps the last, go-apk the first). When set, the .PKGINFO
  // writer writes these instead of `license`; `license` stays their " AND " join.
  std::vector<std::string> license_lines;
  std::string origin;       // o:  origin
  std::string maintainer;   // m:  maintainer
  std::string commit;       // c:  commit
  std::string checksum;     // C:  "Q1" + base64(sha1(control member)); not in .PKGINFO
  std::string datahash;     //     .PKGINFO datahash: hex sha256 of the data member
  uint64_t installed_size = 0;  // I:  size (in .PKGINFO)
  uint64_t package_size = 0;    // S:  size of the .apk file; not in .PKGINFO
  int64_t build_time = 0;       // t:  builddate, seconds since the epoch
  std::optional<int64_t> provider_priority;  // k:  provider_priority
  std::optional<int64_t> replaces_priority;  // q:  replaces_priority
  std::vector<std::string> depends;     // D:  depend
  std::vector<std::string> provides;    // p:  provides
  std::vector<std::string> replaces;    // r:  replaces
  std::vector<std::string> install_if;  // i:  install_if
  std::vector<std::string> triggers;    //     .PKGINFO triggers (paths)
  std::vector<std::string> vendored;    //     .PKGINFO `# vendored = ...` comments (melange; ignored by apk)
  std::string recipe_hash;  //     .PKGINFO `# recipe = sha256:<hex>` comment: the compiled recipe it was built
                            //     from (melange/graph_build.hpp skips a package built from the same recipe)

  // "name-version", the name apk-tools prints and uses for file names.
  std::string nevr() const { return name + "-" + version; }

  bool operator==(const PackageInfo&) const = default;
};

// Calls fn(word) for each non-empty word of a space-separated list ("a b  c"), in order: the one
// rule for index and .PKGINFO lists (split_words, and the index writer's raw lists).
template <class Fn>
void for_each_word(std::string_view text, Fn&& fn) {
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i > start) fn(text.substr(start, i - start));
  }
}

// Splits a space-separated list ("a b  c") into its non-empty words.
std::vector<std::string> split_words(std::string_view text);
// Appends the words of `list` to `out`, separated by single spaces.
void append_words(std::string& out, const std::vector<std::string>& list);

}  // namespace apk
