#include "melange/compile.hpp"

#include <algorithm>
#include <set>

#include "config/cond.hpp"
#include "config/subst.hpp"
#include "melange/pipeline.hpp"
#include "melange/script_inputs.hpp"

namespace melange {

namespace {

using base::Result;
using base::Status;
using config::OrderedMap;
using config::PipelineStep;

constexpr int kMaxDepth = 16;  // nested `uses:` levels (a cycle is an error, not a hang)

base::Error at(const config::Location& loc, base::Error e) {
  e.context(loc.to_string());
  return e;
}

bool valid_name(std::string_view s) {
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (s.empty() || !alnum(s[0])) return false;
  return std::all_of(s.begin() + 1, s.end(),
                     [&](char c) { return alnum(c) || c == '+' || c == '_' || c == '.' || c == '-'; });
}

bool is_hex(std::string_view s, size_t len) {
  return s.size() == len && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

// The state one step is compiled in; nested steps copy and extend it.
struct StepCtx {
  const VarMap* vars = nullptr;  // package-level variables
  VarMap inputs;                 // "inputs.x" -> value, for the innermost pipeline
  bool in_pipeline_file = false; // `runs` written in a pipeline file: inputs become "${INPUT_X}"
  std::string working_directory = std::string(kWorkspaceDir);
  OrderedMap environment;        // inherited step environment (incl. INPUT_*)
  std::string uses;              // innermost pipeline name
  std::string chain;             // "in pipeline fetch (melange.yaml:12)" for errors
  config::Location user_site;    // the outermost `uses:` step in the user's file (empty: none)
  int depth = 0;
};

struct Compiler {
  const CompileOptions& opts;
  std::set<std::string>* needs = nullptr;  // where needs.packages go (build or test environment)
  std::vector<FetchSource>* sources = nullptr;

  config::VarLookup lookup(const StepCtx& cx, bool for_runs) const {
    return [&cx, for_runs](std::string_view name) -> std::optional<std::string> {
      std::string key(name);
      if (auto it = cx.inputs.find(key); it != cx.inputs.end()) {
        if (for_runs && cx.in_pipeline_file) return "${" + input_env_name(key.substr(7)) + "}";
        return it->second;
      }
      if (auto it = cx.vars->find(key); it != cx.vars->end()) return it->second;
      return std::nullopt;
    };
  }

  Result<std::string> subst(const StepCtx& cx, const config::Location& loc, std::string_view text,
                            bool for_runs = false) const {
    auto r = config::substitute(text, lookup(cx, for_runs));
    if (!r) return tl::unexpected(at(loc, std::move(r).error().context(cx.chain.empty() ? "step" : cx.chain)));
    return r;
  }

  Status add_needs(const StepCtx& cx, const config::Location& loc, const std::vector<std::string>& pkgs) {
    for (const auto& p : pkgs) {
      TRY_ASSIGN(std::string name, subst(cx, loc, p));
      if (!name.empty()) needs->insert(name);
    }
    return base::ok();
  }

  std::string script(const std::string& wd, const std::string& runs) const {
    // As the original: errexit and pipefail. pipefail is set only where /bin/sh has it (busybox
    // ash and bash do; Debian's dash 0.5.12 does not and would stop at the `set`).
    std::string s = opts.debug == Debug::kOn ? "set -ex\n" : "set -e\n";
    s += std::string(kPipefail);
    std::string q = shell_quote(wd);
    s += "[ -d " + q + " ] || mkdir -p " + q + "\ncd " + q + "\n";
    s += runs;
    if (!s.empty() && s.back() != '\n') s += '\n';
    return s;
  }

  // Returns whether the step ran (its `if:` held).
  Result<bool> step(const PipelineStep& st, const StepCtx& parent, std::vector<CompiledStep>& out);
  Status steps(const std::vector<PipelineStep>& list, const StepCtx& cx, std::vector<CompiledStep>& out,
               const config::Location& owner, std::optional<long long> required) {
    long long ran = 0;
    for (const auto& st : list) {
      TRY_ASSIGN(bool r, step(st, cx, out));
      ran += r ? 1 : 0;
    }
    if (required && ran < *required)
      return base::fail(base::ErrorCode::kInvalidInput,
                        owner.to_string() + ": assertions.required-steps is " + std::to_string(*required) + " but only " +
                            std::to_string(ran) + " of the nested steps run for this build");
    return base::ok();
  }

  Result<StepCtx> inline_uses(const PipelineStep& st, const StepCtx& cx, const config::PipelineDef& def);
  void record_source(const std::string& uses, const VarMap& inputs, const config::Location& loc);
};

void Compiler::record_source(const std::string& uses, const VarMap& in, const config::Location& loc) {
  auto get = [&](const char* k) {
    auto it = in.find(std::string("inputs.") + k);
    return it == in.end() ? std::string() : it->second;
  };
  FetchSource s;
  s.kind = uses;
  s.location = loc;
  if (uses == "fetch") {
    s.uri = get("uri");
    s.sha256 = get("expected-sha256");
    s.sha512 = get("expected-sha512");
    s.purl_name = get("purl-name");
    s.purl_version = get("purl-version");
  } else if (uses == "git-checkout") {
    s.uri = get("repository");
    s.commit = get("expected-commit");
    s.tag = get("tag");
    s.branch = get("branch");
  } else {
    return;
  }
  sources->push_back(std::move(s));
}

Result<StepCtx> Compiler::inline_uses(const PipelineStep& st, const StepCtx& cx, const config::PipelineDef& def) {
  const std::string& file = def.location.file;
  auto names = [&] {
    std::string all;
    for (const auto& [k, in] : def.inputs) all += (all.empty() ? "" : ", ") + k;
    return all.empty() ? std::string("none") : all;
  };
  for (const auto& [k, v] : st.with) {
    bool declared = std::any_of(def.inputs.begin(), def.inputs.end(), [&](const auto& p) { return p.first == k; });
    if (!declared)
      return tl::unexpected(at(st.location, base::Error{base::ErrorCode::kInvalidInput,
                                                        "pipeline \"" + st.uses + "\" has no input \"" + k +
                                                            "\" (its inputs: " + names() + ")"}));
  }
  StepCtx child = cx;
  child.in_pipeline_file = true;
  child.uses = st.uses;
  child.depth = cx.depth + 1;
  child.chain = "in pipeline " + st.uses + " (used at " + st.location.to_string() + ")";
  if (!cx.in_pipeline_file) child.user_site = st.location;
  for (const auto& [k, in] : def.inputs) {
    std::string value;
    const std::string* w = config::map_find(st.with, k);
    if (w && !w->empty()) {
      TRY_ASSIGN(value, subst(cx, st.location, *w));
    } else if (in.default_value) {  // an empty `with:` value takes the default too, as in melange
      TRY_ASSIGN(value, subst(child, config::Location{file, def.location.line}, *in.default_value));
    } else if (in.required) {
      return tl::unexpected(at(st.location, base::Error{base::ErrorCode::kInvalidInput,
                                                        "pipeline \"" + st.uses + "\" needs input \"" + k + "\""}));
    }
    value = join_continuations(value);
    struct Check { const char* name; size_t len; const char* what; };
    for (const Check& c : {Check{"expected-sha256", 64, "64 hex digits"}, Check{"expected-sha512", 128, "128 hex digits"},
                           Check{"expected-commit", 40, "a 40 hex digit commit"}}) {
      if (k == c.name && !value.empty() && !is_hex(value, c.len))
        return tl::unexpected(at(st.location, base::Error{base::ErrorCode::kInvalidInput,
                                                          "pipeline \"" + st.uses + "\" input \"" + k + "\" must be " +
                                                              c.what + ", got \"" + value + "\""}));
    }
    child.inputs["inputs." + k] = value;
    config::map_set(child.environment, input_env_name(k), value);
  }
  return child;
}

Result<bool> Compiler::step(const PipelineStep& st, const StepCtx& cx, std::vector<CompiledStep>& out) {
  if (!st.if_.empty()) {
    auto cond = config::evaluate_condition(st.if_, lookup(cx, false));
    if (!cond) return tl::unexpected(at(st.location, std::move(cond).error().context("if")));
    if (!*cond) return false;
  }
  StepCtx here = cx;
  if (!st.working_directory.empty()) {
    TRY_ASSIGN(std::string wd, subst(cx, st.location, st.working_directory));
    here.working_directory = wd.starts_with('/') ? wd : std::string(kWorkspaceDir) + "/" + wd;
  }
  for (const auto& [k, v] : st.environment) {
    TRY_ASSIGN(std::string value, subst(cx, st.location, v));
    config::map_set(here.environment, k, value);
  }
  if (st.needs_packages) TRY(add_needs(cx, st.location, *st.needs_packages));
  // melange does not substitute step names; known references are filled in for the logs, the
  // rest (`pip build ${{inputs.python}}` in a pipeline without that input) stays verbatim.
  std::string name = config::substitute_lenient(st.name, lookup(cx, false));

  const std::vector<PipelineStep>* children = &st.pipeline;
  std::optional<long long> required = st.required_steps;
  config::PipelineDef def;
  if (!st.uses.empty()) {
    if (cx.depth >= kMaxDepth)
      return tl::unexpected(at(st.location, base::Error{base::ErrorCode::kInvalidInput,
                                                        "pipeline \"" + st.uses + "\" nests more than " +
                                                            std::to_string(kMaxDepth) + " levels of uses:"}));
    auto loaded = load_pipeline(st.uses, opts.pipeline_dirs);
    if (!loaded) return tl::unexpected(at(st.location, std::move(loaded).error()));
    def = std::move(*loaded);
    TRY_ASSIGN(here, inline_uses(st, here, def));
    if (def.needs_packages) TRY(add_needs(here, def.location, *def.needs_packages));
    record_source(st.uses, here.inputs, st.location);
    if (name.empty()) name = st.uses;
    children = &def.pipeline;
    if (!required) required = def.required_steps;
  }
  const std::string& runs = st.uses.empty() ? st.runs : def.runs;
  if (!runs.empty()) {
    const config::Location& loc = st.uses.empty() ? st.location : def.location;
    std::string text = runs;
    if (here.in_pipeline_file) {
      auto rendered = render_script_inputs(runs, here.inputs);
      if (!rendered) return tl::unexpected(at(st.location, std::move(rendered).error().context(here.chain)));
      text = std::move(*rendered);
    }
    TRY_ASSIGN(std::string body, subst(here, loc, text, true));
    CompiledStep c;
    c.name = name;
    c.uses = here.uses;
    c.working_directory = here.working_directory;
    c.environment = here.environment;
    c.runs = body;
    c.script = script(here.working_directory, body);
    c.location = loc;
    c.uses_location = here.user_site;
    out.push_back(std::move(c));
  }
  size_t first_child = out.size();
  TRY(steps(*children, here, out, st.location, required));
  if (!st.uses.empty())
    for (size_t i = first_child; i < out.size(); ++i)
      if (out[i].name.empty()) out[i].name = name;
  return true;
}

std::vector<std::string> sorted_unique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

void set_default(OrderedMap& env, std::string_view key, std::string value) {
  const std::string* cur = config::map_find(env, key);
  if (!cur || cur->empty()) config::map_set(env, key, std::move(value));
}

// environment.environment: --env-file values underneath, then the YAML's, then defaults.
OrderedMap build_environment(const OrderedMap& yaml_env, const CompileOptions& opts, bool test) {
  OrderedMap env = opts.env_file;
  for (const auto& [k, v] : yaml_env) config::map_set(env, k, v);
  std::string cache(kCacheDir);
  set_default(env, "HOME", test ? "/root" : std::string(kWorkspaceDir));
  if (!test) {
    set_default(env, "GOPATH", std::string(kWorkspaceDir) + "/.cache/go");
    set_default(env, "GOMODCACHE", cache + "/gomodcache");
    set_default(env, "UV_CACHE_DIR", cache + "/uv-cache");
    set_default(env, "PIP_CACHE_DIR", cache + "/pip-cache");
    set_default(env, "COMPOSER_CACHE_DIR", cache + "/composer-cache");
    set_default(env, "npm_config_cache", cache + "/npm-cache");
    config::map_set(env, "SOURCE_DATE_EPOCH", std::to_string(opts.source_date_epoch));
  }
  return env;
}

void add_build_account(config::Accounts& acc) {
  bool has_user = std::any_of(acc.users.begin(), acc.users.end(), [](const auto& u) { return u.username == "build"; });
  bool has_group =
      std::any_of(acc.groups.begin(), acc.groups.end(), [](const auto& g) { return g.groupname == "build"; });
  if (!has_group) acc.groups.push_back(config::Group{"build", 1000, {}, 0});
  if (!has_user) {
    config::User u;
    u.username = "build";
    u.uid = 1000;
    u.gid = 1000;
    u.homedir = std::string(kWorkspaceDir);
    acc.users.push_back(u);
  }
}

// Package fields (dependencies, priorities, URLs, scriptlets): melange fills them with a replacer
// over the known variables, so an unknown reference stays verbatim instead of being an error.
std::string subst_text(const VarMap& vars, std::string_view text);

std::vector<std::string> subst_list(const VarMap& vars, const std::vector<std::string>& in) {
  std::vector<std::string> out;
  for (const auto& s : in) out.push_back(subst_text(vars, s));
  return out;
}

config::Dependencies subst_deps(const VarMap& vars, config::Dependencies d) {
  d.runtime = subst_list(vars, d.runtime);
  d.provides = subst_list(vars, d.provides);
  d.replaces = subst_list(vars, d.replaces);
  for (std::string* s : {&d.provider_priority, &d.replaces_priority}) *s = subst_text(vars, *s);
  return d;
}

std::optional<config::Scriptlets> subst_scriptlets(const VarMap& vars, std::optional<config::Scriptlets> in) {
  if (!in) return in;
  config::Scriptlets& sc = *in;
  for (std::string* s : {&sc.trigger_script, &sc.pre_install, &sc.post_install, &sc.pre_deinstall,
                         &sc.post_deinstall, &sc.pre_upgrade, &sc.post_upgrade})
    *s = subst_text(vars, *s);
  sc.trigger_paths = subst_list(vars, sc.trigger_paths);
  return in;
}

// Descriptions and other free text: melange fills in the known references and leaves the rest
// (`${{range.key == "64" && ...}}`, `${{package.name} `) verbatim.
std::string subst_text(const VarMap& vars, std::string_view text) {
  return config::substitute_lenient(text, [&vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}

Result<std::string> subst_at(const VarMap& vars, const config::Location& loc, std::string_view text) {
  auto r = config::substitute(text, vars);
  if (!r) return tl::unexpected(at(loc, std::move(r).error()));
  return r;
}

Status compile_test(Compiler& c, const config::TestSection& t, const VarMap& vars, const CompileOptions& opts,
                    const config::Location& loc, CompiledTest& out) {
  std::set<std::string> needs;
  std::vector<FetchSource> ignored;  // sources fetched by tests are not the package's sources
  Compiler tc{c.opts, &needs, &ignored};
  if (t.environment) out.environment = *t.environment;
  out.environment.environment = build_environment(out.environment.environment, opts, true);
  StepCtx cx;
  cx.vars = &vars;
  TRY(tc.steps(t.pipeline, cx, out.steps, loc, std::nullopt));
  auto& pkgs = out.environment.contents.packages;
  pkgs.insert(pkgs.end(), needs.begin(), needs.end());
  pkgs = sorted_unique(pkgs);
  return base::ok();
}

}  // namespace

config::OrderedMap step_environment(const config::OrderedMap& base, const CompiledStep& step) {
  config::OrderedMap env = base;
  for (const auto& [k, v] : step.environment) config::map_set(env, k, v);
  return env;
}

Result<CompiledBuild> compile(const config::BuildConfig& cfg, const CompileOptions& opts) {
  CompiledBuild b;
  b.arch = opts.arch.apk.empty() ? apk::host_arch() : opts.arch;
  b.namespace_ = opts.namespace_;
  b.source_date_epoch = opts.source_date_epoch;
  const config::Location& ploc = cfg.package.location;

  // --build-option
  std::vector<std::string> all_options;
  for (const auto& [name, o] : cfg.options) all_options.push_back(name);
  std::vector<const config::BuildOption*> enabled;
  for (const auto& want : opts.build_options) {
    auto it = std::find_if(cfg.options.begin(), cfg.options.end(), [&](const auto& p) { return p.first == want; });
    if (it == cfg.options.end())
      return base::fail(base::ErrorCode::kInvalidInput,
                        cfg.source_file + ": unknown build option \"" + want + "\"",
                        all_options.empty() ? "the configuration defines no options" : "defined options are listed under options:");
    enabled.push_back(&it->second);
  }

  // Package-level variables, vars (+ --vars-file + options), var-transforms.
  VarMap vars = package_variables(cfg.package, b.arch, all_options, opts.build_options);
  if (!opts.libc.empty() && opts.libc != "gnu") {
    vars["host.triplet.gnu"] = apk::with_libc(b.arch.gnu_triplet, opts.libc);
    vars["host.triplet.rust"] = apk::with_libc(b.arch.rust_triplet, opts.libc);
  }
  OrderedMap user_vars = cfg.vars;
  for (const auto& [k, v] : opts.vars_file) config::map_set(user_vars, k, v);
  for (const auto* o : enabled)
    for (const auto& [k, v] : o->vars) config::map_set(user_vars, k, v);
  for (const auto& [k, v] : user_vars) {
    auto r = config::substitute_known(v, vars);
    if (!r) return tl::unexpected(std::move(r).error().context(cfg.source_file + ": vars." + k));
    vars["vars." + k] = std::move(*r);
  }
  if (auto st = config::apply_var_transforms(cfg.var_transforms, vars); !st)
    return tl::unexpected(std::move(st).error().context(cfg.source_file + ": var-transforms"));

  b.name = cfg.package.name;
  b.version = cfg.package.version;
  b.epoch = cfg.package.epoch;
  b.full_version = vars["package.full-version"];

  // Subpackages: range expansion, names, if:.
  struct Planned {
    const config::Subpackage* sub;
    VarMap vars;
    std::string name;
  };
  std::vector<Planned> planned;
  for (const auto& sp : cfg.subpackages) {
    std::vector<std::pair<std::string, std::string>> items;
    bool ranged = !sp.range.empty();
    if (ranged) {
      auto ds = std::find_if(cfg.data.begin(), cfg.data.end(), [&](const auto& d) { return d.name == sp.range; });
      if (ds == cfg.data.end())
        return tl::unexpected(at(sp.location, base::Error{base::ErrorCode::kInvalidInput,
                                                          "range \"" + sp.range + "\" names no data entry"}));
      items = ds->items;
      std::sort(items.begin(), items.end());
    } else {
      items.emplace_back();
    }
    for (const auto& [key, value] : items) {
      VarMap v = vars;
      if (ranged) {
        v["range.key"] = key;
        v["range.value"] = value;
      }
      TRY_ASSIGN(std::string name, subst_at(v, sp.location, sp.name));
      if (!valid_name(name))
        return tl::unexpected(at(sp.location, base::Error{base::ErrorCode::kInvalidInput,
                                                          "subpackage name \"" + name +
                                                              "\" is invalid (must match ^[a-zA-Z\\d][a-zA-Z\\d+_.-]*$)"}));
      set_subpackage_variables(v, name);
      if (!sp.if_.empty()) {
        auto cond = config::evaluate_condition(sp.if_, v);
        if (!cond) return tl::unexpected(at(sp.location, std::move(cond).error().context("if")));
        if (!*cond) continue;
      }
      if (name == cfg.package.name || std::any_of(planned.begin(), planned.end(), [&](const Planned& p) { return p.name == name; }))
        return tl::unexpected(at(sp.location, base::Error{base::ErrorCode::kInvalidInput,
                                                          "duplicate package name \"" + name + "\""}));
      planned.push_back(Planned{&sp, std::move(v), name});
    }
  }
  auto add_targets = [&](VarMap& v) {
    v["targets.package." + cfg.package.name] = std::string(kOutDir) + "/" + cfg.package.name;
    for (const auto& p : planned) v["targets.package." + p.name] = std::string(kOutDir) + "/" + p.name;
  };
  add_targets(vars);
  for (auto& p : planned) add_targets(p.vars);

  std::set<std::string> needs;
  Compiler c{opts, &needs, &b.sources};

  // Main package.
  CompiledPackage& m = b.main;
  m.name = cfg.package.name;
  m.description = subst_text(vars, cfg.package.description);
  m.url = subst_text(vars, cfg.package.url);
  m.commit = cfg.package.commit;
  m.dependencies = subst_deps(vars, cfg.package.dependencies);
  m.options = cfg.package.options;
  m.scriptlets = subst_scriptlets(vars, cfg.package.scriptlets);
  m.checks = cfg.package.checks;
  m.copyright = cfg.package.copyright;
  m.setcap = cfg.package.setcap;
  StepCtx main_cx;
  main_cx.vars = &vars;
  TRY(c.steps(cfg.pipeline, main_cx, m.steps, ploc, std::nullopt));

  for (const auto& p : planned) {
    CompiledPackage sp;
    sp.name = p.name;
    sp.description = subst_text(p.vars, p.sub->description);
    sp.url = subst_text(p.vars, p.sub->url);
    sp.commit = p.sub->commit;
    sp.dependencies = subst_deps(p.vars, p.sub->dependencies);
    sp.options = p.sub->options;
    sp.scriptlets = subst_scriptlets(p.vars, p.sub->scriptlets);
    sp.checks = p.sub->checks;
    sp.copyright = p.sub->copyright;
    StepCtx cx;
    cx.vars = &p.vars;
    c.needs = &needs;
    TRY(c.steps(p.sub->pipeline, cx, sp.steps, p.sub->location, std::nullopt));
    b.subpackages.push_back(std::move(sp));
  }

  // Build environment.
  b.environment = cfg.environment;
  auto& pkgs = b.environment.contents.packages;
  for (const auto* o : enabled) {
    pkgs.insert(pkgs.end(), o->packages_add.begin(), o->packages_add.end());
    for (const auto& r : o->packages_remove) pkgs.erase(std::remove(pkgs.begin(), pkgs.end(), r), pkgs.end());
  }
  pkgs.insert(pkgs.end(), needs.begin(), needs.end());
  pkgs = sorted_unique(pkgs);
  add_build_account(b.environment.accounts);
  b.environment.environment = build_environment(cfg.environment.environment, opts, false);
  b.capabilities_add = cfg.capabilities_add;
  b.capabilities_drop = cfg.capabilities_drop;

  // Tests run after the build: their needs go to their own environments.
  if (cfg.test) {
    CompiledTest t;
    TRY(compile_test(c, *cfg.test, vars, opts, ploc, t));
    m.test = std::move(t);
  }
  for (size_t i = 0; i < planned.size(); ++i) {
    if (!planned[i].sub->test) continue;
    CompiledTest t;
    TRY(compile_test(c, *planned[i].sub->test, planned[i].vars, opts, planned[i].sub->location, t));
    b.subpackages[i].test = std::move(t);
  }
  b.variables = std::move(vars);
  return b;
}

}  // namespace melange
