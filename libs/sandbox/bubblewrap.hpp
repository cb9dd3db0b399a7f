// The bubblewrap runner: every command is a fresh `bwrap` invocation over the same unpacked
// build root, bound read-write at `/`, with the configured mounts, a private PID namespace, a
// fresh /dev and /proc, read-only /sys, a cleared environment and a fixed capability set.
//
// User namespaces: as an unprivileged host user bwrap needs one (`--unshare-user --uid U --gid
// G`); as root one is only used when the run-as uid/gid is not 0. Hosts that block unprivileged
// user namespaces (Ubuntu 24.04's AppArmor default, kernel.unprivileged_userns_clone=0) make
// check_available() fail with a hint naming the sysctl to change.
#pragma once

#include "sandbox/runner.hpp"

namespace sandbox {

enum class HostUser { kRoot, kUnprivileged };

// The arguments after "bwrap" for running argv (a "--" separates argv).
std::vector<std::string> bwrap_args(const RunnerConfig& cfg, HostUser host, const std::vector<std::string>& argv,
                                    const std::map<std::string, std::string>& env, const std::string& work_dir);

// The error for a failed trial run of bwrap, given its stderr: user-namespace failures get
// a hint telling what to change on the host.
base::Error bwrap_trial_error(std::string_view stderr_text, int exit_code);

class BubblewrapRunner : public Runner {
 public:
  std::string name() const override { return "bubblewrap"; }
  base::Status check_available() const override;
  base::Status start(const RunnerConfig& cfg) override;
  base::Result<ExecResult> exec(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env,
                                const std::string& work_dir, const OutputFn& out) override;
  base::Result<ExecResult> exec_interactive(const std::vector<std::string>& argv,
                                            const std::map<std::string, std::string>& extra_env,
                                            const std::string& work_dir) override;
  base::Status retrieve(const std::string& guest_dir, const std::filesystem::path& host_dir) override;
  base::Status stop() override;

 private:
  // The bwrap command line running argv in the started sandbox (the checks exec needs first).
  base::Result<std::vector<std::string>> command(const std::vector<std::string>& argv,
                                                 const std::map<std::string, std::string>& extra_env,
                                                 const std::string& work_dir) const;
  static base::Status trial(const std::string& bwrap, const std::vector<std::string>& args);
  HostUser host_ = HostUser::kUnprivileged;
  std::string bwrap_;
  RunnerConfig cfg_;
  bool started_ = false;
};

}  // namespace sandbox
