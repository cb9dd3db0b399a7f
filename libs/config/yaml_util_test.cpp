#include "config/yaml_util.hpp"

#include <gtest/gtest.h>

namespace config {
namespace {

YAML::Node load(const char* text) { return *parse_yaml(text, "t.yaml"); }

TEST(YamlUtil, UnknownKeyNamesFileLineKeyAndContext) {
  YAML::Node n = load("a: 1\nb: 2\n\nbogus: 3\n");
  auto r = MapReader::open(n, "t.yaml", "contents", {"a", "b"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "t.yaml:4: unknown key \"bogus\" in contents");
}

TEST(YamlUtil, DuplicateKeyIsAnError) {
  auto r = MapReader::open(load("a: 1\na: 2\n"), "t.yaml", "x", {"a"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "t.yaml:2: duplicate key \"a\" in x");
}

TEST(YamlUtil, TypeErrorsNameTheKeyAndLine) {
  auto m = MapReader::open(load("uid: abc\nlist: {a: b}\nflag: maybe\n"), "t.yaml", "user", {"uid", "list", "flag"});
  ASSERT_TRUE(m);
  long long v = 0;
  auto s = m->read("uid", &v);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "t.yaml:1: \"uid\" must be an integer");
  std::vector<std::string> list;
  s = m->read("list", &list);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "t.yaml:2: \"list\" must be a list of strings");
  bool b = false;
  s = m->read("flag", &b);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "t.yaml:3: \"flag\" must be a boolean");
}

TEST(YamlUtil, RequiredKey) {
  auto m = MapReader::open(load("x: 1\ny: 2\n"), "t.yaml", "package", {"x", "y", "name"});
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->require("x"));
  auto s = m->require("name");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "t.yaml:1: missing required key \"name\" in package");
}

TEST(YamlUtil, MalformedYamlIsOneLineWithFileAndLine) {
  auto r = parse_yaml("a: 1\nb: [1, 2\nc: 3\n", "bad.yaml");
  ASSERT_FALSE(r);
  const std::string& msg = r.error().message;
  EXPECT_EQ(msg.find('\n'), std::string::npos);
  EXPECT_EQ(msg.rfind("bad.yaml:", 0), 0u) << msg;
  EXPECT_NE(msg.find("invalid YAML"), std::string::npos) << msg;
}

TEST(YamlUtil, IntegersResolveLikeYamlV3) {
  long long v = 0;
  EXPECT_TRUE(parse_yaml_int("493", &v));
  EXPECT_EQ(v, 493);
  EXPECT_TRUE(parse_yaml_int("0755", &v));
  EXPECT_EQ(v, 0755);
  EXPECT_TRUE(parse_yaml_int("0o644", &v));
  EXPECT_EQ(v, 0644);
  EXPECT_TRUE(parse_yaml_int("0x1F", &v));
  EXPECT_EQ(v, 31);
  EXPECT_TRUE(parse_yaml_int("-12", &v));
  EXPECT_EQ(v, -12);
  EXPECT_FALSE(parse_yaml_int("089", &v));
  EXPECT_FALSE(parse_yaml_int("12a", &v));
  EXPECT_FALSE(parse_yaml_int("", &v));
}

TEST(YamlUtil, StringsKeepScalarTextAndNullIsEmpty) {
  auto m = MapReader::open(load("v: 2.10\nn:\nq: 'x'\n"), "t.yaml", "p", {"v", "n", "q"});
  ASSERT_TRUE(m);
  std::string v = "unset", n = "unset", q;
  ASSERT_TRUE(m->read("v", &v));
  ASSERT_TRUE(m->read("n", &n));
  ASSERT_TRUE(m->read("q", &q));
  EXPECT_EQ(v, "2.10");
  EXPECT_EQ(n, "");
  EXPECT_EQ(q, "x");
}

TEST(YamlUtil, StringMapKeepsOrderAndRejectsNesting) {
  auto m = read_string_map(load("z: 1\na: two\nm: ''\n"), "t.yaml", "environment");
  ASSERT_TRUE(m);
  ASSERT_EQ(m->size(), 3u);
  EXPECT_EQ((*m)[0].first, "z");
  EXPECT_EQ((*m)[1].second, "two");
  EXPECT_EQ((*m)[2].second, "");
  auto bad = read_string_map(load("a:\n  b: c\n"), "t.yaml", "environment");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "t.yaml:2: value of \"a\" in environment must be a string");
}

TEST(YamlUtil, YamlToJsonTypesPlainScalarsOnly) {
  auto j = yaml_to_json(load("a: 1\nb: '1'\nc: true\nd: [x, 2]\ne:\n"));
  EXPECT_EQ(j.dump(), R"({"a":1,"b":"1","c":true,"d":["x",2],"e":null})");
}

TEST(JsonToYaml, TypedLookingStringsStayStrings) {
  nlohmann::ordered_json j = {{"version", "4.11"}, {"flag", "Yes"}, {"hex", "0x1f"}, {"tilde", "~"},
                              {"empty", ""}, {"plain", "hello world"}, {"n", 3}, {"b", true},
                              {"text", "line 1\nline 2\n"}, {"list", {"a", "1.0"}}};
  std::string y = json_to_yaml(j);
  EXPECT_NE(y.find("version: \"4.11\""), std::string::npos) << y;
  EXPECT_NE(y.find("plain: hello world"), std::string::npos) << y;
  EXPECT_NE(y.find("text: |"), std::string::npos) << y;
  auto back = parse_yaml(y, "t.yaml");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(yaml_to_json(*back), j) << y;  // every string reads back as a string
  EXPECT_EQ(json_to_yaml(nlohmann::ordered_json::object()), "{}\n");
}

}  // namespace
}  // namespace config
