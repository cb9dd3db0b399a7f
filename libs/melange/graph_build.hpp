// `melange build a.yaml b.yaml ...` / `melange build dir/`: many recipes in dependency order.
//
//   1. every recipe is loaded and compiled (for each architecture) as the single build does;
//      its graph node (melange/graph.hpp) provides its package names, their `provides:`, and
//      the provides of its packages already in <out-dir>/<arch>/ (index and package files);
//      it needs its environment packages and its packages' runtime dependencies;
//   2. a recipe whose packages are all in the out dir at the same version with the same
//      recipe hash (.PKGINFO `# recipe = `, compile.hpp recipe_hash()) for every architecture
//      is up to date and not built;
//   3. --dry-run prints the plan (order, what is built and why, what is skipped and why);
//   4. otherwise each recipe is built by a child `melange build <recipe>` with the same flags,
//      plus the out dir as a repository (`-r <out-dir>` and the signing key's public half,
//      unless given already), its output in <out-dir>/buildlogs/<package>.log. Each child
//      publishes its packages and updates the index under the out dir's lock, once per
//      package. With the docker runner, builds are spread over the engine pool
//      (sandbox/engine_pool.hpp), one per engine slot; a build whose engine stops answering
//      is retried on another engine (a build that fails on a live engine is a failure);
//   5. progress: plain lines (and a live status line on a terminal); at the end a table of
//      each package's result and duration, and the critical path.
// A failure skips only its dependents; the status is an error when anything failed.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "melange/build.hpp"

namespace melange {

struct GraphBuildOptions {
  BuildOptions build;                          // the shared flags (config_file is ignored)
  std::vector<std::filesystem::path> inputs;   // recipe files and directories of them
  unsigned jobs = 0;                           // 0: one per engine slot (docker), else 1
  bool dry_run = false;
  std::vector<std::string> docker_hosts;       // --docker-host values (over $DOCKER_HOST)
  std::filesystem::path self;                  // the melange executable the children run
};

base::Status build_graph(const GraphBuildOptions& opts);

// The recipes named by `inputs`: files as given, directories' *.yaml / *.yml files (not
// recursing, not hidden ones such as wolfi's .yam.yaml, sorted). A missing input or a directory without recipes is an error naming it.
base::Result<std::vector<std::filesystem::path>> recipe_files(const std::vector<std::filesystem::path>& inputs);

// The `melange build` arguments (after "build") reproducing `o` for o.config_file.
std::vector<std::string> build_arguments(const BuildOptions& o);

}  // namespace melange
