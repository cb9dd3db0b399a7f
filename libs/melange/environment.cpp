#include "melange/environment.hpp"

#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include "apko/build.hpp"
#include "apko/busybox.hpp"
#include "apko/plan.hpp"
#include "base/strings.hpp"
#include "rootfs/id_file.hpp"
#include "rootfs/layer.hpp"

namespace melange {
namespace {

base::Status ensure_dir(rootfs::Tree& tree, std::string_view path, const rootfs::Meta& meta) {
  if (tree.exists(path, rootfs::Follow::kFollow)) return base::ok();
  return tree.mkdir_p(path, meta);
}

// Prefixes `what` unless the message already starts with it (apko names the config itself).
template <class T>
base::Result<T> in_context(base::Result<T> r, const std::string& what) {
  if (!r && r.error().message.rfind(what + ":", 0) != 0) r.error().context(what);
  return r;
}

}  // namespace

base::Result<std::pair<uint32_t, uint32_t>> resolve_run_as(const rootfs::Tree& tree, const std::string& run_as) {
  if (run_as.empty()) return std::pair<uint32_t, uint32_t>{0, 0};
  auto colon = run_as.find(':');
  std::string user = run_as.substr(0, colon);
  std::string group = colon == std::string::npos ? "" : run_as.substr(colon + 1);
  // (id, primary gid) of a number or a name in etc/passwd / etc/group.
  auto lookup = [&](const std::string& name, const char* file) -> std::optional<std::pair<uint32_t, uint32_t>> {
    long long n = 0;
    if (base::parse_int64(name, &n) && n >= 0) return std::pair<uint32_t, uint32_t>{uint32_t(n), uint32_t(n)};
    for (const auto& e : rootfs::read_id_file(tree, file))
      if (e.name == name) return std::pair<uint32_t, uint32_t>{e.id, e.gid.value_or(e.id)};
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
  const std::string& what = opts.what;
  // melange records every repository it installs from in etc/apk/repositories, so
  // build_repositories count as repositories here (apko keeps them out of the image).
  config::ImageConfig image = cfg;
  auto& c = image.contents;
  c.repositories.insert(c.repositories.end(), c.build_repositories.begin(), c.build_repositories.end());
  c.build_repositories.clear();
  apko::BuildOptions bo;
  bo.archs = {arch.apk};
  bo.repository_append = opts.repository_append;
  bo.keyring_append = opts.keyring_append;
  bo.package_append = opts.package_append;
  bo.mirrors = opts.mirrors;
  bo.cache_dir = opts.apk_cache_dir;
  bo.ignore_signatures = opts.ignore_signatures;
  bo.threads = opts.threads;
  TRY_ASSIGN(apko::Plan plan, in_context(apko::make_plan(std::move(image), bo, {what, opts.config_key}), what));
  TRY_ASSIGN(apko::AssembledRoot root, in_context(apko::assemble_rootfs(plan, 0, bo), what));
  for (const auto& w : root.warnings) spdlog::debug("{}: {}", what, w);

  Environment env;
  env.tree = std::move(root.tree);
  env.installed = std::move(root.installed);
  // As apko makes images (and so the original's guests): busybox's applet links where no package
  // put a file. Wolfi's busybox ships none of its own (its trigger would make them; scripts do
  // not run), so /bin/sh itself may come from here.
  TRY_ASSIGN(size_t links, in_context(apko::add_busybox_links(env.tree), what));
  if (links) spdlog::debug("{}: {} busybox applet links", what, links);
  if (!env.tree.exists("bin/sh", rootfs::Follow::kFollow))
    return base::fail(base::ErrorCode::kInvalidInput,
                      what + ": no /bin/sh among the installed packages (" + base::join(plan.world, ", ") +
                          "), so no step can run",
                      "add busybox (or another shell) to the " + opts.config_key + "contents.packages");
  // Mount points exist beforehand (bubblewrap would create them 0700).
  for (const char* d : {"home/build", "var/cache/melange", "tmp", "dev", "proc", "sys", "etc"})
    TRY(in_context(ensure_dir(env.tree, d, {0755, 0, 0, 0, {}}), what));
  // apko makes account homes 0700; the workspace mount point stays 0755 (its owner kept).
  TRY(in_context(env.tree.chmod("home/build", 0755), what));
  if (!env.tree.exists("etc/resolv.conf"))
    TRY(env.tree.write_file("etc/resolv.conf", rootfs::Content::own(""), {0644, 0, 0, 0, {}}));
  TRY_ASSIGN(auto ids, in_context(resolve_run_as(env.tree, cfg.accounts.run_as), what));
  env.run_uid = ids.first;
  env.run_gid = ids.second;
  env.user_names = rootfs::id_names(env.tree, "etc/passwd");
  env.group_names = rootfs::id_names(env.tree, "etc/group");
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
