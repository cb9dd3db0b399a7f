#include "sbom/package_sbom.hpp"

#include <gtest/gtest.h>

#include "sbom/spdx.hpp"
#include "sbom/test_util.hpp"

namespace sbom {
namespace {

PackageSbomInput sample_package() {
  PackageSbomInput in;
  in.name = "hello";
  in.version = "2.12-r0";
  in.arch = "x86_64";
  in.license = "GPL-3.0-or-later";
  in.copyright = "Copyright (C) Free Software Foundation";
  in.namespace_ = "wolfi";
  in.config_path = "hello.yaml";
  in.config_repo_url = "https://github.com/wolfi-dev/os.git";
  in.config_commit = "0123abcd";
  in.created_epoch = 1700000000;
  in.sources = {{"hello", "2.12", "https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz", std::string(64, 'f'), ""},
                {"gnulib", "deadbeef", "https://github.com/coreutils/gnulib", "", ""}};
  return in;
}

std::string purl_of(const Json& doc, const std::string& name) {
  for (const auto& p : doc["packages"])
    if (p["name"] == name && p.contains("externalRefs")) return p["externalRefs"][0]["referenceLocator"];
  return {};
}

bool related(const Json& doc, const std::string& type, const std::string& to_name) {
  std::string to_id;
  for (const auto& p : doc["packages"])
    if (p["name"] == to_name) to_id = p["SPDXID"];
  for (const auto& r : doc["relationships"])
    if (r["spdxElementId"] == "SPDXRef-Package-hello-2.12-r0" && r["relationshipType"] == type &&
        r["relatedSpdxElement"] == to_id)
      return true;
  return false;
}

TEST(PackageSbom, Contents) {
  Json doc = Json::parse(package_sbom_json(sample_package()));
  EXPECT_EQ(doc["documentDescribes"][0], "SPDXRef-Package-hello-2.12-r0");
  EXPECT_EQ(purl_of(doc, "hello"), "pkg:apk/wolfi/hello@2.12-r0?arch=x86_64&distro=wolfi");
  EXPECT_EQ(doc["packages"][0]["licenseDeclared"], "GPL-3.0-or-later");
  EXPECT_EQ(doc["packages"][0]["copyrightText"], "Copyright (C) Free Software Foundation");
  EXPECT_EQ(purl_of(doc, "hello.yaml"), "pkg:github/wolfi-dev/os@0123abcd#hello.yaml");
  EXPECT_TRUE(related(doc, "DESCRIBED_BY", "hello.yaml"));
  EXPECT_TRUE(related(doc, "GENERATED_FROM", "gnulib"));
  EXPECT_EQ(purl_of(doc, "gnulib"), "pkg:github/coreutils/gnulib@deadbeef");
  EXPECT_NE(purl_of(doc, "hello").find("hello"), std::string::npos);
  std::string tarball = doc["packages"][3]["externalRefs"][0]["referenceLocator"];
  EXPECT_EQ(tarball, "pkg:generic/hello@2.12?checksum=sha256:" + std::string(64, 'f') +
                         "&download_url=https:%2F%2Fftp.gnu.org%2Fgnu%2Fhello%2Fhello-2.12.tar.gz");
  EXPECT_EQ(doc["packages"][3]["supplier"], "NOASSERTION") << "the distro is not the upstream supplier";
  EXPECT_EQ(doc["creationInfo"]["creators"][0], "Tool: melange (devel)");
}

TEST(PackageSbom, Deterministic) { EXPECT_EQ(package_sbom_json(sample_package()), package_sbom_json(sample_package())); }

TEST(PackageSbom, ValidAgainstSchema) {
  auto in = sample_package();
  in.license = "Some Custom Thing";
  in.config_repo_url.clear();
  auto v = testing::validate_json(testing::spdx_schema(), package_sbom_json(in));
  EXPECT_EQ(v.exit_code, 0) << v.output;
}

}  // namespace
}  // namespace sbom
