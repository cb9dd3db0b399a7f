#include "melange/guest.hpp"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <system_error>
#include <thread>

#include "base/log.hpp"
#include "melange/runner_glue.hpp"

namespace melange {

namespace fs = std::filesystem;

void give_to_user(const fs::path& dir, uint32_t uid, uint32_t gid) {
  if (uid == 0) return;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) (void)::lchown(e.path().c_str(), uid, gid);
  (void)::lchown(dir.c_str(), uid, gid);
}

sandbox::RunnerConfig runner_config(const fs::path& root, const Environment& env, const StartSpec& spec) {
  sandbox::RunnerConfig rc;
  rc.rootfs = root;
  rc.mounts.push_back({spec.workspace, "/home/build", false});
  std::error_code ec;
  if (!spec.cache_dir.empty() && fs::is_directory(spec.cache_dir, ec))
    rc.mounts.push_back({fs::absolute(spec.cache_dir), "/var/cache/melange", false});
  if (spec.network && fs::exists("/etc/resolv.conf", ec))
    rc.mounts.push_back({"/etc/resolv.conf", "/etc/resolv.conf", true});
  rc.env = env_map(spec.environment);
  rc.uid = env.run_uid;
  rc.gid = env.run_gid;
  rc.cap_add = spec.cap_add;
  rc.cap_drop = spec.cap_drop;
  rc.network = spec.network;
  rc.timeout = spec.timeout;
  rc.cpus = spec.cpus;
  rc.memory_mb = spec.memory_mb;
  rc.cpu_model = spec.cpu_model;
  return rc;
}

config::Resources with_defaults(const std::optional<config::Resources>& r, const config::Resources& d) {
  config::Resources out = r.value_or(config::Resources{});
  for (auto [field, fallback] : {std::pair{&out.cpu, &d.cpu}, std::pair{&out.cpumodel, &d.cpumodel},
                                 std::pair{&out.memory, &d.memory}, std::pair{&out.disk, &d.disk}})
    if (field->empty()) *field = *fallback;
  return out;
}

base::Status apply_resources(const config::Resources& r, StartSpec& spec) {
  spec.cpu_model = r.cpumodel;
  spec.disk = r.disk;
  if (!r.cpu.empty()) {
    char* end = nullptr;
    unsigned long n = std::strtoul(r.cpu.c_str(), &end, 10);
    if (n == 0 || *end != '\0')
      return base::fail(base::ErrorCode::kInvalidInput, "resources.cpu '" + r.cpu + "' is not a whole number of CPUs");
    spec.cpus = unsigned(std::min<unsigned long>(n, std::max(1u, std::thread::hardware_concurrency())));
  }
  if (!r.memory.empty()) {
    char* end = nullptr;
    double v = std::strtod(r.memory.c_str(), &end);
    std::string unit = end ? end : "";
    static const std::map<std::string, double> kUnits = {
        {"", 1.0},         {"Ki", 1024.0},  {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0},
        {"K", 1e3},        {"M", 1e6},      {"G", 1e9},        {"T", 1e12},          {"k", 1e3}};
    auto u = kUnits.find(unit);
    if (v <= 0 || u == kUnits.end())
      return base::fail(base::ErrorCode::kInvalidInput, "resources.memory '" + r.memory + "' is not a quantity like 8Gi or 512Mi");
    spec.memory_mb = std::max<uint64_t>(64, uint64_t(v * u->second / 1048576.0));
  }
  return base::ok();
}

Guest::Guest(const GuestSpec& spec, std::unique_ptr<sandbox::Runner> runner, Environment env, base::TempDir root)
    : what_(spec.what),
      temp_parent_(spec.temp_parent),
      runner_(std::move(runner)),
      env_(std::move(env)),
      root_(std::move(root)) {
  root_path_ = root_.path();
}

Guest::~Guest() {
  if (started_ && runner_) (void)runner_->stop();
}

base::Result<Guest> Guest::create(const config::ImageConfig& cfg, const apk::Arch& arch, const GuestSpec& spec) {
  TRY_ASSIGN(auto runner, sandbox::make_runner(spec.runner));
  TRY(runner->check_available());
  base::progress("assembling the " + spec.env.what);
  auto env = assemble_environment(cfg, arch, spec.env);
  base::progress_done();
  if (!env) return tl::unexpected(env.error());
  TRY_ASSIGN(base::TempDir root, materialize_environment(*env, spec.temp_parent, spec.prefix));
  return Guest(spec, std::move(runner), std::move(*env), std::move(root));
}

base::Result<fs::path> Guest::temp_workspace(std::string_view prefix) {
  TRY_ASSIGN(base::TempDir dir, base::TempDir::create(prefix, temp_parent_));
  workspace_.emplace(std::move(dir));
  return workspace_->path();
}

void Guest::keep(const fs::path& workspace) {
  spdlog::info("{}: keeping guest {} and workspace {} (--rm=false)", what_, root_path_.string(), workspace.string());
  root_.release();
  if (workspace_) workspace_->release();
}

base::Status Guest::start(const StartSpec& spec) {
  give_to_user(spec.workspace, env_.run_uid, env_.run_gid);  // the run-as user must be able to write it
  TRY(with_context(runner_->start(runner_config(root_path_, env_, spec)), what_));
  started_ = true;
  return base::ok();
}

base::Status Guest::stop() {
  started_ = false;
  return runner_->stop();
}

}  // namespace melange
