// The docker runner, over the Docker Engine API (Docker or podman's compatible service).
//
// start(): streams `tar -C <rootfs> -cf - .` to POST /images/create?fromSrc=- (an image import),
// creates a container from it that runs a sleep loop, with the mounts as HostConfig.Binds, the
// environment, working dir, run-as user, capabilities (the same set the bubblewrap runner
// grants), NetworkMode "none" (or "host" when network is enabled) and labels
// `org.melange-apko.sandbox=1` and `org.melange-apko.sandbox.pid=<pid>`, and explicit
// HostConfig.Ulimits (ulimits.hpp; retried once with conservative ones when the engine refuses
// them), then starts it. With MELANGE_DOCKER_COPY=1 (set for remote engines, engine_pool.hpp)
// there are no bind mounts: each mount's contents are copied into the created container
// (PUT /containers/{id}/archive) before it starts, and retrieve() brings results back.
// exec(): POST /containers/{id}/exec, /exec/{id}/start (multiplexed output), /exec/{id}/json
// for the exit code. A timed-out exec restarts the container (the API cannot kill an exec).
// stop(): removes the container (force) and the image.
#pragma once

#include "sandbox/docker_client.hpp"
#include "sandbox/runner.hpp"
#include "sandbox/ulimits.hpp"

namespace sandbox {

class DockerRunner : public Runner {
 public:
  ~DockerRunner() override;
  std::string name() const override { return "docker"; }
  base::Status check_available() const override;
  base::Status start(const RunnerConfig& cfg) override;
  base::Result<ExecResult> exec(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env,
                                const std::string& work_dir, const OutputFn& out) override;
  base::Status retrieve(const std::string& guest_dir, const std::filesystem::path& host_dir) override;
  base::Status stop() override;

  const std::string& container_id() const { return container_; }
  const std::string& image_id() const { return image_; }

 private:
  base::Result<DockerClient> client() const;
  // Streams `tar -C dir --numeric-owner -cf - .` as the body of `method path`; `what` names
  // the tree in a tar failure.
  base::Result<DockerClient::Response> upload_tree(const std::filesystem::path& dir, const std::string& method,
                                                   const std::string& path, const std::string& what);
  base::Status import_image();
  base::Status create_container();  // with container_ulimits(), once more with conservative ones
  base::Status create_container(const std::vector<Ulimit>& ulimits);
  base::Status remove_container();
  base::Status copy_in(const Mount& m);
  RunnerConfig cfg_;
  bool copy_mounts_ = false;
  std::unique_ptr<DockerClient> api_;
  std::string image_, container_;
};

// The JSON body of POST /containers/create for cfg and image (exposed for tests); the mounts
// become HostConfig.Binds unless they are copied in.
std::string docker_create_body(const RunnerConfig& cfg, const std::string& image, const std::vector<Ulimit>& ulimits,
                               bool bind_mounts = true);

// MELANGE_DOCKER_COPY=1: copy mounts into the container instead of binding them.
bool docker_copy_mounts();

}  // namespace sandbox
