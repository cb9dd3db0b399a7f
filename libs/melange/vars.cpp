#include "melange/vars.hpp"

#include <algorithm>
#include <cctype>

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

}  // namespace melange
