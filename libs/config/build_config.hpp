// melange build configuration (the package YAML given to `melange build`), and built-in
// pipeline definition files (pkg/build/pipelines/*.yaml in melange: name, needs, inputs,
// pipeline).
//
// Parsing of the configuration is strict like melange's yaml.v3 KnownFields(true): unknown
// keys, duplicate keys and wrong types fail with "<file>:<line>: ...". Pipeline definition
// files skip unknown keys (parse_pipeline_def), as melange does. Strings are kept verbatim: `${{...}}`
// substitution (config/subst.hpp) and `if:` evaluation (config/cond.hpp) happen later.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "config/image_config.hpp"
#include "config/subst.hpp"
#include "config/yaml_util.hpp"

namespace config {

struct Location {  // where a YAML object starts, for error messages
  std::string file;
  int line = 0;
  std::string to_string() const { return line > 0 ? file + ":" + std::to_string(line) : file; }
};

struct Copyright {
  std::string license;
  std::vector<std::string> paths;
  std::string attestation;
  std::string license_path;
  std::string detection_override;
};

struct Dependencies {
  std::vector<std::string> runtime, provides, replaces;
  std::string provider_priority;  // integer strings (validated unless they hold ${{...}})
  std::string replaces_priority;
};

struct PackageOptions {
  bool no_provides = false, no_depends = false, no_commands = false, no_versioned_shlib_deps = false;
};

struct Scriptlets {
  std::string trigger_script;
  std::vector<std::string> trigger_paths;
  std::string pre_install, post_install, pre_deinstall, post_deinstall, pre_upgrade, post_upgrade;
};

struct Checks {
  std::vector<std::string> disabled;
};

struct Cpe {
  std::string part, vendor, product, edition, language, sw_edition, target_sw, target_hw, other;
};

struct Setcap {
  std::string path;
  OrderedMap add;  // "cap_net_raw,cap_net_admin" -> "+eip"
  std::string reason;
};

struct Resources {
  std::string cpu, cpumodel, memory, disk;
};

struct Input {
  std::string description;
  std::optional<std::string> default_value;
  bool required = false;
};
using InputMap = std::vector<std::pair<std::string, Input>>;

struct PipelineStep {
  std::string name, uses, runs, if_, working_directory, label;
  OrderedMap with;         // values verbatim
  OrderedMap environment;  // overrides the build environment
  std::vector<PipelineStep> pipeline;
  std::optional<std::vector<std::string>> needs_packages;  // needs: {packages: [...]}
  std::optional<long long> required_steps;                  // assertions: {required-steps: N}
  InputMap inputs;                                          // pipeline definitions only
  Location location;
};

// A built-in or --pipeline-dir pipeline file has the shape of one step.
using PipelineDef = PipelineStep;

struct TestSection {
  std::optional<ImageConfig> environment;
  std::vector<PipelineStep> pipeline;
};

struct Package {
  std::string name, version;
  unsigned long long epoch = 0;
  std::string description, url, commit;
  OrderedMap annotations;
  std::vector<std::string> target_architecture;
  std::vector<Copyright> copyright;
  Dependencies dependencies;
  std::optional<PackageOptions> options;
  std::optional<Scriptlets> scriptlets;
  Checks checks;
  Cpe cpe;
  std::vector<Setcap> setcap;
  std::optional<std::chrono::nanoseconds> timeout;  // Go duration such as "1h30m"
  std::optional<Resources> resources, test_resources;
  Location location;
};

struct Subpackage {
  std::string name, if_, range, description, url, commit;
  std::vector<PipelineStep> pipeline;
  Dependencies dependencies;
  std::optional<PackageOptions> options;
  std::optional<Scriptlets> scriptlets;
  Checks checks;
  std::optional<TestSection> test;
  std::vector<Setcap> setcap;  // validated, not applied (as melange)
  std::vector<Copyright> copyright;
  OrderedMap annotations;
  Location location;
};

struct DataSet {  // `data:` entries feed subpackage `range:`
  std::string name;
  OrderedMap items;
};

struct BuildOption {  // `options:` entries, applied by --build-option
  OrderedMap vars;
  std::vector<std::string> packages_add, packages_remove;
};

struct BuildConfig {
  Package package;
  ImageConfig environment;
  std::vector<std::string> capabilities_add, capabilities_drop;
  std::vector<PipelineStep> pipeline;
  std::vector<Subpackage> subpackages;
  std::vector<DataSet> data;
  nlohmann::ordered_json update;  // preserved as written; null when absent
  OrderedMap vars;
  std::vector<VarTransform> var_transforms;
  std::vector<std::pair<std::string, BuildOption>> options;
  std::optional<TestSection> test;
  std::string source_file;
};

base::Result<BuildConfig> parse_build_config(std::string_view yaml, std::string_view filename);
base::Result<BuildConfig> load_build_config(const std::filesystem::path& file);
// Pipeline definition files are read like melange reads them: keys this parser does not know
// (a top-level `description:`, say) are skipped, at any depth, and listed in `ignored` as
// `<file>:<line>: "<key>" in <context>`. Wrong types and duplicate keys are still errors.
base::Result<PipelineDef> parse_pipeline_def(std::string_view yaml, std::string_view filename,
                                             std::vector<std::string>* ignored = nullptr);

// Go time.ParseDuration syntax ("300ms", "1h30m", "0"); nullopt when malformed.
std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view text);

// `melange compile` output; keys as in melange's JSON tags, empty fields omitted.
nlohmann::ordered_json to_json(const BuildConfig& config);
nlohmann::ordered_json to_json(const PipelineStep& step);

}  // namespace config
