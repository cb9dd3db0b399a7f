// Compiles every melange configuration in tests/data/configs/melange, for both architectures,
// and checks what each one is there for.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "melange/compile.hpp"
#include "testutil/testutil.hpp"

namespace melange {
namespace {

namespace fs = std::filesystem;

fs::path config_dir() { return testutil::test_data_dir() / "configs" / "melange"; }

base::Result<CompiledBuild> compile_file(const std::string& name, const std::string& arch = "x86_64",
                                         std::vector<std::string> build_options = {}) {
  auto cfg = config::load_build_config(config_dir() / name);
  if (!cfg) return tl::unexpected(cfg.error());
  CompileOptions o;
  o.arch = apk::parse_arch(arch).value();
  o.build_options = std::move(build_options);
  return compile(*cfg, o);
}

std::vector<std::string> subpackage_names(const CompiledBuild& b) {
  std::vector<std::string> names;
  for (const auto& s : b.subpackages) names.push_back(s.name);
  return names;
}

// Configurations that use pipelines we do not ship: they must fail naming that pipeline.
const std::map<std::string, std::string> kExpectedFailures = {
    {"unknown-pipeline.yaml", "unknown pipeline \"example/not-shipped\""},
};

TEST(CompileFixtures, AllMelangeConfigs) {
  int files = 0, compiled = 0;
  for (const auto& e : fs::directory_iterator(config_dir())) {
    if (e.path().extension() != ".yaml") continue;
    ++files;
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
        EXPECT_EQ(s.working_directory.rfind("/", 0), 0u) << s.working_directory;
      }
      for (const auto& sp : b->subpackages) EXPECT_EQ(sp.name.find("${{"), std::string::npos) << sp.name;
      auto j = to_json(*b);
      EXPECT_EQ(j["package"]["name"], cfg->package.name);
    }
  }
  ASSERT_GE(files, 11);
  EXPECT_EQ(compiled, 2 * (files - static_cast<int>(kExpectedFailures.size())));
}

TEST(CompileFixtures, RangeSubpackages) {
  auto b = compile_file("range-subpackages.yaml");
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->full_version, "1.0.0-r2");
  // One subpackage per item, in name order, with the key and value substituted.
  EXPECT_EQ(subpackage_names(*b),
            (std::vector<std::string>{"thrush-blackbird", "thrush-redwing", "thrush-song"}));
  EXPECT_EQ(b->subpackages[0].description, "the blackbird thrush, turdus merula, the amsel (\xc3\xa4msel)");
  ASSERT_EQ(b->subpackages[0].steps.size(), 1u);
  EXPECT_EQ(b->subpackages[0].steps[0].runs,
            "echo \"turdus merula, the amsel (\xc3\xa4msel)\" > /home/build/melange-out/thrush-blackbird/blackbird\n");
  EXPECT_EQ(b->subpackages[2].steps[0].runs, "echo \"turdus philomelos\" > /home/build/melange-out/thrush-song/song\n");
}

TEST(CompileFixtures, Conditionals) {
  auto b = compile_file("conditionals.yaml", "aarch64");
  ASSERT_TRUE(b) << b.error().message;
  // The aarch64 step, the package-name match and the mkdir; the x86_64 step, the != step and
  // the fetch are dropped.
  ASSERT_EQ(b->main.steps.size(), 3u);
  EXPECT_EQ(b->main.steps[0].runs, "echo \"building on aarch64\"");
  EXPECT_EQ(b->main.steps[1].runs, "echo \"the package is the greeter\"");
  EXPECT_TRUE(b->sources.empty());
  EXPECT_EQ(b->environment.contents.packages, std::vector<std::string>{"busybox"});
  auto x = compile_file("conditionals.yaml", "x86_64");
  ASSERT_TRUE(x) << x.error().message;
  ASSERT_EQ(x->main.steps.size(), 3u);
  EXPECT_EQ(x->main.steps[0].runs, "echo \"building on x86_64\"");
}

TEST(CompileFixtures, BuildOptionsAndPipelineInputs) {
  auto plain = compile_file("options.yaml");
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(subpackage_names(*plain),
            (std::vector<std::string>{"zstd-tools-dev", "zstd-tools-doc", "libzstd-tools-lz4"}));
  const auto& pp = plain->environment.contents.packages;
  EXPECT_NE(std::find(pp.begin(), pp.end(), "lz4-dev"), pp.end());
  ASSERT_EQ(plain->sources.size(), 1u);
  EXPECT_EQ(plain->sources[0].uri, "https://example.com/zstd-tools-1.5.6.tar.gz");

  auto lz = compile_file("options.yaml", "aarch64", {"lzma"});
  ASSERT_TRUE(lz) << lz.error().message;
  EXPECT_EQ(lz->subpackages.back().name, "libzstd-tools-lzma");
  const auto& pk = lz->environment.contents.packages;
  EXPECT_NE(std::find(pk.begin(), pk.end(), "xz-static"), pk.end());
  EXPECT_EQ(std::find(pk.begin(), pk.end(), "lz4-dev"), pk.end());
  // autoconf/configure opts: continuation lines joined, the option's vars substituted, passed
  // as INPUT_OPTS; the host triplet follows the architecture.
  const CompiledStep* configure = nullptr;
  for (const auto& s : lz->main.steps)
    if (s.uses == "autoconf/configure") configure = &s;
  ASSERT_NE(configure, nullptr);
  const std::string* in = config::map_find(configure->environment, "INPUT_OPTS");
  ASSERT_NE(in, nullptr);
  EXPECT_NE(in->find("--without-lz4"), std::string::npos) << *in;
  EXPECT_NE(in->find("--with-lzma"), std::string::npos) << *in;
  EXPECT_EQ(in->find('\\'), std::string::npos) << *in;
  EXPECT_EQ(*config::map_find(configure->environment, "INPUT_HOST"), lz->arch.gnu_triplet);
  // The option's `if:` step runs only with the option.
  auto echoes = [](const CompiledBuild& b) {
    return std::count_if(b.main.steps.begin(), b.main.steps.end(),
                         [](const CompiledStep& s) { return s.runs == "echo \"lzma backend\""; });
  };
  EXPECT_EQ(echoes(*plain), 0);
  EXPECT_EQ(echoes(*lz), 1);
}

TEST(CompileFixtures, VariablesAndWorkingDirectories) {
  auto t = compile_file("var-transforms.yaml");
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_EQ(t->sources.size(), 1u);
  EXPECT_EQ(t->sources[0].uri, "https://example.com/releases/patched-tool-2.0.1-p7.tar.gz");
  EXPECT_EQ(t->sources[0].sha512.size(), 128u);

  auto w = compile_file("vars-working-directory.yaml");
  ASSERT_TRUE(w) << w.error().message;
  std::vector<std::string> dirs;
  for (const auto& s : w->main.steps) dirs.push_back(s.working_directory);
  EXPECT_EQ(dirs, (std::vector<std::string>{"/home/build/scratch", "/home/build/outer", "/home/build/outer/inner",
                                            "/home/build/melange-out/workdirs"}));
  EXPECT_EQ(w->main.steps.back().runs, "echo \"Good morning\" > greeting\n");
  EXPECT_EQ(subpackage_names(*w), std::vector<std::string>{"workdirs-v4"});

  auto p = compile_file("provides-vars.yaml");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(p->main.steps.empty());
  EXPECT_EQ(p->main.dependencies.provides,
            (std::vector<std::string>{"virtual-provider-version=0.0.7", "virtual-provider-a=ALPHA",
                                      "virtual-provider-b=BETA"}));
}

TEST(CompileFixtures, TestsAndBuiltinPipelines) {
  auto t = compile_file("tests-one-arch.yaml");
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_TRUE(t->main.test);
  // The x86_64-only failure step is dropped on x86_64.
  ASSERT_EQ(t->main.test->steps.size(), 1u);
  EXPECT_EQ(t->main.test->steps[0].name, "the stamp is there");
  const auto& tp = t->main.test->environment.contents.packages;
  EXPECT_NE(std::find(tp.begin(), tp.end(), "coreutils"), tp.end());

  auto g = compile_file("builtin-pipelines.yaml", "aarch64");
  ASSERT_TRUE(g) << g.error().message;
  std::vector<std::string> uses;
  for (const auto& s : g->main.steps)
    if (uses.empty() || uses.back() != s.uses) uses.push_back(s.uses);
  for (const char* want : {"git-checkout", "go/build", "cargo/build", "strip"})
    EXPECT_NE(std::find(uses.begin(), uses.end(), want), uses.end()) << want;
  ASSERT_EQ(g->sources.size(), 1u);
  EXPECT_EQ(g->sources[0].kind, "git-checkout");
  EXPECT_EQ(g->sources[0].tag, "v0.5.0");
  EXPECT_EQ(g->sources[0].commit, "0123456789abcdef0123456789abcdef01234567");
  // Each pipeline's `needs` land in the build environment.
  const auto& pk = g->environment.contents.packages;
  for (const char* want : {"git", "go", "rust", "busybox"})
    EXPECT_NE(std::find(pk.begin(), pk.end(), want), pk.end()) << want;
  EXPECT_EQ(subpackage_names(*g), (std::vector<std::string>{"polyglot-doc", "polyglot-static"}));
}

}  // namespace
}  // namespace melange
