#include "sbom/image_sbom.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "sbom/purl.hpp"
#include "sbom/spdx.hpp"

namespace sbom {

namespace {

constexpr std::string_view kManifestType = "application/vnd.oci.image.manifest.v1+json";
constexpr std::string_view kIndexType = "application/vnd.oci.image.index.v1+json";
constexpr std::string_view kNamespacePrefix = "https://spdx.org/spdxdocs/apko/";

std::string creator(const std::string& tool_version) {
  return "Tool: apko (" + (tool_version.empty() ? std::string("devel") : tool_version) + ")";
}

// "sha256:abc" -> "sha256-abc" for use in element IDs.
std::string digest_id(std::string_view digest) { return spdx_id_part(digest); }

std::string digest_hex(std::string_view digest) {
  auto colon = digest.find(':');
  return std::string(colon == std::string_view::npos ? digest : digest.substr(colon + 1));
}

void add_checksum(Json& package, std::string_view algo, std::string_view hex) {
  if (hex.empty()) return;
  package["checksums"] = Json::array({Json{{"algorithm", std::string(algo)}, {"checksumValue", std::string(hex)}}});
}

}  // namespace

std::string image_sbom_json(const ImageSbomInput& in) {
  SpdxDocument doc;
  std::string os_supplier = in.os_name.empty() ? "NOASSERTION" : "Organization: " + in.os_name;
  std::string ns = in.namespace_.empty() ? in.os_id : in.namespace_;
  std::string distro = in.os_id.empty() ? "" : in.os_id + (in.os_version.empty() ? "" : "-" + in.os_version);

  std::string image_id = doc.new_id("Package-Image", digest_id(in.image_digest));
  Json& image = doc.add_package(image_id, in.image_digest, in.image_digest, os_supplier,
                                purl_oci(in.image_name, in.image_digest, in.arch, "linux", kManifestType));
  image["primaryPackagePurpose"] = "CONTAINER";
  add_checksum(image, "SHA256", digest_hex(in.image_digest));
  doc.describe(image_id);

  if (!in.layer_digest.empty()) {
    std::string layer_id = doc.new_id("Package-Layer", digest_id(in.layer_digest));
    Json& layer = doc.add_package(layer_id, in.layer_digest, in.os_version, os_supplier,
                                  purl_oci(in.image_name, in.layer_digest, in.arch, "linux",
                                           "application/vnd.oci.image.layer.v1.tar+gzip"));
    add_checksum(layer, "SHA256", digest_hex(in.layer_digest));
    doc.relate(image_id, "CONTAINS", layer_id);
  }
  if (!in.os_id.empty()) {
    std::string os_id = doc.new_id("OperatingSystem", in.os_id);
    Json& os = doc.add_package(os_id, in.os_id, in.os_version, os_supplier, "");
    os["primaryPackagePurpose"] = "OPERATING_SYSTEM";
    if (!in.os_name.empty()) os["description"] = in.os_name;
    doc.relate(image_id, "CONTAINS", os_id);
  }

  // Every installed package, sorted by name then version so the input order cannot leak in.
  std::vector<const PackageRef*> pkgs;
  for (const auto& p : in.packages) pkgs.push_back(&p);
  std::sort(pkgs.begin(), pkgs.end(), [](const PackageRef* a, const PackageRef* b) {
    return std::tie(a->name, a->version) < std::tie(b->name, b->version);
  });
  std::map<std::string, std::string> id_by_name;
  for (const PackageRef* p : pkgs) {
    std::string id = doc.new_id("Package", p->name + "-" + p->version);
    id_by_name.emplace(p->name, id);
    std::string supplier = !p->supplier.empty() ? "Organization: " + p->supplier : os_supplier;
    Json& pkg = doc.add_package(id, p->name, p->version, supplier,
                                purl_apk(ns, p->name, p->version, p->arch.empty() ? in.arch : p->arch, distro, p->origin));
    doc.set_license(pkg, p->license);
    if (!p->url.empty()) pkg["homepage"] = p->url;
    if (!p->origin.empty()) pkg["sourceInfo"] = "built from apk origin package " + p->origin;
    if (!p->description.empty()) pkg["description"] = p->description;
    add_checksum(pkg, "SHA1", p->checksum_sha1_hex);
    pkg["primaryPackagePurpose"] = "INSTALL";
    doc.relate(image_id, "CONTAINS", id);
  }
  for (const PackageRef* p : pkgs) {
    const std::string& from = id_by_name.at(p->name);
    std::vector<std::string> deps;
    for (const auto& dep : p->depends_on_names) {
      auto it = id_by_name.find(dep);
      if (it != id_by_name.end() && it->second != from) deps.push_back(it->second);
    }
    std::sort(deps.begin(), deps.end());
    deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
    for (const auto& to : deps) doc.relate(from, "DEPENDS_ON", to);
  }
  std::string name = "sbom-" + (in.layer_digest.empty() ? in.image_digest : in.layer_digest);
  return doc.finish(name, kNamespacePrefix, in.created_epoch, {creator(in.tool_version)});
}

std::string index_sbom_json(const IndexSbomInput& in) {
  SpdxDocument doc;
  const std::string supplier = "NOASSERTION";
  std::string index_id = doc.new_id("Package-Index", digest_id(in.index_digest));
  Json& index = doc.add_package(index_id, in.index_digest, in.index_digest, supplier,
                                purl_oci(in.image_name, in.index_digest, "", "", kIndexType));
  index["primaryPackagePurpose"] = "CONTAINER";
  add_checksum(index, "SHA256", digest_hex(in.index_digest));
  doc.describe(index_id);

  auto images = in.images;
  std::sort(images.begin(), images.end());
  for (const auto& [arch, digest] : images) {
    std::string id = doc.new_id("Package-Image", digest_id(digest));
    Json& image = doc.add_package(id, digest, digest, supplier, purl_oci(in.image_name, digest, arch, "linux", kManifestType));
    image["primaryPackagePurpose"] = "CONTAINER";
    add_checksum(image, "SHA256", digest_hex(digest));
    doc.relate(id, "VARIANT_OF", index_id);
  }
  return doc.finish("sbom-" + in.index_digest, kNamespacePrefix, in.created_epoch, {creator(in.tool_version)});
}

}  // namespace sbom
