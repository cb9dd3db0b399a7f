// BuildConfig as JSON for `melange compile`: melange's field names, empty fields omitted.
#include "config/build_config.hpp"
#include "config/json_put.hpp"

namespace config {

using ojson = nlohmann::ordered_json;

namespace {

using json_put::put;

ojson steps_json(const std::vector<PipelineStep>& steps) {
  ojson a = ojson::array();
  for (const auto& s : steps) a.push_back(to_json(s));
  return a;
}

ojson copyright_json(const std::vector<Copyright>& list) {
  ojson a = ojson::array();
  for (const auto& c : list) {
    ojson j = ojson::object();
    put(j, "paths", c.paths);
    put(j, "attestation", c.attestation);
    j["license"] = c.license;
    put(j, "license-path", c.license_path);
    put(j, "detection-override", c.detection_override);
    a.push_back(std::move(j));
  }
  return a;
}

ojson dependencies_json(const Dependencies& d) {
  ojson j = ojson::object();
  put(j, "runtime", d.runtime);
  put(j, "provides", d.provides);
  put(j, "replaces", d.replaces);
  put(j, "provider-priority", d.provider_priority);
  put(j, "replaces-priority", d.replaces_priority);
  return j;
}

ojson options_json(const std::optional<PackageOptions>& o) {
  ojson j = ojson::object();
  if (!o) return j;
  if (o->no_provides) j["no-provides"] = true;
  if (o->no_depends) j["no-depends"] = true;
  if (o->no_commands) j["no-commands"] = true;
  if (o->no_versioned_shlib_deps) j["no-versioned-shlib-deps"] = true;
  return j;
}

ojson scriptlets_json(const std::optional<Scriptlets>& s) {
  ojson j = ojson::object();
  if (!s) return j;
  ojson trigger = ojson::object();
  put(trigger, "script", s->trigger_script);
  put(trigger, "paths", s->trigger_paths);
  put(j, "trigger", std::move(trigger));
  put(j, "pre-install", s->pre_install);
  put(j, "post-install", s->post_install);
  put(j, "pre-deinstall", s->pre_deinstall);
  put(j, "post-deinstall", s->post_deinstall);
  put(j, "pre-upgrade", s->pre_upgrade);
  put(j, "post-upgrade", s->post_upgrade);
  return j;
}

ojson checks_json(const Checks& c) {
  ojson j = ojson::object();
  put(j, "disabled", c.disabled);
  return j;
}

ojson setcap_json(const std::vector<Setcap>& list) {
  ojson a = ojson::array();
  for (const auto& s : list) {
    ojson j = ojson::object();
    put(j, "path", s.path);
    put(j, "add", s.add);
    put(j, "reason", s.reason);
    a.push_back(std::move(j));
  }
  return a;
}

ojson resources_json(const std::optional<Resources>& r) {
  ojson j = ojson::object();
  if (!r) return j;
  put(j, "cpu", r->cpu);
  put(j, "cpumodel", r->cpumodel);
  put(j, "memory", r->memory);
  put(j, "disk", r->disk);
  return j;
}

ojson test_json(const std::optional<TestSection>& t) {
  ojson j = ojson::object();
  if (!t) return j;
  if (t->environment) put(j, "environment", to_json(*t->environment));
  put(j, "pipeline", steps_json(t->pipeline));
  return j;
}

ojson package_json(const Package& p) {
  ojson j = ojson::object();
  j["name"] = p.name;
  j["version"] = p.version;
  j["epoch"] = p.epoch;
  put(j, "description", p.description);
  put(j, "annotations", p.annotations);
  put(j, "url", p.url);
  put(j, "commit", p.commit);
  put(j, "target-architecture", p.target_architecture);
  put(j, "copyright", copyright_json(p.copyright));
  put(j, "dependencies", dependencies_json(p.dependencies));
  put(j, "options", options_json(p.options));
  put(j, "scriptlets", scriptlets_json(p.scriptlets));
  put(j, "checks", checks_json(p.checks));
  ojson cpe = ojson::object();
  put(cpe, "part", p.cpe.part);
  put(cpe, "vendor", p.cpe.vendor);
  put(cpe, "product", p.cpe.product);
  put(cpe, "edition", p.cpe.edition);
  put(cpe, "language", p.cpe.language);
  put(cpe, "sw_edition", p.cpe.sw_edition);
  put(cpe, "target_sw", p.cpe.target_sw);
  put(cpe, "target_hw", p.cpe.target_hw);
  put(cpe, "other", p.cpe.other);
  put(j, "cpe", std::move(cpe));
  put(j, "setcap", setcap_json(p.setcap));
  if (p.timeout) j["timeout"] = p.timeout->count();  // nanoseconds, as Go's time.Duration marshals
  put(j, "resources", resources_json(p.resources));
  put(j, "test-resources", resources_json(p.test_resources));
  return j;
}

}  // namespace

nlohmann::ordered_json to_json(const PipelineStep& s) {
  ojson j = ojson::object();
  put(j, "name", s.name);
  put(j, "uses", s.uses);
  put(j, "with", s.with);
  put(j, "runs", s.runs);
  put(j, "pipeline", steps_json(s.pipeline));
  if (!s.inputs.empty()) {
    ojson inputs = ojson::object();
    for (const auto& [name, in] : s.inputs) {
      ojson ij = ojson::object();
      put(ij, "description", in.description);
      if (in.default_value) ij["default"] = *in.default_value;
      if (in.required) ij["required"] = true;
      inputs[name] = std::move(ij);
    }
    j["inputs"] = std::move(inputs);
  }
  if (s.needs_packages) j["needs"] = ojson{{"packages", *s.needs_packages}};
  put(j, "label", s.label);
  put(j, "if", s.if_);
  if (s.required_steps) j["assertions"] = ojson{{"required-steps", *s.required_steps}};
  put(j, "working-directory", s.working_directory);
  put(j, "environment", s.environment);
  return j;
}

nlohmann::ordered_json to_json(const BuildConfig& c) {
  ojson j = ojson::object();
  j["package"] = package_json(c.package);
  put(j, "environment", to_json(c.environment));
  ojson caps = ojson::object();
  put(caps, "add", c.capabilities_add);
  put(caps, "drop", c.capabilities_drop);
  put(j, "capabilities", std::move(caps));
  put(j, "pipeline", steps_json(c.pipeline));
  if (!c.subpackages.empty()) {
    ojson subs = ojson::array();
    for (const auto& s : c.subpackages) {
      ojson sj = ojson::object();
      put(sj, "if", s.if_);
      put(sj, "range", s.range);
      sj["name"] = s.name;
      put(sj, "pipeline", steps_json(s.pipeline));
      put(sj, "dependencies", dependencies_json(s.dependencies));
      put(sj, "options", options_json(s.options));
      put(sj, "scriptlets", scriptlets_json(s.scriptlets));
      put(sj, "description", s.description);
      put(sj, "annotations", s.annotations);
      put(sj, "url", s.url);
      put(sj, "commit", s.commit);
      put(sj, "checks", checks_json(s.checks));
      put(sj, "test", test_json(s.test));
      put(sj, "setcap", setcap_json(s.setcap));
      put(sj, "copyright", copyright_json(s.copyright));
      subs.push_back(std::move(sj));
    }
    j["subpackages"] = std::move(subs);
  }
  if (!c.data.empty()) {
    ojson data = ojson::array();
    for (const auto& d : c.data) {
      ojson dj = ojson::object();
      dj["name"] = d.name;
      put(dj, "items", d.items);
      data.push_back(std::move(dj));
    }
    j["data"] = std::move(data);
  }
  if (!c.update.is_null()) j["update"] = c.update;
  put(j, "vars", c.vars);
  if (!c.var_transforms.empty()) {
    ojson vts = ojson::array();
    for (const auto& t : c.var_transforms)
      vts.push_back(ojson{{"from", t.from}, {"match", t.match}, {"replace", t.replace}, {"to", t.to}});
    j["var-transforms"] = std::move(vts);
  }
  if (!c.options.empty()) {
    ojson opts = ojson::object();
    for (const auto& [name, o] : c.options) {
      ojson oj = ojson::object();
      put(oj, "vars", o.vars);
      ojson pk = ojson::object();
      put(pk, "add", o.packages_add);
      put(pk, "remove", o.packages_remove);
      if (!pk.empty()) oj["environment"] = ojson{{"contents", ojson{{"packages", pk}}}};
      opts[name] = std::move(oj);
    }
    j["options"] = std::move(opts);
  }
  put(j, "test", test_json(c.test));
  return j;
}

}  // namespace config
