#include "melange/vars.hpp"

#include <gtest/gtest.h>

#include "testutil/testutil.hpp"

namespace melange {
namespace {

TEST(Vars, ShellQuoteRoundTripsThroughSh) {
  for (std::string s : {"plain", "it's", "$(touch x) `y` ; | & \"q\"", "", "new\nline"}) {
    std::string out = testutil::run_capture("printf '%s' " + shell_quote(s));
    EXPECT_EQ(out, s);
  }
}

TEST(Vars, InputEnvNamesAndContinuations) {
  EXPECT_EQ(input_env_name("expected-sha256"), "INPUT_EXPECTED_SHA256");
  EXPECT_EQ(input_env_name("go-package"), "INPUT_GO_PACKAGE");
  EXPECT_EQ(join_continuations("--a \\\n  --b \\\n--c\n"), "--a   --b --c\n");
}

TEST(Vars, EnvFile) {
  auto env = parse_env_file("# comment\nA=1\nexport B = \"two words\"\n\nC='x=y'\n", "e.env");
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_EQ(*env, (config::OrderedMap{{"A", "1"}, {"B", "two words"}, {"C", "x=y"}}));
  auto bad = parse_env_file("A=1\nnot a pair\n", "e.env");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("e.env:2:"), std::string::npos);
}

TEST(Vars, PackageVariables) {
  config::Package p;
  p.name = "curl";
  p.version = "8.0";
  p.epoch = 2;
  auto v = package_variables(p, apk::parse_arch("aarch64").value(), {"a", "b"}, {"b"});
  EXPECT_EQ(v["package.full-version"], "8.0-r2");
  EXPECT_EQ(v["host.triplet.gnu"], "aarch64-unknown-linux-gnu");
  EXPECT_EQ(v["cross.triplet.gnu.musl"], "aarch64-unknown-linux-musl");
  EXPECT_EQ(v["build.goarch"], "arm64");
  EXPECT_EQ(v["options.a.enabled"], "false");
  EXPECT_EQ(v["options.b.enabled"], "true");
  set_subpackage_variables(v, "curl-dev");
  EXPECT_EQ(v["targets.contextdir"], "/home/build/melange-out/curl-dev");
  EXPECT_EQ(v["targets.destdir"], "/home/build/melange-out/curl");
}

}  // namespace
}  // namespace melange
