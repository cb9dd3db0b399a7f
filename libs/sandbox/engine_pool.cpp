// The engine pool (see engine_pool.hpp).
#include "sandbox/engine_pool.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "base/fs.hpp"
#include "base/strings.hpp"
#include "sandbox/docker_client.hpp"

namespace sandbox {

namespace {

std::string trim_copy(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

base::Status check_host(const std::string& h) {
  if (h.rfind("ssh://", 0) == 0) return parse_ssh_host(h).map([](auto&&) {});
  return parse_docker_host(h).map([](auto&&) {});
}

}  // namespace

base::Result<std::vector<std::string>> engine_hosts(std::string_view env, const std::vector<std::string>& flags) {
  std::vector<std::string> out;
  auto add = [&](std::string_view v) -> base::Status {
    std::string h = trim_copy(v);
    if (h.empty()) return base::ok();
    TRY(base::with_context(check_host(h), "--docker-host"));
    if (std::find(out.begin(), out.end(), h) == out.end()) out.push_back(h);
    return base::ok();
  };
  TRY(add(env));
  for (const auto& f : flags) {
    std::string_view rest = f;
    while (true) {
      size_t comma = rest.find(',');
      TRY(add(rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return out;
}

base::Result<SshTarget> parse_ssh_host(std::string_view host) {
  if (host.rfind("ssh://", 0) != 0)
    return base::fail(base::ErrorCode::kInvalidInput, "'" + std::string(host) + "' is not an ssh:// engine");
  std::string_view rest = host.substr(6);
  SshTarget t;
  size_t slash = rest.find('/');
  t.remote_socket = slash == std::string_view::npos ? "/var/run/docker.sock" : std::string(rest.substr(slash));
  std::string_view hostport = rest.substr(0, slash);
  size_t at = hostport.rfind('@');
  size_t colon = hostport.find(':', at == std::string_view::npos ? 0 : at + 1);
  if (colon != std::string_view::npos) {
    t.port = std::string(hostport.substr(colon + 1));
    hostport = hostport.substr(0, colon);
    if (t.port.empty() || t.port.find_first_not_of("0123456789") != std::string::npos)
      return base::fail(base::ErrorCode::kInvalidInput, "engine '" + std::string(host) + "': bad ssh port");
  }
  std::string_view name = at == std::string_view::npos ? hostport : hostport.substr(at + 1);
  if (name.empty() || hostport.front() == '-')
    return base::fail(base::ErrorCode::kInvalidInput, "engine '" + std::string(host) + "': no ssh host",
                      "write ssh://user@host[:port][/remote/docker.sock]");
  t.destination = std::string(hostport);
  return t;
}

std::vector<std::string> ssh_forward_argv(const SshTarget& t, const std::string& local_socket) {
  std::vector<std::string> argv{"ssh", "-nNT", "-o", "ExitOnForwardFailure=yes", "-o", "BatchMode=yes",
                                "-o", "StreamLocalBindUnlink=yes"};
  if (!t.port.empty()) argv.insert(argv.end(), {"-p", t.port});
  argv.insert(argv.end(), {"-L", local_socket + ":" + t.remote_socket, "--", t.destination});
  return argv;
}

bool engine_is_remote(std::string_view host) {
  if (host.rfind("ssh://", 0) == 0) return true;
  if (host.rfind("tcp://", 0) != 0) return false;
  std::string_view rest = host.substr(6);
  std::string_view name = rest.substr(0, rest.find('/'));
  if (!name.empty() && name.front() == '[') {
    name = name.substr(1, name.find(']') == std::string_view::npos ? name.size() : name.find(']') - 1);
  } else {
    name = name.substr(0, name.rfind(':'));
  }
  return !(name == "localhost" || name == "::1" || name.rfind("127.", 0) == 0);
}

base::Result<std::unique_ptr<EnginePool>> EnginePool::open(const std::vector<std::string>& hosts, unsigned slots) {
  std::unique_ptr<EnginePool> pool(new EnginePool());
  pool->slots_ = slots == 0 ? 1 : slots;
  std::vector<std::string> down;
  for (const auto& h : hosts) {
    Engine e;
    e.display = h;
    e.docker_host = h;
    if (h.rfind("ssh://", 0) == 0) {
      TRY_ASSIGN(SshTarget t, parse_ssh_host(h));
      if (pool->tunnel_dir_.empty()) {
        TRY_ASSIGN(base::TempDir d, base::TempDir::create("melange-engines-"));
        pool->tunnel_dir_ = d.release().string();
      }
      std::string sock = pool->tunnel_dir_ + "/engine-" + std::to_string(pool->engines_.size()) + ".sock";
      SpawnOptions so;
      so.err = Stdio::kNull;
      auto child = Child::spawn(ssh_forward_argv(t, sock), so);
      if (!child) {
        spdlog::warn("engine {}: cannot start ssh: {}", h, child.error().to_string());
        down.push_back(h);
        continue;
      }
      e.tunnel = std::make_unique<Child>(std::move(*child));
      for (int i = 0; i < 150 && !std::filesystem::exists(sock); ++i) {
        int code = 0;
        if (e.tunnel->try_wait(&code)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      e.docker_host = "unix://" + sock;
    }
    pool->engines_.push_back(std::move(e));
    size_t i = pool->engines_.size() - 1;
    if (!pool->ping(i)) {
      spdlog::warn("engine {} does not answer; not using it", h);
      down.push_back(h);
      pool->engines_.pop_back();
    }
  }
  if (pool->engines_.empty())
    return base::fail(base::ErrorCode::kSandbox, "no Docker engine answers: " + base::join(down, ", "),
                      "start dockerd (or 'podman system service') or fix --docker-host / DOCKER_HOST");
  return pool;
}

EnginePool::~EnginePool() {
  for (auto& e : engines_) e.tunnel.reset();  // kills and reaps the ssh forward
  if (!tunnel_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(tunnel_dir_, ec);
  }
}

std::optional<EnginePool::Lease> EnginePool::acquire(const std::set<size_t>& avoid) {
  std::unique_lock lk(mu_);
  for (;;) {
    bool any_live = false, live_outside_avoid = false;
    for (size_t i = 0; i < engines_.size(); ++i)
      if (engines_[i].up) {
        any_live = true;
        if (!avoid.count(i)) live_outside_avoid = true;
      }
    if (!any_live) return std::nullopt;
    size_t best = engines_.size();
    for (size_t i = 0; i < engines_.size(); ++i) {
      const Engine& e = engines_[i];
      if (!e.up || e.busy >= slots_ || (live_outside_avoid && avoid.count(i))) continue;
      if (best == engines_.size() || e.busy < engines_[best].busy) best = i;
    }
    if (best < engines_.size()) {
      ++engines_[best].busy;
      return Lease{best, engines_[best].docker_host, engines_[best].display, engine_is_remote(engines_[best].display)};
    }
    cv_.wait(lk);
  }
}

void EnginePool::release(const Lease& l) {
  {
    std::lock_guard lk(mu_);
    if (l.engine < engines_.size() && engines_[l.engine].busy > 0) --engines_[l.engine].busy;
  }
  cv_.notify_all();
}

bool EnginePool::ping(size_t engine) const {
  std::string host;
  {
    std::lock_guard lk(mu_);
    host = engines_[engine].docker_host;
  }
  auto ep = parse_docker_host(host);
  if (!ep) return false;
  DockerClient c(*ep);
  auto r = c.request("GET", "/_ping", nullptr, std::chrono::seconds{15});
  return r && r->status == 200;
}

void EnginePool::mark_down(size_t engine) {
  {
    std::lock_guard lk(mu_);
    if (engine < engines_.size()) engines_[engine].up = false;
  }
  cv_.notify_all();
}

size_t EnginePool::live() const {
  std::lock_guard lk(mu_);
  return size_t(std::count_if(engines_.begin(), engines_.end(), [](const Engine& e) { return e.up; }));
}

}  // namespace sandbox
