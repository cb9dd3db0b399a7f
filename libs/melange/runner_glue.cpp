#include "melange/runner_glue.hpp"

#include <spdlog/spdlog.h>

#include "base/log.hpp"

namespace melange {

std::map<std::string, std::string> env_map(const config::OrderedMap& env) {
  std::map<std::string, std::string> out;
  out["PATH"] = std::string(kDefaultPath);
  for (const auto& [k, v] : env) out[k] = v;
  return out;
}

base::Error step_failure(const std::string& package, const CompiledStep& step, int exit_code) {
  std::string name = step.name.empty() ? std::string("(unnamed)") : step.name;
  // The user's own `uses:` line first; the pipeline file's line only says where inside it.
  std::string where = step.location.to_string();
  if (!step.uses_location.file.empty()) where = step.uses_location.to_string() + ", " + step.uses + " at " + where;
  std::string msg = package + ": step \"" + name + "\"" + (where.empty() ? "" : " (" + where + ")");
  if (exit_code > 128 && exit_code < 128 + 65)
    msg += " was killed by signal " + std::to_string(exit_code - 128);
  else
    msg += " failed with exit code " + std::to_string(exit_code);
  return base::Error{base::ErrorCode::kSandbox, msg, {}};
}

base::Status run_pipeline(sandbox::Runner& runner, const std::vector<CompiledStep>& steps, const PipelineRun& run) {
  const size_t n = steps.size();
  for (size_t i = 0; i < n; ++i) {
    const CompiledStep& st = steps[i];
    std::string label = run.package + "/" + (st.name.empty() ? "step " + std::to_string(i + 1) : st.name);
    base::progress(run.package + " [" + std::to_string(i + 1) + "/" + std::to_string(n) + "] " +
                   (st.name.empty() ? std::string("(unnamed step)") : st.name));
    spdlog::debug("{}: running in {}:\n{}", label, st.working_directory, st.script);
    auto env = env_map(step_environment(run.base_env, st));
    auto out = [&label](std::string_view line, bool) { spdlog::info("{}: {}", label, line); };
    auto r = runner.exec({"/bin/sh", "-c", st.script}, env, st.working_directory, out);
    if (!r) {
      base::progress_done();
      return tl::unexpected(r.error().context(run.package + ": step \"" + st.name + "\""));
    }
    if (r->exit_code != 0) {
      base::progress_done();
      if (run.interactive == Interactive::kOn)
        spdlog::warn("--interactive: the {} runner cannot attach a terminal; no debug shell opened", runner.name());
      return tl::unexpected(step_failure(run.package, st, r->exit_code));
    }
  }
  base::progress_done();
  return base::ok();
}

}  // namespace melange
