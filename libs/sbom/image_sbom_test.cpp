#include "sbom/image_sbom.hpp"

#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "sbom/spdx.hpp"
#include "sbom/test_util.hpp"

namespace sbom {
namespace {

// SPDX rules the JSON schema does not check: unique, well-formed IDs, and every
// relationship and documentDescribes entry naming an element of the document.
void expect_consistent(const Json& doc) {
  static const std::regex kId("SPDXRef-[A-Za-z0-9.-]+");
  std::set<std::string> ids{"SPDXRef-DOCUMENT"};
  for (const auto& p : doc["packages"]) {
    std::string id = p["SPDXID"];
    EXPECT_TRUE(std::regex_match(id, kId)) << id;
    EXPECT_TRUE(ids.insert(id).second) << "duplicate " << id;
  }
  for (const auto& r : doc["relationships"]) {
    EXPECT_TRUE(ids.count(r["spdxElementId"].get<std::string>())) << r.dump();
    EXPECT_TRUE(ids.count(r["relatedSpdxElement"].get<std::string>())) << r.dump();
  }
  for (const auto& d : doc["documentDescribes"]) EXPECT_TRUE(ids.count(d.get<std::string>())) << d;
}

const Json* find_package(const Json& doc, const std::string& name) {
  for (const auto& p : doc["packages"])
    if (p["name"] == name) return &p;
  return nullptr;
}

bool has_relationship(const Json& doc, const std::string& from, const std::string& type, const std::string& to) {
  for (const auto& r : doc["relationships"])
    if (r["spdxElementId"] == from && r["relationshipType"] == type && r["relatedSpdxElement"] == to) return true;
  return false;
}

ImageSbomInput sample() {
  ImageSbomInput in;
  in.image_digest = "sha256:" + std::string(64, 'a');
  in.layer_digest = "sha256:" + std::string(64, 'b');
  in.image_name = "golden";
  in.arch = "amd64";
  in.os_id = "wolfi";
  in.os_name = "Wolfi";
  in.os_version = "20230201";
  in.created_epoch = 1700000000;
  in.tool_version = "0.1.0";
  // Deliberately unsorted, and none of them "ships its own SBOM".
  in.packages = {
      {"wolfi-baselayout", "20230201-r7", "x86_64", "MIT", "wolfi-baselayout", "baselayout", "", "", "", {}},
      {"libcrypto3", "3.2.0-r0", "x86_64", "Apache-2.0", "openssl", "crypto", "https://openssl.org", "", "0123456789abcdef0123456789abcdef01234567", {"glibc", "so:missing"}},
      {"glibc", "2.38-r5", "x86_64", "LGPL-2.1-or-later AND GPL-2.0-or-later", "glibc", "", "", "", "", {"wolfi-baselayout", "glibc"}},
      {"busybox", "1.36.1-r2", "x86_64", "GPL-2.0-only custom", "busybox", "", "", "", "", {"glibc"}},
  };
  return in;
}

TEST(ImageSbom, ListsEveryInstalledPackageWithPurl) {
  auto in = sample();
  Json doc = Json::parse(image_sbom_json(in));
  expect_consistent(doc);
  EXPECT_EQ(doc["spdxVersion"], "SPDX-2.3");
  EXPECT_EQ(doc["creationInfo"]["created"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(doc["creationInfo"]["creators"][0], "Tool: apko (0.1.0)");
  std::string image_id = "SPDXRef-Package-Image-sha256-" + std::string(64, 'a');
  EXPECT_EQ(doc["documentDescribes"][0], image_id);
  for (const auto& p : in.packages) {
    const Json* pkg = find_package(doc, p.name);
    ASSERT_NE(pkg, nullptr) << p.name << " missing from the SBOM";
    EXPECT_EQ((*pkg)["versionInfo"], p.version);
    ASSERT_TRUE(pkg->contains("externalRefs")) << p.name;
    std::string purl = (*pkg)["externalRefs"][0]["referenceLocator"];
    EXPECT_TRUE(purl.starts_with("pkg:apk/wolfi/" + p.name + "@" + p.version + "?arch=x86_64&distro=wolfi-20230201"))
        << purl;
    EXPECT_TRUE(has_relationship(doc, image_id, "CONTAINS", (*pkg)["SPDXID"])) << p.name;
  }
  const Json* crypto = find_package(doc, "libcrypto3");
  EXPECT_EQ((*crypto)["externalRefs"][0]["referenceLocator"],
            "pkg:apk/wolfi/libcrypto3@3.2.0-r0?arch=x86_64&distro=wolfi-20230201&origin=openssl");
  EXPECT_EQ((*crypto)["checksums"][0]["algorithm"], "SHA1");
  EXPECT_EQ((*crypto)["homepage"], "https://openssl.org");
  EXPECT_TRUE(has_relationship(doc, "SPDXRef-Package-libcrypto3-3.2.0-r0", "DEPENDS_ON", "SPDXRef-Package-glibc-2.38-r5"));
  EXPECT_TRUE(has_relationship(doc, "SPDXRef-Package-glibc-2.38-r5", "DEPENDS_ON",
                               "SPDXRef-Package-wolfi-baselayout-20230201-r7"));
  EXPECT_FALSE(has_relationship(doc, "SPDXRef-Package-glibc-2.38-r5", "DEPENDS_ON", "SPDXRef-Package-glibc-2.38-r5"));
  // A license that is no SPDX expression becomes a declared LicenseRef.
  EXPECT_EQ((*find_package(doc, "busybox"))["licenseDeclared"], "LicenseRef-GPL-2.0-only-custom");
  EXPECT_NE(find_package(doc, "wolfi"), nullptr) << "operating system package";
  EXPECT_NE(find_package(doc, in.layer_digest), nullptr) << "layer package";
}

TEST(ImageSbom, DeterministicAndOrderIndependent) {
  auto in = sample();
  std::string a = image_sbom_json(in);
  std::reverse(in.packages.begin(), in.packages.end());
  EXPECT_EQ(a, image_sbom_json(in));
  in.packages.pop_back();
  std::string c = image_sbom_json(in);
  EXPECT_NE(Json::parse(a)["documentNamespace"], Json::parse(c)["documentNamespace"]);
}

TEST(ImageSbom, ValidAgainstSchema) {
  auto v = testing::validate_json(testing::spdx_schema(), image_sbom_json(sample()));
  EXPECT_EQ(v.exit_code, 0) << v.output;
}

TEST(IndexSbom, VariantsOfIndex) {
  IndexSbomInput in{"sha256:" + std::string(64, 'c'), "golden", 0,
                    {{"arm64", "sha256:" + std::string(64, 'e')}, {"amd64", "sha256:" + std::string(64, 'd')}}, ""};
  std::string json = index_sbom_json(in);
  Json doc = Json::parse(json);
  expect_consistent(doc);
  EXPECT_EQ(doc["creationInfo"]["created"], "1970-01-01T00:00:00Z");
  std::string index_id = "SPDXRef-Package-Index-sha256-" + std::string(64, 'c');
  EXPECT_EQ(doc["documentDescribes"][0], index_id);
  EXPECT_TRUE(has_relationship(doc, "SPDXRef-Package-Image-sha256-" + std::string(64, 'd'), "VARIANT_OF", index_id));
  EXPECT_TRUE(has_relationship(doc, "SPDXRef-Package-Image-sha256-" + std::string(64, 'e'), "VARIANT_OF", index_id));
  const Json* arm = find_package(doc, "sha256:" + std::string(64, 'e'));
  ASSERT_NE(arm, nullptr);
  EXPECT_NE((*arm)["externalRefs"][0]["referenceLocator"].get<std::string>().find("arch=arm64"), std::string::npos);
  auto v = testing::validate_json(testing::spdx_schema(), json);
  EXPECT_EQ(v.exit_code, 0) << v.output;
}

}  // namespace
}  // namespace sbom
