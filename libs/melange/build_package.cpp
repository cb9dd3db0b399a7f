#include "melange/build_package.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <system_error>


#include "apk/pkginfo.hpp"
#include "base/fs.hpp"
#include "base/strings.hpp"
#include "config/image_config.hpp"
#include "config/yaml_util.hpp"
#include "melange/emit.hpp"
#include "melange/lint.hpp"

namespace melange {

namespace fs = std::filesystem;

base::Result<apk::PackageInfo> compiled_package_info(const CompiledBuild& build, const CompiledPackage& pkg) {
  apk::PackageInfo info;
  info.name = pkg.name;
  info.version = build.full_version;
  info.arch = build.arch.apk;
  info.origin = build.main.name;
  info.description = pkg.description;
  info.url = pkg.url.empty() ? build.main.url : pkg.url;
  info.commit = pkg.commit.empty() ? build.main.commit : pkg.commit;
  std::vector<std::string> licenses;
  for (const auto& c : pkg.copyright.empty() ? build.main.copyright : pkg.copyright) licenses.push_back(c.license);
  apk::set_licenses(info, std::move(licenses));
  info.maintainer = build.namespace_.empty() ? "unknown" : build.namespace_;
  info.build_time = build.source_date_epoch;
  info.recipe_hash = build.recipe_hash;
  const config::Dependencies& d = pkg.dependencies;
  info.depends = d.runtime;
  info.provides = d.provides;
  info.replaces = d.replaces;
  auto prio = [&](const std::string& text, const char* key, std::optional<int64_t>& out) -> base::Status {
    if (text.empty()) return base::ok();
    long long v = 0;
    if (!base::parse_int64(text, &v))
      return base::fail(base::ErrorCode::kInvalidInput, pkg.name + ": " + key + " \"" + text + "\" is not an integer");
    out = v;
    return base::ok();
  };
  TRY(prio(d.provider_priority, "provider-priority", info.provider_priority));
  TRY(prio(d.replaces_priority, "replaces-priority", info.replaces_priority));
  return info;
}

BuildOwners build_owners(const CompiledBuild& build, uint32_t host_uid, uint32_t host_gid) {
  BuildOwners o;
  o.host_uid = host_uid;
  o.host_gid = host_gid;
  for (const auto& u : build.environment.accounts.users)
    if (u.username == "build") o.build_uid = u.uid;
  for (const auto& g : build.environment.accounts.groups)
    if (g.groupname == "build") o.build_gid = g.gid;
  return o;
}

std::string embedded_config_yaml(const config::BuildConfig& cfg, const CompiledBuild& b,
                                 const std::vector<apk::InstalledPackage>& installed) {
  config::ImageConfig env = b.environment;
  env.contents.packages.clear();
  for (const auto& p : installed) env.contents.packages.push_back(p.info.name + "=" + p.info.version);
  std::sort(env.contents.packages.begin(), env.contents.packages.end());
  env.archs = {b.arch.oci_name()};
  for (auto* list : {&env.contents.repositories, &env.contents.build_repositories,
                     &env.contents.runtime_repositories, &env.contents.keyring})
    for (auto& u : *list) u = config::redact_url(u);

  nlohmann::ordered_json parsed = config::to_json(cfg);
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["package"] = parsed["package"];
  j["environment"] = config::to_json(env);
  for (auto it = parsed.begin(); it != parsed.end(); ++it)
    if (it.key() != "package" && it.key() != "environment") j[it.key()] = it.value();
  return config::json_to_yaml(j);
}

base::Result<std::vector<StagedPackage>> package_all(const PackagingInput& in) {
  const CompiledBuild& b = *in.build;
  std::vector<const CompiledPackage*> pkgs{&b.main};
  for (const auto& s : b.subpackages) pkgs.push_back(&s);
  const fs::path out_root = in.workspace / "melange-out";

  for (const auto* p : pkgs) {
    LintOptions lo;
    lo.package_name = p->name;
    lo.disabled = p->checks.disabled;
    lo.test_uses = compiled_test_uses(*p);
    lo.require = in.lint_require;
    lo.warn = in.lint_warn;
    TRY_ASSIGN(auto findings, with_context(lint_dir(out_root / p->name, lo), "lint " + p->name));
    const LintFinding* first_error = nullptr;
    for (const auto& f : findings) {
      if (f.severity == LintSeverity::kError) {
        spdlog::error("{}: {}", p->name, format_finding(f));
        if (!first_error) first_error = &f;
      } else {
        spdlog::warn("{}: {}", p->name, format_finding(f));
      }
    }
    if (first_error)
      return base::fail(base::ErrorCode::kInvalidInput,
                        p->name + ": linter " + first_error->linter + " failed" +
                            (first_error->path.empty() ? "" : " on " + first_error->path) + ": " + first_error->message,
                        "fix the package, or list the linter under checks.disabled to only warn");
  }

  std::vector<StagedPackage> staged;
  for (const auto* p : pkgs) {
    EmitInput e;
    e.package_dir = out_root / p->name;
    TRY_ASSIGN(e.info, compiled_package_info(b, *p));
    if (in.strip_origin_name) e.info.origin = p->name;
    if (p->options) {
      e.no_provides = p->options->no_provides;
      e.no_depends = p->options->no_depends;
      e.no_commands = p->options->no_commands;
    }
    for (const auto* q : pkgs)
      if (q != p) e.related_dirs.push_back(out_root / q->name);
    e.scriptlets = p->scriptlets;
    e.config_yaml = in.config_yaml;
    sbom::PackageSbomInput s;
    s.namespace_ = b.namespace_;
    s.config_path = in.config_path;
    s.config_license = in.config_license;
    s.config_commit = in.config_commit;
    s.config_repo_url = in.config_repo_url;
    s.created_epoch = b.source_date_epoch;
    for (const auto& src : b.sources) {
      sbom::SourceRef r;
      r.name = src.purl_name.empty() ? b.name : src.purl_name;
      r.version = src.kind == "git-checkout" && !src.commit.empty()
                      ? src.commit
                      : (src.purl_version.empty() ? b.version : src.purl_version);
      r.url = src.uri;
      r.sha256 = src.sha256;
      s.sources.push_back(std::move(r));
    }
    e.sbom = std::move(s);
    e.key = in.key;
    e.out_dir = in.staging;
    e.user_names = in.user_names;
    e.group_names = in.group_names;
    e.owners = build_owners(b, in.host_uid, in.host_gid);
    TRY_ASSIGN(EmitResult r, emit_package(e));
    spdlog::info("{}: wrote {} ({} bytes; depends: {}; provides: {})", p->name, r.path.filename().string(),
                 r.info.package_size, base::join(r.info.depends, " "), base::join(r.info.provides, " "));
    staged.push_back(StagedPackage{std::move(r.info), r.path});
  }
  std::vector<fs::path> paths;
  for (const auto& s : staged) paths.push_back(s.path);
  TRY(update_repository_index(in.staging, b.arch.apk, paths, in.key));
  return staged;
}

namespace {

base::Status move_file(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) == 0) return base::ok();
  if (errno != EXDEV) return tl::unexpected(base::io_error(to, "cannot move " + from.string() + " to", errno));
  TRY_ASSIGN(std::string data, base::read_file(from));
  return base::write_file_atomic(to, data, 0644);
}

}  // namespace

base::Status publish(const std::vector<StagedPackage>& staged, const fs::path& out_dir, const std::string& arch,
                     const apk::SigningKey* key, UpdateIndex index, BuildLog build_log) {
  fs::path dir = out_dir / arch;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return tl::unexpected(base::io_error(dir, "cannot create", ec.value()));
  std::vector<fs::path> published;
  for (const auto& s : staged) {
    fs::path to = dir / s.path.filename();
    TRY(move_file(s.path, to));
    published.push_back(to);
  }
  if (index == UpdateIndex::kYes) TRY(update_repository_index(out_dir, arch, published, key));
  if (build_log == BuildLog::kYes) {
    std::string lines;
    for (const auto& s : staged) lines += arch + "|" + s.info.origin + "|" + s.info.name + "|" + s.info.version + "\n";
    fs::path log = out_dir / "packages.log";
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return tl::unexpected(base::io_error(log, "cannot open", errno));
    ssize_t n = ::write(fd, lines.data(), lines.size());
    int err = errno;
    ::close(fd);
    if (n != static_cast<ssize_t>(lines.size())) return tl::unexpected(base::io_error(log, "cannot write", err));
  }
  for (const auto& p : published) spdlog::info("published {}", p.string());
  return base::ok();
}

}  // namespace melange
