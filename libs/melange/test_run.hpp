// Running the `test:` sections of a compiled configuration (`melange test`, and the last
// phase of `melange build` before anything is published).
//
// Each section (main package, then every subpackage with one) gets a FRESH guest: its
// test.environment, whose repositories and keyring are extended by the build environment's
// (so a config need not repeat them), by TestOptions::repositories/keyring (the staging
// repository of a build, -r, -k) and whose packages get the package under test (pinned to
// `name=<full version>` during a build) plus --test-package-append. A test environment that
// lists no packages gets `busybox` (a shell and the usual tools) so its steps can run. The workspace is empty,
// or a copy of --source-dir; HOME is /root unless set; no SOURCE_DATE_EPOCH.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "apk/arch.hpp"
#include "base/error.hpp"
#include "melange/compile.hpp"
#include "melange/runner_glue.hpp"

namespace melange {

struct TestOptions {
  std::string runner = "bubblewrap";
  std::vector<std::string> repositories;    // tried first (staging repo), then the config's
  std::vector<std::string> repository_append, keyring_append, mirrors;
  std::vector<std::string> package_append;  // --test-package-append
  std::filesystem::path source_dir;         // copied into the workspace when set
  std::filesystem::path cache_dir;          // mounted at /var/cache/melange when it exists
  std::filesystem::path apk_cache_dir;
  std::filesystem::path temp_parent;        // where guests and workspaces go ($TMPDIR when empty)
  bool pin_versions = false;                // install name=<full version> (a build's own packages)
  bool network = false;
  bool ignore_signatures = false;
  bool remove = true;
  Interactive interactive = Interactive::kOff;
  std::chrono::seconds timeout{0};
  std::filesystem::path workspace_dir;      // --workspace-dir: used instead of a temporary one
  config::Resources resources;              // --cpu, --memory, --disk, --cpumodel (VM runners)
};

// Runs the test sections; `only` limits them to one package name (empty = all). A package
// without a test section is skipped; no section at all is logged, not an error.
base::Status run_tests(const CompiledBuild& build, const TestOptions& opts, const std::string& only = {});

}  // namespace melange
