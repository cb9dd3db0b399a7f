#include "base/shlex.hpp"

#include <gtest/gtest.h>

namespace base {
namespace {

using V = std::vector<std::string>;

TEST(Shlex, SplitsOnBlanks) {
  EXPECT_EQ(*shlex_split("/bin/sh -l"), (V{"/bin/sh", "-l"}));
  EXPECT_EQ(*shlex_split("  a\t b\n c  "), (V{"a", "b", "c"}));
  EXPECT_EQ(*shlex_split(""), V{});
}

TEST(Shlex, Quotes) {
  EXPECT_EQ(*shlex_split(R"(/bin/sh -c "echo hello from apko")"), (V{"/bin/sh", "-c", "echo hello from apko"}));
  EXPECT_EQ(*shlex_split(R"(a 'b c' "d\"e" f\ g)"), (V{"a", "b c", "d\"e", "f g"}));
  EXPECT_EQ(*shlex_split(R"('it''s' "")"), (V{"its", ""}));
  EXPECT_EQ(*shlex_split(R"("a\nb" 'x\y')"), (V{"a\\nb", "x\\y"}));
}

TEST(Shlex, CommentsOnlyWhenAsked) {
  const char* text = "--a # why: it's off\n--b x#y '#z'";
  EXPECT_EQ(*shlex_split(text, "opts", true), (V{"--a", "--b", "x#y", "#z"}));
  EXPECT_FALSE(shlex_split(text, "opts"));  // the apostrophe opens a quote without comments
  EXPECT_EQ(*shlex_split("a #b", "cmd"), (V{"a", "#b"}));
  EXPECT_EQ(*shlex_split("a \\\n  b c\\\nd"), (V{"a", "b", "cd"}));  // line continuations
}

TEST(Shlex, ErrorsShowOneLine) {
  auto r = shlex_split("--x 'oops\nsecond line", "input \"opts\"");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
  EXPECT_NE(r.error().message.find("'--x 'oops...'"), std::string::npos);
}

TEST(Shlex, Errors) {
  auto r = shlex_split("echo 'oops", "entrypoint.command");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("entrypoint.command"), std::string::npos);
  EXPECT_NE(r.error().message.find("unterminated quote"), std::string::npos);
  EXPECT_FALSE(shlex_split("echo \"a"));
  EXPECT_FALSE(shlex_split("echo \\"));
}

}  // namespace
}  // namespace base
