// One repository line as configs and /etc/apk/repositories write it.
//
//   https://packages.wolfi.dev/os          untagged
//   @local ./packages                      tagged "local": its packages are only used
//                                          when asked for as name@local (or as their deps)
//   /abs/dir, ./rel/dir, file:///abs/dir   local directories
//
// The repository holds <url>/<apk arch>/APKINDEX.tar.gz and the .apk files beside it.
// Trailing '/' is trimmed (as apko does). A relative path is resolved against the base
// directory the caller gives (the config file's directory); without one it stays
// relative to the working directory.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "base/error.hpp"

namespace repo {

struct RepoSpec {
  std::string tag;  // without '@'; "" = untagged
  std::string url;  // URL or path, never with a trailing '/'

  static base::Result<RepoSpec> parse(std::string_view line, const std::filesystem::path& base_dir = {});
  // "@local /abs/packages" or the bare url.
  std::string to_string() const;
  bool operator==(const RepoSpec&) const = default;
};

}  // namespace repo
