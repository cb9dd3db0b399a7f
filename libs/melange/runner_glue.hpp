// Running compiled melange steps on a sandbox::Runner: each step is `/bin/sh -c <script>`
// (compile() wrote the `set -e`, mkdir/cd of the working directory and the `runs`), with the
// build environment overlaid by the step's own environment (INPUT_* variables included).
//
// Output lines are logged as "<label>: <line>" (label = package and step name); on a terminal
// base::progress() shows "<label> [i/n] <step>". The first failing step stops the pipeline
// with ONE line naming the package, the step, where it is written (file:line) and the exit
// code, e.g.
//   hello: step "autoconf/make" (autoconf/make.yaml:20) failed with exit code 2
// With --interactive, a failing step first opens /bin/sh in the same guest, in the step's
// working directory and environment, attached to the terminal (bubblewrap; other runners and
// a non-terminal stdin only warn); the build fails when the shell exits.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "config/yaml_util.hpp"
#include "melange/compile.hpp"
#include "sandbox/runner.hpp"

namespace melange {

enum class Interactive { kOff, kOn };

struct PipelineRun {
  std::string package;           // names the pipeline in logs and errors
  config::OrderedMap base_env;   // environment.environment (after compile's defaults)
  Interactive interactive = Interactive::kOff;
};

// The --interactive shell after `failure` (see above).
void debug_shell(sandbox::Runner& runner, const base::Error& failure, const std::map<std::string, std::string>& env,
                 const std::string& work_dir);

base::Status run_pipeline(sandbox::Runner& runner, const std::vector<CompiledStep>& steps, const PipelineRun& run);

// The one-line error for a failed step.
base::Error step_failure(const std::string& package, const CompiledStep& step, int exit_code);

inline constexpr std::string_view kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// std::map form of an ordered environment (later keys win), with PATH = kDefaultPath unless
// the environment sets it (the sandbox starts from an empty environment).
std::map<std::string, std::string> env_map(const config::OrderedMap& env);

}  // namespace melange
