// Test helper: a private podman Docker-compatible API service (own storage, own socket) for the
// docker runner tests. It uses podman's defaults: the runner itself sets each container's rlimits
// (ulimits.hpp), so no containers.conf is needed.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/fs.hpp"
#include "sandbox/process.hpp"

namespace sandbox::testing {

class PodmanService {
 public:
  // Started on first call and kept until stop_shared(); error() explains why it is unusable.
  static PodmanService& shared();
  static void stop_shared();
  const std::string& error() const { return error_; }
  const std::string& docker_host() const { return docker_host_; }

 private:
  void start();
  std::optional<base::TempDir> dir_;
  std::optional<Child> child_;
  std::string error_, docker_host_;
};

}  // namespace sandbox::testing
