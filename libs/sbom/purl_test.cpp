#include "sbom/purl.hpp"

#include <gtest/gtest.h>

namespace sbom {
namespace {

TEST(Purl, ApkBasic) {
  EXPECT_EQ(purl_apk("wolfi", "curl", "8.5.0-r0", "x86_64"), "pkg:apk/wolfi/curl@8.5.0-r0?arch=x86_64");
}

TEST(Purl, ApkQualifiersSortedAndOriginOnlyWhenDifferent) {
  EXPECT_EQ(purl_apk("wolfi", "libcurl4", "8.5.0-r0", "aarch64", "wolfi-20230201", "curl"),
            "pkg:apk/wolfi/libcurl4@8.5.0-r0?arch=aarch64&distro=wolfi-20230201&origin=curl");
  EXPECT_EQ(purl_apk("wolfi", "curl", "8.5.0-r0", "aarch64", "", "curl"), "pkg:apk/wolfi/curl@8.5.0-r0?arch=aarch64");
}

TEST(Purl, ApkLowercasesAndEscapes) {
  // '+' in names and versions must be percent-encoded (it means space in query strings).
  EXPECT_EQ(purl_apk("Alpine", "libstdc++", "1.0_git20240101+x-r1", "x86"),
            "pkg:apk/alpine/libstdc%2B%2B@1.0_git20240101%2Bx-r1?arch=x86");
}

TEST(Purl, OciQualifiersEncoded) {
  EXPECT_EQ(purl_oci("Golden", "sha256:abc", "amd64", "linux", "application/vnd.oci.image.manifest.v1+json"),
            "pkg:oci/golden@sha256:abc?arch=amd64&mediatype=application%2Fvnd.oci.image.manifest.v1%2Bjson&os=linux");
}

TEST(Purl, GenericWithSubpath) {
  Purl p{"github", "chainguard-dev", "melange", "abc123", {}, "examples/./x/../hello.yaml"};
  EXPECT_EQ(p.str(), "pkg:github/chainguard-dev/melange@abc123#examples/x/hello.yaml");
  EXPECT_EQ(purl_escape("a b/c@d"), "a%20b%2Fc%40d");
}

}  // namespace
}  // namespace sbom
