#include "base/strings.hpp"

#include <gtest/gtest.h>

namespace base {
namespace {

TEST(Printable, ControlBytesBecomeEscapesTheRestStays) {
  EXPECT_EQ(printable("etc/evil\nname"), "etc/evil\\nname");
  EXPECT_EQ(printable(std::string_view("a\0b\x1b[31m\r\t\\", 11)), "a\\x00b\\x1b[31m\\r\\t\\\\");
  EXPECT_EQ(printable("usr/share/caf\xc3\xa9"), "usr/share/caf\xc3\xa9");
  EXPECT_EQ(printable("\x7f"), "\\x7f");
}

TEST(Split, KeepsEmptyFields) {
  auto parts = split("a::b", ':');
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[1], "");
}

}  // namespace
TEST(Strings, HumanBytes) {
  EXPECT_EQ(base::human_bytes(812), "812 B");
  EXPECT_EQ(base::human_bytes(4000), "4.0 KB");
  EXPECT_EQ(base::human_bytes(93826560), "93.8 MB");
  EXPECT_EQ(base::human_bytes(1200000000), "1.20 GB");
}

}  // namespace base
