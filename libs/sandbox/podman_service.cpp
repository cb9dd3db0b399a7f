// Test helper (see podman_service.hpp).
#include "sandbox/podman_service.hpp"

#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <thread>

#include "base/strings.hpp"
#include "sandbox/docker_client.hpp"

namespace sandbox::testing {

namespace {
std::unique_ptr<PodmanService> g_service;

// podman leaves one conmon per exec session running for up to 5 minutes (--exit-delay 300),
// reparented to init. Ours are recognised by our private storage path in their command line.
void kill_leftovers(const std::string& marker) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto cmdline = base::read_file(e.path() / "cmdline");
    if (cmdline && cmdline->find(marker) != std::string::npos) ::kill(pid_t(std::stol(name)), SIGKILL);
  }
}

// podman bind-mounts its overlay storage directory onto itself; undo that (and any other mount
// left below our directory) so that the temporary directory can be removed.
void unmount_below(const std::string& prefix) {
  auto mounts = base::read_file("/proc/self/mounts");
  if (!mounts) return;
  std::vector<std::string> targets;
  for (auto line : base::split(*mounts, '\n')) {
    auto fields = base::split(line, ' ');
    if (fields.size() > 1 && fields[1].substr(0, prefix.size()) == prefix) targets.emplace_back(fields[1]);
  }
  for (auto it = targets.rbegin(); it != targets.rend(); ++it) ::umount2(it->c_str(), MNT_DETACH);
}

}  // namespace

PodmanService& PodmanService::shared() {
  if (!g_service) {
    g_service.reset(new PodmanService());
    g_service->start();
  }
  return *g_service;
}

void PodmanService::stop_shared() {
  if (!g_service) return;
  if (g_service->child_) {
    g_service->child_->kill(SIGTERM);
    (void)g_service->child_->wait();
  }
  if (g_service->dir_) {
    kill_leftovers(g_service->dir_->path().string() + "/storage");
    unmount_below(g_service->dir_->path().string() + "/");
  }
  g_service.reset();
}

void PodmanService::start() {
  if (find_program("podman").empty()) {
    error_ = "podman is not installed (apt-get install podman)";
    return;
  }
  auto dir = base::TempDir::create("ma-podman-");
  if (!dir) {
    error_ = dir.error().to_string();
    return;
  }
  dir_.emplace(std::move(*dir));
  const auto& d = dir_->path();
  std::string sock = (d / "podman.sock").string();
  auto env = current_environment();
  std::string cmd = "exec podman --root '" + (d / "storage").string() + "' --runroot '" + (d / "run").string() +
                    "' system service --time=0 'unix://" + sock + "' >'" + (d / "service.log").string() + "' 2>&1";
  SpawnOptions opts;
  opts.env = &env;
  auto child = Child::spawn({"sh", "-c", cmd}, opts);
  if (!child) {
    error_ = child.error().to_string();
    return;
  }
  child_.emplace(std::move(*child));
  docker_host_ = "unix://" + sock;
  auto ep = parse_docker_host(docker_host_);
  DockerClient api(*ep);
  for (int i = 0; i < 150; ++i) {
    int code = 0;
    if (child_->try_wait(&code)) break;
    auto r = api.request("GET", "/_ping", nullptr, std::chrono::seconds{5});
    if (r && r->status == 200) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto log = base::read_file(d / "service.log");
  error_ = "podman system service did not answer on " + sock + ": " + (log ? log->substr(0, 300) : "(no log)");
}

}  // namespace sandbox::testing
