#include "melange/environment.hpp"

#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include <algorithm>
#include <thread>

#include "apk/dependency.hpp"
#include "base/strings.hpp"
#include "repo/keyring_loader.hpp"
#include "repo/options.hpp"
#include "repo/repo_spec.hpp"
#include "repo/repository.hpp"
#include "rootfs/installer.hpp"
#include "rootfs/layer.hpp"
#include "solver/solver.hpp"

namespace melange {
namespace {

void append_unique(std::vector<std::string>& out, const std::vector<std::string>& in) {
  for (const auto& s : in) {
    std::string t(base::trim(s));
    while (t.size() > 1 && t.back() == '/') t.pop_back();
    if (!t.empty() && std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
}

std::vector<std::string> sorted_unique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// Lines of a passwd/group file with the entry named `name` replaced (or appended).
std::string upsert_line(std::string_view text, const std::string& name, const std::string& line) {
  std::string out;
  bool done = false;
  for (auto l : base::split(text, '\n')) {
    if (l.empty()) continue;
    if (l.substr(0, l.find(':')) == name) {
      if (!done) out += line + "\n";
      done = true;
      continue;
    }
    out.append(l);
    out += '\n';
  }
  if (!done) out += line + "\n";
  return out;
}

base::Status ensure_dir(rootfs::Tree& tree, std::string_view path, const rootfs::Meta& meta) {
  if (tree.exists(path, rootfs::Follow::kFollow)) return base::ok();
  return tree.mkdir_p(path, meta);
}

}  // namespace

std::map<uint32_t, std::string> parse_id_names(std::string_view text) {
  std::map<uint32_t, std::string> out;
  for (auto l : base::split(text, '\n')) {
    auto f = base::split(l, ':');
    if (f.size() < 3) continue;
    long long id = 0;
    if (!base::parse_int64(f[2], &id) || id < 0 || id > 0xffffffffLL) continue;
    out.emplace(static_cast<uint32_t>(id), std::string(f[0]));
  }
  return out;
}

base::Status add_accounts(rootfs::Tree& tree, const config::Accounts& accounts) {
  const rootfs::Meta file_meta{0644, 0, 0, 0, {}};
  if (!accounts.groups.empty()) {
    std::string text = tree.read_file("etc/group").value_or("");
    for (const auto& g : accounts.groups)
      text = upsert_line(text, g.groupname,
                         g.groupname + ":x:" + std::to_string(g.gid) + ":" + base::join(g.members, ","));
    TRY(ensure_dir(tree, "etc", {0755, 0, 0, 0, {}}));
    TRY(tree.write_file("etc/group", rootfs::Content::own(std::move(text)), file_meta));
  }
  if (!accounts.users.empty()) {
    std::string text = tree.read_file("etc/passwd").value_or("");
    for (const auto& u : accounts.users) {
      uint32_t gid = u.gid.value_or(u.uid);
      std::string home = u.homedir.empty() ? "/home/" + u.username : u.homedir;
      std::string shell = u.shell.empty() ? "/bin/sh" : u.shell;
      text = upsert_line(text, u.username,
                         u.username + ":x:" + std::to_string(u.uid) + ":" + std::to_string(gid) +
                             ":Account created by melange:" + home + ":" + shell);
      std::string rel = home;
      while (!rel.empty() && rel.front() == '/') rel.erase(0, 1);
      if (!rel.empty() && !tree.exists(rel, rootfs::Follow::kFollow)) {
        auto parent = std::filesystem::path(rel).parent_path().string();
        if (!parent.empty()) TRY(ensure_dir(tree, parent, {0755, 0, 0, 0, {}}));
        TRY(tree.mkdir(rel, {0755, u.uid, gid, 0, {}}));
      }
    }
    TRY(ensure_dir(tree, "etc", {0755, 0, 0, 0, {}}));
    TRY(tree.write_file("etc/passwd", rootfs::Content::own(std::move(text)), file_meta));
  }
  return base::ok();
}

base::Result<std::pair<uint32_t, uint32_t>> resolve_run_as(const rootfs::Tree& tree, const std::string& run_as) {
  if (run_as.empty()) return std::pair<uint32_t, uint32_t>{0, 0};
  auto colon = run_as.find(':');
  std::string user = run_as.substr(0, colon);
  std::string group = colon == std::string::npos ? "" : run_as.substr(colon + 1);
  auto lookup = [&](const std::string& name, const char* file) -> std::optional<std::pair<uint32_t, uint32_t>> {
    long long n = 0;
    if (base::parse_int64(name, &n) && n >= 0) return std::pair<uint32_t, uint32_t>{uint32_t(n), uint32_t(n)};
    const std::string text = tree.read_file(file).value_or("");
    for (auto l : base::split(text, '\n')) {
      auto f = base::split(l, ':');
      long long id = 0, gid = 0;
      if (f.size() >= 3 && f[0] == name && base::parse_int64(f[2], &id)) {
        if (f.size() >= 4 && base::parse_int64(f[3], &gid)) return std::pair<uint32_t, uint32_t>{uint32_t(id), uint32_t(gid)};
        return std::pair<uint32_t, uint32_t>{uint32_t(id), uint32_t(id)};
      }
    }
    return std::nullopt;
  };
  auto u = lookup(user, "etc/passwd");
  if (!u)
    return base::fail(base::ErrorCode::kInvalidInput,
                      "accounts.run-as: user \"" + user + "\" is not in the build environment's etc/passwd",
                      "add it under environment.accounts.users or use a numeric uid");
  if (!group.empty()) {
    auto g = lookup(group, "etc/group");
    if (!g) return base::fail(base::ErrorCode::kInvalidInput, "accounts.run-as: group \"" + group + "\" is not in etc/group");
    u->second = g->first;
  }
  return *u;
}

base::Result<Environment> assemble_environment(const config::ImageConfig& cfg, const apk::Arch& arch,
                                               const EnvironmentOptions& opts) {
  const auto& c = cfg.contents;
  const std::string& what = opts.what;
  std::vector<std::string> repos;
  append_unique(repos, c.repositories);
  append_unique(repos, c.build_repositories);
  append_unique(repos, opts.repository_append);
  if (repos.empty())
    return base::fail(base::ErrorCode::kInvalidInput, what + ": no repositories to install from",
                      "set environment.contents.repositories or pass --repository-append");
  std::vector<std::string> keys = c.keyring;
  keys.insert(keys.end(), opts.keyring_append.begin(), opts.keyring_append.end());
  keys = sorted_unique(keys);
  std::vector<std::string> world = c.packages;
  world.insert(world.end(), opts.package_append.begin(), opts.package_append.end());
  for (auto& w : world) w = std::string(base::trim(w));
  world.erase(std::remove(world.begin(), world.end(), std::string()), world.end());
  world = sorted_unique(world);
  if (world.empty())
    return base::fail(base::ErrorCode::kInvalidInput, what + ": no packages to install",
                      "list them under environment.contents.packages");

  repo::Options ro;
  TRY_ASSIGN(ro.mirrors, repo::Mirrors::from_env());
  TRY_ASSIGN(repo::Mirrors flag_mirrors, repo::Mirrors::parse(opts.mirrors));
  ro.mirrors.merge(flag_mirrors);
  ro.cache_dir = opts.apk_cache_dir;
  ro.ignore_signatures = opts.ignore_signatures;

  TRY_ASSIGN(apk::Keyring keyring, with_context(repo::load_keyring(keys, ro), what));
  if (keyring.empty() && !opts.ignore_signatures)
    return base::fail(base::ErrorCode::kSignature, what + ": no keys to verify repositories with",
                      "add environment.contents.keyring or pass --keyring-append");
  std::vector<repo::RepoSpec> specs;
  for (const auto& r : repos) {
    TRY_ASSIGN(repo::RepoSpec s, repo::RepoSpec::parse(r));
    specs.push_back(std::move(s));
  }
  TRY_ASSIGN(repo::RepositorySet set, with_context(repo::RepositorySet::open(specs, keyring, arch, ro), what));
  std::vector<apk::Dependency> deps;
  for (const auto& w : world) {
    TRY_ASSIGN(apk::Dependency d, with_context(apk::parse_dependency(w), what + ": package \"" + w + "\""));
    deps.push_back(std::move(d));
  }
  TRY_ASSIGN(solver::Solution sol, with_context(solver::solve(set.universe(), deps), what));

  Environment env;
  TRY(rootfs::add_base_skeleton(env.tree, 0));
  unsigned threads = opts.threads ? opts.threads : std::max(1u, std::thread::hardware_concurrency());
  TRY(with_context(set.prefetch(sol.packages, threads), what));
  rootfs::Installer inst(env.tree);
  for (size_t id : sol.packages) {
    TRY_ASSIGN(apk::Package pkg, with_context(set.fetch_package(id), what));
    TRY(with_context(inst.install(pkg), what));
  }
  rootfs::DbOptions db;
  db.arch = arch.apk;
  db.world = world;
  db.repositories = repos;
  for (const auto& name : keyring.names()) db.keys.emplace_back(name, keyring.find(name)->pem());
  TRY(with_context(inst.finish(db), what));
  env.installed = inst.installed();

  if (!env.tree.exists("bin/sh", rootfs::Follow::kFollow))
    return base::fail(base::ErrorCode::kInvalidInput,
                      what + ": no /bin/sh among the installed packages (" + base::join(world, ", ") +
                          "), so no step can run",
                      "add busybox (or another shell) to the environment's contents.packages");
  TRY(with_context(add_accounts(env.tree, cfg.accounts), what));
  // Mount points exist beforehand (bubblewrap would create them 0700).
  for (const char* d : {"home/build", "var/cache/melange", "tmp", "dev", "proc", "sys", "etc"})
    TRY(with_context(ensure_dir(env.tree, d, {0755, 0, 0, 0, {}}), what));
  if (!env.tree.exists("etc/resolv.conf"))
    TRY(env.tree.write_file("etc/resolv.conf", rootfs::Content::own(""), {0644, 0, 0, 0, {}}));
  TRY_ASSIGN(auto ids, with_context(resolve_run_as(env.tree, cfg.accounts.run_as), what));
  env.run_uid = ids.first;
  env.run_gid = ids.second;
  env.user_names = parse_id_names(env.tree.read_file("etc/passwd").value_or(""));
  env.group_names = parse_id_names(env.tree.read_file("etc/group").value_or(""));
  spdlog::info("{}: {} packages installed for {}", what, env.installed.size(), arch.apk);
  return env;
}

base::Result<base::TempDir> materialize_environment(const Environment& env, const std::filesystem::path& parent,
                                                    std::string_view prefix) {
  TRY_ASSIGN(base::TempDir dir, base::TempDir::create(prefix, parent));
  ::chmod(dir.path().c_str(), 0755);  // mkdtemp makes it 0700: the guest's "/"
  TRY_ASSIGN(rootfs::MaterializeResult r, rootfs::materialize(env.tree, dir.path()));
  for (const auto& s : r.skipped) spdlog::debug("guest root: skipped {}", s);
  return dir;
}

}  // namespace melange
