// `melange bump`: set a new package version in a melange YAML file, editing its text in place.
//
// Only the values change; comments, key order, quoting and indentation stay as written:
// package.version is replaced; package.epoch becomes 0 when the version changes, else +1
// (inserted after version when absent); each `fetch` step's expected-sha256/expected-sha512
// is recomputed by downloading its uri (with the new version substituted); with
// expected_commit set, each `git-checkout` step's expected-commit is replaced.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "base/error.hpp"
#include "fetch/client.hpp"

namespace melange {

struct BumpOptions {
  std::string version;
  std::string expected_commit;  // empty: leave git-checkout steps alone
};

// Returns the edited text.
base::Result<std::string> bump_config_text(std::string_view yaml, std::string_view filename, const BumpOptions& options,
                                           fetch::Client& client);
// Reads, edits and atomically rewrites `file`.
base::Status bump_config_file(const std::filesystem::path& file, const BumpOptions& options, fetch::Client& client);

}  // namespace melange
