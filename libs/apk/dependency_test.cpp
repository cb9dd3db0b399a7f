#include "apk/dependency.hpp"

#include <gtest/gtest.h>

namespace apk {
namespace {

Dependency parse_ok(std::string_view text) {
  auto dep = parse_dependency(text);
  EXPECT_TRUE(dep.has_value()) << text << ": " << (dep ? "" : dep.error().message);
  return dep ? *dep : Dependency{};
}

TEST(Dependency, PlainName) {
  Dependency d = parse_ok("busybox");
  EXPECT_EQ(d.name, "busybox");
  EXPECT_EQ(d.op, kOpAny);
  EXPECT_EQ(d.version, "");
  EXPECT_EQ(d.tag, "");
  EXPECT_FALSE(d.conflict);
  EXPECT_TRUE(d.matches_version("0.1"));
}

TEST(Dependency, Operators) {
  struct Case {
    const char* text;
    uint8_t op;
    const char* version;
  } cases[] = {
      {"name=1.2-r0", kOpEqual, "1.2-r0"},
      {"name>1", kOpGreater, "1"},
      {"name>=1", kOpGreater | kOpEqual, "1"},
      {"name<2", kOpLess, "2"},
      {"name<=2", kOpLess | kOpEqual, "2"},
      {"name~1.2", kOpFuzzy | kOpEqual, "1.2"},
      {"name=~1.2", kOpFuzzy | kOpEqual, "1.2"},
      {"name>~1.2", kOpGreater | kOpFuzzy | kOpEqual, "1.2"},
  };
  for (const Case& c : cases) {
    Dependency d = parse_ok(c.text);
    EXPECT_EQ(d.name, "name") << c.text;
    EXPECT_EQ(d.op, c.op) << c.text;
    EXPECT_EQ(d.version, c.version) << c.text;
  }
}

TEST(Dependency, ConflictTagsAndNamespaces) {
  Dependency d = parse_ok("!openssl-dev");
  EXPECT_TRUE(d.conflict);
  EXPECT_EQ(d.name, "openssl-dev");

  d = parse_ok("name@edge");
  EXPECT_EQ(d.name, "name");
  EXPECT_EQ(d.tag, "edge");
  EXPECT_EQ(d.op, kOpAny);

  for (const char* text : {"name=1.0@edge", "name@edge=1.0"}) {
    d = parse_ok(text);
    EXPECT_EQ(d.name, "name") << text;
    EXPECT_EQ(d.tag, "edge") << text;
    EXPECT_EQ(d.op, kOpEqual) << text;
    EXPECT_EQ(d.version, "1.0") << text;
    EXPECT_EQ(d.to_string(), "name@edge=1.0") << text;
  }

  d = parse_ok("so:libc.so.6");
  EXPECT_EQ(d.name, "so:libc.so.6");
  EXPECT_EQ(d.op, kOpAny);
  d = parse_ok("so:libc.so.6=6");
  EXPECT_EQ(d.name, "so:libc.so.6");
  EXPECT_EQ(d.version, "6");
  d = parse_ok("cmd:sh");
  EXPECT_EQ(d.name, "cmd:sh");
  d = parse_ok("pc:zlib>=1.2");
  EXPECT_EQ(d.name, "pc:zlib");
  EXPECT_EQ(d.op, kOpGreater | kOpEqual);
  EXPECT_EQ(d.version, "1.2");
}

TEST(Dependency, RoundTrip) {
  for (const char* text : {"a", "!a", "a=1", "a<1", "a<=1", "a>1", "a>=1.2_rc3-r4", "a~1.2",
                           "a@t", "!a@t<3", "so:libz.so.1=1.3.1", "py3.11-foo>~2"}) {
    Dependency d = parse_ok(text);
    EXPECT_EQ(d.to_string(), text);
    auto again = parse_dependency(d.to_string());
    ASSERT_TRUE(again.has_value()) << text;
    EXPECT_EQ(*again, d) << text;
  }
  EXPECT_EQ(parse_ok("a=~1.2").to_string(), "a~1.2");
  EXPECT_EQ(parse_ok("  a>=1 ").to_string(), "a>=1");
}

TEST(Dependency, Errors) {
  for (const char* text : {"", "   ", "!", "=1.0", "@tag", "name@", "name>=", "name=1.0@",
                           "name>=abc!", "name><Q1abc=", "name=1.0bc", "a b", "name@t=1@u",
                           "!!name"}) {
    auto d = parse_dependency(text);
    EXPECT_FALSE(d.has_value()) << "'" << text << "' parsed as " << (d ? d->to_string() : "");
    if (!d) {
      EXPECT_NE(d.error().message.find("dependency '"), std::string::npos) << d.error().message;
      EXPECT_EQ(d.error().message.find('\n'), std::string::npos);
      EXPECT_EQ(d.error().code, base::ErrorCode::kInvalidInput);
    }
  }
  auto d = parse_dependency("foo>=1-2");
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().message, "dependency 'foo>=1-2': invalid version '1-2'");
}

TEST(Dependency, MatchesVersion) {
  EXPECT_TRUE(parse_ok("a>=1.2").matches_version("1.2"));
  EXPECT_TRUE(parse_ok("a>=1.2").matches_version("1.10"));
  EXPECT_FALSE(parse_ok("a>=1.2").matches_version("1.1"));
  EXPECT_TRUE(parse_ok("a<2").matches_version("1.9.9-r9"));
  EXPECT_TRUE(parse_ok("a~1.2").matches_version("1.2.3-r0"));
  EXPECT_FALSE(parse_ok("a~1.2").matches_version("1.20"));
  EXPECT_TRUE(parse_ok("a=1.2-r0").matches_version("1.2-r0"));
  EXPECT_FALSE(parse_ok("a=1.2-r0").matches_version("1.2-r1"));
  // The conflict flag does not invert the version check.
  EXPECT_TRUE(parse_ok("!a<2").matches_version("1"));
}

TEST(Dependencies, List) {
  auto deps = parse_dependencies("  so:libc.musl-x86_64.so.1 busybox>=1.36\t!foo\nbar@edge ");
  ASSERT_TRUE(deps.has_value()) << deps.error().message;
  ASSERT_EQ(deps->size(), 4u);
  EXPECT_EQ((*deps)[0].name, "so:libc.musl-x86_64.so.1");
  EXPECT_EQ((*deps)[1].to_string(), "busybox>=1.36");
  EXPECT_TRUE((*deps)[2].conflict);
  EXPECT_EQ((*deps)[3].tag, "edge");

  auto empty = parse_dependencies(" \n ");
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());

  auto bad = parse_dependencies("ok1 bad>= ok2");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message, "dependency 'bad>=': missing version after '>='");
}

TEST(Provide, Parse) {
  EXPECT_EQ(parse_provide("so:libfoo.so.1=1.2"), (Provide{"so:libfoo.so.1", "1.2"}));
  EXPECT_EQ(parse_provide("cmd:foo"), (Provide{"cmd:foo", ""}));
  EXPECT_EQ(parse_provide(" pc:zlib=1.3.1 "), (Provide{"pc:zlib", "1.3.1"}));
  auto list = parse_provides("cmd:a=1-r0 so:libb.so.2=2.0 c");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0], (Provide{"cmd:a", "1-r0"}));
  EXPECT_EQ(list[1], (Provide{"so:libb.so.2", "2.0"}));
  EXPECT_EQ(list[2], (Provide{"c", ""}));
}

}  // namespace
}  // namespace apk
