#include "config/build_config.hpp"

#include <cctype>
#include <cmath>
#include <filesystem>

#include "base/fs.hpp"
#include "base/strings.hpp"

namespace config {

namespace {

using base::Result;
using base::Status;

bool has_template(std::string_view s) { return s.find("${{") != std::string_view::npos; }

// Package and subpackage names: ^[a-zA-Z\d][a-zA-Z\d+_.-]*$
bool valid_package_name(std::string_view s) {
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (s.empty() || !alnum(s[0])) return false;
  for (char c : s.substr(1))
    if (!alnum(c) && c != '+' && c != '_' && c != '.' && c != '-') return false;
  return true;
}

struct Ctx {
  std::string file;
  // Set while reading a pipeline definition file: unknown keys are collected here instead of
  // failing (melange decodes those files without KnownFields; the recipe itself stays strict).
  std::vector<std::string>* ignored = nullptr;
  Location at(const YAML::Node& n) const { return Location{file, line_of(n)}; }
  base::Error err(const YAML::Node& n, std::string_view msg) const { return yaml_error(file, n, msg); }
};

Result<std::vector<std::string>> copy_list(const MapReader& m, std::string_view key) {
  std::vector<std::string> v;
  TRY(m.read(key, &v));
  return v;
}

Result<std::vector<Copyright>> parse_copyright(const Ctx& cx, const YAML::Node& node, const std::string& ctx) {
  std::vector<Copyright> out;
  TRY_ASSIGN(auto items, read_list(node, cx.file, "copyright"));
  for (const auto& item : items) {
    TRY_ASSIGN(auto m, MapReader::open(item, cx.file, ctx + " entry",
                                       {"license", "paths", "attestation", "license-path", "detection-override"}));
    Copyright c;
    TRY(m.read("license", &c.license));
    TRY(m.read("paths", &c.paths));
    TRY(m.read("attestation", &c.attestation));
    TRY(m.read("license-path", &c.license_path));
    // A license file is read from the source tree: never from outside it (the original read
    // any host file named here into its SBOM: GHSA-2w4f-9fgg-q2v9).
    if (!c.license_path.empty()) {
      const std::filesystem::path lp(c.license_path);
      bool escapes = lp.is_absolute();
      for (const auto& part : lp) escapes = escapes || part == "..";
      if (escapes)
        return tl::unexpected(yaml_error(cx.file, item["license-path"],
                                         "license-path \"" + c.license_path + "\": must be a relative path inside the source tree"));
    }
    TRY(m.read("detection-override", &c.detection_override));
    out.push_back(std::move(c));
  }
  return out;
}

Result<Dependencies> parse_dependencies(const Ctx& cx, const YAML::Node& node, const std::string& ctx) {
  TRY_ASSIGN(auto m, MapReader::open(node, cx.file, ctx,
                                     {"runtime", "provides", "replaces", "provider-priority", "replaces-priority"}));
  Dependencies d;
  TRY(m.read("runtime", &d.runtime));
  TRY(m.read("provides", &d.provides));
  TRY(m.read("replaces", &d.replaces));
  TRY(m.read("provider-priority", &d.provider_priority));
  TRY(m.read("replaces-priority", &d.replaces_priority));
  const std::pair<const char*, const std::string*> priorities[] = {{"provider-priority", &d.provider_priority},
                                                                     {"replaces-priority", &d.replaces_priority}};
  for (const auto& [key, value] : priorities) {
    const std::string& v = *value;
    long long n = 0;
    if (!v.empty() && !has_template(v) && !base::parse_int64(v, &n))
      return tl::unexpected(cx.err(m.get(key), "\"" + std::string(key) + "\" must be an integer, got \"" + v + "\""));
  }
  return d;
}

Result<PackageOptions> parse_package_options(const Ctx& cx, const YAML::Node& node, const std::string& ctx) {
  TRY_ASSIGN(auto m, MapReader::open(node, cx.file, ctx,
                                     {"no-provides", "no-depends", "no-commands", "no-versioned-shlib-deps"}));
  PackageOptions o;
  TRY(m.read("no-provides", &o.no_provides));
  TRY(m.read("no-depends", &o.no_depends));
  TRY(m.read("no-commands", &o.no_commands));
  TRY(m.read("no-versioned-shlib-deps", &o.no_versioned_shlib_deps));
  return o;
}

Result<Scriptlets> parse_scriptlets(const Ctx& cx, const YAML::Node& node, const std::string& ctx) {
  TRY_ASSIGN(auto m, MapReader::open(node, cx.file, ctx,
                                     {"trigger", "pre-install", "post-install", "pre-deinstall", "post-deinstall",
                                      "pre-upgrade", "post-upgrade"}));
  Scriptlets s;
  if (m.has("trigger")) {
    TRY_ASSIGN(auto t, MapReader::open(m.get("trigger"), cx.file, ctx + ".trigger", {"script", "paths"}));
    TRY(t.read("script", &s.trigger_script));
    TRY(t.read("paths", &s.trigger_paths));
  }
  TRY(m.read("pre-install", &s.pre_install));
  TRY(m.read("post-install", &s.post_install));
  TRY(m.read("pre-deinstall", &s.pre_deinstall));
  TRY(m.read("post-deinstall", &s.post_deinstall));
  TRY(m.read("pre-upgrade", &s.pre_upgrade));
  TRY(m.read("post-upgrade", &s.post_upgrade));
  return s;
}

Result<Checks> parse_checks(const Ctx& cx, const YAML::Node& node, const std::string& ctx) {
  TRY_ASSIGN(auto m, MapReader::open(node, cx.file, ctx, {"disabled"}));
  Checks c;
  TRY(m.read("disabled", &c.disabled));
  return c;
}

Result<std::vector<Setcap>> parse_setcap(const Ctx& cx, const YAML::Node& node, const std::string& ctx) {
  static const char* kAllowed[] = {"net_bind_service", "net_admin", "net_raw", "ipc_lock", "sys_admin"};
  std::vector<Setcap> out;
  TRY_ASSIGN(auto items, read_list(node, cx.file, "setcap"));
  for (const auto& item : items) {
    TRY_ASSIGN(auto m, MapReader::open(item, cx.file, ctx + " entry", {"path", "add", "reason"}));
    Setcap s;
    TRY(m.require("path"));
    TRY(m.read("path", &s.path));
    TRY(m.read("add", &s.add));
    TRY(m.read("reason", &s.reason));
    if (s.reason.empty())
      return tl::unexpected(cx.err(item, "setcap for \"" + s.path + "\" needs a \"reason\""));
    for (const auto& [caps, flags] : s.add) {
      for (auto cap : base::split(caps, ',')) {
        std::string name(base::trim(cap));
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (name.rfind("cap_", 0) == 0) name = name.substr(4);
        bool ok = false;
        for (const char* a : kAllowed) ok = ok || name == a;
        if (!ok)
          return tl::unexpected(cx.err(m.get("add"), "capability \"" + std::string(base::trim(cap)) +
                                                         "\" is not allowed (allowed: net_bind_service, net_admin, "
                                                         "net_raw, ipc_lock, sys_admin)"));
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

Result<Resources> parse_resources(const Ctx& cx, const YAML::Node& node, const std::string& ctx) {
  TRY_ASSIGN(auto m, MapReader::open(node, cx.file, ctx, {"cpu", "cpumodel", "memory", "disk"}));
  Resources r;
  TRY(m.read("cpu", &r.cpu));
  TRY(m.read("cpumodel", &r.cpumodel));
  TRY(m.read("memory", &r.memory));
  TRY(m.read("disk", &r.disk));
  return r;
}

Result<InputMap> parse_inputs(const Ctx& cx, const YAML::Node& node, const std::string& ctx) {
  InputMap out;
  if (!node.IsDefined() || node.IsNull()) return out;
  if (!node.IsMap()) return tl::unexpected(cx.err(node, ctx + " must be a mapping"));
  for (const auto& kv : node) {
    std::string name = kv.first.Scalar();
    for (const auto& existing : out)
      if (existing.first == name) return tl::unexpected(cx.err(kv.first, "duplicate input \"" + name + "\""));
    TRY_ASSIGN(auto m, MapReader::open(kv.second, cx.file, ctx + "." + name, {"description", "default", "required"},
                                       cx.ignored));
    Input in;
    TRY(m.read("description", &in.description));
    if (m.has("default")) {
      std::string d;
      TRY(m.read("default", &d));
      in.default_value = std::move(d);
    }
    TRY(m.read("required", &in.required));
    out.emplace_back(std::move(name), std::move(in));
  }
  return out;
}

Result<std::vector<PipelineStep>> parse_steps(const Ctx& cx, const YAML::Node& node, const std::string& ctx);

Result<PipelineStep> parse_step(const Ctx& cx, const YAML::Node& node, const std::string& ctx) {
  TRY_ASSIGN(auto m, MapReader::open(node, cx.file, ctx,
                                     {"name", "uses", "with", "runs", "if", "working-directory", "pipeline",
                                      "environment", "needs", "assertions", "inputs", "label"},
                                     cx.ignored));
  PipelineStep s;
  s.location = cx.at(node);
  TRY(m.read("name", &s.name));
  TRY(m.read("uses", &s.uses));
  TRY(m.read("with", &s.with));
  TRY(m.read("runs", &s.runs));
  TRY(m.read("if", &s.if_));
  TRY(m.read("working-directory", &s.working_directory));
  TRY(m.read("environment", &s.environment));
  TRY(m.read("label", &s.label));
  if (m.has("needs")) {
    TRY_ASSIGN(auto n, MapReader::open(m.get("needs"), cx.file, ctx + ".needs", {"packages"}, cx.ignored));
    TRY_ASSIGN(s.needs_packages, copy_list(n, "packages"));
  }
  if (m.has("assertions")) {
    TRY_ASSIGN(auto a, MapReader::open(m.get("assertions"), cx.file, ctx + ".assertions", {"required-steps"},
                                         cx.ignored));
    TRY(a.read("required-steps", &s.required_steps));
  }
  TRY_ASSIGN(s.inputs, parse_inputs(cx, m.get("inputs"), ctx + ".inputs"));
  TRY_ASSIGN(s.pipeline, parse_steps(cx, m.get("pipeline"), "pipeline step"));
  if (!s.uses.empty() && m.has("runs"))
    return tl::unexpected(cx.err(node, "a pipeline step cannot combine \"uses\" (" + s.uses + ") with \"runs\""));
  if (m.has("with") && m.has("runs"))
    return tl::unexpected(cx.err(node, "a pipeline step cannot combine \"with\" with \"runs\""));
  return s;
}

Result<std::vector<PipelineStep>> parse_steps(const Ctx& cx, const YAML::Node& node, const std::string& ctx) {
  std::vector<PipelineStep> out;
  TRY_ASSIGN(auto items, read_list(node, cx.file, "pipeline"));
  for (const auto& item : items) {
    TRY_ASSIGN(auto step, parse_step(cx, item, ctx));
    out.push_back(std::move(step));
  }
  return out;
}

Result<TestSection> parse_test(const Ctx& cx, const YAML::Node& node, const std::string& ctx) {
  TRY_ASSIGN(auto m, MapReader::open(node, cx.file, ctx, {"environment", "pipeline"}));
  TestSection t;
  if (m.has("environment")) {
    TRY_ASSIGN(auto env, parse_image_config_node(m.get("environment"), cx.file, ctx + ".environment"));
    t.environment = std::move(env);
  }
  TRY_ASSIGN(t.pipeline, parse_steps(cx, m.get("pipeline"), "pipeline step"));
  return t;
}

Status check_name(const Ctx& cx, const YAML::Node& node, const std::string& what, const std::string& name) {
  if (has_template(name) || valid_package_name(name)) return base::ok();
  return tl::unexpected(cx.err(node, what + " \"" + name + "\" is invalid (must match ^[a-zA-Z\\d][a-zA-Z\\d+_.-]*$)"));
}

Result<Package> parse_package(const Ctx& cx, const YAML::Node& node) {
  TRY_ASSIGN(auto m, MapReader::open(node, cx.file, "package",
                                     {"name", "version", "epoch", "description", "annotations", "url", "commit",
                                      "target-architecture", "copyright", "dependencies", "options", "scriptlets",
                                      "checks", "cpe", "setcap", "timeout", "resources", "test-resources"}));
  Package p;
  p.location = cx.at(node);
  TRY(m.require("name"));
  TRY(m.read("name", &p.name));
  TRY(check_name(cx, m.get("name"), "package name", p.name));
  TRY(m.require("version"));
  TRY(m.read("version", &p.version));
  // Not apk::version_is_valid: real melange configs use versions apk-tools calls invalid
  // (R-build.yaml's "0.4_27"), and melange accepts them; they still sort (as strings).
  if (base::trim(p.version).empty()) return tl::unexpected(cx.err(m.get("version"), "\"version\" must not be empty"));
  if (m.has("epoch")) {
    TRY_ASSIGN(long long epoch, read_int(m.get("epoch"), cx.file, "epoch"));
    if (epoch < 0) return tl::unexpected(cx.err(m.get("epoch"), "\"epoch\" must not be negative"));
    p.epoch = static_cast<unsigned long long>(epoch);
  }
  TRY(m.read("description", &p.description));
  TRY(m.read("annotations", &p.annotations));
  TRY(m.read("url", &p.url));
  TRY(m.read("commit", &p.commit));
  TRY(m.read("target-architecture", &p.target_architecture));
  TRY_ASSIGN(p.copyright, parse_copyright(cx, m.get("copyright"), "package.copyright"));
  TRY_ASSIGN(p.dependencies, parse_dependencies(cx, m.get("dependencies"), "package.dependencies"));
  if (m.has("options")) {
    TRY_ASSIGN(auto o, parse_package_options(cx, m.get("options"), "package.options"));
    p.options = o;
  }
  if (m.has("scriptlets")) {
    TRY_ASSIGN(auto s, parse_scriptlets(cx, m.get("scriptlets"), "package.scriptlets"));
    p.scriptlets = std::move(s);
  }
  TRY_ASSIGN(p.checks, parse_checks(cx, m.get("checks"), "package.checks"));
  TRY_ASSIGN(auto cpe, MapReader::open(m.get("cpe"), cx.file, "package.cpe",
                                       {"part", "vendor", "product", "edition", "language", "sw_edition", "target_sw",
                                        "target_hw", "other"}));
  TRY(cpe.read("part", &p.cpe.part));
  TRY(cpe.read("vendor", &p.cpe.vendor));
  TRY(cpe.read("product", &p.cpe.product));
  TRY(cpe.read("edition", &p.cpe.edition));
  TRY(cpe.read("language", &p.cpe.language));
  TRY(cpe.read("sw_edition", &p.cpe.sw_edition));
  TRY(cpe.read("target_sw", &p.cpe.target_sw));
  TRY(cpe.read("target_hw", &p.cpe.target_hw));
  TRY(cpe.read("other", &p.cpe.other));
  if (!p.cpe.part.empty() && p.cpe.part != "a" && p.cpe.part != "o")
    return tl::unexpected(cx.err(cpe.get("part"), "cpe \"part\" must be \"a\" or \"o\""));
  TRY_ASSIGN(p.setcap, parse_setcap(cx, m.get("setcap"), "package.setcap"));
  if (m.has("timeout")) {
    std::string t;
    TRY(m.read("timeout", &t));
    p.timeout = parse_go_duration(t);
    if (!p.timeout)
      return tl::unexpected(cx.err(m.get("timeout"), "\"timeout\" must be a duration such as 30m or 1h30m"));
  }
  if (m.has("resources")) {
    TRY_ASSIGN(auto r, parse_resources(cx, m.get("resources"), "package.resources"));
    p.resources = r;
  }
  if (m.has("test-resources")) {
    TRY_ASSIGN(auto r, parse_resources(cx, m.get("test-resources"), "package.test-resources"));
    p.test_resources = r;
  }
  return p;
}

Result<Subpackage> parse_subpackage(const Ctx& cx, const YAML::Node& node) {
  TRY_ASSIGN(auto m, MapReader::open(node, cx.file, "subpackage",
                                     {"name", "if", "range", "pipeline", "dependencies", "options", "scriptlets",
                                      "description", "annotations", "url", "commit", "checks", "test", "setcap",
                                      "copyright"}));
  Subpackage s;
  s.location = cx.at(node);
  TRY(m.require("name"));
  TRY(m.read("name", &s.name));
  TRY(check_name(cx, m.get("name"), "subpackage name", s.name));
  TRY(m.read("if", &s.if_));
  TRY(m.read("range", &s.range));
  TRY(m.read("description", &s.description));
  TRY(m.read("annotations", &s.annotations));
  TRY(m.read("url", &s.url));
  TRY(m.read("commit", &s.commit));
  TRY_ASSIGN(s.pipeline, parse_steps(cx, m.get("pipeline"), "pipeline step"));
  TRY_ASSIGN(s.dependencies, parse_dependencies(cx, m.get("dependencies"), "subpackage.dependencies"));
  if (m.has("options")) {
    TRY_ASSIGN(auto o, parse_package_options(cx, m.get("options"), "subpackage.options"));
    s.options = o;
  }
  if (m.has("scriptlets")) {
    TRY_ASSIGN(auto sc, parse_scriptlets(cx, m.get("scriptlets"), "subpackage.scriptlets"));
    s.scriptlets = std::move(sc);
  }
  TRY_ASSIGN(s.checks, parse_checks(cx, m.get("checks"), "subpackage.checks"));
  if (m.has("test")) {
    TRY_ASSIGN(auto t, parse_test(cx, m.get("test"), "subpackage.test"));
    s.test = std::move(t);
  }
  TRY_ASSIGN(s.setcap, parse_setcap(cx, m.get("setcap"), "subpackage.setcap"));
  TRY_ASSIGN(s.copyright, parse_copyright(cx, m.get("copyright"), "subpackage.copyright"));
  return s;
}

Result<std::pair<std::string, BuildOption>> parse_build_option(const Ctx& cx, const YAML::Node& key,
                                                               const YAML::Node& node) {
  std::string name = key.Scalar();
  std::string ctx = "options." + name;
  TRY_ASSIGN(auto m, MapReader::open(node, cx.file, ctx, {"vars", "environment"}));
  BuildOption o;
  TRY(m.read("vars", &o.vars));
  TRY_ASSIGN(auto env, MapReader::open(m.get("environment"), cx.file, ctx + ".environment", {"contents"}));
  TRY_ASSIGN(auto contents, MapReader::open(env.get("contents"), cx.file, ctx + ".environment.contents", {"packages"}));
  TRY_ASSIGN(auto pkgs, MapReader::open(contents.get("packages"), cx.file, ctx + ".environment.contents.packages",
                                        {"add", "remove"}));
  TRY(pkgs.read("add", &o.packages_add));
  TRY(pkgs.read("remove", &o.packages_remove));
  return std::make_pair(std::move(name), std::move(o));
}

Status check_update(const Ctx& cx, const YAML::Node& node) {
  TRY_ASSIGN(auto m, MapReader::open(node, cx.file, "update",
                                     {"enabled", "manual", "require-sequential", "shared", "version-separator",
                                      "ignore-regex-patterns", "exclude-reason", "enable-prerelease-tags", "schedule",
                                      "release-monitor", "github", "git", "oci", "version_data",
                                      "version-transform"}));
  (void)m;
  return base::ok();
}

}  // namespace

std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view s) {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return std::nullopt;
  long double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    long double value = 0, scale = 1;
    bool digits = false, frac = false;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || (s[i] == '.' && !frac))) {
      if (s[i] == '.') {
        frac = true;
      } else {
        digits = true;
        if (frac) {
          scale /= 10;
          value += (s[i] - '0') * scale;
        } else {
          value = value * 10 + (s[i] - '0');
        }
      }
      ++i;
    }
    if (!digits) return std::nullopt;
    size_t u = i;
    while (u < s.size() && !((s[u] >= '0' && s[u] <= '9') || s[u] == '.')) ++u;
    std::string_view unit = s.substr(i, u - i);
    long double mult;
    if (unit == "ns") mult = 1;
    else if (unit == "us" || unit == "\xc2\xb5s" || unit == "\xce\xbcs") mult = 1e3;
    else if (unit == "ms") mult = 1e6;
    else if (unit == "s") mult = 1e9;
    else if (unit == "m") mult = 60e9;
    else if (unit == "h") mult = 3600e9;
    else return std::nullopt;
    total += value * mult;
    s.remove_prefix(u);
  }
  if (total > 9.2e18L) return std::nullopt;
  auto ns = static_cast<long long>(std::llround(static_cast<double>(total)));
  return std::chrono::nanoseconds(neg ? -ns : ns);
}

Result<BuildConfig> parse_build_config(std::string_view yaml, std::string_view filename) {
  Ctx cx{std::string(filename)};
  TRY_ASSIGN(YAML::Node root, parse_yaml(yaml, filename));
  if (!root.IsMap()) return tl::unexpected(yaml_error(filename, root, "a melange configuration must be a mapping"));
  TRY_ASSIGN(auto m, MapReader::open(root, filename, "melange configuration",
                                     {"package", "environment", "capabilities", "pipeline", "subpackages", "data",
                                      "update", "vars", "var-transforms", "options", "test"}));
  BuildConfig c;
  c.source_file = std::string(filename);
  TRY(m.require("package"));
  TRY_ASSIGN(c.package, parse_package(cx, m.get("package")));
  TRY_ASSIGN(c.environment, parse_image_config_node(m.get("environment"), filename, "environment"));
  TRY_ASSIGN(auto caps, MapReader::open(m.get("capabilities"), filename, "capabilities", {"add", "drop"}));
  TRY(caps.read("add", &c.capabilities_add));
  TRY(caps.read("drop", &c.capabilities_drop));
  TRY_ASSIGN(c.pipeline, parse_steps(cx, m.get("pipeline"), "pipeline step"));
  TRY_ASSIGN(auto data, read_list(m.get("data"), filename, "data"));
  for (const auto& dn : data) {
    TRY_ASSIGN(auto d, MapReader::open(dn, filename, "data entry", {"name", "items"}));
    DataSet ds;
    TRY(d.require("name"));
    TRY(d.read("name", &ds.name));
    TRY(d.read("items", &ds.items));
    c.data.push_back(std::move(ds));
  }
  TRY_ASSIGN(auto subs, read_list(m.get("subpackages"), filename, "subpackages"));
  for (const auto& sn : subs) {
    TRY_ASSIGN(auto sp, parse_subpackage(cx, sn));
    if (!sp.range.empty()) {
      bool found = false;
      for (const auto& ds : c.data) found = found || ds.name == sp.range;
      if (!found) return tl::unexpected(cx.err(sn, "subpackage range \"" + sp.range + "\" names no data entry"));
    }
    c.subpackages.push_back(std::move(sp));
  }
  if (m.has("update")) {
    TRY(check_update(cx, m.get("update")));
    c.update = yaml_to_json(m.get("update"));
  }
  TRY(m.read("vars", &c.vars));
  TRY_ASSIGN(auto vts, read_list(m.get("var-transforms"), filename, "var-transforms"));
  for (const auto& vn : vts) {
    TRY_ASSIGN(auto v, MapReader::open(vn, filename, "var-transforms entry", {"from", "match", "replace", "to"}));
    VarTransform t;
    t.line = line_of(vn);
    for (const char* key : {"from", "match", "replace", "to"}) TRY(v.require(key));
    TRY(v.read("from", &t.from));
    TRY(v.read("match", &t.match));
    TRY(v.read("replace", &t.replace));
    TRY(v.read("to", &t.to));
    auto probe = regex_replace_all("", t.match, "");
    if (!probe) return tl::unexpected(cx.err(v.get("match"), probe.error().message));
    c.var_transforms.push_back(std::move(t));
  }
  YAML::Node opts = m.get("options");
  if (opts.IsDefined() && !opts.IsNull()) {
    if (!opts.IsMap()) return tl::unexpected(cx.err(opts, "\"options\" must be a mapping"));
    for (const auto& kv : opts) {
      TRY_ASSIGN(auto o, parse_build_option(cx, kv.first, kv.second));
      for (const auto& existing : c.options)
        if (existing.first == o.first) return tl::unexpected(cx.err(kv.first, "duplicate option \"" + o.first + "\""));
      c.options.push_back(std::move(o));
    }
  }
  if (m.has("test")) {
    TRY_ASSIGN(auto t, parse_test(cx, m.get("test"), "test"));
    c.test = std::move(t);
  }
  return c;
}

Result<BuildConfig> load_build_config(const std::filesystem::path& file) {
  TRY_ASSIGN(std::string data, base::read_file(file));
  return parse_build_config(data, file.string());
}

Result<PipelineDef> parse_pipeline_def(std::string_view yaml, std::string_view filename,
                                       std::vector<std::string>* ignored) {
  std::vector<std::string> dropped;
  Ctx cx{std::string(filename), ignored ? ignored : &dropped};
  TRY_ASSIGN(YAML::Node root, parse_yaml(yaml, filename));
  if (!root.IsMap()) return tl::unexpected(yaml_error(filename, root, "a pipeline definition must be a mapping"));
  return parse_step(cx, root, "pipeline definition");
}

}  // namespace config
