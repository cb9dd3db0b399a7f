#include "melange/rebuild.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include <set>

#include "base/fs.hpp"

namespace melange {

namespace fs = std::filesystem;

namespace {

bool name_ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

base::Result<RebuildSource> rebuild_source(const apk::Package& pkg) {
  RebuildSource r;
  const apk::PackageInfo& info = pkg.info();
  r.name = info.name;
  r.version = info.version;
  r.arch = info.arch;
  r.origin = info.origin.empty() ? info.name : info.origin;
  r.namespace_ = info.maintainer;
  r.build_date = info.build_time;
  r.recipe_hash = info.recipe_hash;
  for (const auto& f : pkg.control_files())
    if (f.name == ".melange.yaml") r.config_yaml = f.content;
  if (r.config_yaml.empty())
    return base::fail(base::ErrorCode::kInvalidInput, pkg.origin() + ": no .melange.yaml in the package",
                      "only packages built by melange carry the configuration they were built from");

  const std::string sbom_path = "var/lib/db/sbom/" + info.name + "-" + info.version + ".spdx.json";
  std::string sbom;
  bool found = false;
  TRY(pkg.for_each_entry([&](const archive::TarEntry& e, std::string_view data) -> base::Status {
    if (e.name == sbom_path && e.type == archive::EntryType::kFile) {
      sbom = std::string(data);
      found = true;
    }
    return base::ok();
  }));
  if (!found) return base::fail(base::ErrorCode::kInvalidInput, pkg.origin() + ": no SBOM at " + sbom_path);
  auto doc = nlohmann::json::parse(sbom, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return base::fail(base::ErrorCode::kFormat, pkg.origin() + ": " + sbom_path + " is not JSON");
  if (doc.contains("packages") && doc["packages"].is_array())
    for (const auto& p : doc["packages"]) {
      if (!p.is_object() || !p.contains("name") || !p["name"].is_string()) continue;
      std::string name = p["name"].get<std::string>();
      bool file = p.contains("primaryPackagePurpose") && p["primaryPackagePurpose"] == "FILE";
      if (file || name_ends_with(name, ".yaml") || name_ends_with(name, ".yml")) {
        r.config_name = name;
        auto field = [&](const char* key) {
          std::string v = p.contains(key) && p[key].is_string() ? p[key].get<std::string>() : "";
          return v == "NOASSERTION" ? std::string() : v;
        };
        r.config_commit = field("versionInfo");
        r.config_repo_url = field("downloadLocation");
        r.config_license = field("licenseDeclared");
        break;
      }
    }
  if (r.config_name.empty())
    return base::fail(base::ErrorCode::kInvalidInput,
                      pkg.origin() + ": " + sbom_path + " names no configuration file (no FILE package)");
  return r;
}

base::Result<std::vector<RebuildResult>> rebuild(const RebuildOptions& opts) {
  std::vector<RebuildResult> out;
  std::set<std::string> origins;
  for (const auto& path : opts.packages) {
    apk::PackageReadOptions ro;
    ro.signature = apk::SignaturePolicy::kIgnore;
    TRY_ASSIGN(apk::Package pkg, apk::Package::load(path, ro));
    TRY_ASSIGN(RebuildSource src, rebuild_source(pkg));
    const std::string key = src.arch + "/" + src.origin;
    if (origins.count(key)) {
      spdlog::warn("not rebuilding {}: origin {} was already rebuilt", path.string(), src.origin);
    } else {
      spdlog::info("rebuilding {} ({} from {}, build date {})", path.string(), src.origin, src.config_name, src.build_date);
      TRY_ASSIGN(base::TempDir tmp, base::TempDir::create("melange-rebuild-"));
      fs::path name = fs::path(src.config_name).filename();
      if (name.empty() || name == "." || name == "..") name = src.origin + ".yaml";
      if (fs::path(src.config_name).has_parent_path())
        spdlog::warn("{}: the SBOM names the configuration {}; the rebuilt SBOM names {}", path.string(), src.config_name,
                     name.string());
      fs::path cfg = tmp.path() / name;
      TRY(base::write_file_atomic(cfg, src.config_yaml, 0644));
      BuildOptions b = opts.build;
      b.config_file = cfg;
      b.archs = {src.arch};
      b.namespace_ = src.namespace_.empty() ? "unknown" : src.namespace_;
      b.build_date.clear();
      b.source_date_epoch = src.build_date;
      b.recipe_hash = src.recipe_hash;
      b.config_commit = src.config_commit;
      b.config_repo_url = src.config_repo_url;
      b.config_license = src.config_license.empty() ? "NOASSERTION" : src.config_license;
      if (b.source_dir.empty()) {
        b.source_dir = tmp.path();
        b.empty_workspace = true;
      }
      TRY(base::with_context(build(b), "rebuild of " + path.string()));
      origins.insert(key);
    }
    RebuildResult r;
    r.original = path;
    r.rebuilt = opts.build.out_dir / src.arch / (src.name + "-" + src.version + ".apk");
    if (opts.diff) {
      TRY_ASSIGN(std::string old_bytes, base::read_file(path));
      auto new_bytes = base::read_file(r.rebuilt);
      if (!new_bytes)
        return base::fail(base::ErrorCode::kNotFound,
                          path.string() + ": the rebuild did not produce " + r.rebuilt.string(),
                          "the embedded configuration no longer builds this package");
      spdlog::info("diffing {} and {}", path.string(), r.rebuilt.string());
      TRY_ASSIGN(r.diff, diff_packages(old_bytes, path.string(), *new_bytes, r.rebuilt.string()));
      r.compared = true;
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace melange
