// The docker runner (see docker.hpp).
#include "sandbox/docker.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <spdlog/spdlog.h>
#include <thread>
#include <nlohmann/json.hpp>

#include "base/fs.hpp"
#include "base/strings.hpp"
#include "sandbox/tree_receiver.hpp"

namespace sandbox {

namespace {

using json = nlohmann::json;
constexpr const char* kLabel = "org.melange-apko.sandbox";

std::string url_escape(std::string_view s) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += char(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string unique_suffix() {
  std::random_device rd;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d-%08x", int(::getpid()), unsigned(rd()));
  return buf;
}

json env_list(const std::map<std::string, std::string>& env) {
  json a = json::array();
  for (const auto& [k, v] : env) a.push_back(k + "=" + v);
  return a;
}

std::string user_of(const RunnerConfig& cfg) { return std::to_string(cfg.uid) + ":" + std::to_string(cfg.gid); }

}  // namespace

bool docker_copy_mounts() {
  const char* v = std::getenv("MELANGE_DOCKER_COPY");
  return v && std::string_view(v) == "1";
}

std::string docker_create_body(const RunnerConfig& cfg, const std::string& image, const std::vector<Ulimit>& ulimits,
                               bool bind_mounts) {
  json binds = json::array();
  json limits = json::array();
  for (const auto& l : ulimits) limits.push_back({{"Name", l.name}, {"Soft", l.soft}, {"Hard", l.hard}});
  if (bind_mounts)
    for (const auto& m : cfg.mounts) binds.push_back(m.source.string() + ":" + m.target + (m.read_only ? ":ro" : ""));
  json body = {
      {"Image", image},
      {"Cmd", {"/bin/sh", "-c", "while true; do sleep 5; done"}},
      {"Env", env_list(cfg.env)},
      {"WorkingDir", cfg.work_dir},
      {"User", user_of(cfg)},
      {"Labels", {{kLabel, "1"}, {std::string(kLabel) + ".pid", std::to_string(::getpid())}}},
      {"HostConfig",
       {{"Binds", binds},
        {"CapDrop", {"ALL"}},
        {"CapAdd", effective_caps(cfg)},
        {"NetworkMode", cfg.network ? "host" : "none"},
        {"Ulimits", limits}}},
  };
  return body.dump();
}

DockerRunner::~DockerRunner() {
  if (!container_.empty() || !image_.empty()) {
    auto st = stop();
    if (!st) spdlog::warn("{}", st.error().to_string());
  }
}

base::Result<DockerClient> DockerRunner::client() const {
  const char* host = std::getenv("DOCKER_HOST");
  TRY_ASSIGN(auto ep, parse_docker_host(host ? host : ""));
  return DockerClient(std::move(ep));
}

base::Status DockerRunner::check_available() const {
  TRY_ASSIGN(auto api, client());
  TRY_ASSIGN(auto r, api.request("GET", "/_ping", nullptr, std::chrono::seconds{15}));
  if (r.status != 200)
    return base::fail(base::ErrorCode::kSandbox,
                      "docker: " + api.endpoint().display + " answered /_ping with HTTP " + std::to_string(r.status),
                      "is DOCKER_HOST a Docker Engine API endpoint?");
  return base::ok();
}

base::Result<DockerClient::Response> DockerRunner::upload_tree(const std::filesystem::path& dir,
                                                              const std::string& method, const std::string& path,
                                                              const std::string& what) {
  // tar's stderr is drained by a thread so that many warnings cannot block it.
  SpawnOptions opts;
  opts.out = Stdio::kPipe;
  opts.err = Stdio::kPipe;
  TRY_ASSIGN(Child tar, Child::spawn({"tar", "-C", dir.string(), "--numeric-owner", "-cf", "-", "."}, opts));
  std::string tar_err;
  std::thread drain([&] {
    char buf[4096];
    ssize_t n;
    while ((n = ::read(tar.stderr_fd(), buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
      if (n > 0 && tar_err.size() < 4096) tar_err.append(buf, size_t(n));
  });
  auto r = api_->upload(path, tar.stdout_fd(), "application/x-tar", method);
  if (!r) tar.kill(SIGKILL);
  drain.join();
  TRY_ASSIGN(int tar_code, tar.wait());
  if (!r) return tl::unexpected(r.error().context(dir.string()));
  if (tar_code != 0)
    return base::fail(base::ErrorCode::kIo, dir.string() + ": tar of " + what + " failed: " +
                                                std::string(base::trim(tar_err.substr(0, tar_err.find('\n')))));
  return r;
}

base::Status DockerRunner::import_image() {
  std::string ref = "melange-sandbox:" + unique_suffix();
  TRY_ASSIGN(auto r, upload_tree(cfg_.rootfs, "POST",
                                 "/images/create?fromSrc=-&repo=" + url_escape(ref.substr(0, ref.find(':'))) +
                                     "&tag=" + url_escape(ref.substr(ref.find(':') + 1)),
                                 "the build root"));
  if (r.status != 200) return tl::unexpected(api_->api_error("image import", r));
  // The answer is a sequence of JSON progress objects; the image id is the last "sha256:" status.
  for (auto line : base::split(r.body, '\n')) {
    auto j = json::parse(base::trim(line), nullptr, false);
    if (!j.is_object()) continue;
    if (j.contains("error"))
      return base::fail(base::ErrorCode::kSandbox, "docker image import: " + j["error"].dump());
    if (j.contains("status") && j["status"].is_string() && j["status"].get<std::string>().rfind("sha256:", 0) == 0)
      image_ = j["status"].get<std::string>();
  }
  if (image_.empty()) image_ = ref;
  spdlog::debug("docker: imported {} as {}", cfg_.rootfs.string(), image_);
  return base::ok();
}

base::Status DockerRunner::create_container(const std::vector<Ulimit>& ulimits) {
  std::string body = docker_create_body(cfg_, image_, ulimits, !copy_mounts_);
  TRY_ASSIGN(auto r, api_->request("POST", "/containers/create?name=melange-sandbox-" + unique_suffix(), &body));
  if (r.status != 201) return tl::unexpected(api_->api_error("container create", r));
  auto j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("Id") || !j["Id"].is_string())
    return base::fail(base::ErrorCode::kSandbox, "docker container create: no Id in the answer");
  container_ = j["Id"].get<std::string>();
  if (copy_mounts_)
    for (const auto& m : cfg_.mounts) TRY(copy_in(m));
  TRY_ASSIGN(auto s, api_->request("POST", "/containers/" + container_ + "/start"));
  if (s.status != 204 && s.status != 304) return tl::unexpected(api_->api_error("container start", s));
  return base::ok();
}

// Streams `tar -C <source> -cf - .` into the created container at the mount's target
// (PUT /containers/{id}/archive), owners numeric as a bind mount would show them.
base::Status DockerRunner::copy_in(const Mount& m) {
  TRY_ASSIGN(auto r, upload_tree(m.source, "PUT", "/containers/" + container_ + "/archive?path=" + url_escape(m.target),
                                 "the copy to " + m.target));
  if (r.status != 200) return tl::unexpected(api_->api_error("copy of " + m.source.string() + " to " + m.target, r));
  return base::ok();
}

base::Status DockerRunner::remove_container() {
  if (container_.empty()) return base::ok();
  auto r = api_->request("DELETE", "/containers/" + container_ + "?force=true&v=true");
  container_.clear();
  if (!r) return tl::unexpected(r.error());
  if (r->status != 204 && r->status != 404) return tl::unexpected(api_->api_error("container remove", *r));
  return base::ok();
}

base::Status DockerRunner::create_container() {
  auto st = create_container(container_ulimits());
  if (st || !is_rlimit_refusal(st.error().message)) return st;
  // The engine could not apply even our own limits (hosts cap some below what getrlimit says).
  const auto fallback = conservative_ulimits();
  spdlog::warn("docker: {} refused the container's rlimits ({}); retrying once with {}", api_->endpoint().display,
               describe(container_ulimits()), describe(fallback));
  TRY(remove_container());
  return create_container(fallback);
}

base::Status DockerRunner::start(const RunnerConfig& cfg) {
  TRY(validate_config(cfg));
  TRY(check_available());
  TRY_ASSIGN(auto api, client());
  api_ = std::make_unique<DockerClient>(std::move(api));
  cfg_ = cfg;
  copy_mounts_ = docker_copy_mounts();
  if (copy_mounts_) {
    // The copies land in directories of the image: make the mount points (bind mounts would).
    for (const auto& m : cfg_.mounts) {
      std::error_code ec;
      std::filesystem::create_directories(cfg_.rootfs / std::filesystem::path(m.target).relative_path(), ec);
    }
    spdlog::info("docker: {} is remote: the workspace and caches are copied in and melange-out is copied back",
                 api_->endpoint().display);
  }
  TRY(import_image());
  auto st = create_container();
  if (!st) {
    (void)stop();
    return st;
  }
  return base::ok();
}

base::Result<ExecResult> DockerRunner::exec(const std::vector<std::string>& argv,
                                            const std::map<std::string, std::string>& extra_env,
                                            const std::string& work_dir, const OutputFn& out) {
  if (container_.empty()) return base::fail(base::ErrorCode::kInternal, "docker: exec before start");
  if (argv.empty()) return base::fail(base::ErrorCode::kInternal, "docker: exec of an empty command");
  std::string body = json{{"AttachStdin", false}, {"AttachStdout", true}, {"AttachStderr", true}, {"Tty", false},
                          {"Cmd", argv}, {"Env", env_list(merged_env(cfg_, extra_env))},
                          {"WorkingDir", work_dir.empty() ? cfg_.work_dir : work_dir}, {"User", user_of(cfg_)}}
                         .dump();
  TRY_ASSIGN(auto r, api_->request("POST", "/containers/" + container_ + "/exec", &body));
  if (r.status != 201) return tl::unexpected(api_->api_error("exec create", r));
  auto j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("Id")) return base::fail(base::ErrorCode::kSandbox, "docker exec create: no Id");
  const std::string id = j["Id"].get<std::string>();

  const OutputFn& sink = out ? out : log_output(name());
  StreamDemuxer demux;
  LineSplitter split[2];
  auto emit_out = [&](std::string_view l) { sink(l, false); };
  auto emit_err = [&](std::string_view l) { sink(l, true); };
  std::string start = R"({"Detach":false,"Tty":false})";
  auto s = api_->stream("/exec/" + id + "/start", start, [&](std::string_view data) {
    demux.feed(data, [&](int stream, std::string_view payload) {
      if (stream == 2) split[1].feed(payload, emit_err);
      else split[0].feed(payload, emit_out);
    });
  }, cfg_.timeout);
  split[0].finish(emit_out);
  split[1].finish(emit_err);
  if (!s) {
    if (s.error().message.find("timed out") != std::string::npos) {
      // The API cannot kill one exec: restart the container so that its processes die.
      (void)api_->request("POST", "/containers/" + container_ + "/restart?t=0");
      return base::fail(base::ErrorCode::kSandbox,
                        "docker: " + argv[0] + ": timed out after " + std::to_string(cfg_.timeout.count()) + "s, killed");
    }
    return tl::unexpected(s.error());
  }
  if (*s != 200 && *s != 101) return base::fail(base::ErrorCode::kSandbox, "docker exec start: HTTP " + std::to_string(*s));
  for (int attempt = 0; attempt < 100; ++attempt) {
    TRY_ASSIGN(auto info, api_->request("GET", "/exec/" + id + "/json"));
    if (info.status != 200) return tl::unexpected(api_->api_error("exec inspect", info));
    auto ij = json::parse(info.body, nullptr, false);
    bool running = ij.is_object() && ij.value("Running", false);
    if (!running && ij.is_object() && ij.contains("ExitCode") && ij["ExitCode"].is_number_integer())
      return ExecResult{ij["ExitCode"].get<int>()};
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return base::fail(base::ErrorCode::kSandbox, "docker exec " + id + ": no exit code after the output ended");
}

base::Status DockerRunner::retrieve(const std::string& guest_dir, const std::filesystem::path& host_dir) {
  if (container_.empty()) return base::fail(base::ErrorCode::kInternal, "docker: retrieve before start");
  TRY_ASSIGN(auto tmp, base::TempDir::create("ma-retrieve-"));
  auto tar_path = tmp.path() / "out.tar";
  TRY_ASSIGN(auto file, base::AtomicFile::create(tar_path));
  TRY_ASSIGN(long status, api_->download("/containers/" + container_ + "/archive?path=" + url_escape(guest_dir), file.fd()));
  TRY(file.commit());
  if (status != 200) {
    auto body = base::read_file(tar_path);
    return tl::unexpected(api_->api_error("archive " + guest_dir, {status, body ? *body : ""}));
  }
  // Written through the one receiver that never follows a link out of host_dir nor takes ".."
  // (a remote engine's archive is as untrusted as a guest's copy).
  TRY_ASSIGN(std::string tar, base::read_file(tar_path));
  return receive_tar(tar, host_dir, "docker archive of " + guest_dir);
}

base::Status DockerRunner::stop() {
  if (!api_) return base::ok();
  base::Status result = base::ok();
  if (auto st = remove_container(); !st) result = st;
  if (!image_.empty()) {
    auto r = api_->request("DELETE", "/images/" + url_escape(image_) + "?force=true");
    if (!r && result) result = tl::unexpected(r.error());
    else if (r && r->status != 200 && r->status != 404 && result) result = tl::unexpected(api_->api_error("image remove", *r));
    image_.clear();
  }
  return result;
}

}  // namespace sandbox
