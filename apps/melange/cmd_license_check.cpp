// melange license-check FILE: the licenses of a source tree against package.copyright
// (libs/melange/license_check.hpp). FILE is a melange YAML file or a .apk built by melange
// (its source is fetched into --workdir first), or a source directory (no comparison).
// As melange, differences are reported in the log and the command succeeds; --fix rewrites
// the YAML's copyright from the confident detections.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "apk/package.hpp"
#include "base/fs.hpp"
#include "config/build_config.hpp"
#include "fetch/client.hpp"
#include "melange/commands.hpp"
#include "melange/license_check.hpp"
#include "melange/source.hpp"
#include "sbom/spdx.hpp"

namespace melange_app {

namespace fs = std::filesystem;

cli::Command license_check_command() {
  return {"license-check", "Gather and check licensing data of a configuration's source, a package's, or a directory",
          [](CLI::App& sub) {
            struct Opts {
              std::string file, workdir, format = "flat", scan_type = "shallow", cache_dir = "./melange-cache/";
              bool fix = false;
            };
            auto o = std::make_shared<Opts>();
            sub.add_option("file", o->file, "A melange YAML file, a .apk built by melange, or a source directory")->required();
            sub.add_option("--workdir", o->workdir, "Where the source is fetched to (default: a temporary directory)");
            sub.add_flag("--fix", o->fix, "Rewrite package.copyright of the YAML file from the detected licenses");
            sub.add_option("--format", o->format, "--fix strategy: flat (one entry per license) or simple (one AND expression)")
                ->capture_default_str();
            sub.add_option("--scan-type", o->scan_type, "shallow (top directory + one level) or deep (the entire tree)")
                ->capture_default_str();
            sub.add_option("--cache-dir", o->cache_dir, "Source cache (sha256:<hash>) used before downloading")
                ->capture_default_str();
            return [o]() -> base::Status {
              if (o->scan_type != "shallow" && o->scan_type != "deep")
                return base::fail(base::ErrorCode::kUsage, "invalid --scan-type \"" + o->scan_type + "\" (must be shallow or deep)");
              if (o->format != "flat" && o->format != "simple")
                return base::fail(base::ErrorCode::kUsage, "invalid --format \"" + o->format + "\" (must be flat or simple)");
              const std::string ext = fs::path(o->file).extension().string();
              const bool is_apk = ext == ".apk", is_yaml = ext == ".yaml" || ext == ".yml";
              if (o->fix && !is_yaml)
                return base::fail(base::ErrorCode::kUsage, o->file + ": --fix rewrites a melange YAML file");
              std::optional<config::BuildConfig> cfg;
              fs::path root = o->file;
              std::optional<base::TempDir> tmp;
              if (is_apk || is_yaml) {
                if (is_apk) {
                  apk::PackageReadOptions ro;
                  ro.signature = apk::SignaturePolicy::kIgnore;
                  TRY_ASSIGN(apk::Package pkg, apk::Package::load(o->file, ro));
                  for (const auto& f : pkg.control_files())
                    if (f.name == ".melange.yaml") {
                      TRY_ASSIGN(cfg, config::parse_build_config(f.content, o->file + ":.melange.yaml"));
                    }
                  if (!cfg)
                    return base::fail(base::ErrorCode::kInvalidInput, o->file + ": target package does not contain melange metadata",
                                      "only packages built by melange carry .melange.yaml");
                } else {
                  TRY_ASSIGN(cfg, config::load_build_config(o->file));
                }
                if (o->workdir.empty()) {
                  TRY_ASSIGN(base::TempDir t, base::TempDir::create("melange-license-check-"));
                  tmp.emplace(std::move(t));
                  root = tmp->path();
                } else {
                  root = o->workdir;
                }
                melange::FetchSourcesOptions fo;
                fo.dest = root;
                fo.config_file = is_yaml ? fs::path(o->file) : fs::path();
                fo.cache_dir = o->cache_dir;
                fetch::Client client;
                TRY(melange::fetch_sources(*cfg, fo, client));
              } else if (!fs::is_directory(root)) {
                return base::fail(base::ErrorCode::kNotFound, o->file + ": not a .yaml, a .apk or a directory");
              }

              spdlog::info("checking license information");
              if (cfg)
                for (const auto& c : cfg->package.copyright)
                  if (sbom::license_expression(c.license).empty())
                    spdlog::warn("{}: license \"{}\" is not an SPDX license expression (the SBOM will carry it as a LicenseRef)",
                                 o->file, c.license);
              TRY_ASSIGN(auto r, melange::license_check(root, cfg ? &*cfg : nullptr, o->scan_type == "deep"));
              if (r.detected.empty()) {
                spdlog::info("no license files detected");
                return {};
              }
              std::vector<const melange::DetectedLicense*> low;
              for (const auto& d : r.detected) {
                bool sure = melange::confident(d);
                if (!sure) low.push_back(&d);
                spdlog::info("  {}: {} ({:f}{}) ({})", d.source, d.name, d.confidence, sure ? "" : " low-confidence", d.type);
              }
              if (cfg) {
                spdlog::info("checking gathered license information against the configuration");
                if (!r.diffs.empty()) {
                  spdlog::warn("detected license differences:");
                  for (const auto& d : r.diffs)
                    for (const auto& line : melange::describe_difference(d)) spdlog::warn("  {}", line);
                  spdlog::warn("detected license differences, please check the configuration");
                } else {
                  spdlog::warn("no license differences detected");
                }
              }
              if (!low.empty()) {
                spdlog::warn("following license files could not be confidently assessed:");
                for (const auto* d : low) spdlog::warn("  {}: {} ({:f}) ({})", d->source, d->name, d->confidence, d->type);
                spdlog::warn("could not identify some licenses, please check the configuration");
              }
              spdlog::info("license information check complete");
              if (o->fix) {
                spdlog::info("attempting to update copyright");
                bool any = std::any_of(r.detected.begin(), r.detected.end(), melange::confident);
                if (!any) {
                  spdlog::info("no confident licenses found to update");
                } else if (r.diffs.empty()) {
                  spdlog::info("no actionable license differences detected");
                } else {
                  TRY_ASSIGN(std::string yaml, base::read_file(o->file));
                  TRY_ASSIGN(std::string fixed, melange::fix_copyright(yaml, o->file, r.detected, o->format));
                  TRY(base::write_file_atomic(o->file, fixed, 0644));
                  spdlog::info("{}: package.copyright rewritten ({})", o->file, o->format);
                }
              }
              return {};
            };
          }};
}

}  // namespace melange_app
