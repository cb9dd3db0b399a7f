#include "melange/vars.hpp"

#include <algorithm>
#include <cctype>

#include "base/fs.hpp"
#include "base/strings.hpp"
#include "config/yaml_util.hpp"

namespace melange {

VarMap package_variables(const config::Package& package, const apk::Arch& arch,
                         const std::vector<std::string>& all_options,
                         const std::vector<std::string>& enabled_options) {
  VarMap v;
  std::string epoch = std::to_string(package.epoch);
  v["package.name"] = package.name;
  v["package.version"] = package.version;
  v["package.epoch"] = epoch;
  v["package.full-version"] = package.version + "-r" + epoch;
  v["package.description"] = package.description;
  v["package.srcdir"] = std::string(kWorkspaceDir);
  v["targets.outdir"] = std::string(kOutDir);
  v["targets.destdir"] = std::string(kOutDir) + "/" + package.name;
  v["targets.contextdir"] = v["targets.destdir"];
  v["context.name"] = package.name;
  v["host.triplet.gnu"] = arch.gnu_triplet;
  v["host.triplet.rust"] = arch.rust_triplet;
  v["cross.triplet.gnu.glibc"] = arch.gnu_triplet;
  v["cross.triplet.gnu.musl"] = apk::with_libc(arch.gnu_triplet, "musl");
  v["cross.triplet.rust.glibc"] = arch.rust_triplet;
  v["cross.triplet.rust.musl"] = apk::with_libc(arch.rust_triplet, "musl");
  v["build.arch"] = arch.apk;
  v["build.goarch"] = arch.goarch;
  for (const auto& o : all_options) {
    bool on = std::find(enabled_options.begin(), enabled_options.end(), o) != enabled_options.end();
    v["options." + o + ".enabled"] = on ? "true" : "false";
  }
  return v;
}

void set_subpackage_variables(VarMap& vars, std::string_view subpackage) {
  std::string dir = std::string(kOutDir) + "/" + std::string(subpackage);
  vars["targets.subpkgdir"] = dir;
  vars["targets.contextdir"] = dir;
  vars["subpkg.name"] = std::string(subpackage);
  vars["context.name"] = std::string(subpackage);
}

std::string input_env_name(std::string_view input) {
  std::string out = "INPUT_";
  for (char c : input) {
    unsigned char u = static_cast<unsigned char>(c);
    out += std::isalnum(u) ? static_cast<char>(std::toupper(u)) : '_';
  }
  return out;
}

std::string shell_quote(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  out += "'";
  return out;
}

std::string join_continuations(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size() && value[i + 1] == '\n') {
      ++i;
      continue;
    }
    out += value[i];
  }
  return out;
}

base::Result<config::OrderedMap> load_vars_file(const std::filesystem::path& file) {
  TRY_ASSIGN(std::string text, base::read_file(file));
  TRY_ASSIGN(YAML::Node root, config::parse_yaml(text, file.string()));
  return config::read_string_map(root, file.string(), "vars file");
}

base::Result<config::OrderedMap> parse_env_file(std::string_view text, std::string_view filename) {
  config::OrderedMap out;
  int n = 0;
  for (std::string_view raw : base::split(text, '\n')) {
    ++n;
    std::string_view line = base::trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("export ")) line = base::trim(line.substr(7));
    size_t eq = line.find('=');
    std::string key(base::trim(line.substr(0, eq == std::string_view::npos ? 0 : eq)));
    bool key_ok = !key.empty() && !std::isdigit(static_cast<unsigned char>(key[0]));
    for (char c : key) key_ok = key_ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    if (eq == std::string_view::npos || !key_ok)
      return base::fail(base::ErrorCode::kInvalidInput,
                        std::string(filename) + ":" + std::to_string(n) + ": expected KEY=VALUE");
    std::string_view value = base::trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    config::map_set(out, key, std::string(value));
  }
  return out;
}

base::Result<config::OrderedMap> load_env_file(const std::filesystem::path& file) {
  TRY_ASSIGN(std::string text, base::read_file(file));
  return parse_env_file(text, file.string());
}

base::Result<config::OrderedMap> load_env_files(const std::vector<std::filesystem::path>& files) {
  config::OrderedMap out;
  for (const auto& f : files) {
    TRY_ASSIGN(config::OrderedMap one, load_env_file(f));
    for (auto& [k, v] : one) config::map_set(out, k, std::move(v));
  }
  return out;
}

}  // namespace melange
