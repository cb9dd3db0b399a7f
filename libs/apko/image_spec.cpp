#include "apko/image_spec.hpp"

#include <algorithm>

#include "apko/accounts.hpp"
#include "apko/build_date.hpp"
#include "base/shlex.hpp"

namespace apko {

base::Result<std::map<std::string, std::string>> image_annotations(
    const config::ImageConfig& cfg, const std::vector<std::pair<std::string, std::string>>& cli_annotations,
    const std::string& vcs_url, int64_t epoch) {
  std::map<std::string, std::string> a;
  for (const auto& [k, v] : cfg.annotations) a[k] = v;
  for (const auto& [k, v] : cli_annotations) a[k] = v;
  a["org.opencontainers.image.created"] = format_rfc3339(epoch);
  std::string vcs = !cfg.vcs_url.empty() ? cfg.vcs_url : vcs_url;
  if (auto at = vcs.rfind('@'); at != std::string::npos && at > 0 && at + 1 < vcs.size()) {
    a["org.opencontainers.image.source"] = vcs.substr(0, at);
    a["org.opencontainers.image.revision"] = vcs.substr(at + 1);
  }
  return a;
}

base::Result<oci::ImageConfigSpec> image_config_spec(const config::ImageConfig& cfg, const rootfs::Tree& tree,
                                                     const apk::Arch& arch, int64_t epoch,
                                                     const std::map<std::string, std::string>& annotations) {
  oci::ImageConfigSpec s;
  s.platform.architecture = arch.oci;
  s.platform.variant = arch.variant;
  s.created = format_rfc3339(epoch);
  s.author = kAuthor;
  const auto& ep = cfg.entrypoint;
  if (!ep.shell_fragment.empty()) {
    s.entrypoint = {"/bin/sh", "-c", ep.shell_fragment};
  } else if (ep.type == "service-bundle") {
    s.entrypoint = {"/bin/s6-svscan", "/sv"};
  } else if (!ep.command.empty()) {
    TRY_ASSIGN(s.entrypoint, base::shlex_split(ep.command, "entrypoint.command"));
  }
  if (!cfg.cmd.empty()) {
    TRY_ASSIGN(s.cmd, base::shlex_split(cfg.cmd, "cmd"));
  }
  s.working_dir = cfg.work_dir;
  s.stop_signal = cfg.stop_signal;
  if (!cfg.accounts.run_as.empty()) s.user = resolve_run_as(tree, cfg.accounts.run_as);
  std::map<std::string, std::string> env;
  for (const auto& [k, v] : cfg.environment) env[k] = v;
  env.try_emplace("PATH", kDefaultPath);
  env.try_emplace("SSL_CERT_FILE", kDefaultSslCertFile);
  for (const auto& [k, v] : env) s.env.push_back(k + "=" + v);
  s.labels = annotations;
  s.volumes = cfg.volumes;
  std::sort(s.volumes.begin(), s.volumes.end());
  s.volumes.erase(std::unique(s.volumes.begin(), s.volumes.end()), s.volumes.end());
  oci::HistoryEntry h;
  h.created = s.created;
  h.created_by = "apko";
  h.author = "apko";
  auto title = annotations.find("org.opencontainers.image.title");
  auto vendor = annotations.find("org.opencontainers.image.vendor");
  h.comment = title != annotations.end() && vendor != annotations.end() ? title->second + " by " + vendor->second
                                                                        : "This is an apko single-layer image";
  s.history.push_back(h);
  return s;
}

}  // namespace apko
