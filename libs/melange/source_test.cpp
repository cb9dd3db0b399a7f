#include "melange/source.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace melange {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(SourcePop, ReplacesPatchStepsWithOneGitAmStep) {
  const std::string yaml = R"(package:
  name: foo
  version: "1"
  epoch: 0
pipeline:
  - uses: git-checkout
    with:
      repository: https://example.com/foo
      expected-commit: abc
  # patches
  - uses: patch
    with:
      patches: a.patch
  - uses: patch
    with:
      patches: b.patch

  - runs: make   # build
)";
  auto r = replace_patch_steps(yaml, "foo.yaml", {"0001-a.patch", "0002-b.patch"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, R"(package:
  name: foo
  version: "1"
  epoch: 0
pipeline:
  - uses: git-checkout
    with:
      repository: https://example.com/foo
      expected-commit: abc
  # patches
  - uses: git-am
    with:
      patches: 0001-a.patch 0002-b.patch

  - runs: make   # build
)");
}

TEST(SourcePop, InsertsAfterGitCheckoutWithoutPatchSteps) {
  const std::string yaml =
      "package:\n  name: foo\n  version: \"1\"\n  epoch: 0\npipeline:\n- uses: git-checkout\n  with:\n    repository: r\n"
      "- runs: make\n";
  auto r = replace_patch_steps(yaml, "foo.yaml", {"0001-x.patch"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r,
            "package:\n  name: foo\n  version: \"1\"\n  epoch: 0\npipeline:\n- uses: git-checkout\n  with:\n    repository: r\n"
            "- uses: git-am\n  with:\n    patches: 0001-x.patch\n- runs: make\n");
  auto none = replace_patch_steps("package:\n  name: foo\n  version: \"1\"\npipeline:\n  - runs: make\n", "bar.yaml", {"x"});
  ASSERT_FALSE(none);
  EXPECT_THAT(none.error().message, HasSubstr("bar.yaml: no patch or git-checkout step"));
}

TEST(SourceGet, CherryPicks) {
  auto r = parse_cherry_picks("# comment\n\nmain/abc123: fix the thing\nrelease/1.2/def456: backport\n  789aaa : plain\n");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_THAT(*r, ElementsAre("abc123", "def456", "789aaa"));
  auto bad = parse_cherry_picks("abc123\n");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("\"abc123\" is not \"[branch/]commit: comment\""));
}

}  // namespace
}  // namespace melange
