// Resource limits for containers created through a Docker-API engine (Docker, podman).
//
// Engines apply their own default rlimits to every container (podman: nofile 1048576). On hosts
// whose hard limits are lower (CI sandboxes, rootless podman on laptops) runc then fails with
// "error setting rlimit type 7: operation not permitted". So the docker runner always sends
// HostConfig.Ulimits itself, never above what this process may use:
//   nofile: this process's soft:hard limits;
//   nproc:  this process's soft:hard limits, capped at kernel.pid_max (some hosts refuse any
//           nproc above it even when `ulimit -Hu` reports more).
// When an engine still refuses, the runner retries once with conservative_ulimits().
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sandbox {

struct Ulimit {
  std::string name;  // "nofile", "nproc" (Docker's names)
  long long soft = 0;
  long long hard = 0;
  bool operator==(const Ulimit&) const = default;
};

// The limits for a container started by this process (see the header comment).
std::vector<Ulimit> container_ulimits();

// Small limits any host accepts: nofile 1024:4096, nproc 4096:4096, each still capped at this
// process's own limits.
std::vector<Ulimit> conservative_ulimits();

// Clamps a wanted limit pair to what this process has: soft <= hard <= own hard (own values of
// RLIM_INFINITY mean no cap). Exposed for tests.
Ulimit clamp_ulimit(std::string name, long long soft, long long hard, long long own_soft, long long own_hard,
                    long long cap);

// True when an engine's error message says that setting an rlimit was refused.
bool is_rlimit_refusal(std::string_view message);

// "nofile=1024:4096 nproc=4096:4096", for log lines.
std::string describe(const std::vector<Ulimit>& limits);

}  // namespace sandbox
