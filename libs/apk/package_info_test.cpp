#include "apk/package_info.hpp"

#include <gtest/gtest.h>

namespace apk {
namespace {

TEST(PackageInfo, NevrJoinsNameAndVersion) {
  PackageInfo info;
  info.name = "busybox";
  info.version = "1.36.1-r2";
  EXPECT_EQ(info.nevr(), "busybox-1.36.1-r2");
}

TEST(PackageInfo, SplitWordsSkipsRunsOfSpaces) {
  EXPECT_EQ(split_words("  a b   c "), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(split_words("").empty());
  EXPECT_TRUE(split_words("   ").empty());
}

TEST(PackageInfo, AppendWordsJoinsWithOneSpace) {
  std::string out = "D:";
  append_words(out, {"so:libc.so.6", "busybox>=1.2"});
  EXPECT_EQ(out, "D:so:libc.so.6 busybox>=1.2");
}

}  // namespace
}  // namespace apk
