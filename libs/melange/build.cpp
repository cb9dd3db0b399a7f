#include "melange/build.hpp"

#include <spdlog/spdlog.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <system_error>

#include "apk/arch.hpp"
#include "base/fs.hpp"
#include "base/log.hpp"
#include "base/strings.hpp"
#include "config/build_config.hpp"
#include "melange/build_package.hpp"
#include "melange/build_workspace.hpp"
#include "melange/compile.hpp"
#include "melange/environment.hpp"
#include "melange/test_run.hpp"
#include "melange/vars.hpp"
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

fs::path absolute_or_empty(const fs::path& p) { return p.empty() ? p : fs::absolute(p).lexically_normal(); }

// Everything one architecture's build produces before publishing.
struct ArchResult {
  std::vector<StagedPackage> staged;
  CompiledBuild build;
};

struct Shared {
  const BuildOptions& o;
  const config::BuildConfig& cfg;
  std::string config_text;
  CompileOptions copts;
  const apk::SigningKey* key = nullptr;
  fs::path pub_key_dir;  // holds <key>.pub when the signing key's .pub file is missing
  fs::path staging;
  fs::path temp_parent;
};

base::Result<CompiledBuild> compile_for(const Shared& s, const apk::Arch& arch) {
  CompileOptions co = s.copts;
  co.arch = arch;
  return compile(s.cfg, co);
}

base::Result<ArchResult> build_arch(const Shared& s, const apk::Arch& arch) {
  const BuildOptions& o = s.o;
  ArchResult res;
  TRY_ASSIGN(res.build, compile_for(s, arch));
  CompiledBuild& b = res.build;
  const std::string what = b.name + " (" + arch.apk + ")";

  TRY_ASSIGN(auto runner, sandbox::make_runner(o.runner));
  TRY(runner->check_available());

  EnvironmentOptions eo;
  eo.repository_append = o.repository_append;
  eo.keyring_append = o.keyring_append;
  eo.mirrors = o.mirrors;
  eo.apk_cache_dir = o.apk_cache_dir;
  eo.ignore_signatures = o.ignore_signatures;
  eo.what = what + " build environment";
  base::progress(what + ": assembling the build environment");
  TRY_ASSIGN(Environment env, assemble_environment(b.environment, arch, eo));
  base::progress_done();
  TRY_ASSIGN(base::TempDir guest, materialize_environment(env, s.temp_parent));
  const fs::path guest_dir = guest.path();

  std::optional<base::TempDir> ws_tmp;
  fs::path ws = absolute_or_empty(o.workspace_dir);
  if (ws.empty()) {
    TRY_ASSIGN(base::TempDir t, base::TempDir::create("melange-workspace-", s.temp_parent));
    ws = t.path();
    ws_tmp.emplace(std::move(t));
  } else if (fs::exists(ws / "melange-out")) {
    return base::fail(base::ErrorCode::kInvalidInput, ws.string() + ": workspace already holds melange-out",
                      "remove it or choose another --workspace-dir");
  }
  if (!o.remove) {  // kept whatever happens, for debugging
    spdlog::info("{}: keeping guest {} and workspace {} (--rm=false)", what, guest_dir.string(), ws.string());
    guest.release();
    if (ws_tmp) ws_tmp->release();
  }
  WorkspaceSpec wspec;
  wspec.dir = ws;
  wspec.source_dir = o.source_dir.empty() ? fs::absolute(o.config_file).parent_path() : fs::absolute(o.source_dir);
  wspec.source = o.empty_workspace ? WorkspaceSource::kEmpty : WorkspaceSource::kCopy;
  wspec.exclude = {absolute_or_empty(o.out_dir), absolute_or_empty(o.cache_dir), s.staging, guest_dir};
  std::error_code ec;
  wspec.packages.push_back(b.main.name);
  for (const auto& sp : b.subpackages) wspec.packages.push_back(sp.name);
  TRY(prepare_workspace(wspec));
  if (env.run_uid != 0) {  // the build user must be able to write its workspace
    for (const auto& e : fs::recursive_directory_iterator(ws, ec))
      (void)::lchown(e.path().c_str(), env.run_uid, env.run_gid);
    (void)::lchown(ws.c_str(), env.run_uid, env.run_gid);
  }

  sandbox::RunnerConfig rc;
  rc.rootfs = guest_dir;
  rc.mounts.push_back({ws, "/home/build", false});
  if (!o.cache_dir.empty() && fs::is_directory(o.cache_dir, ec))
    rc.mounts.push_back({fs::absolute(o.cache_dir), "/var/cache/melange", false});
  if (o.network && fs::exists("/etc/resolv.conf", ec)) rc.mounts.push_back({"/etc/resolv.conf", "/etc/resolv.conf", true});
  rc.env = env_map(b.environment.environment);
  rc.uid = env.run_uid;
  rc.gid = env.run_gid;
  rc.cap_add = b.capabilities_add;
  rc.cap_drop = b.capabilities_drop;
  rc.network = o.network;
  rc.timeout = o.timeout;
  if (rc.timeout.count() == 0 && s.cfg.package.timeout)
    rc.timeout = std::chrono::duration_cast<std::chrono::seconds>(*s.cfg.package.timeout);

  spdlog::info("{}: building in {} with the {} runner", what, ws.string(), runner->name());
  TRY(with_context(runner->start(rc), what));
  StopGuard guard{runner.get()};
  PipelineRun run;
  run.base_env = b.environment.environment;
  run.interactive = o.interactive;
  run.package = b.main.name;
  TRY(run_pipeline(*runner, b.main.steps, run));
  for (const auto& sp : b.subpackages) {
    run.package = sp.name;
    TRY(run_pipeline(*runner, sp.steps, run));
  }
  TRY(runner->retrieve("/home/build/melange-out", ws / "melange-out"));
  guard.r = nullptr;
  TRY(runner->stop());

  PackagingInput pin;
  pin.build = &b;
  pin.workspace = ws;
  pin.staging = s.staging;
  pin.key = s.key;
  pin.config_yaml = embedded_config_yaml(s.cfg, b, env.installed);
  pin.config_path = o.config_file.filename().string();
  pin.user_names = env.user_names;
  pin.group_names = env.group_names;
  pin.host_uid = ::getuid();  // files the build writes are the invoking user's on disk
  pin.host_gid = ::getgid();
  TRY_ASSIGN(res.staged, package_all(pin));

  return res;
}

}  // namespace

base::Status build(const BuildOptions& o) {
  TRY_ASSIGN(config::BuildConfig cfg, config::load_build_config(o.config_file));
  TRY_ASSIGN(std::string config_text, base::read_file(o.config_file));

  Shared s{o, cfg, std::move(config_text), {}, nullptr, {}, {}, {}};
  long long sde = 0;
  if (o.source_date_epoch) {
    sde = *o.source_date_epoch;
  } else {
    TRY_ASSIGN(sde, parse_rfc3339(o.build_date));
  }
  s.copts.source_date_epoch = sde;
  s.copts.namespace_ = o.namespace_.empty() ? "unknown" : o.namespace_;
  s.copts.pipeline_dirs = o.pipeline_dirs;
  s.copts.build_options = o.build_options;
  s.copts.debug = o.debug ? Debug::kOn : Debug::kOff;
  if (!o.vars_file.empty()) {
    TRY_ASSIGN(s.copts.vars_file, load_vars_file(o.vars_file));
  }
  if (!o.env_file.empty()) {
    TRY_ASSIGN(s.copts.env_file, load_env_file(o.env_file));
  }
  if (o.interactive == Interactive::kOn)
    spdlog::warn("--interactive: debug shells are not supported by the {} runner; a failing step only stops the build",
                 o.runner);

  // Architectures: --arch (default host), minus those the package does not target.
  std::vector<apk::Arch> archs;
  if (o.archs.empty()) {
    archs.push_back(apk::host_arch());
  } else {
    TRY_ASSIGN(archs, apk::parse_arch_list(base::join(o.archs, ",")));
  }
  const auto& targets = cfg.package.target_architecture;
  if (!targets.empty() && std::find(targets.begin(), targets.end(), "all") == targets.end()) {
    std::vector<apk::Arch> kept;
    for (const auto& a : archs) {
      bool listed = std::any_of(targets.begin(), targets.end(), [&](const std::string& t) {
        auto pa = apk::parse_arch(t);
        return pa && pa->apk == a.apk;
      });
      if (listed)
        kept.push_back(a);
      else
        spdlog::info("{}: skipping {} (not in package.target-architecture)", cfg.package.name, a.apk);
    }
    archs = std::move(kept);
    if (archs.empty()) {
      spdlog::warn("{}: nothing to build: no requested architecture is in package.target-architecture",
                   cfg.package.name);
      return base::ok();
    }
  }
  const apk::Arch host = apk::host_arch();
  for (const auto& a : archs)
    if (a.apk != host.apk)
      return base::fail(base::ErrorCode::kUnsupported,
                        o.config_file.string() + ": cannot build for " + a.apk + " on this " + host.apk +
                            " host with the " + o.runner + " runner",
                        "build with --arch " + host.apk + " (or host); foreign architectures need the qemu runner");

  std::optional<apk::LoadedKey> loaded;
  apk::SigningKey sk;
  if (!o.signing_key.empty()) {
    TRY_ASSIGN(loaded, apk::load_signing_key(o.signing_key));
    sk = loaded->signing_key();
    s.key = &sk;
  }

  // Staging next to the out dir (same filesystem: publishing is a rename).
  fs::path out = fs::absolute(o.out_dir).lexically_normal();
  if (out.filename().empty()) out = out.parent_path();
  std::error_code ec;
  fs::create_directories(out.parent_path(), ec);
  TRY_ASSIGN(base::TempDir staging, base::TempDir::create("." + out.filename().string() + ".staging-", out.parent_path()));
  ::chmod(staging.path().c_str(), 0755);
  s.staging = staging.path();
  s.temp_parent = o.workspace_dir.empty() ? fs::path() : absolute_or_empty(o.workspace_dir).parent_path();

  std::vector<ArchResult> results;
  for (const auto& a : archs) {
    TRY_ASSIGN(ArchResult r, build_arch(s, a));
    results.push_back(std::move(r));
  }

  if (o.run_tests) {
    // The test guest trusts the signing key's public half (written next to nothing else).
    std::optional<base::TempDir> keydir;
    TestOptions to;
    to.runner = o.runner;
    to.repositories = {s.staging.string()};
    to.repository_append = o.repository_append;
    to.keyring_append = o.keyring_append;
    to.mirrors = o.mirrors;
    to.cache_dir = o.cache_dir;
    to.apk_cache_dir = o.apk_cache_dir;
    to.temp_parent = s.temp_parent;
    to.pin_versions = true;
    to.network = o.network;
    to.remove = o.remove;
    to.interactive = o.interactive;
    to.timeout = o.timeout;
    to.ignore_signatures = o.ignore_signatures;
    if (loaded) {
      TRY_ASSIGN(base::TempDir kd, base::TempDir::create("melange-keys-", s.temp_parent));
      TRY_ASSIGN(std::string pem, loaded->key.public_pem());
      fs::path pub = kd.path() / loaded->key_name;
      TRY(base::write_file_atomic(pub, pem, 0644));
      to.keyring_append.push_back(pub.string());
      keydir.emplace(std::move(kd));
    } else {
      spdlog::warn("no --signing-key: the packages are unsigned, so tests install them without signature checks");
      to.ignore_signatures = true;
    }
    for (const auto& r : results) TRY(run_tests(r.build, to));
  }

  for (const auto& r : results)
    TRY(publish(r.staged, out, r.build.arch.apk, s.key, o.generate_index ? UpdateIndex::kYes : UpdateIndex::kNo,
                o.create_build_log ? BuildLog::kYes : BuildLog::kNo));
  return base::ok();
}

}  // namespace melange
