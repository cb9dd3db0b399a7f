// Runners: the backends that execute melange build steps inside an isolated build root.
//
// A Runner is started once per build ("StartPod") against an unpacked build root, then runs
// each step as a separate command (exec), and is stopped at the end. Backends:
//   bubblewrap  bwrap(1) over the rootfs directory; the workspace is bind-mounted.
//   docker      the Docker Engine HTTP API at DOCKER_HOST (also podman's compatible API): the
//               rootfs is imported as an image and steps run as `exec`s in one container.
//   qemu        a virtual machine per build booted from an initramfs of the rootfs (qemu.hpp).
//
// Network: unlike melange (whose bubblewrap runner shares the host network), steps run without
// network unless RunnerConfig::network is set, in which case they share the host's network.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "sandbox/process.hpp"

namespace sandbox {

struct Mount {
  std::filesystem::path source;  // host path (must exist)
  std::string target;            // absolute path inside the sandbox
  bool read_only = false;
};

struct RunnerConfig {
  std::filesystem::path rootfs;  // an unpacked build root (directory)
  std::vector<Mount> mounts;     // e.g. workspace -> /home/build, cache -> /var/cache/melange
  std::map<std::string, std::string> env;
  std::string work_dir = "/home/build";
  uint32_t uid = 0, gid = 0;  // run-as inside the sandbox
  // Capability names with or without "CAP_"; "ALL" in cap_drop drops the default set.
  std::vector<std::string> cap_add, cap_drop;
  bool network = false;              // false: no network; true: the host's network
  std::chrono::seconds timeout{0};   // per exec; 0 = none
  // Virtual machines only (qemu): vCPUs and memory; 0 = the runner's default.
  unsigned cpus = 0;
  uint64_t memory_mb = 0;
  std::string cpu_model;  // qemu -cpu MODEL (empty: host with KVM, else max)
};

struct ExecResult {
  int exit_code = 0;  // 128+N when killed by signal N
};

// The capabilities a build step gets by default (Docker's default set, which melange also
// grants under bubblewrap), then cfg.cap_add added and cfg.cap_drop removed. Upper-case names
// without the "CAP_" prefix, sorted.
std::vector<std::string> effective_caps(const RunnerConfig& cfg);

// cfg.env overridden by extra.
std::map<std::string, std::string> merged_env(const RunnerConfig& cfg, const std::map<std::string, std::string>& extra);

// Checks what every runner needs before start(): rootfs is a directory, mount sources exist,
// targets and work_dir are absolute.
base::Status validate_config(const RunnerConfig& cfg);

class Runner {
 public:
  virtual ~Runner() = default;
  virtual std::string name() const = 0;
  // A clear, actionable error (message + hint) when this host cannot use the runner.
  virtual base::Status check_available() const = 0;
  virtual base::Status start(const RunnerConfig& cfg) = 0;
  // Runs argv inside the sandbox with cfg.env + extra_env, in work_dir (empty = cfg.work_dir),
  // streaming output lines to `out` (empty = log_output(name())). A non-zero exit code is a
  // result, not an error; a timeout is a kSandbox error.
  virtual base::Result<ExecResult> exec(const std::vector<std::string>& argv,
                                        const std::map<std::string, std::string>& extra_env,
                                        const std::string& work_dir, const OutputFn& out) = 0;
  // Runs argv attached to this process's terminal (stdin, stdout, stderr inherited), for
  // --interactive debug shells. Runners that cannot attach a terminal return kUnsupported
  // (the default).
  virtual base::Result<ExecResult> exec_interactive(const std::vector<std::string>& argv,
                                                    const std::map<std::string, std::string>& extra_env,
                                                    const std::string& work_dir);
  // Copies guest_dir from inside the sandbox to host_dir (created if missing); a no-op when
  // guest_dir is a bind mount of host_dir.
  virtual base::Status retrieve(const std::string& guest_dir, const std::filesystem::path& host_dir) = 0;
  // Tears the sandbox down; safe to call twice.
  virtual base::Status stop() = 0;
};

// "bubblewrap" or "docker"; "qemu"/"lima" -> kUnsupported; anything else -> kUsage.
base::Result<std::unique_ptr<Runner>> make_runner(std::string_view name);

}  // namespace sandbox
