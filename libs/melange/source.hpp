// `melange source get` / `melange source pop`: work on a package's upstream git source as a
// git checkout with the package's patches as commits, then turn those commits back into
// patch files and the configuration's patch steps.
//
// get (as melange): the configuration's first top-level `git-checkout` step is cloned into
// <output>/<package name> (host `git`; expected-commit checked out detached, else the tag or
// branch when given; submodules when recurse-submodules is true), its cherry-picks applied
// (`git cherry-pick -x`; lines "[branch/]commit: comment", '#' comments), then the patches
// of the first `patch` or `git-am` step after it, each as one commit: `git am`, else
// `git apply` or `patch -p1 --fuzz=2` and a commit whose subject is the file name without
// ".patch". Patch files are read from --source-dir, default <config dir>/<package name>.
// `with:` values are substituted (${{package.version}} etc.; melange uses them verbatim).
//
// pop (as melange): `git format-patch -o <source dir> <expected-commit>..HEAD` in the
// checkout writes one patch per commit; the configuration's top-level `patch` steps are
// replaced by one `git-am` step listing them (or one is inserted after the git-checkout
// step), editing the file's text so comments and formatting elsewhere are kept.
//
// git needs a committer identity for am/apply/cherry-pick (user.name/user.email or
// GIT_COMMITTER_NAME/EMAIL); git's output is logged.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "config/build_config.hpp"
#include "fetch/client.hpp"

namespace melange {

struct SourceOptions {
  std::filesystem::path config_file;
  std::filesystem::path output = "./source";  // checkouts go to <output>/<package name>
  std::filesystem::path source_dir;           // patches; default <config dir>/<package name>
};

// Returns the checkout directory.
base::Result<std::filesystem::path> source_get(const SourceOptions& opts);

// Returns the names of the patch files written (in order).
base::Result<std::vector<std::string>> source_pop(const SourceOptions& opts);

// The text edit of `source pop`: the top-level `patch` steps of `yaml` replaced by one
// `git-am` step with `patches: <names joined by spaces>`, or that step inserted after the
// first top-level git-checkout step when there is no patch step.
base::Result<std::string> replace_patch_steps(std::string_view yaml, std::string_view filename,
                                              const std::vector<std::string>& patches);

// The source of a configuration, fetched on the host into `dest` (what `melange
// license-check` scans), as melange's source fetcher does: for a configuration file, the
// directory next to it named like it without extension (hello.yaml -> hello/) is copied
// in first; then the top-level `fetch` (downloaded, checksum verified, unpacked with tar
// --strip-components into `directory`), `git-checkout` (cloned into `destination`,
// expected-commit checked out, cherry-picks applied) and `patch` steps (patch -pN
// --fuzz=F with the files in `dest`; skipped for a package's embedded configuration) run
// in order, their `with:` values substituted. Beyond melange, a fetch uses
// <cache_dir>/sha256:<hash> (or sha512:) when present, so it works offline.
struct FetchSourcesOptions {
  std::filesystem::path dest;
  std::filesystem::path config_file;  // the YAML file; empty for a package's embedded configuration
  std::filesystem::path cache_dir;    // optional
};
base::Status fetch_sources(const config::BuildConfig& cfg, const FetchSourcesOptions& opts, fetch::Client& client);

// "[branch/]commit: comment" lines -> commits ('#' and blank lines skipped); an error names
// a line without ':'.
base::Result<std::vector<std::string>> parse_cherry_picks(std::string_view text);

}  // namespace melange
