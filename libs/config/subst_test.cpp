#include "config/subst.hpp"

#include <gtest/gtest.h>

namespace config {
namespace {

const std::map<std::string, std::string> kVars = {
    {"package.name", "hello"}, {"package.version", "1.2.3.4"}, {"vars.with-x", "--x"}, {"targets.destdir", "/out"}};

TEST(Subst, ReplacesReferencesWithOptionalWhitespace) {
  EXPECT_EQ(*substitute("${{package.name}}-${{ package.version }}", kVars), "hello-1.2.3.4");
  EXPECT_EQ(*substitute("a ${{\tvars.with-x\n}} b", kVars), "a --x b");
  EXPECT_EQ(*substitute("no refs $HOME ${x} {{y}}", kVars), "no refs $HOME ${x} {{y}}");
  EXPECT_EQ(*substitute("", kVars), "");
}

TEST(Subst, UndefinedVariableIsAnErrorNamingIt) {
  auto r = substitute("mkdir ${{targets.destdir}}/${{targets.subpkgdir}}", kVars);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("\"targets.subpkgdir\""), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("undefined variable"), std::string::npos);
}

TEST(Subst, MalformedReferences) {
  auto r = substitute("x ${{package.name} y", kVars);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("unterminated variable reference"), std::string::npos);
  EXPECT_NE(r.error().message.find("package.name"), std::string::npos);
  EXPECT_FALSE(substitute("${{}}", kVars));
  EXPECT_FALSE(substitute("${{ a b }}", kVars));
  EXPECT_FALSE(substitute("tail ${{", kVars));
}

TEST(Subst, KnownOnlyLeavesUnknownReferences) {
  EXPECT_EQ(*substitute_known("${{package.name}} ${{ targets.contextdir }}", kVars), "hello ${{ targets.contextdir }}");
}

TEST(Subst, LenientReplacesOnlyWellFormedKnownReferences) {
  VarLookup lookup = [](std::string_view n) -> std::optional<std::string> {
    if (n == "package.name") return std::string("hello");
    if (n == "range.key") return std::string("64");
    return std::nullopt;
  };
  EXPECT_EQ(substitute_lenient("${{package.name}}-${{ range.key }}", lookup), "hello-64");
  EXPECT_EQ(substitute_lenient("lib${{range.key == \"64\" && \" (ILP64)\" || \"\"}}", lookup),
            "lib${{range.key == \"64\" && \" (ILP64)\" || \"\"}}");
  EXPECT_EQ(substitute_lenient("${{package.name} libraries", lookup), "${{package.name} libraries");
  EXPECT_EQ(substitute_lenient("${{vars.nope}} ${{${{package.name}}", lookup), "${{vars.nope}} ${{hello");
  EXPECT_EQ(substitute_lenient("tail ${{", lookup), "tail ${{");
}

TEST(Subst, ParseReference) {
  auto r = parse_reference("x ${{ a.b-c_d }} y", 2);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name, "a.b-c_d");
  EXPECT_EQ(r->end, 16u);
  EXPECT_FALSE(parse_reference("${{a b}}", 0));
}

TEST(Subst, LookupFunction) {
  VarLookup lookup = [](std::string_view n) -> std::optional<std::string> {
    if (n == "inputs.x") return std::string("X");
    return std::nullopt;
  };
  EXPECT_EQ(*substitute("<${{inputs.x}}>", lookup), "<X>");
  EXPECT_FALSE(substitute("${{inputs.y}}", lookup));
}

TEST(RegexReplace, GoTemplateSemantics) {
  EXPECT_EQ(*regex_replace_all("1.2.3.4", R"(\.(\d+)$)", "+$1"), "1.2.3+4");
  EXPECT_EQ(*regex_replace_all("a-b-c", "-", "_"), "a_b_c");
  EXPECT_EQ(*regex_replace_all("ab", "(a)", "${1}x"), "axb");
  EXPECT_EQ(*regex_replace_all("ab", "(a)", "$1x"), "b");  // Go reads the name "1x": empty
  EXPECT_EQ(*regex_replace_all("ab", "(a)", "$$1"), "$1b");
  EXPECT_EQ(*regex_replace_all("v1_2", "(?P<maj>\\d)_(?P<min>\\d)", "${maj}.${min}"), "v1.2");
  EXPECT_EQ(*regex_replace_all("abc", "x*", "-"), "-a-b-c-");
  EXPECT_EQ(*regex_replace_all("ABC", "(?i)b", "x"), "AxC");
  EXPECT_EQ(*regex_replace_all("abcabc", "\\Aabc", "X"), "Xabc");
  EXPECT_FALSE(regex_replace_all("x", "(", "y"));
}

TEST(VarTransforms, CreateVarsInOrder) {
  std::map<std::string, std::string> vars = kVars;
  std::vector<VarTransform> ts = {
      {"${{package.version}}", R"(\.(\d+)$)", "+$1", "mangled-package-version", 1},
      {"${{vars.mangled-package-version}}", R"(\+)", "_", "underscored", 2},
  };
  ASSERT_TRUE(apply_var_transforms(ts, vars));
  EXPECT_EQ(vars["vars.mangled-package-version"], "1.2.3+4");
  EXPECT_EQ(vars["vars.underscored"], "1.2.3_4");
  std::vector<VarTransform> bad = {{"${{nope}}", "x", "y", "z", 1}};
  auto s = apply_var_transforms(bad, vars);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("\"nope\""), std::string::npos);
}

}  // namespace
}  // namespace config
