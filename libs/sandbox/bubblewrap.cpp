// The bubblewrap runner (see bubblewrap.hpp).
#include "sandbox/bubblewrap.hpp"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "base/strings.hpp"

namespace sandbox {

namespace fs = std::filesystem;

namespace {

const char kUsernsHint[] =
    "the host blocks user namespaces: on Ubuntu 24.04+ run 'sysctl -w kernel.apparmor_restrict_unprivileged_userns=0' "
    "(or give bwrap an AppArmor profile with 'userns,'); on older Debian/Ubuntu run "
    "'sysctl -w kernel.unprivileged_userns_clone=1'; make sure user.max_user_namespaces > 0; "
    "or run as root, or use --runner docker";

HostUser current_host_user() { return ::geteuid() == 0 ? HostUser::kRoot : HostUser::kUnprivileged; }

bool needs_userns(const RunnerConfig& cfg, HostUser host) {
  return host == HostUser::kUnprivileged || cfg.uid != 0 || cfg.gid != 0;
}

}  // namespace

std::vector<std::string> bwrap_args(const RunnerConfig& cfg, HostUser host, const std::vector<std::string>& argv,
                                    const std::map<std::string, std::string>& env, const std::string& work_dir) {
  std::vector<std::string> a = {"--bind", cfg.rootfs.string(), "/"};
  for (const auto& m : cfg.mounts) a.insert(a.end(), {m.read_only ? "--ro-bind" : "--bind", m.source.string(), m.target});
  a.insert(a.end(), {"--unshare-pid", "--die-with-parent", "--dev", "/dev", "--proc", "/proc", "--ro-bind", "/sys",
                     "/sys", "--chdir", work_dir.empty() ? cfg.work_dir : work_dir, "--clearenv"});
  for (const auto& [k, v] : env) a.insert(a.end(), {"--setenv", k, v});
  if (needs_userns(cfg, host))
    a.insert(a.end(), {"--unshare-user", "--uid", std::to_string(cfg.uid), "--gid", std::to_string(cfg.gid)});
  // Start from nothing so the set is the same whether bwrap runs as root or not.
  a.insert(a.end(), {"--cap-drop", "ALL"});
  for (const auto& c : effective_caps(cfg)) a.insert(a.end(), {"--cap-add", "CAP_" + c});
  a.push_back("--new-session");
  if (!cfg.network) a.push_back("--unshare-net");
  a.push_back("--");
  a.insert(a.end(), argv.begin(), argv.end());
  return a;
}

base::Error bwrap_trial_error(std::string_view stderr_text, int exit_code) {
  std::string first(base::trim(stderr_text.substr(0, stderr_text.find('\n'))));
  if (first.empty()) first = "exit status " + std::to_string(exit_code);
  const bool userns = stderr_text.find("uid map") != std::string_view::npos ||
                      stderr_text.find("gid map") != std::string_view::npos ||
                      stderr_text.find("new namespace") != std::string_view::npos ||
                      stderr_text.find("Permission denied") != std::string_view::npos ||
                      stderr_text.find("Operation not permitted") != std::string_view::npos;
  if (userns)
    return base::Error{base::ErrorCode::kSandbox, "bubblewrap cannot create its sandbox: " + first, kUsernsHint};
  return base::Error{base::ErrorCode::kSandbox, "bubblewrap trial run failed: " + first,
                     "run 'bwrap --unshare-user --bind / / true' to see the problem, or use --runner docker"};
}

base::Status BubblewrapRunner::trial(const std::string& bwrap, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {bwrap};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string err;
  auto code = run_process(argv, [&](std::string_view line, bool is_err) {
    if (is_err) err.append(line).push_back('\n');
  }, nullptr, {}, std::chrono::seconds{30});
  if (!code) return tl::unexpected(code.error());
  if (*code != 0) return tl::unexpected(bwrap_trial_error(err, *code));
  return base::ok();
}

base::Status BubblewrapRunner::check_available() const {
  std::string bwrap = find_program("bwrap");
  if (bwrap.empty())
    return base::fail(base::ErrorCode::kSandbox, "bubblewrap runner: 'bwrap' not found in PATH",
                      "install bubblewrap (apt-get install bubblewrap) or use --runner docker");
  if (current_host_user() == HostUser::kRoot) return trial(bwrap, {"--unshare-pid", "--bind", "/", "/", "true"});
  return trial(bwrap, {"--unshare-user", "--bind", "/", "/", "true"});
}

base::Status BubblewrapRunner::start(const RunnerConfig& cfg) {
  TRY(validate_config(cfg));
  TRY(check_available());
  bwrap_ = find_program("bwrap");
  host_ = current_host_user();
  if (host_ == HostUser::kRoot && needs_userns(cfg, host_))
    TRY(trial(bwrap_, {"--unshare-user", "--uid", std::to_string(cfg.uid), "--bind", "/", "/", "true"}));
  cfg_ = cfg;
  started_ = true;
  // Like melange, refresh the dynamic linker cache when the build root has ldconfig.
  for (const char* ldconfig : {"sbin/ldconfig", "usr/sbin/ldconfig"}) {
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(cfg.rootfs / ldconfig, ec))) continue;
    auto r = exec({"/" + std::string(ldconfig)}, {}, "/", [](std::string_view line, bool) {
      spdlog::debug("[bubblewrap] ldconfig: {}", line);
    });
    if (!r || r->exit_code != 0) spdlog::warn("bubblewrap: ldconfig failed in {}", cfg.rootfs.string());
    break;
  }
  return base::ok();
}

base::Result<std::vector<std::string>> BubblewrapRunner::command(const std::vector<std::string>& argv,
                                                                const std::map<std::string, std::string>& extra_env,
                                                                const std::string& work_dir) const {
  if (!started_) return base::fail(base::ErrorCode::kInternal, "bubblewrap: exec before start");
  if (argv.empty()) return base::fail(base::ErrorCode::kInternal, "bubblewrap: exec of an empty command");
  std::vector<std::string> cmd = {bwrap_};
  auto args = bwrap_args(cfg_, host_, argv, merged_env(cfg_, extra_env), work_dir);
  cmd.insert(cmd.end(), args.begin(), args.end());
  return cmd;
}

base::Result<ExecResult> BubblewrapRunner::exec(const std::vector<std::string>& argv,
                                                const std::map<std::string, std::string>& extra_env,
                                                const std::string& work_dir, const OutputFn& out) {
  TRY_ASSIGN(std::vector<std::string> cmd, command(argv, extra_env, work_dir));
  spdlog::debug("bubblewrap: {}", base::join(cmd, " "));
  auto code = run_process(cmd, out ? out : log_output(name()), nullptr, {}, cfg_.timeout);
  if (!code) return tl::unexpected(code.error().context("bubblewrap: " + argv[0]));
  return ExecResult{*code};
}

base::Result<ExecResult> BubblewrapRunner::exec_interactive(const std::vector<std::string>& argv,
                                                            const std::map<std::string, std::string>& extra_env,
                                                            const std::string& work_dir) {
  TRY_ASSIGN(std::vector<std::string> cmd, command(argv, extra_env, work_dir));
  SpawnOptions so;
  so.in = so.out = so.err = Stdio::kInherit;
  so.own_process_group = false;  // the shell must be in the terminal's foreground group
  TRY_ASSIGN(Child child, Child::spawn(cmd, so));
  auto code = child.wait();
  if (!code) return tl::unexpected(code.error().context("bubblewrap: " + argv[0]));
  return ExecResult{*code};
}

base::Status BubblewrapRunner::retrieve(const std::string& guest_dir, const fs::path& host_dir) {
  if (!started_) return base::fail(base::ErrorCode::kInternal, "bubblewrap: retrieve before start");
  // Find where guest_dir lives on the host: the deepest mount containing it, else the rootfs.
  fs::path src = cfg_.rootfs / fs::path(guest_dir).relative_path();
  size_t best = 0;
  for (const auto& m : cfg_.mounts) {
    std::string t = m.target;
    while (t.size() > 1 && t.back() == '/') t.pop_back();
    bool inside = guest_dir == t || (guest_dir.rfind(t + "/", 0) == 0) || t == "/";
    if (inside && t.size() >= best) {
      best = t.size();
      src = m.source / fs::path(guest_dir.substr(t.size())).relative_path();
    }
  }
  std::error_code ec;
  if (!fs::is_directory(src, ec))
    return base::fail(base::ErrorCode::kNotFound, "bubblewrap: " + guest_dir + ": no such directory in the sandbox");
  fs::create_directories(host_dir, ec);
  if (fs::equivalent(src, host_dir, ec)) return base::ok();
  fs::copy(src, host_dir, fs::copy_options::recursive | fs::copy_options::copy_symlinks |
                              fs::copy_options::overwrite_existing, ec);
  if (ec) return base::fail(base::ErrorCode::kIo, host_dir.string() + ": cannot copy " + guest_dir + ": " + ec.message());
  return base::ok();
}

base::Status BubblewrapRunner::stop() {
  started_ = false;
  return base::ok();
}

}  // namespace sandbox
