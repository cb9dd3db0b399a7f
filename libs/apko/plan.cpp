#include "apko/plan.hpp"

#include <algorithm>
#include <set>

#include "apk/dependency.hpp"
#include "apko/lock.hpp"
#include "base/fs.hpp"
#include "base/strings.hpp"
#include "repo/keyring_loader.hpp"
#include "solver/solver.hpp"

namespace apko {
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

base::Result<config::ImageConfig> load_config(const std::filesystem::path& config_path, const BuildOptions& opts) {
  config::LoadOptions lo;
  lo.include_paths = opts.include_paths;
  return config::load_image_config(config_path, lo);
}

}  // namespace

base::Result<std::vector<apk::Arch>> select_archs(const std::vector<std::string>& flag,
                                                  const std::vector<std::string>& config_archs) {
  if (!flag.empty()) return apk::parse_arch_list(base::join(flag, ","));
  if (!config_archs.empty()) return apk::parse_arch_list(base::join(config_archs, ","));
  return apk::default_archs();
}

base::Result<Plan> prepare_plan(config::ImageConfig config, const BuildOptions& opts, const ConfigSource& source) {
  const std::string& name = source.name;
  const std::string& key = source.key_prefix;
  Plan plan;
  plan.config = std::move(config);
  const auto& c = plan.config.contents;
  if (c.baseimage)
    return base::fail(base::ErrorCode::kUnsupported, name + ": " + key + "contents.baseimage is not supported");

  std::vector<std::string> keys = c.keyring;
  keys.insert(keys.end(), opts.keyring_append.begin(), opts.keyring_append.end());
  plan.keyring_sources = sorted_unique(keys);

  append_unique(plan.build_repositories, c.repositories);
  append_unique(plan.build_repositories, c.build_repositories);
  append_unique(plan.build_repositories, opts.repository_append);
  append_unique(plan.build_repositories, opts.build_repository_append);
  if (plan.build_repositories.empty())
    return base::fail(base::ErrorCode::kInvalidInput, name + ": no repositories to install from",
                      "set " + key + "contents.repositories or pass --repository-append");
  append_unique(plan.lock_repositories, c.repositories);
  append_unique(plan.lock_repositories, opts.repository_append);
  append_unique(plan.lock_build_repositories, c.build_repositories);
  append_unique(plan.lock_build_repositories, opts.build_repository_append);
  append_unique(plan.lock_runtime_repositories, c.runtime_repositories);
  std::vector<std::string> runtime;
  append_unique(runtime, c.repositories);
  append_unique(runtime, c.runtime_repositories);
  append_unique(runtime, opts.repository_append);
  plan.runtime_repositories = sorted_unique(runtime);

  std::vector<std::string> world = c.packages;
  world.insert(world.end(), opts.package_append.begin(), opts.package_append.end());
  if (plan.config.entrypoint.type == "service-bundle") world.push_back("s6");
  for (auto& w : world) w = std::string(base::trim(w));
  world.erase(std::remove(world.begin(), world.end(), std::string()), world.end());
  plan.world = sorted_unique(world);
  if (plan.world.empty())
    return base::fail(base::ErrorCode::kInvalidInput, name + ": no packages to install",
                      "list them under " + key + "contents.packages or pass --package-append");

  TRY_ASSIGN(plan.repo_options.mirrors, repo::Mirrors::from_env());
  TRY_ASSIGN(repo::Mirrors flag_mirrors, repo::Mirrors::parse(opts.mirrors));
  plan.repo_options.mirrors.merge(flag_mirrors);
  plan.repo_options.cache_dir = opts.cache_dir;
  plan.repo_options.offline = opts.offline;
  plan.repo_options.ignore_signatures = opts.ignore_signatures;

  TRY_ASSIGN(auto archs, select_archs(opts.archs, plan.config.archs));
  for (auto& a : archs) plan.archs.push_back(ArchPlan{std::move(a), nullptr, {}});
  return plan;
}

base::Result<Plan> prepare_plan(const std::filesystem::path& config_path, const BuildOptions& opts) {
  TRY_ASSIGN(config::ImageConfig config, load_config(config_path, opts));
  return prepare_plan(std::move(config), opts, ConfigSource{config_path.string(), ""});
}

base::Result<Plan> make_plan(config::ImageConfig config, const BuildOptions& opts, const ConfigSource& source) {
  TRY_ASSIGN(Plan plan, prepare_plan(std::move(config), opts, source));
  TRY_ASSIGN(apk::Keyring keyring, repo::load_keyring(plan.keyring_sources, plan.repo_options));
  plan.keyring = std::make_unique<apk::Keyring>(std::move(keyring));
  if (plan.keyring->empty() && !opts.ignore_signatures)
    return base::fail(base::ErrorCode::kSignature, source.name + ": no keys to verify repositories with",
                      "add " + source.key_prefix + "contents.keyring or pass --keyring-append");

  std::vector<repo::RepoSpec> specs;
  for (const auto& r : plan.build_repositories) {
    TRY_ASSIGN(repo::RepoSpec s, repo::RepoSpec::parse(r));
    specs.push_back(std::move(s));
  }
  for (auto& a : plan.archs) {
    TRY_ASSIGN(repo::RepositorySet set, repo::RepositorySet::open(specs, *plan.keyring, a.arch, plan.repo_options));
    a.repos = std::make_unique<repo::RepositorySet>(std::move(set));
  }

  if (!opts.lockfile.empty()) {
    TRY_ASSIGN(std::string text, base::read_file(opts.lockfile));
    TRY_ASSIGN(LockFile lock, parse_lock(text, opts.lockfile.string()));
    TRY(apply_lock(plan, lock, opts.lockfile.string()));
    return plan;
  }

  std::vector<apk::Dependency> world;
  for (const auto& w : plan.world) {
    TRY_ASSIGN(apk::Dependency d, apk::parse_dependency(w));
    world.push_back(std::move(d));
  }
  std::vector<const solver::Universe*> us;
  for (const auto& a : plan.archs) us.push_back(&a.repos->universe());
  TRY_ASSIGN(std::vector<solver::Solution> sols, solver::solve_multi(us, world));
  for (size_t i = 0; i < plan.archs.size(); ++i) plan.archs[i].packages = std::move(sols[i].packages);
  return plan;
}

base::Result<Plan> make_plan(const std::filesystem::path& config_path, const BuildOptions& opts) {
  TRY_ASSIGN(config::ImageConfig config, load_config(config_path, opts));
  return make_plan(std::move(config), opts, ConfigSource{config_path.string(), ""});
}

}  // namespace apko
