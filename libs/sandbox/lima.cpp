// The lima runner (see lima.hpp).
#include "sandbox/lima.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <sstream>

#include <spdlog/spdlog.h>

#include "base/strings.hpp"
#include "sandbox/cleanup.hpp"
#include "sandbox/qemu.hpp"
#include "sandbox/tree_receiver.hpp"
#include "sandbox/vm_protocol.hpp"

namespace sandbox {

namespace fs = std::filesystem;

namespace {

// A YAML double-quoted scalar.
std::string yq(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    if (c == '\n') {
      o += "\\n";
      continue;
    }
    o += c;
  }
  return o + "\"";
}

std::string caps_hex(const RunnerConfig& cfg) {
  uint64_t mask = 0;
  for (const auto& c : effective_caps(cfg)) {
    int n = vm::capability_number(c);
    if (n >= 0) mask |= 1ull << n;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(mask));
  return buf;
}

std::atomic<int> g_instance_counter{0};

}  // namespace

std::string lima_template(const RunnerConfig& cfg) {
  std::ostringstream y;
  y << "# melange build instance (lima runner)\n";
  y << "images:\n  - location: " << yq("file://" + fs::absolute(cfg.rootfs).string()) << "\n";
  y << "mounts:\n";
  if (cfg.mounts.empty()) y << "  []\n";
  for (const auto& m : cfg.mounts)
    y << "  - location: " << yq(fs::absolute(m.source).string()) << "\n    mountPoint: " << yq(m.target)
      << "\n    writable: " << (m.read_only ? "false" : "true") << "\n";
  if (cfg.cpus) y << "cpus: " << cfg.cpus << "\n";
  if (cfg.memory_mb) y << "memory: " << yq(std::to_string(cfg.memory_mb) + "MiB") << "\n";
  y << "containerd:\n  system: false\n  user: false\n";
  return y.str();
}

std::vector<std::string> lima_exec_argv(const RunnerConfig& cfg, const std::vector<std::string>& argv,
                                        const std::map<std::string, std::string>& env) {
  std::vector<std::string> a = {"/.ma/init", "--exec", std::to_string(cfg.uid), std::to_string(cfg.gid), caps_hex(cfg),
                                std::to_string(cfg.timeout.count())};
  for (const auto& [k, v] : env) a.push_back(k + "=" + v);
  a.push_back("--");
  a.insert(a.end(), argv.begin(), argv.end());
  return a;
}

LimaRunner::~LimaRunner() { (void)stop(); }

base::Status LimaRunner::check_available() const {
  if (find_program("limactl").empty())
    return base::fail(base::ErrorCode::kSandbox, "lima runner: 'limactl' not found in PATH",
                      "install lima (https://lima-vm.io; macOS: brew install lima) or use --runner bubblewrap");
  return base::ok();
}

base::Status LimaRunner::limactl(const std::vector<std::string>& args, std::chrono::seconds timeout) const {
  std::vector<std::string> argv = {limactl_};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string err;
  auto code = run_process(argv, [&](std::string_view l, bool is_err) {
    if (is_err && !l.empty()) err = std::string(l);
    spdlog::debug("[limactl] {}", l);
  }, nullptr, {}, timeout);
  if (!code) return tl::unexpected(code.error().context("limactl " + args[0]));
  if (*code != 0)
    return base::fail(base::ErrorCode::kSandbox,
                      "limactl " + args[0] + " failed (exit " + std::to_string(*code) + ")" + (err.empty() ? "" : ": " + err));
  return base::ok();
}

base::Status LimaRunner::start(const RunnerConfig& cfg) {
  TRY(validate_config(cfg));
  TRY(check_available());
  (void)stop();
  cfg_ = cfg;
  limactl_ = find_program("limactl");
  fs::path init = find_guest_init();
  if (init.empty())
    return base::fail(base::ErrorCode::kSandbox, "lima runner: ma-guest-init not found",
                      "set MA_GUEST_INIT to the ma-guest-init built with melange");
  std::error_code ec;
  fs::create_directories(cfg.rootfs / ".ma", ec);
  fs::copy_file(init, cfg.rootfs / ".ma/init", fs::copy_options::overwrite_existing, ec);
  if (ec) return base::fail(base::ErrorCode::kIo, (cfg.rootfs / ".ma/init").string() + ": cannot copy ma-guest-init: " + ec.message());
  TRY_ASSIGN(base::TempDir dir, base::TempDir::create("melange-lima-"));
  dir_.emplace(std::move(dir));
  fs::path tmpl = dir_->path() / "melange.yaml";
  TRY(base::write_file_atomic(tmpl, lima_template(cfg)));
  instance_ = "melange-" + std::to_string(::getpid()) + "-" + std::to_string(g_instance_counter++);
  cleanup_handle_ = cleanup::register_command({limactl_, "delete", "--force", instance_});
  auto st = limactl({"create", "--name=" + instance_, "--tty=false", tmpl.string()}, std::chrono::seconds(600));
  if (st) st = limactl({"start", "--tty=false", instance_}, std::chrono::seconds(900));
  if (!st) {
    (void)stop();
    return st;
  }
  spdlog::info("lima: instance {} started", instance_);
  return base::ok();
}

std::vector<std::string> LimaRunner::shell_command(const std::vector<std::string>& argv,
                                                   const std::map<std::string, std::string>& extra_env,
                                                   const std::string& work_dir) const {
  std::vector<std::string> cmd = {limactl_, "shell", "--workdir", work_dir.empty() ? cfg_.work_dir : work_dir, instance_, "--"};
  auto inner = lima_exec_argv(cfg_, argv, merged_env(cfg_, extra_env));
  cmd.insert(cmd.end(), inner.begin(), inner.end());
  return cmd;
}

base::Result<ExecResult> LimaRunner::exec(const std::vector<std::string>& argv,
                                          const std::map<std::string, std::string>& extra_env,
                                          const std::string& work_dir, const OutputFn& out) {
  if (instance_.empty()) return base::fail(base::ErrorCode::kInternal, "lima: exec before start");
  if (argv.empty()) return base::fail(base::ErrorCode::kInternal, "lima: exec of an empty command");
  auto cmd = shell_command(argv, extra_env, work_dir);
  // The helper enforces the timeout in the instance; this one is a backstop for a stuck limactl.
  auto backstop = cfg_.timeout.count() ? cfg_.timeout + std::chrono::seconds(60) : std::chrono::seconds(0);
  auto code = run_process(cmd, out ? out : log_output(name()), nullptr, {}, backstop);
  if (!code) return tl::unexpected(code.error().context("lima: " + argv[0]));
  if (cfg_.timeout.count() && *code == 124)
    return base::fail(base::ErrorCode::kSandbox, "lima: " + argv[0] + ": timed out after " +
                                                     std::to_string(cfg_.timeout.count()) + " s");
  return ExecResult{*code};
}

base::Result<ExecResult> LimaRunner::exec_interactive(const std::vector<std::string>& argv,
                                                      const std::map<std::string, std::string>& extra_env,
                                                      const std::string& work_dir) {
  if (instance_.empty()) return base::fail(base::ErrorCode::kInternal, "lima: exec before start");
  SpawnOptions so;
  so.in = so.out = so.err = Stdio::kInherit;
  so.own_process_group = false;
  TRY_ASSIGN(Child child, Child::spawn(shell_command(argv, extra_env, work_dir), so));
  auto code = child.wait();
  if (!code) return tl::unexpected(code.error().context("lima: " + argv[0]));
  return ExecResult{*code};
}

base::Status LimaRunner::retrieve(const std::string& guest_dir, const fs::path& host_dir) {
  if (instance_.empty()) return base::fail(base::ErrorCode::kInternal, "lima: retrieve before start");
  // Under a mount: the host side already holds it.
  for (const auto& m : cfg_.mounts) {
    std::string t = m.target;
    while (t.size() > 1 && t.back() == '/') t.pop_back();
    if (guest_dir == t || guest_dir.rfind(t + "/", 0) == 0) {
      fs::path src = m.source / fs::path(guest_dir.substr(t.size())).relative_path();
      std::error_code ec;
      if (!fs::is_directory(src, ec))
        return base::fail(base::ErrorCode::kNotFound, "lima: " + guest_dir + ": no such directory in the instance");
      fs::create_directories(host_dir, ec);
      if (fs::equivalent(src, host_dir, ec)) return base::ok();
      return receive_local_tree(src, host_dir);
    }
  }
  TRY_ASSIGN(base::TempDir tmp, base::TempDir::create("melange-lima-copy-"));
  fs::path landing = tmp.path() / "d";  // absent: `copy -r` creates it with the directory's contents
  auto st = limactl({"copy", "-r", instance_ + ":" + guest_dir, landing.string()}, std::chrono::seconds(3600));
  if (!st) return base::fail(base::ErrorCode::kNotFound, "lima: cannot copy " + guest_dir + " out: " + st.error().message);
  return receive_local_tree(landing, host_dir);
}

base::Status LimaRunner::stop() {
  if (instance_.empty()) return base::ok();
  (void)limactl({"stop", instance_}, std::chrono::seconds(300));
  auto st = limactl({"delete", "--force", instance_}, std::chrono::seconds(300));
  cleanup::unregister(cleanup_handle_);
  cleanup_handle_ = -1;
  instance_.clear();
  dir_.reset();
  std::error_code ec;
  fs::remove(cfg_.rootfs / ".ma/init", ec);
  fs::remove(cfg_.rootfs / ".ma", ec);
  return st;
}

}  // namespace sandbox
