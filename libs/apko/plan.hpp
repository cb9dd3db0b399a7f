// From a config file and the flags to what gets installed: the merged repository and key
// lists, the world, and per architecture the verified repositories and the packages in
// install order. All architectures are resolved together (solver::solve_multi): a version
// is only used if every architecture has it, so the images of an index match.
//
// Lists (docs/apko.md "Repositories"): build time uses repositories + build_repositories
// + -r + -b in that order (earlier = preferred between identical name-versions; apko sorts
// them instead); etc/apk/repositories gets sorted(repositories + runtime_repositories + -r);
// keys: sorted(keyring + -k). Relative repository and key paths are relative to the
// working directory, as in apko. With BuildOptions::lockfile the packages are the locked
// ones (lock.hpp) instead of a solve.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "apk/arch.hpp"
#include "apk/keyring.hpp"
#include "apko/options.hpp"
#include "base/error.hpp"
#include "config/image_config.hpp"
#include "repo/options.hpp"
#include "repo/repository.hpp"

namespace apko {

struct ArchPlan {
  apk::Arch arch;
  std::unique_ptr<repo::RepositorySet> repos;
  std::vector<size_t> packages;  // universe ids, install order
};

struct Plan {
  config::ImageConfig config;
  std::vector<std::string> keyring_sources;       // sorted, deduplicated
  std::unique_ptr<apk::Keyring> keyring;          // outlives `archs` (declared first)
  std::vector<std::string> build_repositories;    // as given to RepositorySet::open
  std::vector<std::string> runtime_repositories;  // etc/apk/repositories
  // For the lock file: repositories + -r, build_repositories + -b, runtime_repositories.
  std::vector<std::string> lock_repositories, lock_build_repositories, lock_runtime_repositories;
  std::vector<std::string> world;                 // etc/apk/world, sorted
  repo::Options repo_options;
  std::vector<ArchPlan> archs;                    // sorted by OCI name
};

// Names an in-memory config in errors: `name` starts each message ("image.yaml", "hello
// build environment"); `key_prefix` goes before config keys in hints ("environment." when the
// config is a melange `environment:` block).
struct ConfigSource {
  std::string name;
  std::string key_prefix;
};

// Merges the flags into a loaded config; no repository is read yet.
base::Result<Plan> prepare_plan(config::ImageConfig config, const BuildOptions& opts, const ConfigSource& source);
// Loads the config file, then prepare_plan() above with the file as the source.
base::Result<Plan> prepare_plan(const std::filesystem::path& config_path, const BuildOptions& opts);
// prepare_plan(), then opens the repositories of every arch and resolves the packages
// (solve, or the lock file when opts.lockfile is set).
base::Result<Plan> make_plan(config::ImageConfig config, const BuildOptions& opts, const ConfigSource& source);
base::Result<Plan> make_plan(const std::filesystem::path& config_path, const BuildOptions& opts);

// The architectures a run builds: --arch, else the config's archs, else apko's "all".
base::Result<std::vector<apk::Arch>> select_archs(const std::vector<std::string>& flag,
                                                  const std::vector<std::string>& config_archs);

}  // namespace apko
