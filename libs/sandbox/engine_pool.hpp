// A pool of Docker-API engines that graph builds are spread over (melange build --docker-host).
//
// The engines are DOCKER_HOST and every --docker-host value (repeated flags or comma lists),
// duplicates dropped, in the order given:
//   unix:///path/to.sock          a local socket
//   tcp://host:port               plain HTTP, or HTTPS when DOCKER_TLS_VERIFY / DOCKER_CERT_PATH
//                                 are set (docker_client.hpp)
//   ssh://[user@]host[:port][/path/to/remote.sock]
//                                 the `ssh` client forwards a local socket to the remote one
//                                 (default /var/run/docker.sock); the engine is then that local
//                                 socket, as unix://. The forward lives as long as the pool.
// Each engine has `slots` build slots (one build per slot). acquire() blocks until a slot of a
// live engine is free, preferring the least busy engine not in `avoid`; an engine found
// unreachable (ping() fails) is marked down and gets no more builds. Thread-safe.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "sandbox/process.hpp"

namespace sandbox {

// DOCKER_HOST (`env`, may be empty) then each flag value split at commas, trimmed, without
// duplicates; empty result when neither gives anything. Errors name a value of an unknown
// scheme or an empty ssh host.
base::Result<std::vector<std::string>> engine_hosts(std::string_view env, const std::vector<std::string>& flags);

// An ssh:// engine: the ssh destination ("user@host"), port (empty = ssh's default) and the
// remote socket path.
struct SshTarget {
  std::string destination, port, remote_socket;
};
base::Result<SshTarget> parse_ssh_host(std::string_view host);
// ssh:// engines and tcp:// ones not on a loopback address: they cannot be assumed to see this
// machine's paths, so builds on them copy the workspace in and results out
// (MELANGE_DOCKER_COPY=1, docker.hpp) instead of bind-mounting them.
bool engine_is_remote(std::string_view host);
// The `ssh` command line forwarding local_socket to the target's remote socket.
std::vector<std::string> ssh_forward_argv(const SshTarget& t, const std::string& local_socket);

class EnginePool {
 public:
  struct Lease {
    size_t engine = 0;
    std::string docker_host;  // what a client connects to (the forwarded socket for ssh)
    std::string display;      // as the user gave it
    bool remote = false;      // engine_is_remote(display): builds copy their files in and out
  };

  // Opens the forwards of ssh engines, then pings every engine; engines that do not answer
  // are left out with a warning; none answering is an error naming them all.
  static base::Result<std::unique_ptr<EnginePool>> open(const std::vector<std::string>& hosts, unsigned slots);
  ~EnginePool();

  // A free slot on a live engine (not in `avoid` while another live one exists); nullopt
  // when no engine is live any more.
  std::optional<Lease> acquire(const std::set<size_t>& avoid = {});
  void release(const Lease& l);
  // GET /_ping on the engine (15 s timeout).
  bool ping(size_t engine) const;
  void mark_down(size_t engine);
  size_t live() const;
  size_t size() const { return engines_.size(); }
  const std::string& display(size_t engine) const { return engines_[engine].display; }

 private:
  struct Engine {
    std::string display, docker_host;
    unsigned busy = 0;
    bool up = true;
    std::unique_ptr<Child> tunnel;  // ssh forward
  };
  EnginePool() = default;
  std::vector<Engine> engines_;
  unsigned slots_ = 1;
  std::string tunnel_dir_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace sandbox
