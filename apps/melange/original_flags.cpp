#include "melange/original_flags.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>

#include "base/strings.hpp"

namespace melange_app {

void OriginalFlags::add_to(CLI::App& sub) {
  sub.add_option("--cpu", resources.cpu, "CPUs for VM runners where the recipe's resources set none");
  sub.add_option("--cpumodel", resources.cpumodel, "qemu CPU model where the recipe's resources set none");
  sub.add_option("--memory", resources.memory, "Memory for VM runners (8Gi, 512Mi) where the recipe's resources set none");
  sub.add_option("--disk", resources.disk, "Disk size where the recipe's resources set none (not used by our runners)");
  sub.add_option("--timeout", timeout, "Per-step timeout: a Go duration (30m, 1h30m) or whole seconds; 0 = none");
  sub.add_option("--pipeline-dirs", pipeline_dirs, "More directories searched for uses: pipelines (comma separated)")
      ->delimiter(',');
  sub.add_flag("--debug-runner", debug_runner, "Keep the guest and workspace afterwards (as --rm=false)");
  sub.add_option("--cache-source", cache_source, "Accepted for compatibility; unused (as in the original)");
}

base::Result<std::chrono::seconds> OriginalFlags::timeout_seconds() const {
  if (timeout.empty()) return std::chrono::seconds(0);
  auto d = base::parse_duration(timeout);
  if (!d)
    return base::fail(base::ErrorCode::kUsage,
                      "--timeout \"" + timeout + "\" is not a duration (e.g. 30m, 1h30m, 90s) or a number of seconds");
  auto s = std::chrono::ceil<std::chrono::seconds>(*d);
  return s;
}

base::Result<std::optional<long long>> source_date_epoch_from_env() {
  const char* sde = std::getenv("SOURCE_DATE_EPOCH");
  if (!sde || !*sde) return std::optional<long long>();
  long long v = 0;
  if (!base::parse_int64(sde, &v) || v < 0)
    return base::fail(base::ErrorCode::kUsage, std::string("SOURCE_DATE_EPOCH \"") + sde + "\" is not a non-negative integer");
  return std::optional<long long>(v);
}

base::Result<std::string> default_config_file() {
  std::error_code ec;
  for (const char* name : {".melange.yaml", ".melange.yml", "melange.yaml", "melange.yml"})
    if (std::filesystem::exists(name, ec)) {
      spdlog::info("no configuration file given: using {}", name);
      return std::string(name);
    }
  return base::fail(base::ErrorCode::kUsage,
                    "no configuration file given, and none of .melange.yaml, .melange.yml, melange.yaml, melange.yml here");
}

void IgnoredFlags::add_to(CLI::App& sub) {
  sub.add_flag("--cleanup", cleanup, "Accepted for compatibility; unused (as in the original)");
  sub.add_flag("--fail-on-lint-warning", fail_on_lint_warning, "Accepted for compatibility; deprecated in the original, no effect");
  sub.add_option("--trace", trace, "Accepted for compatibility; no trace is written");
  sub.add_flag("--generate-provenance", generate_provenance, "Accepted for compatibility; no provenance is written");
  sub.add_flag("--persist-lint-results", persist_lint_results, "Accepted for compatibility; lint results are logged only");
  sub.add_option("--dependency-log", dependency_log, "Accepted for compatibility; no dependency log is written");
}

void IgnoredFlags::warn() const {
  if (!trace.empty()) spdlog::warn("--trace {}: not supported, no trace is written", trace);
  if (generate_provenance) spdlog::warn("--generate-provenance: not supported, no .attest.tar.gz is written");
  if (persist_lint_results) spdlog::warn("--persist-lint-results: not supported, lint results are only logged");
  if (!dependency_log.empty())
    spdlog::warn("--dependency-log {}: not supported, the generated dependencies are only logged", dependency_log);
}

}  // namespace melange_app
