// to_json(CompiledBuild): the `melange compile` output. Empty fields are left out.
#include "melange/compile.hpp"

#include "base/hash.hpp"

namespace melange {

namespace {

using ojson = nlohmann::ordered_json;

void put(ojson& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}
void put(ojson& j, const char* key, const std::vector<std::string>& v) {
  if (!v.empty()) j[key] = v;
}
ojson map_json(const config::OrderedMap& m) {
  ojson j = ojson::object();
  for (const auto& [k, v] : m) j[k] = v;
  return j;
}

ojson step_json(const CompiledStep& s) {
  ojson j = ojson::object();
  put(j, "name", s.name);
  put(j, "uses", s.uses);
  j["working-directory"] = s.working_directory;
  if (!s.environment.empty()) j["environment"] = map_json(s.environment);
  j["runs"] = s.runs;
  j["script"] = s.script;
  if (s.location.line > 0) j["source"] = s.location.to_string();
  return j;
}

ojson steps_json(const std::vector<CompiledStep>& steps) {
  ojson a = ojson::array();
  for (const auto& s : steps) a.push_back(step_json(s));
  return a;
}

ojson deps_json(const config::Dependencies& d) {
  ojson j = ojson::object();
  put(j, "runtime", d.runtime);
  put(j, "provides", d.provides);
  put(j, "replaces", d.replaces);
  put(j, "provider-priority", d.provider_priority);
  put(j, "replaces-priority", d.replaces_priority);
  return j;
}

ojson package_json(const CompiledPackage& p) {
  ojson j = ojson::object();
  j["name"] = p.name;
  put(j, "description", p.description);
  put(j, "url", p.url);
  put(j, "commit", p.commit);
  ojson d = deps_json(p.dependencies);
  if (!d.empty()) j["dependencies"] = d;
  if (p.options) {
    j["options"] = {{"no-provides", p.options->no_provides},
                    {"no-depends", p.options->no_depends},
                    {"no-commands", p.options->no_commands},
                    {"no-versioned-shlib-deps", p.options->no_versioned_shlib_deps}};
  }
  if (!p.copyright.empty()) {
    ojson c = ojson::array();
    for (const auto& cr : p.copyright) {
      ojson e = ojson::object();
      put(e, "license", cr.license);
      put(e, "paths", cr.paths);
      c.push_back(e);
    }
    j["copyright"] = c;
  }
  put(j, "checks-disabled", p.checks.disabled);
  j["pipeline"] = steps_json(p.steps);
  if (p.test) {
    j["test"] = {{"environment", config::to_json(p.test->environment)}, {"pipeline", steps_json(p.test->steps)}};
  }
  return j;
}

}  // namespace

nlohmann::ordered_json to_json(const CompiledBuild& b) {
  ojson j = ojson::object();
  j["package"] = {{"name", b.name}, {"version", b.version}, {"epoch", b.epoch}, {"full-version", b.full_version}};
  j["arch"] = b.arch.apk;
  j["namespace"] = b.namespace_;
  j["source-date-epoch"] = b.source_date_epoch;
  j["environment"] = config::to_json(b.environment);
  if (!b.capabilities_add.empty() || !b.capabilities_drop.empty()) {
    ojson caps = ojson::object();
    put(caps, "add", b.capabilities_add);
    put(caps, "drop", b.capabilities_drop);
    j["capabilities"] = caps;
  }
  ojson pkgs = ojson::array();
  pkgs.push_back(package_json(b.main));
  for (const auto& s : b.subpackages) pkgs.push_back(package_json(s));
  j["packages"] = pkgs;
  ojson src = ojson::array();
  for (const auto& s : b.sources) {
    ojson e = ojson::object();
    e["kind"] = s.kind;
    put(e, "uri", s.uri);
    put(e, "expected-sha256", s.sha256);
    put(e, "expected-sha512", s.sha512);
    put(e, "expected-commit", s.commit);
    put(e, "tag", s.tag);
    put(e, "branch", s.branch);
    put(e, "purl-name", s.purl_name);
    put(e, "purl-version", s.purl_version);
    src.push_back(e);
  }
  if (!src.empty()) j["sources"] = src;
  ojson vars = ojson::object();
  for (const auto& [k, v] : b.variables)
    if (k.starts_with("vars.")) vars[k.substr(5)] = v;
  if (!vars.empty()) j["vars"] = vars;
  return j;
}

namespace {
void drop_sources(ojson& j) {
  if (j.is_object()) {
    j.erase("source");
    for (auto& [k, v] : j.items()) drop_sources(v);
  } else if (j.is_array()) {
    for (auto& v : j) drop_sources(v);
  }
}
}  // namespace

std::string recipe_hash(const CompiledBuild& build) {
  ojson j = to_json(build);
  drop_sources(j);
  return "sha256:" + base::sha256_hex(j.dump());
}

}  // namespace melange
