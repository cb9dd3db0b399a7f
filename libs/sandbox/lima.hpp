// The lima runner: the build root as a lima instance, driven through `limactl`.
//
// start(): writes a template whose images[0].location is the build root directory
// (file://) and whose mounts[] bind each mount source at its target (writable unless
// read-only), copies ma-guest-init into the root as /.ma/init, then `limactl create
// --name=melange-<pid>-<n> --tty=false TEMPLATE` and `limactl start --tty=false NAME`.
// exec(): `limactl shell --workdir DIR NAME -- /.ma/init --exec UID GID CAPS TIMEOUT ENV... --
// ARGV...`: the helper (apps/guest-init/exec_as.cpp) sets the run-as user, capabilities and
// the exact environment, and enforces the timeout inside the instance (exit 124 = timed out).
// exec_interactive(): the same, attached to this terminal.
// retrieve(): a directory under a mount is copied from the host side; any other is fetched
// with `limactl copy -r NAME:DIR` into a fresh temporary directory and then written into
// host_dir without following links (tree_receiver.hpp).
// stop(): `limactl stop NAME`, `limactl delete --force NAME`; SIGINT/SIGTERM/SIGHUP run the
// delete too (cleanup.hpp).
// Network: the instance has lima's own network; RunnerConfig::network is not enforced.
#pragma once

#include <optional>

#include "base/fs.hpp"
#include "sandbox/runner.hpp"

namespace sandbox {

// The lima template (YAML) for cfg.
std::string lima_template(const RunnerConfig& cfg);

// The argv `limactl shell` runs for a command (after "--").
std::vector<std::string> lima_exec_argv(const RunnerConfig& cfg, const std::vector<std::string>& argv,
                                        const std::map<std::string, std::string>& env);

class LimaRunner : public Runner {
 public:
  ~LimaRunner() override;
  std::string name() const override { return "lima"; }
  base::Status check_available() const override;
  base::Status start(const RunnerConfig& cfg) override;
  base::Result<ExecResult> exec(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env,
                                const std::string& work_dir, const OutputFn& out) override;
  base::Result<ExecResult> exec_interactive(const std::vector<std::string>& argv,
                                            const std::map<std::string, std::string>& extra_env,
                                            const std::string& work_dir) override;
  base::Status retrieve(const std::string& guest_dir, const std::filesystem::path& host_dir) override;
  base::Status stop() override;

  const std::string& instance() const { return instance_; }

 private:
  std::vector<std::string> shell_command(const std::vector<std::string>& argv,
                                         const std::map<std::string, std::string>& extra_env,
                                         const std::string& work_dir) const;
  base::Status limactl(const std::vector<std::string>& args, std::chrono::seconds timeout) const;
  RunnerConfig cfg_;
  std::string limactl_, instance_;
  std::optional<base::TempDir> dir_;
  int cleanup_handle_ = -1;
};

}  // namespace sandbox
