#include "config/image_config.hpp"

#include <set>

#include "base/fs.hpp"
#include "base/hash.hpp"
#include "base/strings.hpp"

namespace config {

namespace fs = std::filesystem;

std::string_view path_type_name(PathType t) {
  switch (t) {
    case PathType::kDirectory: return "directory";
    case PathType::kEmptyFile: return "empty-file";
    case PathType::kHardlink: return "hardlink";
    case PathType::kSymlink: return "symlink";
    case PathType::kPermissions: return "permissions";
  }
  return "directory";
}

static base::Result<std::vector<NamedContent>> parse_named_contents(const YAML::Node& node, std::string_view file,
                                                                    std::string_view what) {
  std::vector<NamedContent> out;
  TRY_ASSIGN(auto items, read_list(node, file, what));
  for (const auto& item : items) {
    TRY_ASSIGN(auto m, MapReader::open(item, file, std::string(what) + " entry", {"name", "content"}));
    NamedContent nc;
    TRY(m.require("name"));
    TRY(m.read("name", &nc.name));
    TRY(m.read("content", &nc.content));
    out.push_back(std::move(nc));
  }
  return out;
}

static base::Result<ImageContents> parse_contents(const YAML::Node& node, std::string_view file, const std::string& ctx) {
  TRY_ASSIGN(auto m, MapReader::open(node, file, ctx,
                                     {"repositories", "build_repositories", "runtime_repositories", "keyring",
                                      "runtime_keyring", "packages", "baseimage"}));
  ImageContents c;
  TRY(m.read("repositories", &c.repositories));
  TRY(m.read("build_repositories", &c.build_repositories));
  TRY(m.read("runtime_repositories", &c.runtime_repositories));
  TRY(m.read("keyring", &c.keyring));
  TRY(m.read("packages", &c.packages));
  TRY_ASSIGN(c.runtime_keyring, parse_named_contents(m.get("runtime_keyring"), file, "runtime_keyring"));
  if (m.has("baseimage")) {
    TRY_ASSIGN(auto b, MapReader::open(m.get("baseimage"), file, ctx + ".baseimage", {"image", "apkindex"}));
    BaseImage bi;
    TRY(b.read("image", &bi.image));
    TRY(b.read("apkindex", &bi.apkindex));
    c.baseimage = std::move(bi);
  }
  return c;
}

static base::Result<Accounts> parse_accounts(const YAML::Node& node, std::string_view file, const std::string& ctx) {
  TRY_ASSIGN(auto m, MapReader::open(node, file, ctx, {"run-as", "users", "groups"}));
  Accounts a;
  TRY(m.read("run-as", &a.run_as));
  TRY_ASSIGN(auto users, read_list(m.get("users"), file, "users"));
  for (const auto& un : users) {
    TRY_ASSIGN(auto u, MapReader::open(un, file, ctx + ".users entry", {"username", "uid", "gid", "shell", "homedir"}));
    User user;
    user.line = line_of(un);
    TRY(u.read("username", &user.username));
    std::optional<uint32_t> uid;
    TRY(u.read_u32("uid", &uid));
    user.uid = uid.value_or(0);
    TRY(u.read_u32("gid", &user.gid));
    TRY(u.read("shell", &user.shell));
    TRY(u.read("homedir", &user.homedir));
    a.users.push_back(std::move(user));
  }
  TRY_ASSIGN(auto groups, read_list(m.get("groups"), file, "groups"));
  for (const auto& gn : groups) {
    TRY_ASSIGN(auto g, MapReader::open(gn, file, ctx + ".groups entry", {"groupname", "gid", "members"}));
    Group group;
    group.line = line_of(gn);
    TRY(g.read("groupname", &group.groupname));
    std::optional<uint32_t> gid;
    TRY(g.read_u32("gid", &gid));
    group.gid = gid.value_or(0);
    TRY(g.read("members", &group.members));
    a.groups.push_back(std::move(group));
  }
  return a;
}

static base::Result<PathMutation> parse_path(const YAML::Node& node, std::string_view file, const std::string& ctx) {
  TRY_ASSIGN(auto m, MapReader::open(node, file, ctx + " entry",
                                     {"path", "type", "uid", "gid", "permissions", "source", "recursive"}));
  PathMutation p;
  p.line = line_of(node);
  TRY(m.require("path"));
  TRY(m.read("path", &p.path));
  TRY(m.require("type"));
  std::string type;
  TRY(m.read("type", &type));
  static const PathType kTypes[] = {PathType::kDirectory, PathType::kEmptyFile, PathType::kHardlink,
                                    PathType::kSymlink, PathType::kPermissions};
  bool found = false;
  for (PathType t : kTypes) {
    if (path_type_name(t) == type) {
      p.type = t;
      found = true;
    }
  }
  if (!found)
    return tl::unexpected(yaml_error(file, m.get("type"),
                                     "unknown path type \"" + type +
                                         "\" (want directory, empty-file, hardlink, symlink or permissions)"));
  TRY(m.read_u32("uid", &p.uid));
  TRY(m.read_u32("gid", &p.gid));
  if (m.has("permissions")) {
    // An int written in decimal or octal (0755, 0o755), or a quoted string, always octal ("0755", "755").
    YAML::Node pn = m.get("permissions");
    long long perm = 0;
    if (pn.IsScalar() && pn.Tag() == "!") {
      std::string text = pn.Scalar();
      if (text.rfind("0o", 0) != 0 && text.rfind("0", 0) != 0) text = "0" + text;
      if (!parse_yaml_int(text, &perm) || text.find_first_of("89") != std::string::npos)
        return tl::unexpected(yaml_error(file, pn, "\"permissions\" must be an octal mode such as \"0755\""));
    } else {
      TRY_ASSIGN(perm, read_int(pn, file, "permissions"));
    }
    if (perm < 0 || perm > 07777)
      return tl::unexpected(yaml_error(file, pn, "\"permissions\" must be between 0 and 07777"));
    p.permissions = static_cast<uint32_t>(perm);
  }
  TRY(m.read("source", &p.source));
  TRY(m.read("recursive", &p.recursive));
  if ((p.type == PathType::kHardlink || p.type == PathType::kSymlink) && p.source.empty())
    return tl::unexpected(yaml_error(file, node, std::string(path_type_name(p.type)) + " path \"" + p.path +
                                                     "\" needs a \"source\""));
  return p;
}

base::Result<ImageConfig> parse_image_config_node(const YAML::Node& node, std::string_view file,
                                                  std::string_view context) {
  const std::string ctx(context);
  TRY_ASSIGN(auto m, MapReader::open(node, file, ctx,
                                     {"contents", "entrypoint", "cmd", "stop-signal", "work-dir", "accounts",
                                      "archs", "environment", "paths", "include", "vcs-url", "annotations",
                                      "volumes", "layering", "certificates", "format"}));
  auto sub = [&](const char* key) { return ctx == "image configuration" ? std::string(key) : ctx + "." + key; };
  ImageConfig c;
  TRY_ASSIGN(c.contents, parse_contents(m.get("contents"), file, sub("contents")));
  if (m.has("entrypoint")) {
    TRY_ASSIGN(auto e, MapReader::open(m.get("entrypoint"), file, sub("entrypoint"),
                                       {"type", "command", "shell-fragment", "services"}));
    TRY(e.read("type", &c.entrypoint.type));
    TRY(e.read("command", &c.entrypoint.command));
    TRY(e.read("shell-fragment", &c.entrypoint.shell_fragment));
    TRY(e.read("services", &c.entrypoint.services));
  }
  TRY(m.read("cmd", &c.cmd));
  TRY(m.read("stop-signal", &c.stop_signal));
  TRY(m.read("work-dir", &c.work_dir));
  TRY_ASSIGN(c.accounts, parse_accounts(m.get("accounts"), file, sub("accounts")));
  TRY(m.read("archs", &c.archs));
  TRY(m.read("environment", &c.environment));
  TRY_ASSIGN(auto paths, read_list(m.get("paths"), file, "paths"));
  for (const auto& pn : paths) {
    TRY_ASSIGN(auto p, parse_path(pn, file, sub("paths")));
    c.paths.push_back(std::move(p));
  }
  TRY(m.read("include", &c.include));
  TRY(m.read("vcs-url", &c.vcs_url));
  TRY(m.read("annotations", &c.annotations));
  TRY(m.read("volumes", &c.volumes));
  if (m.has("layering")) {
    TRY_ASSIGN(auto l, MapReader::open(m.get("layering"), file, sub("layering"), {"strategy", "budget"}));
    Layering layering;
    TRY(l.read("strategy", &layering.strategy));
    TRY(l.read("budget", &layering.budget));
    if (!layering.strategy.empty() && layering.strategy != "origin")
      return tl::unexpected(yaml_error(file, l.get("strategy"),
                                       "unknown layering strategy \"" + layering.strategy + "\" (want origin)"));
    if (layering.budget < 0) return tl::unexpected(yaml_error(file, l.get("budget"), "\"budget\" must not be negative"));
    c.layering = layering;
  }
  if (m.has("certificates")) {
    TRY_ASSIGN(auto cm, MapReader::open(m.get("certificates"), file, sub("certificates"), {"additional", "providers"}));
    TRY_ASSIGN(c.certificates.additional, parse_named_contents(cm.get("additional"), file, "additional"));
    TRY(cm.read("providers", &c.certificates.providers));
  }
  TRY(m.read("format", &c.format));
  if (!c.format.empty() && c.format != "tar" && c.format != "erofs")
    return tl::unexpected(yaml_error(file, m.get("format"), "unknown format \"" + c.format + "\" (want tar or erofs)"));
  return c;
}

base::Result<ImageConfig> parse_image_config(std::string_view yaml, std::string_view file) {
  TRY_ASSIGN(auto root, parse_yaml(yaml, file));
  return parse_image_config_node(root, file);
}

template <class T>
static std::vector<T> concat(const std::vector<T>& a, const std::vector<T>& b) {
  std::vector<T> out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// Base entries first (values overridden by target), then target-only keys.
static OrderedMap merge_maps(const OrderedMap& base, const OrderedMap& target) {
  OrderedMap out = base;
  for (const auto& [k, v] : target) map_set(out, k, v);
  return out;
}

ImageConfig merge_image_configs(const ImageConfig& base, const ImageConfig& target) {
  ImageConfig out = target;
  auto pick = [](std::string& t, const std::string& b) {
    if (t.empty()) t = b;
  };
  if (target.entrypoint.empty()) out.entrypoint = base.entrypoint;
  pick(out.cmd, base.cmd);
  pick(out.stop_signal, base.stop_signal);
  pick(out.work_dir, base.work_dir);
  pick(out.vcs_url, base.vcs_url);
  pick(out.format, base.format);
  if (target.archs.empty()) out.archs = base.archs;
  pick(out.accounts.run_as, base.accounts.run_as);
  out.accounts.users = concat(base.accounts.users, target.accounts.users);
  out.accounts.groups = concat(base.accounts.groups, target.accounts.groups);
  out.environment = merge_maps(base.environment, target.environment);
  out.annotations = merge_maps(base.annotations, target.annotations);
  out.paths = concat(base.paths, target.paths);
  out.volumes = concat(base.volumes, target.volumes);
  if (!out.layering) out.layering = base.layering;
  out.certificates.additional = concat(base.certificates.additional, target.certificates.additional);
  out.certificates.providers = concat(base.certificates.providers, target.certificates.providers);
  ImageContents& c = out.contents;
  const ImageContents& b = base.contents;
  c.repositories = concat(b.repositories, target.contents.repositories);
  c.build_repositories = concat(b.build_repositories, target.contents.build_repositories);
  c.runtime_repositories = concat(b.runtime_repositories, target.contents.runtime_repositories);
  c.keyring = concat(b.keyring, target.contents.keyring);
  c.runtime_keyring = concat(b.runtime_keyring, target.contents.runtime_keyring);
  c.packages = concat(b.packages, target.contents.packages);
  if (!c.baseimage) c.baseimage = b.baseimage;
  return out;
}

std::string config_checksum(const std::vector<std::string>& file_contents) {
  base::Hasher h(base::HashAlgo::kSha256);
  for (const auto& data : file_contents) h.update(data);
  return "sha256-" + base::base64_encode(h.finish());
}

RepositoryRef parse_repository(std::string_view repository) {
  std::string_view s = base::trim(repository);
  RepositoryRef ref;
  if (!s.empty() && s[0] == '@') {
    size_t sp = s.find_first_of(" \t");
    if (sp == std::string_view::npos) {
      ref.tag = std::string(s.substr(1));
      return ref;
    }
    ref.tag = std::string(s.substr(1, sp - 1));
    s = base::trim(s.substr(sp));
  }
  ref.url = std::string(s);
  return ref;
}

static void trim_slashes(std::vector<std::string>& repos) {
  for (auto& r : repos)
    while (r.size() > 1 && r.back() == '/') r.pop_back();
}

static base::Result<fs::path> resolve_include(const std::string& include, const fs::path& including_file,
                                              const LoadOptions& options) {
  fs::path p(include);
  std::vector<fs::path> candidates;
  if (p.is_absolute()) {
    candidates.push_back(p);
  } else {
    candidates.push_back(including_file.parent_path() / p);
    candidates.push_back(p);
    for (const auto& dir : options.include_paths) candidates.push_back(dir / p);
  }
  std::error_code ec;
  for (const auto& c : candidates)
    if (fs::is_regular_file(c, ec)) return c;
  return base::fail(base::ErrorCode::kNotFound,
                    including_file.string() + ": included file \"" + include + "\" not found",
                    "paths are tried relative to the including file, the working directory and --include-paths");
}

static base::Result<ImageConfig> load_recursive(const fs::path& file, const LoadOptions& options,
                                                std::vector<std::string>& contents, std::vector<fs::path>& stack) {
  std::error_code ec;
  fs::path canon = fs::weakly_canonical(file, ec);
  for (const auto& s : stack)
    if (s == canon) return base::fail(base::ErrorCode::kInvalidInput, file.string() + ": include cycle");
  TRY_ASSIGN(std::string data, base::read_file(file));
  contents.push_back(data);
  TRY_ASSIGN(ImageConfig cfg, parse_image_config(data, file.string()));
  if (cfg.include.empty()) return cfg;
  TRY_ASSIGN(fs::path inc, resolve_include(cfg.include, file, options));
  stack.push_back(canon);
  TRY_ASSIGN(ImageConfig base_cfg, load_recursive(inc, options, contents, stack));
  stack.pop_back();
  return merge_image_configs(base_cfg, cfg);
}

static base::Status check_apko_rules(const ImageConfig& c, const std::string& file) {
  for (const auto& u : c.accounts.users) {
    if (u.username.empty()) return tl::unexpected(yaml_error(file, u.line, "user has no username"));
    if (u.uid == 0)
      return tl::unexpected(yaml_error(file, u.line, "user \"" + u.username + "\" has uid 0 (to run as root, use run-as: 0)"));
  }
  for (const auto& g : c.accounts.groups)
    if (g.groupname.empty()) return tl::unexpected(yaml_error(file, g.line, "group has no groupname"));
  if (c.contents.baseimage) {
    if (!c.entrypoint.empty() || !c.cmd.empty() || !c.stop_signal.empty() || !c.work_dir.empty() ||
        !c.accounts.empty() || !c.environment.empty() || !c.paths.empty() || !c.annotations.empty())
      return base::fail(base::ErrorCode::kInvalidInput,
                        file + ": with contents.baseimage only contents, archs and include may be set");
  }
  if (c.format == "erofs" && c.layering)
    return base::fail(base::ErrorCode::kInvalidInput, file + ": format erofs cannot be combined with layering");
  return base::ok();
}

base::Result<ImageConfig> load_image_config(const fs::path& file, const LoadOptions& options) {
  std::vector<std::string> contents;
  std::vector<fs::path> stack;
  TRY_ASSIGN(ImageConfig cfg, load_recursive(file, options, contents, stack));
  trim_slashes(cfg.contents.repositories);
  trim_slashes(cfg.contents.build_repositories);
  trim_slashes(cfg.contents.runtime_repositories);
  TRY(check_apko_rules(cfg, file.string()));
  cfg.source_file = file.string();
  cfg.checksum = config_checksum(contents);
  return cfg;
}

}  // namespace config
