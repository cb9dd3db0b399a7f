// Compiles every melange example config from the shared fixtures.
#include <gtest/gtest.h>

#include <map>

#include "melange/compile.hpp"
#include "testutil/testutil.hpp"

namespace melange {
namespace {

namespace fs = std::filesystem;

// Examples that use pipelines we do not ship: they must fail naming that pipeline.
const std::map<std::string, std::string> kExpectedFailures = {
    {"R-build.yaml", "unknown pipeline \"R/build\""},
    {"aws-sdk-core.yaml", "unknown pipeline \"ruby/install\""},
    {"build-ruby-webrick.yaml", "unknown pipeline \"ruby/build\""},
    {"go-bump.yaml", "unknown pipeline \"go/bump\""},
    {"npm-install.yaml", "unknown pipeline \"npm/install\""},
    {"pnpm-install.yaml", "unknown pipeline \"npm/install\""},
    {"test-xcover.yaml", "unknown pipeline \"xcover/"},
};

TEST(CompileFixtures, AllMelangeExamples) {
  SKIP_WITHOUT_FIXTURES();
  fs::path dir = testutil::fixtures_dir() / "melange-examples";
  int compiled = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().extension() != ".yaml") continue;
    std::string name = e.path().filename().string();
    SCOPED_TRACE(name);
    auto cfg = config::load_build_config(e.path());
    ASSERT_TRUE(cfg) << cfg.error().message;
    for (const char* arch : {"x86_64", "aarch64"}) {
      CompileOptions o;
      o.arch = apk::parse_arch(arch).value();
      auto b = compile(*cfg, o);
      auto fail = kExpectedFailures.find(name);
      if (fail != kExpectedFailures.end()) {
        EXPECT_FALSE(b);
        if (b) continue;
        EXPECT_NE(b.error().message.find(fail->second), std::string::npos) << b.error().message;
        continue;
      }
      EXPECT_TRUE(b) << b.error().message;
      if (!b) continue;
      ++compiled;
      for (const auto& s : b->main.steps) {
        EXPECT_EQ(s.script.rfind("set -e\n", 0), 0u);
        EXPECT_EQ(s.runs.find("${{"), std::string::npos) << s.runs;
      }
      auto j = to_json(*b);
      EXPECT_EQ(j["package"]["name"], cfg->package.name);
    }
  }
  EXPECT_GE(compiled, 2 * 20);
}

TEST(CompileFixtures, MinimalRangeExample) {
  SKIP_WITHOUT_FIXTURES();
  auto cfg = config::load_build_config(testutil::fixtures_dir() / "melange-examples" / "minimal.yaml");
  ASSERT_TRUE(cfg) << cfg.error().message;
  auto b = compile(*cfg, CompileOptions{});
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_EQ(b->subpackages.size(), 3u);
  EXPECT_EQ(b->subpackages[0].name, "lagomorph-hare");
  EXPECT_EQ(b->subpackages[1].name, "lagomorph-pika");
  EXPECT_EQ(b->subpackages[2].name, "lagomorph-rabbit");
  EXPECT_EQ(b->subpackages[0].description, "data about the lagomorph lepus saxatilis");
  EXPECT_EQ(b->subpackages[2].steps[0].runs,
            "echo \"sylv\xc3\xacl" "agus floridanus\" > /home/build/melange-out/lagomorph-rabbit/rabbit\n");
}

TEST(CompileFixtures, ConditionalAndOptionsExamples) {
  SKIP_WITHOUT_FIXTURES();
  fs::path dir = testutil::fixtures_dir() / "melange-examples";
  auto cond = config::load_build_config(dir / "conditional.yaml");
  ASSERT_TRUE(cond);
  CompileOptions o;
  o.arch = apk::parse_arch("aarch64").value();
  auto b = compile(*cond, o);
  ASSERT_TRUE(b) << b.error().message;
  // aarch64 step, name match, mkdir; the x86_64 step, the != step and the fetch are dropped.
  ASSERT_EQ(b->main.steps.size(), 3u);
  EXPECT_NE(b->main.steps[0].runs.find("aarch64"), std::string::npos);
  EXPECT_TRUE(b->sources.empty());
  EXPECT_EQ(b->environment.contents.packages, std::vector<std::string>{"busybox"});  // fetch dropped

  auto opts = config::load_build_config(dir / "options.yaml");
  ASSERT_TRUE(opts);
  auto plain = compile(*opts, CompileOptions{});
  ASSERT_TRUE(plain) << plain.error().message;
  std::vector<std::string> names;
  for (const auto& s : plain->subpackages) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"curl-dev", "curl-doc", "libcurl-openssl4"}));
  CompileOptions rustls;
  rustls.build_options = {"rustls"};
  auto rb = compile(*opts, rustls);
  ASSERT_TRUE(rb) << rb.error().message;
  EXPECT_EQ(rb->subpackages.back().name, "libcurl-rustls4");
  const auto& pk = rb->environment.contents.packages;
  EXPECT_NE(std::find(pk.begin(), pk.end(), "rustls-ffi"), pk.end());
  EXPECT_EQ(std::find(pk.begin(), pk.end(), "openssl-dev"), pk.end());
  // autoconf/configure opts: continuation lines joined, vars substituted, passed as INPUT_OPTS.
  const CompiledStep* configure = nullptr;
  for (const auto& s : rb->main.steps)
    if (s.uses == "autoconf/configure") configure = &s;
  ASSERT_NE(configure, nullptr);
  const std::string* in = config::map_find(configure->environment, "INPUT_OPTS");
  ASSERT_NE(in, nullptr);
  EXPECT_NE(in->find("--without-openssl"), std::string::npos);
  EXPECT_EQ(in->find('\\'), std::string::npos) << *in;
  EXPECT_EQ(*config::map_find(configure->environment, "INPUT_HOST"), rb->arch.gnu_triplet);
}

}  // namespace
}  // namespace melange
