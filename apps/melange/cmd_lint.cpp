// melange lint: run the package linters over existing .apk files.
//
// The package's data member is linted from its entry list (nothing is unpacked). The
// `checks.disabled` of the package (or subpackage) in the embedded .melange.yaml
// downgrades those linters to warnings, and its test pipeline is what lddcheck/pkgconf
// look at. Exits non-zero when any linter at error level has a finding.
#include <spdlog/spdlog.h>

#include <iostream>

#include "apk/package.hpp"
#include "config/build_config.hpp"
#include "melange/commands.hpp"
#include "melange/lint.hpp"

namespace melange_app {
namespace {

// checks.disabled and the test pipeline's `uses:` for the package from the embedded
// configuration, if it parses (test_uses stays unset without one).
void apply_embedded_config(const apk::Package& pkg, melange::LintOptions& lo) {
  for (const auto& f : pkg.control_files()) {
    if (f.name != ".melange.yaml") continue;
    auto cfg = config::parse_build_config(f.content, pkg.origin() + ":.melange.yaml");
    if (!cfg) {
      spdlog::warn("{}: ignoring embedded configuration: {}", pkg.origin(), cfg.error().message);
      return;
    }
    lo.test_uses = melange::config_test_uses(*cfg, pkg.info().name);
    if (cfg->package.name == pkg.info().name) {
      lo.disabled = cfg->package.checks.disabled;
      return;
    }
    for (const auto& sub : cfg->subpackages)
      if (sub.name == pkg.info().name) lo.disabled = sub.checks.disabled;
    return;
  }
}

}  // namespace

cli::Command lint_command() {
  return {"lint", "Run the package linters over .apk files", [](CLI::App& sub) {
            struct Opts {
              std::vector<std::string> packages, require, warn, enable;
              bool require_set = false, warn_set = false, persist = false;
              std::string out_dir;
            };
            auto o = std::make_shared<Opts>();
            auto* req = sub.add_option("--lint-require", o->require, "Linters whose findings are errors (replaces the defaults)")
                            ->delimiter(',');
            auto* warn = sub.add_option("--lint-warn", o->warn, "Linters whose findings are warnings (replaces the defaults)")
                             ->delimiter(',');
            sub.add_option("--lint-enable", o->enable, "Off-by-default linters to run as warnings (documentation, empty)")
                ->delimiter(',');
            sub.add_flag("--persist-lint-results", o->persist, "Accepted for compatibility; results are printed only");
            sub.add_option("--out-dir", o->out_dir, "Accepted for compatibility (with --persist-lint-results); unused");
            sub.add_option("packages", o->packages, "The .apk files to lint")->required();
            return [o, req, warn]() -> base::Status {
              if (o->persist) spdlog::warn("--persist-lint-results: not supported, lint results are only printed");
              size_t errors = 0, warnings = 0;
              for (const auto& path : o->packages) {
                apk::PackageReadOptions ro;
                ro.signature = apk::SignaturePolicy::kIgnore;
                TRY_ASSIGN(apk::Package pkg, apk::Package::load(path, ro));
                TRY_ASSIGN(melange::LintTree tree, melange::LintTree::from_package(pkg));
                melange::LintOptions lo;
                lo.package_name = pkg.info().name;
                apply_embedded_config(pkg, lo);
                lo.enabled = o->enable;
                if (req->count() > 0 || warn->count() > 0) {
                  lo.require = o->require;
                  lo.warn = o->warn;
                }
                TRY_ASSIGN(auto findings, base::with_context(melange::lint(tree, lo), path));
                for (const auto& f : findings) {
                  std::cout << path << ": " << melange::format_finding(f) << "\n";
                  (f.severity == melange::LintSeverity::kError ? errors : warnings)++;
                }
              }
              std::cout.flush();
              spdlog::info("linted {} package(s): {} error(s), {} warning(s)", o->packages.size(), errors, warnings);
              if (errors > 0)
                return base::fail(base::ErrorCode::kInvalidInput, std::to_string(errors) + " lint error(s) in the given packages",
                                  "fix the package, or list the linter in the package's checks.disabled");
              return {};
            };
          }};
}

}  // namespace melange_app
