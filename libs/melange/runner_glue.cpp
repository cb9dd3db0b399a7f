#include "melange/runner_glue.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

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

void debug_shell(sandbox::Runner& runner, const base::Error& failure, const std::map<std::string, std::string>& env,
                 const std::string& work_dir) {
  if (!::isatty(STDIN_FILENO)) {
    spdlog::warn("--interactive: standard input is not a terminal; no debug shell opened");
    return;
  }
  spdlog::error("{}", failure.message);
  spdlog::warn("--interactive: a shell opens in the build environment at {}; leave it with 'exit' to end the build",
               work_dir);
  auto r = runner.exec_interactive({"/bin/sh", "-c", "cd -- \"$1\" 2>/dev/null; exec /bin/sh -i", "sh", work_dir}, env, "");
  if (!r) spdlog::warn("--interactive: no debug shell: {}", r.error().message);
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
    // The script makes and enters its working directory itself; the runner starts in the
    // workspace, so a directory the step has yet to create is no error.
    auto r = runner.exec({"/bin/sh", "-c", st.script}, env, "", out);
    if (!r) {
      base::progress_done();
      return tl::unexpected(r.error().context(run.package + ": step \"" + st.name + "\""));
    }
    if (r->exit_code != 0) {
      base::progress_done();
      base::Error failure = step_failure(run.package, st, r->exit_code);
      if (run.interactive == Interactive::kOn) debug_shell(runner, failure, env, st.working_directory);
      return tl::unexpected(std::move(failure));
    }
  }
  base::progress_done();
  return base::ok();
}

}  // namespace melange
