#include "sbom/package_sbom.hpp"

#include "sbom/purl.hpp"
#include "sbom/spdx.hpp"

namespace sbom {

namespace {

// github.com/<org>/<repo>[.git] -> {org, repo}; empty when the URL is not a GitHub repository.
std::pair<std::string, std::string> github_repo(std::string_view url) {
  for (std::string_view prefix : {"https://github.com/", "http://github.com/", "git@github.com:"}) {
    if (!url.starts_with(prefix)) continue;
    url.remove_prefix(prefix.size());
    while (url.ends_with("/")) url.remove_suffix(1);
    if (url.ends_with(".git")) url.remove_suffix(4);
    auto slash = url.find('/');
    if (slash == std::string_view::npos || url.find('/', slash + 1) != std::string_view::npos) return {};
    return {std::string(url.substr(0, slash)), std::string(url.substr(slash + 1))};
  }
  return {};
}

std::string config_purl(const PackageSbomInput& in) {
  auto [org, repo] = github_repo(in.config_repo_url);
  Purl p;
  if (!org.empty()) {
    p = Purl{"github", org, repo, in.config_commit, {}, in.config_path};
  } else if (!in.config_repo_url.empty()) {
    std::string url = in.config_repo_url;
    p = Purl{"generic", "", in.name + "-config", in.config_commit, {{"vcs_url", "git+" + url}}, in.config_path};
  } else {
    return {};
  }
  return p.str();
}

std::string source_purl(const SourceRef& src) {
  if (!src.purl.empty()) return src.purl;
  auto [org, repo] = github_repo(src.url);
  if (!org.empty()) return Purl{"github", org, repo, src.version, {}, {}}.str();
  if (src.url.empty()) return {};
  Purl p{"generic", "", src.name, src.version, {}, {}};
  if (!src.sha256.empty()) {
    p.qualifiers["download_url"] = src.url;
    p.qualifiers["checksum"] = "sha256:" + src.sha256;
  } else {
    p.qualifiers["vcs_url"] = "git+" + src.url + (src.version.empty() ? "" : "@" + src.version);
  }
  return p.str();
}

}  // namespace

std::string package_sbom_json(const PackageSbomInput& in) {
  SpdxDocument doc;
  std::string ns = in.namespace_.empty() ? "unknown" : in.namespace_;
  std::string supplier = "Organization: " + ns;

  std::string apk_id = doc.new_id("Package", in.name + "-" + in.version);
  Json& apk = doc.add_package(apk_id, in.name, in.version, supplier, purl_apk(ns, in.name, in.version, in.arch, ns));
  doc.set_license(apk, in.license);
  if (!in.copyright.empty()) apk["copyrightText"] = in.copyright;
  apk["primaryPackagePurpose"] = "INSTALL";
  doc.describe(apk_id);

  std::string os_id = doc.new_id("OperatingSystem", ns);
  Json& os = doc.add_package(os_id, ns, "", supplier, "");
  os["primaryPackagePurpose"] = "OPERATING_SYSTEM";
  doc.relate(os_id, "CONTAINS", apk_id);

  if (!in.config_path.empty()) {
    std::string cfg_id = doc.new_id("Package", in.config_path + (in.config_commit.empty() ? "" : "-" + in.config_commit));
    std::string location = in.config_repo_url.empty() ? "NOASSERTION" : in.config_repo_url;
    Json& cfg = doc.add_package(cfg_id, in.config_path, in.config_commit, supplier, config_purl(in), location);
    if (!in.config_license.empty()) doc.set_license(cfg, in.config_license);
    cfg["primaryPackagePurpose"] = "FILE";
    doc.relate(apk_id, "DESCRIBED_BY", cfg_id);
  }

  for (const auto& src : in.sources) {
    std::string id = doc.new_id("Package", src.name + (src.version.empty() ? "" : "-" + src.version));
    // The upstream author is not the distribution: no supplier is claimed for sources.
    Json& pkg = doc.add_package(id, src.name, src.version, "NOASSERTION", source_purl(src),
                                src.url.empty() ? "NOASSERTION" : src.url);
    if (!src.sha256.empty())
      pkg["checksums"] = Json::array({Json{{"algorithm", "SHA256"}, {"checksumValue", src.sha256}}});
    pkg["primaryPackagePurpose"] = "SOURCE";
    doc.relate(apk_id, "GENERATED_FROM", id);
  }
  return doc.finish("apk-" + in.name + "-" + in.version, "https://spdx.org/spdxdocs/melange/", in.created_epoch,
                    {"Tool: melange (" + (in.tool_version.empty() ? std::string("devel") : in.tool_version) + ")"});
}

}  // namespace sbom
