// Flags `melange build` and `melange test` share with the original melange so that existing
// invocations (Makefiles, CI steps) run unchanged: resources, the Go-style --timeout, the
// comma-separated list forms, and the flags the original itself ignores.
#pragma once

#include <CLI/CLI.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "config/build_config.hpp"

namespace melange_app {

struct OriginalFlags {
  config::Resources resources;      // --cpu, --cpumodel, --memory, --disk
  std::string timeout;              // --timeout: Go duration ("30m", "1h") or whole seconds
  std::vector<std::string> pipeline_dirs;  // --pipeline-dirs a,b (added after --pipeline-dir)
  bool debug_runner = false;        // --debug-runner: keep the guest (as --rm=false)
  std::string cache_source;         // --cache-source: accepted; the original does not use it either

  // Adds the flags to `sub`.
  void add_to(CLI::App& sub);
  // The parsed --timeout (0 when not given); a one-line usage error otherwise.
  base::Result<std::chrono::seconds> timeout_seconds() const;
};

// $SOURCE_DATE_EPOCH for build and compile: nullopt when unset or empty, a usage error when it
// is not a non-negative integer.
base::Result<std::optional<long long>> source_date_epoch_from_env();

// The configuration `melange build` / `compile` use when none is named: the first of
// .melange.yaml, .melange.yml, melange.yaml, melange.yml in the working directory (the
// original's order); a usage error naming them when there is none.
base::Result<std::string> default_config_file();

// `melange build` flags of the original that change nothing here: --cleanup and
// --fail-on-lint-warning (the original ignores them too) are silent; --trace,
// --generate-provenance, --persist-lint-results and --dependency-log name what they would
// have written and say it is not written (one warning each).
struct IgnoredFlags {
  bool cleanup = true, fail_on_lint_warning = false, generate_provenance = false, persist_lint_results = false;
  std::string trace, dependency_log;

  void add_to(CLI::App& sub);
  void warn() const;
};

}  // namespace melange_app
