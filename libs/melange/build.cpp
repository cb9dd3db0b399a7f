#include "melange/build.hpp"

#include <chrono>

#include "sandbox/binfmt.hpp"

#include <spdlog/spdlog.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <system_error>

#include "apk/arch.hpp"
#include "apk/version.hpp"
#include "base/fs.hpp"
#include "base/log.hpp"
#include "base/strings.hpp"
#include "config/build_config.hpp"
#include "melange/build_package.hpp"
#include "melange/build_workspace.hpp"
#include "melange/compile.hpp"
#include "melange/git_head.hpp"
#include "melange/guest.hpp"
#include "melange/test_run.hpp"
#include "melange/vars.hpp"

namespace melange {

namespace fs = std::filesystem;

namespace {

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
  std::string config_commit;  // --git-commit, else the HEAD of the config's repository
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
  b.recipe_hash = o.recipe_hash.empty() ? recipe_hash(b) : o.recipe_hash;
  const std::string what = b.name + " (" + arch.apk + ")";

  GuestSpec gs = guest_spec(o, what, what + " build environment");
  gs.env.package_append = o.package_append;
  gs.temp_parent = s.temp_parent;
  TRY_ASSIGN(Guest guest, Guest::create(b.environment, arch, gs));

  fs::path ws = absolute_or_empty(o.workspace_dir);
  if (ws.empty()) {
    TRY_ASSIGN(ws, guest.temp_workspace("melange-workspace-"));
  } else if (fs::exists(ws / "melange-out")) {
    return base::fail(base::ErrorCode::kInvalidInput, ws.string() + ": workspace already holds melange-out",
                      "remove it or choose another --workspace-dir");
  }
  if (!o.remove) guest.keep(ws);  // kept whatever happens, for debugging
  WorkspaceSpec wspec;
  wspec.dir = ws;
  wspec.source_dir = o.source_dir.empty() ? fs::absolute(o.config_file).parent_path() : fs::absolute(o.source_dir);
  wspec.source = o.empty_workspace ? WorkspaceSource::kEmpty : WorkspaceSource::kCopy;
  wspec.exclude = {absolute_or_empty(o.out_dir), absolute_or_empty(o.cache_dir), s.staging, guest.root()};
  wspec.packages.push_back(b.main.name);
  for (const auto& sp : b.subpackages) wspec.packages.push_back(sp.name);
  TRY(prepare_workspace(wspec));

  StartSpec ss = start_spec(o, ws, b.environment.environment, b);
  TRY(apply_resources(with_defaults(s.cfg.package.resources, o.default_resources), ss));
  if (!ss.disk.empty() && o.runner == "qemu")
    spdlog::warn("{}: resources.disk {} is not used: the qemu runner keeps the workspace in the VM's memory", what, ss.disk);
  if (ss.timeout.count() == 0 && s.cfg.package.timeout)
    ss.timeout = std::chrono::duration_cast<std::chrono::seconds>(*s.cfg.package.timeout);

  spdlog::info("{}: building in {} with the {} runner", what, ws.string(), guest.runner().name());
  TRY(guest.start(ss));
  PipelineRun run;
  run.base_env = b.environment.environment;
  run.interactive = o.interactive;
  run.package = b.main.name;
  TRY(run_pipeline(guest.runner(), b.main.steps, run));
  for (const auto& sp : b.subpackages) {
    run.package = sp.name;
    TRY(run_pipeline(guest.runner(), sp.steps, run));
  }
  TRY(guest.runner().retrieve("/home/build/melange-out", ws / "melange-out"));
  TRY(guest.stop());

  PackagingInput pin;
  pin.build = &b;
  pin.workspace = ws;
  pin.staging = s.staging;
  pin.key = s.key;
  pin.config_yaml = embedded_config_yaml(s.cfg, b, guest.environment().installed);
  pin.config_path = o.config_file.filename().string();
  pin.config_license = o.config_license;
  pin.config_commit = s.config_commit;
  pin.config_repo_url = o.config_repo_url;
  pin.strip_origin_name = o.strip_origin_name;
  pin.lint_require = o.lint_require;
  pin.lint_warn = o.lint_warn;
  pin.user_names = guest.environment().user_names;
  pin.group_names = guest.environment().group_names;
  pin.host_uid = ::getuid();  // files the build writes are the invoking user's on disk
  pin.host_gid = ::getgid();
  const auto t0 = std::chrono::steady_clock::now();
  TRY_ASSIGN(res.staged, package_all(pin));
  spdlog::info("{}: packaging took {} ms ({} packages)", what,
               std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count(),
               res.staged.size());

  return res;
}

}  // namespace

base::Result<CompileOptions> compile_options(const BuildOptions& o) {
  CompileOptions co;
  long long sde = 0;
  if (o.source_date_epoch) {
    sde = *o.source_date_epoch;
  } else {
    TRY_ASSIGN(sde, parse_rfc3339(o.build_date));
  }
  co.source_date_epoch = sde;
  co.namespace_ = o.namespace_.empty() ? "unknown" : o.namespace_;
  co.pipeline_dirs = o.pipeline_dirs;
  co.build_options = o.build_options;
  co.debug = o.debug ? Debug::kOn : Debug::kOff;
  if (!o.vars_file.empty()) {
    TRY_ASSIGN(co.vars_file, load_vars_file(o.vars_file));
  }
  if (!o.env_files.empty()) {
    TRY_ASSIGN(co.env_file, load_env_files(o.env_files));
  }
  co.libc = o.libc;
  return co;
}

base::Status build(const BuildOptions& o) {
  TRY_ASSIGN(config::BuildConfig cfg, config::load_build_config(o.config_file));
  TRY_ASSIGN(std::string config_text, base::read_file(o.config_file));
  // Before any work, as the original: a version apk cannot order is refused, and with it any
  // '/', '$(' or quote that would reach file names and scripts.
  if (!apk::version_is_valid(cfg.package.version))
    return base::fail(base::ErrorCode::kInvalidInput, o.config_file.string() + ": version \"" +
                                                          base::printable(cfg.package.version) + "\" is not a valid apk version");

  Shared s{o, cfg, std::move(config_text), {}, nullptr, {}, {}, {}, o.config_commit};
  TRY_ASSIGN(s.copts, compile_options(o));
  if (s.config_commit.empty()) {
    if (auto head = git_head_commit(fs::absolute(o.config_file).parent_path())) s.config_commit = *head;
    else spdlog::debug("{}: not in a git repository: the SBOM names no commit for it", o.config_file.string());
  }

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
    TRY(with_context(sandbox::check_foreign_arch(a.apk, host.apk, o.runner), o.config_file.string()));

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
