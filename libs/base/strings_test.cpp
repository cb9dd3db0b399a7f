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

namespace base {
namespace {

TEST(Strings, ParseDurationAsGoWritesIt) {
  using std::chrono::nanoseconds;
  auto secs = [](double v) { return nanoseconds(static_cast<long long>(v * 1e9)); };
  EXPECT_EQ(parse_duration("0"), nanoseconds(0));
  EXPECT_EQ(parse_duration("90s"), secs(90));
  EXPECT_EQ(parse_duration("30m"), secs(1800));
  EXPECT_EQ(parse_duration("1h30m"), secs(5400));
  EXPECT_EQ(parse_duration("1.5h"), secs(5400));
  EXPECT_EQ(parse_duration("2h45m30.5s"), secs(9930.5));
  EXPECT_EQ(parse_duration("300ms"), nanoseconds(300000000));
  EXPECT_EQ(parse_duration("1us"), nanoseconds(1000));
  EXPECT_EQ(parse_duration("1\xc2\xb5s"), nanoseconds(1000));
  EXPECT_EQ(parse_duration("+5s"), secs(5));
  EXPECT_EQ(parse_duration("600"), secs(600));  // our earlier flags: whole seconds
  for (const char* bad : {"", "-5s", "5x", "s", "1..5s", ".s", "5 s", "1h-5m", "abc", "99999999999999h"})
    EXPECT_FALSE(parse_duration(bad)) << bad;
}

}  // namespace
}  // namespace base
