// `melange build`: one configuration -> signed packages in --out-dir, per architecture:
//
//   1. load the YAML (strict) and compile it (melange/compile.hpp) for the architecture;
//   2. assemble the build root from environment.contents (+ each step's needs, -r, -k,
//      mirrors) and materialize it (melange/environment.hpp) next to the workspace;
//   3. prepare the workspace (melange/build_workspace.hpp) and start the runner with the
//      workspace at /home/build and the cache dir at /var/cache/melange (when it exists);
//   4. run the main pipeline, then each subpackage's (melange/runner_glue.hpp); the first
//      failing step stops the build with one line naming it, its file:line and exit code;
//   5. lint (errors fail the build) and emit every package (SCA, SBOM inside, signed) into a
//      STAGING repository, indexed there;
//   6. run the `test:` sections (melange/test_run.hpp) against the staging repository;
//   7. only then publish: the packages move into <out-dir>/<arch>/ and
//      <out-dir>/<arch>/APKINDEX.tar.gz is updated incrementally (and signed).
// Any failure before 7 leaves --out-dir untouched. Same inputs, same package bytes.
//
// Build time: $SOURCE_DATE_EPOCH, else --build-date (RFC 3339), else 0 (no builddate).
// Only the host architecture can run (bubblewrap and docker run native code); another one
// is a clear error naming the runner.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "melange/compile.hpp"
#include "melange/runner_glue.hpp"

namespace melange {

struct BuildOptions {
  std::filesystem::path config_file;
  std::vector<std::string> archs;            // --arch (apk or OCI names, "host", "all"); empty = host
  std::string runner = "bubblewrap";         // --runner
  std::filesystem::path signing_key;         // --signing-key (its public half named <key>.pub)
  std::vector<std::string> keyring_append;   // -k
  std::vector<std::string> repository_append;// -r
  std::vector<std::string> mirrors;          // --mirror FROM=TO (over $APK_MIRRORS)
  std::filesystem::path out_dir = "packages";
  std::filesystem::path source_dir;          // default: the config file's directory
  std::filesystem::path cache_dir = "melange-cache";
  std::filesystem::path apk_cache_dir;       // downloaded indexes/packages
  std::filesystem::path workspace_dir;       // default: a temporary directory
  std::vector<std::filesystem::path> pipeline_dirs;
  std::vector<std::filesystem::path> env_files;  // --env-file, repeatable (later files win)
  std::filesystem::path vars_file;
  std::vector<std::string> build_options;    // --build-option
  std::string namespace_ = "unknown";
  std::string build_date;                    // --build-date (RFC 3339)
  std::optional<long long> source_date_epoch;// $SOURCE_DATE_EPOCH (wins over build_date)
  bool generate_index = true;
  bool empty_workspace = false;
  bool debug = false;
  Interactive interactive = Interactive::kOff;
  bool remove = true;                        // --rm: delete workspace and guest afterwards
  bool create_build_log = false;             // <out-dir>/packages.log
  bool network = false;                      // --network: steps share the host's network
  bool run_tests = true;                     // run the test: sections before publishing
  bool ignore_signatures = false;
  std::chrono::seconds timeout{0};           // per step; 0 = the package's timeout, else none
  std::string recipe_hash;                   // recorded instead of recipe_hash() (melange rebuild)
  std::vector<std::string> package_append;   // --package-append: more build-environment packages
  // The configuration file in each package's SBOM: --license (default NOASSERTION), --git-commit
  // (default: the HEAD of the git repository holding the file, if any) and --git-repo-url.
  std::string config_license = "NOASSERTION";
  std::string config_commit, config_repo_url;
  bool strip_origin_name = false;            // --strip-origin-name: a subpackage is its own origin
  // --cpu, --memory, --disk, --cpumodel: used where package.resources leaves them unset.
  config::Resources default_resources;
  // --lint-require / --lint-warn: replace the default linter behaviours when given.
  std::optional<std::vector<std::string>> lint_require, lint_warn;
  std::string libc = "gnu";                  // --override-host-triplet-libc-substitution-flavor
};

// The compile options build() uses for `o` (build date, namespace, pipeline dirs, options,
// vars and env files), with the architecture left to the caller.
base::Result<CompileOptions> compile_options(const BuildOptions& o);

base::Status build(const BuildOptions& opts);

// Seconds since the epoch of an RFC 3339 time ("2024-01-02T03:04:05Z", "+01:00" offsets);
// empty text is 0.
base::Result<long long> parse_rfc3339(std::string_view text);

}  // namespace melange
