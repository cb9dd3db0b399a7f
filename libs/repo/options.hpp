// Settings shared by everything that reads repositories and keys (apko and melange).
#pragma once

#include <filesystem>

#include "fetch/client.hpp"
#include "repo/mirrors.hpp"

namespace repo {

struct Options {
  // Where downloaded indexes, packages and keys are kept (see cache_keys.hpp).
  // Empty = no cache: remote data is always downloaded and offline use is impossible.
  std::filesystem::path cache_dir;
  // Never touch the network: remote indexes, packages and keys come from the cache
  // only (local repositories and key files are read as usual).
  bool offline = false;
  // Skip index and package signature checks (checksums are still verified).
  bool ignore_signatures = false;
  Mirrors mirrors;
  fetch::Options fetch;
};

}  // namespace repo
