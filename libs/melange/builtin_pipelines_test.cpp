// The built-in pipelines against the list of the original melange's: every one is there, compiles
// with only its required inputs, refuses to compile without each of them, and its steps are
// valid shell with every ${{...}} resolved.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "base/fs.hpp"
#include "melange/compile.hpp"
#include "melange/embed.hpp"
#include "testutil/testutil.hpp"

namespace melange {
namespace {

const char* const kBuiltinsOfMelange[] = {
    "R/build", "autoconf/configure", "autoconf/make", "autoconf/make-install", "cargo/build", "cmake/build",
    "cmake/configure", "cmake/install", "fetch", "git-am", "git-checkout", "go/build", "go/build/v2", "go/bump",
    "go/covdata", "go/install", "llvm/covreport", "maven/configure-mirror", "maven/pombump", "meson/compile",
    "meson/configure", "meson/install", "npm/install", "patch", "pecl/install", "pecl/phpize", "perl/cleanup",
    "perl/make", "python/build", "python/build-wheel", "python/import", "python/install", "python/test",
    "ruby/build", "ruby/clean", "ruby/install", "split/alldocs", "split/bin", "split/debug", "split/dev",
    "split/infodir", "split/lib", "split/locales", "split/manpages", "split/static", "strip", "xcover/ensure",
    "xcover/profile", "xcover/status", "xcover/stop", "xcover/wait"};

// A recipe whose subpackage uses `name` with the given inputs (values are plain words).
std::string builtins_recipe(std::string_view name, const std::vector<std::string>& inputs) {
  std::string y = "package:\n  name: hello\n  version: 1.2.3\n  epoch: 0\n"
                  "subpackages:\n  - name: hello-sub\n    pipeline:\n      - uses: " + std::string(name) + "\n";
  if (!inputs.empty()) y += "        with:\n";
  for (const auto& k : inputs) y += "          " + k + ": " + (k == "expected-sha256" ? std::string(64, 'a') : "x") + "\n";
  return y;
}

base::Result<CompiledBuild> builtins_compile(const std::string& yaml) {
  CompileOptions o;
  o.arch = apk::parse_arch("x86_64").value();
  TRY_ASSIGN(auto cfg, config::parse_build_config(yaml, "t.yaml"));
  return compile(cfg, o);
}

std::vector<std::string> builtins_required(std::string_view name) {
  auto def = config::parse_pipeline_def(find_builtin_pipeline(name)->text, std::string(name));
  std::vector<std::string> req;
  if (!def) return req;
  for (const auto& [k, in] : def->inputs)
    if (in.required) req.push_back(k);
  return req;
}

TEST(BuiltinPipelines, EveryOneOfMelangeIsBuiltIn) {
  for (const char* name : kBuiltinsOfMelange) EXPECT_NE(find_builtin_pipeline(name), nullptr) << name;
}

TEST(BuiltinPipelines, CompileWithDefaultsToValidShell) {
  auto tmp = base::TempDir::create("ma-builtins-").value();
  for (const char* name : kBuiltinsOfMelange) {
    SCOPED_TRACE(name);
    auto b = builtins_compile(builtins_recipe(name, builtins_required(name)));
    ASSERT_TRUE(b) << b.error().message;
    ASSERT_FALSE(b->subpackages[0].steps.empty());
    for (const auto& s : b->subpackages[0].steps) {
      EXPECT_EQ(s.runs.find("${{"), std::string::npos) << s.runs;
      std::ofstream(tmp.path() / "s.sh") << s.script;
      EXPECT_EQ(testutil::run_quiet("/bin/sh -n " + testutil::shell_quote((tmp.path() / "s.sh").string())), 0)
          << s.script;
    }
  }
}

TEST(BuiltinPipelines, RequiredInputsAreEnforced) {
  size_t checked = 0;
  for (const char* name : kBuiltinsOfMelange) {
    auto req = builtins_required(name);
    for (size_t i = 0; i < req.size(); ++i) {
      std::vector<std::string> given = req;
      given.erase(given.begin() + static_cast<long>(i));
      auto b = builtins_compile(builtins_recipe(name, given));
      ASSERT_FALSE(b) << name << " compiled without " << req[i];
      EXPECT_NE(b.error().message.find("needs input \"" + req[i] + "\""), std::string::npos) << b.error().message;
      ++checked;
    }
  }
  // R/build (package, version), fetch (uri), git-am, git-checkout, go/build (packages, output),
  // go/bump, go/install, npm/install (package, version), pecl/install, python/test,
  // ruby/build, ruby/install, xcover/profile.
  EXPECT_EQ(checked, 16u);
}

TEST(BuiltinPipelines, InputsAndNeedsOfMelange) {
  auto b = builtins_compile(builtins_recipe("git-checkout", {"repository", "sparse-paths", "shallow-submodules"}));
  ASSERT_TRUE(b) << b.error().message;
  auto c = builtins_compile(builtins_recipe("cargo/build", {"rustflags"}));
  ASSERT_TRUE(c) << c.error().message;
  // needs may name an input: npm/install pulls in its package manager, xcover its package.
  auto n = builtins_compile(builtins_recipe("npm/install", {"package", "version", "npm-package"}));
  ASSERT_TRUE(n) << n.error().message;
  const auto& pkgs = n->environment.contents.packages;
  EXPECT_NE(std::find(pkgs.begin(), pkgs.end(), "x"), pkgs.end());
  EXPECT_NE(std::find(pkgs.begin(), pkgs.end(), "nodejs"), pkgs.end());
  auto x = builtins_compile(builtins_recipe("xcover/status", {}));
  ASSERT_TRUE(x) << x.error().message;
  const auto& xp = x->environment.contents.packages;
  EXPECT_NE(std::find(xp.begin(), xp.end(), "xcover"), xp.end());
  // An input the pipeline does not declare is an error, as in melange.
  EXPECT_FALSE(builtins_compile(builtins_recipe("strip", {"nope"})));
}

}  // namespace
}  // namespace melange
