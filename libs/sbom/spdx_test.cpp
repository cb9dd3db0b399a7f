#include "sbom/spdx.hpp"

#include <gtest/gtest.h>

#include "sbom/test_util.hpp"

namespace sbom {
namespace {

TEST(Spdx, Rfc3339) {
  EXPECT_EQ(rfc3339_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(rfc3339_utc(1700000000), "2023-11-14T22:13:20Z");  // date -u -d @1700000000
  EXPECT_EQ(rfc3339_utc(-5), "1970-01-01T00:00:00Z");
}

TEST(Spdx, IdPart) { EXPECT_EQ(spdx_id_part("sha256:ab_c+d/e.f-g"), "sha256-ab-c-d-e.f-g"); }

TEST(Spdx, LicenseExpressions) {
  EXPECT_EQ(license_expression("MIT"), "MIT");
  EXPECT_EQ(license_expression(" GPL-2.0-or-later AND (MIT OR Apache-2.0) "), "GPL-2.0-or-later AND (MIT OR Apache-2.0)");
  EXPECT_EQ(license_expression("GPL-2.0+ WITH Classpath-exception-2.0"), "GPL-2.0+ WITH Classpath-exception-2.0");
  EXPECT_EQ(license_expression(""), "NOASSERTION");
  EXPECT_EQ(license_expression("MIT BSD"), "");           // two ids without an operator
  EXPECT_EQ(license_expression("custom:foo"), "");
  EXPECT_EQ(license_expression("(MIT"), "");
  EXPECT_EQ(license_expression("MIT AND"), "");
}

TEST(Spdx, UniqueIdsAndDeterministicNamespace) {
  auto build = [] {
    SpdxDocument doc;
    EXPECT_EQ(doc.new_id("Package", "a_b"), "SPDXRef-Package-a-b");
    EXPECT_EQ(doc.new_id("Package", "a+b"), "SPDXRef-Package-a-b-2");
    Json& p = doc.add_package("SPDXRef-Package-a-b", "a_b", "1", "", "pkg:apk/x/a_b@1");
    doc.set_license(p, "Custom License");
    doc.set_license(doc.add_package("SPDXRef-Package-a-b-2", "a+b", "1", "", ""), "Custom License");
    doc.set_license(doc.add_package(doc.new_id("Package", "c"), "c", "1", "", ""), "Custom_License");
    doc.describe("SPDXRef-Package-a-b");
    return doc.finish("doc", "https://example.org/", 0, {"Tool: test"});
  };
  std::string a = build(), b = build();
  EXPECT_EQ(a, b);
  auto j = Json::parse(a);
  EXPECT_TRUE(j["documentNamespace"].get<std::string>().starts_with("https://example.org/doc-"));
  EXPECT_EQ(j["packages"][0]["licenseDeclared"], "LicenseRef-Custom-License");
  EXPECT_EQ(j["hasExtractedLicensingInfos"][0]["extractedText"], "Custom License");
  EXPECT_EQ(j["packages"][1]["licenseDeclared"], "LicenseRef-Custom-License") << "same text, same ref";
  std::string other = j["packages"][2]["licenseDeclared"];
  EXPECT_TRUE(other.starts_with("LicenseRef-Custom-License-")) << "different text must not share the ref: " << other;
  EXPECT_EQ(j["hasExtractedLicensingInfos"].size(), 2u);
  auto v = testing::validate_json(testing::spdx_schema(), a);
  EXPECT_EQ(v.exit_code, 0) << v.output;
}

TEST(Spdx, ValidatorRejectsBrokenDocument) {
  // Guards the validator itself: a document without required fields must fail.
  auto v = testing::validate_json(testing::spdx_schema(), R"({"spdxVersion":"SPDX-2.3"})");
  EXPECT_EQ(v.exit_code, 1) << v.output;
}

}  // namespace
}  // namespace sbom
