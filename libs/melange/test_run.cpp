#include "melange/test_run.hpp"

#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include "base/fs.hpp"
#include "melange/build_workspace.hpp"
#include "melange/environment.hpp"
#include "sandbox/runner.hpp"

namespace melange {

namespace fs = std::filesystem;

namespace {

struct StopGuard {
  sandbox::Runner* r = nullptr;
  ~StopGuard() {
    if (r) (void)r->stop();
  }
};

base::Status run_one(const CompiledBuild& build, const CompiledPackage& pkg, const TestOptions& o) {
  const CompiledTest& t = *pkg.test;
  const std::string what = pkg.name + " test";
  config::ImageConfig env = t.environment;
  auto& c = env.contents;
  std::vector<std::string> repos = o.repositories;
  repos.insert(repos.end(), c.repositories.begin(), c.repositories.end());
  repos.insert(repos.end(), build.environment.contents.repositories.begin(),
               build.environment.contents.repositories.end());
  c.repositories = repos;
  c.keyring.insert(c.keyring.end(), build.environment.contents.keyring.begin(),
                   build.environment.contents.keyring.end());
  if (c.packages.empty()) {  // a shell and the usual tools, so `runs:` can run at all
    spdlog::info("{}: test.environment lists no packages; adding busybox", what);
    c.packages.push_back("busybox");
  }
  c.packages.push_back(o.pin_versions ? pkg.name + "=" + build.full_version : pkg.name);

  EnvironmentOptions eo;
  eo.repository_append = o.repository_append;
  eo.keyring_append = o.keyring_append;
  eo.package_append = o.package_append;
  eo.mirrors = o.mirrors;
  eo.apk_cache_dir = o.apk_cache_dir;
  eo.ignore_signatures = o.ignore_signatures;
  eo.what = what + " environment";
  TRY_ASSIGN(Environment guest_env, assemble_environment(env, build.arch, eo));
  TRY_ASSIGN(base::TempDir guest, materialize_environment(guest_env, o.temp_parent, "melange-test-guest-"));
  TRY_ASSIGN(base::TempDir ws, base::TempDir::create("melange-test-ws-", o.temp_parent));
  const fs::path guest_dir = guest.path(), ws_dir = ws.path();
  if (!o.remove) {  // kept whatever happens, for debugging
    spdlog::info("{}: keeping guest {} and workspace {} (--rm=false)", what, guest_dir.string(), ws_dir.string());
    guest.release();
    ws.release();
  }
  WorkspaceSpec wspec;
  wspec.dir = ws_dir;
  wspec.source_dir = o.source_dir;
  wspec.source = o.source_dir.empty() ? WorkspaceSource::kEmpty : WorkspaceSource::kCopy;
  TRY(prepare_workspace(wspec));
  if (guest_env.run_uid != 0) ::chown(ws_dir.c_str(), guest_env.run_uid, guest_env.run_gid);

  TRY_ASSIGN(auto runner, sandbox::make_runner(o.runner));
  TRY(runner->check_available());
  sandbox::RunnerConfig rc;
  rc.rootfs = guest_dir;
  rc.mounts.push_back({ws_dir, "/home/build", false});
  std::error_code ec;
  if (!o.cache_dir.empty() && fs::is_directory(o.cache_dir, ec))
    rc.mounts.push_back({fs::absolute(o.cache_dir), "/var/cache/melange", false});
  if (o.network && fs::exists("/etc/resolv.conf", ec)) rc.mounts.push_back({"/etc/resolv.conf", "/etc/resolv.conf", true});
  rc.env = env_map(env.environment);
  rc.uid = guest_env.run_uid;
  rc.gid = guest_env.run_gid;
  rc.cap_add = build.capabilities_add;
  rc.cap_drop = build.capabilities_drop;
  rc.network = o.network;
  rc.timeout = o.timeout;
  spdlog::info("{}: running {} step(s) in a fresh {} guest", what, t.steps.size(), o.runner);
  TRY(with_context(runner->start(rc), what));
  StopGuard guard{runner.get()};
  PipelineRun run;
  run.package = what;
  run.base_env = env.environment;
  run.interactive = o.interactive;
  TRY(run_pipeline(*runner, t.steps, run));
  guard.r = nullptr;
  TRY(runner->stop());
  spdlog::info("{}: passed", what);
  return base::ok();
}

}  // namespace

base::Status run_tests(const CompiledBuild& build, const TestOptions& opts, const std::string& only) {
  std::vector<const CompiledPackage*> pkgs{&build.main};
  for (const auto& s : build.subpackages) pkgs.push_back(&s);
  bool found = only.empty();
  size_t ran = 0;
  for (const auto* p : pkgs) {
    if (!only.empty() && p->name != only) continue;
    found = true;
    if (!p->test) continue;
    TRY(run_one(build, *p, opts));
    ++ran;
  }
  if (!found)
    return base::fail(base::ErrorCode::kNotFound, "package \"" + only + "\" is not built by " + build.name);
  if (ran == 0) spdlog::info("{}: no test sections to run", only.empty() ? build.name : only);
  return base::ok();
}

}  // namespace melange
