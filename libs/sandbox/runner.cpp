// Runner selection and the configuration helpers shared by all backends (see runner.hpp).
#include "sandbox/runner.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "sandbox/bubblewrap.hpp"
#include "sandbox/docker.hpp"
#include "sandbox/lima.hpp"
#include "sandbox/qemu.hpp"

namespace sandbox {

namespace {

constexpr const char* kDefaultCaps[] = {"CHOWN",  "DAC_OVERRIDE",     "FSETID",     "FOWNER", "MKNOD",
                                        "NET_RAW", "SETGID",          "SETUID",     "SETFCAP", "SETPCAP",
                                        "NET_BIND_SERVICE", "SYS_CHROOT", "KILL",   "AUDIT_WRITE"};

std::string cap_name(std::string_view s) {
  std::string up;
  for (char c : s) up += char(std::toupper(static_cast<unsigned char>(c)));
  if (up.rfind("CAP_", 0) == 0) up.erase(0, 4);
  return up;
}

}  // namespace

std::vector<std::string> effective_caps(const RunnerConfig& cfg) {
  std::set<std::string> caps;
  bool drop_all = std::any_of(cfg.cap_drop.begin(), cfg.cap_drop.end(), [](const std::string& c) { return cap_name(c) == "ALL"; });
  if (!drop_all)
    for (const char* c : kDefaultCaps) caps.insert(c);
  for (const auto& c : cfg.cap_add) caps.insert(cap_name(c));
  for (const auto& c : cfg.cap_drop) caps.erase(cap_name(c));
  return {caps.begin(), caps.end()};
}

std::map<std::string, std::string> merged_env(const RunnerConfig& cfg, const std::map<std::string, std::string>& extra) {
  auto env = cfg.env;
  for (const auto& [k, v] : extra) env[k] = v;
  return env;
}

base::Status validate_config(const RunnerConfig& cfg) {
  std::error_code ec;
  if (cfg.rootfs.empty() || !std::filesystem::is_directory(cfg.rootfs, ec))
    return base::fail(base::ErrorCode::kNotFound, cfg.rootfs.string() + ": build root is not a directory");
  if (cfg.work_dir.empty() || cfg.work_dir[0] != '/')
    return base::fail(base::ErrorCode::kInvalidInput, "work dir '" + cfg.work_dir + "' is not an absolute path");
  for (const auto& m : cfg.mounts) {
    if (!std::filesystem::exists(m.source, ec))
      return base::fail(base::ErrorCode::kNotFound, m.source.string() + ": mount source does not exist");
    if (m.target.empty() || m.target[0] != '/')
      return base::fail(base::ErrorCode::kInvalidInput, "mount target '" + m.target + "' is not an absolute path");
  }
  for (const auto& [k, v] : cfg.env)
    if (k.empty() || k.find('=') != std::string::npos)
      return base::fail(base::ErrorCode::kInvalidInput, "environment variable name '" + k + "' is invalid");
  return base::ok();
}

base::Result<ExecResult> Runner::exec_interactive(const std::vector<std::string>&,
                                                  const std::map<std::string, std::string>&, const std::string&) {
  return base::fail(base::ErrorCode::kUnsupported, "the " + name() + " runner cannot attach a terminal");
}

base::Result<std::unique_ptr<Runner>> make_runner(std::string_view name) {
  if (name == "bubblewrap") return std::unique_ptr<Runner>(std::make_unique<BubblewrapRunner>());
  if (name == "docker") return std::unique_ptr<Runner>(std::make_unique<DockerRunner>());
  if (name == "qemu") return std::unique_ptr<Runner>(std::make_unique<QemuRunner>());
  if (name == "lima") return std::unique_ptr<Runner>(std::make_unique<LimaRunner>());
  return base::fail(base::ErrorCode::kUsage, "unknown runner '" + std::string(name) + "'",
                    "valid runners: bubblewrap, docker, qemu, lima");
}

}  // namespace sandbox
