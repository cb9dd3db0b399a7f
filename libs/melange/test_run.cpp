#include "melange/test_run.hpp"

#include <spdlog/spdlog.h>

#include "melange/build_workspace.hpp"
#include "melange/guest.hpp"

namespace melange {

namespace fs = std::filesystem;

namespace {

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

  GuestSpec gs = guest_spec(o, what, what + " environment");
  gs.env.package_append = o.package_append;
  gs.env.config_key = "test.environment.";
  gs.temp_parent = o.temp_parent;
  gs.prefix = "melange-test-guest-";
  TRY_ASSIGN(Guest guest, Guest::create(env, build.arch, gs));
  fs::path ws;
  if (o.workspace_dir.empty()) {
    TRY_ASSIGN(ws, guest.temp_workspace("melange-test-ws-"));
  } else {
    ws = fs::absolute(o.workspace_dir).lexically_normal();
    std::error_code ec;
    fs::create_directories(ws, ec);
    if (ec) return tl::unexpected(base::io_error(ws, "cannot create the workspace", ec.value()));
  }
  if (!o.remove) guest.keep(ws);  // kept whatever happens, for debugging
  WorkspaceSpec wspec;
  wspec.dir = ws;
  wspec.source_dir = o.source_dir;
  wspec.source = o.source_dir.empty() ? WorkspaceSource::kEmpty : WorkspaceSource::kCopy;
  TRY(prepare_workspace(wspec));

  StartSpec ss = start_spec(o, ws, env.environment, build);
  TRY(apply_resources(o.resources, ss));
  spdlog::info("{}: running {} step(s) in a fresh {} guest", what, t.steps.size(), o.runner);
  TRY(guest.start(ss));
  PipelineRun run;
  run.package = what;
  run.base_env = env.environment;
  run.interactive = o.interactive;
  TRY(run_pipeline(guest.runner(), t.steps, run));
  TRY(guest.stop());
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
