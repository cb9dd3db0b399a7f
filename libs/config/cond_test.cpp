#include "config/cond.hpp"

#include <gtest/gtest.h>

namespace config {
namespace {

const std::map<std::string, std::string> kCondVars = {
    {"build.arch", "x86_64"}, {"package.name", "hello"}, {"quote", "it's \"q\""}, {"empty", ""}};

bool eval(std::string_view e) {
  auto r = evaluate_condition(e, kCondVars);
  EXPECT_TRUE(r) << e << ": " << (r ? "" : r.error().message);
  return r && *r;
}

TEST(Cond, Comparisons) {
  EXPECT_TRUE(eval("'foo' == 'foo'"));
  EXPECT_FALSE(eval("'foo' != 'foo'"));
  EXPECT_TRUE(eval("\"foo\" != 'bar'"));
  EXPECT_TRUE(eval("${{build.arch}} == 'x86_64'"));
  EXPECT_TRUE(eval("'hello' == ${{ package.name }}"));
  EXPECT_TRUE(eval("${{empty}} == ''"));
  EXPECT_TRUE(eval("  'a'=='a'  "));
}

TEST(Cond, SubstitutedValuesAreLiteralsEvenWithQuotes) {
  EXPECT_TRUE(eval("${{quote}} == 'it\\'s \"q\"'"));
  EXPECT_TRUE(eval("${{quote}} == \"it's \\\"q\\\"\""));
}

TEST(Cond, TruthTables) {
  const char* t = "'a' == 'a'";
  const char* f = "'a' == 'b'";
  for (bool x : {false, true})
    for (bool y : {false, true}) {
      std::string ex = std::string(x ? t : f) + " && " + (y ? t : f);
      std::string ox = std::string(x ? t : f) + " || " + (y ? t : f);
      EXPECT_EQ(eval(ex), x && y) << ex;
      EXPECT_EQ(eval(ox), x || y) << ox;
    }
}

TEST(Cond, LeftToRightWithoutPrecedence) {
  // With && binding tighter this would be true; melange folds left: (T || F) && F.
  EXPECT_FALSE(eval("'a' == 'a' || 'a' == 'b' && 'a' == 'b'"));
  EXPECT_TRUE(eval("'a' == 'a' || ('a' == 'b' && 'a' == 'b')"));
  EXPECT_TRUE(eval("('rabbit' == 'rabbit' && 'hare' != 'hare') || 'lagomorph' == 'lagomorph'"));
  EXPECT_TRUE(eval("((('x' == 'x')))"));
}

TEST(Cond, Escapes) {
  EXPECT_TRUE(eval(R"("hello \"world\"" == 'hello "world"')"));
  EXPECT_TRUE(eval(R"('a\\b' == "a\\b")"));
  EXPECT_FALSE(eval(R"("a\\b" == "ab")"));
  EXPECT_TRUE(eval(R"('line1\nline2\tx' == "line1
line2	x")"));
}

std::string cond_error(std::string_view e) {
  auto r = evaluate_condition(e, kCondVars);
  return r ? "(ok)" : r.error().message;
}

TEST(Cond, Errors) {
  EXPECT_NE(cond_error("'foo' == ").find("invalid condition \"'foo' == \""), std::string::npos);
  EXPECT_NE(cond_error("foo == 'foo'").find("expected a quoted string"), std::string::npos);
  EXPECT_NE(cond_error("'foo'").find("expected \"==\" or \"!=\""), std::string::npos);
  EXPECT_NE(cond_error("'a' == 'a' &&").find("condition ended"), std::string::npos);
  EXPECT_NE(cond_error("('a' == 'a'").find("expected \")\""), std::string::npos);
  EXPECT_NE(cond_error("'a' == 'a')").find("unexpected"), std::string::npos);
  EXPECT_NE(cond_error("'a' == 'abc").find("unterminated string"), std::string::npos);
  EXPECT_NE(cond_error("'a\\q' == 'a'").find("unknown escape"), std::string::npos);
  EXPECT_NE(cond_error("!('a' == 'a')").find("invalid condition"), std::string::npos);
  EXPECT_NE(cond_error("${{nope}} == 'x'").find("\"nope\""), std::string::npos);
  EXPECT_NE(cond_error("${{foo.bar} == 'baz'").find("invalid condition"), std::string::npos);
  // The right operand is still evaluated after a decided left side.
  EXPECT_NE(cond_error("'a' == 'a' || ${{nope}} == 'x'").find("\"nope\""), std::string::npos);
  EXPECT_EQ(cond_error(std::string(200, '(')).find("(ok)"), std::string::npos);
  EXPECT_EQ(cond_error("").find("(ok)"), std::string::npos);
}

}  // namespace
}  // namespace config
