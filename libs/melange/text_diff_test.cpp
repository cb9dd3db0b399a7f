#include "melange/text_diff.hpp"

#include <gtest/gtest.h>

namespace melange {
namespace {

TEST(TextDiff, EqualTextsGiveNothing) { EXPECT_EQ(unified_diff("a", "x\ny\n", "b", "x\ny\n"), ""); }

TEST(TextDiff, OneChangedLineWithContext) {
  std::string a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  std::string b = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
  EXPECT_EQ(unified_diff("old", a, "new", b),
            "diff old new\n--- old\n+++ new\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

TEST(TextDiff, AdditionAtTheEndAndSeparateHunks) {
  std::string a;
  for (int i = 1; i <= 20; ++i) a += std::to_string(i) + "\n";
  std::string b = a;
  b.replace(0, 2, "one\n");  // "1\n" -> "one\n"
  b += "21\n";
  EXPECT_EQ(unified_diff("a", a, "b", b),
            "diff a b\n--- a\n+++ b\n"
            "@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n"
            "@@ -18,3 +18,4 @@\n 18\n 19\n 20\n+21\n");
}

TEST(TextDiff, MissingNewlineAndEmptySide) {
  EXPECT_EQ(unified_diff("a", "", "b", "x"), "diff a b\n--- a\n+++ b\n@@ -0,0 +1,1 @@\n+x\n\\ No newline at end of file\n");
  EXPECT_EQ(unified_diff("a", "x\n", "b", ""), "diff a b\n--- a\n+++ b\n@@ -1,1 +0,0 @@\n-x\n");
}

TEST(TextDiff, NearbyChangesShareAHunk) {
  std::string a = "a\nb\nc\nd\ne\nf\ng\nh\n";
  std::string b = "A\nb\nc\nd\ne\nf\ng\nH\n";
  EXPECT_EQ(unified_diff("o", a, "n", b),
            "diff o n\n--- o\n+++ n\n@@ -1,8 +1,8 @@\n-a\n+A\n b\n c\n d\n e\n f\n g\n-h\n+H\n");
}

}  // namespace
}  // namespace melange
