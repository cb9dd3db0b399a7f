// Compiling a parsed melange configuration into a fully resolved build plan.
//
// compile() applies --build-option options, --vars-file values and var-transforms, expands
// subpackage `range:`s (data items sorted by key), drops subpackages and steps whose `if:` is
// false (with their `needs`), inlines `uses:` pipelines recursively (see melange/pipeline.hpp),
// substitutes every ${{...}} (an undefined name is an error naming it and the step's
// file:line), resolves working directories and environments, folds `needs.packages` into the
// environment and writes each step's final /bin/sh script.
//
// Inputs never become shell code: a step inlined from a pipeline gets each input as the
// environment variable INPUT_<NAME> (input_env_name()), and ${{inputs.x}} inside that
// pipeline's `runs` is rendered by where it stands (melange/script_inputs.hpp): inside double
// quotes "${INPUT_X}", outside quotes the value's shell words, each single-quoted, so
// `opts: --a "b c"` passes two arguments and `$(cmd)` stays literal. Elsewhere (with:, if:,
// working-directory) inputs substitute as plain text. Backslash-newline continuations in input
// values are joined.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "apk/arch.hpp"
#include "base/error.hpp"
#include "config/build_config.hpp"
#include "melange/vars.hpp"

namespace melange {

// The second line of every step script: pipefail where /bin/sh supports it (see compile.cpp).
inline constexpr std::string_view kPipefail = "(set -o pipefail) 2>/dev/null && set -o pipefail\n";

enum class Debug { kOff, kOn };  // kOn adds `set -x` to every script

struct CompileOptions {
  apk::Arch arch;                                   // defaults to the host
  std::vector<std::filesystem::path> pipeline_dirs; // searched before the built-ins
  std::vector<std::string> build_options;           // --build-option names
  config::OrderedMap vars_file;                     // --vars-file values (override `vars:`)
  config::OrderedMap env_file;                      // --env-file values (under environment.environment)
  std::string namespace_ = "unknown";
  long long source_date_epoch = 0;
  Debug debug = Debug::kOff;
  // --override-host-triplet-libc-substitution-flavor: the libc in ${{host.triplet.gnu}} and
  // ${{host.triplet.rust}} ("gnu", or e.g. "musl"); the cross.triplet.* names are fixed.
  std::string libc = "gnu";
};

struct CompiledStep {
  std::string name;               // the step's name, else the pipeline it came from
  std::string uses;               // innermost pipeline this step came from ("" for the config's own runs)
  std::string working_directory;  // absolute
  config::OrderedMap environment; // step overlay: inherited step environment + INPUT_* variables
  std::string runs;               // substituted `runs`
  std::string script;             // what the runner passes to /bin/sh -c
  config::Location location;      // where the step is written (config or pipeline file)
  config::Location uses_location; // the user's outermost `uses:` line this step came from (empty: own runs)
};

struct CompiledTest {
  config::ImageConfig environment;  // HOME=/root unless set; needs folded into packages
  std::vector<CompiledStep> steps;
};

struct CompiledPackage {
  std::string name, description, url, commit;
  config::Dependencies dependencies;
  std::optional<config::PackageOptions> options;
  std::optional<config::Scriptlets> scriptlets;
  config::Checks checks;
  std::vector<config::Copyright> copyright;
  std::vector<config::Setcap> setcap;  // main package only (as melange)
  std::vector<CompiledStep> steps;
  std::optional<CompiledTest> test;
};

// An upstream source named by a fetch or git-checkout step, for the SBOM.
struct FetchSource {
  std::string kind;  // "fetch" or "git-checkout"
  std::string uri;   // fetch uri or git repository
  std::string sha256, sha512;
  std::string commit, tag, branch;
  std::string purl_name, purl_version;
  config::Location location;  // the `uses:` step
};

struct CompiledBuild {
  std::string name, version, full_version;  // full_version = version-rEPOCH
  unsigned long long epoch = 0;
  apk::Arch arch;
  std::string namespace_;
  long long source_date_epoch = 0;
  CompiledPackage main;
  std::vector<CompiledPackage> subpackages;  // after range expansion and if:
  config::ImageConfig environment;           // packages sorted+deduped, build user, default env
  std::vector<std::string> capabilities_add, capabilities_drop;
  std::vector<FetchSource> sources;
  VarMap variables;  // the package-level variables (vars.*, package.*, ...)
  std::string recipe_hash;  // set by build() (recipe_hash(), or BuildOptions::recipe_hash)
};

base::Result<CompiledBuild> compile(const config::BuildConfig& config, const CompileOptions& options);

// The environment a runner gives one step: `base` (environment.environment) overlaid by the step's.
config::OrderedMap step_environment(const config::OrderedMap& base, const CompiledStep& step);

// `melange compile` output.
nlohmann::ordered_json to_json(const CompiledBuild& build);

// "sha256:<hex>" of the compiled build (to_json() without the "source" file:line fields, so
// the same recipe gives the same hash from any directory). Recorded in every package it
// builds (.PKGINFO `# recipe = `); a graph build skips a package built from the same hash.
std::string recipe_hash(const CompiledBuild& build);

}  // namespace melange
