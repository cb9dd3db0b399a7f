#include "melange/compile.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "base/fs.hpp"
#include "base/strings.hpp"
#include "melange/embed.hpp"
#include "testutil/testutil.hpp"

namespace melange {
namespace {

namespace fs = std::filesystem;

CompileOptions x86() {
  CompileOptions o;
  o.arch = apk::parse_arch("x86_64").value();
  return o;
}

base::Result<CompiledBuild> compile_text(const std::string& yaml, const CompileOptions& o = x86()) {
  TRY_ASSIGN(auto cfg, config::parse_build_config(yaml, "t.yaml"));
  return compile(cfg, o);
}

const std::string kHead = "package:\n  name: hello\n  version: 1.2.3\n  epoch: 4\n";

TEST(Compile, VariablesAndScript) {
  auto b = compile_text(kHead + R"(
vars:
  greeting: hi-${{package.name}}
pipeline:
  - working-directory: sub
    environment:
      FOO: bar
    pipeline:
      - runs: echo ${{vars.greeting}} ${{package.full-version}} ${{targets.destdir}} ${{host.triplet.gnu}} ${{build.goarch}}
      - working-directory: /abs
        runs: echo ${{targets.contextdir}} ${{context.name}} ${{host.triplet.rust}} ${{build.arch}}
)");
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_EQ(b->main.steps.size(), 2u);
  const auto& s0 = b->main.steps[0];
  EXPECT_EQ(s0.runs, "echo hi-hello 1.2.3-r4 /home/build/melange-out/hello x86_64-pc-linux-gnu amd64");
  EXPECT_EQ(s0.working_directory, "/home/build/sub");
  EXPECT_EQ(s0.script, "set -e\n" + std::string(kPipefail) + "[ -d '/home/build/sub' ] || mkdir -p '/home/build/sub'\ncd '/home/build/sub'\n" + s0.runs + "\n");
  ASSERT_NE(config::map_find(s0.environment, "FOO"), nullptr);
  EXPECT_EQ(*config::map_find(s0.environment, "FOO"), "bar");
  const auto& s1 = b->main.steps[1];
  EXPECT_EQ(s1.working_directory, "/abs");
  EXPECT_EQ(*config::map_find(s1.environment, "FOO"), "bar");  // inherited
  EXPECT_EQ(s1.runs, "echo /home/build/melange-out/hello hello x86_64-unknown-linux-gnu x86_64");
  EXPECT_EQ(s1.location.to_string(), "t.yaml:14");
  EXPECT_EQ(b->full_version, "1.2.3-r4");
}

TEST(Compile, EnvironmentDefaultsAndBuildUser) {
  CompileOptions o = x86();
  o.env_file = {{"FROM_FILE", "1"}, {"HOME", "/overridden-by-yaml"}};
  o.source_date_epoch = 1700000000;
  auto b = compile_text(kHead + R"(
environment:
  contents:
    packages: [zlib, busybox, zlib]
  environment:
    HOME: /custom
pipeline:
  - uses: autoconf/make
  - if: ${{build.arch}} == 'nope'
    needs:
      packages: [dropped-with-its-step]
    runs: "true"
)", o);
  ASSERT_TRUE(b) << b.error().message;
  const auto& env = b->environment.environment;
  EXPECT_EQ(*config::map_find(env, "HOME"), "/custom");
  EXPECT_EQ(*config::map_find(env, "FROM_FILE"), "1");
  EXPECT_EQ(*config::map_find(env, "GOPATH"), "/home/build/.cache/go");
  EXPECT_EQ(*config::map_find(env, "GOMODCACHE"), "/var/cache/melange/gomodcache");
  EXPECT_EQ(*config::map_find(env, "SOURCE_DATE_EPOCH"), "1700000000");
  EXPECT_EQ(b->environment.contents.packages, (std::vector<std::string>{"busybox", "make", "zlib"}));
  bool user = false, group = false;
  for (const auto& u : b->environment.accounts.users) user |= u.username == "build" && u.uid == 1000;
  for (const auto& g : b->environment.accounts.groups) group |= g.groupname == "build" && g.gid == 1000;
  EXPECT_TRUE(user && group);
  ASSERT_EQ(b->main.steps.size(), 1u);
  EXPECT_EQ(b->main.steps[0].uses, "autoconf/make");
  EXPECT_EQ(b->main.steps[0].name, "autoconf/make");
}

TEST(Compile, RangeSubpackagesSortedAndSubstituted) {
  auto b = compile_text(kHead + R"(
data:
  - name: animals
    items:
      rabbit: lepus
      hare: saxatilis
subpackages:
  - range: animals
    name: hello-${{range.key}}
    description: about ${{range.value}}
    pipeline:
      - runs: echo ${{range.value}} > ${{targets.contextdir}}/${{range.key}} ${{targets.subpkgdir}} ${{subpkg.name}}
  - name: hello-dropped
    if: ${{package.name}} != 'hello'
    pipeline:
      - runs: "true"
)");
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_EQ(b->subpackages.size(), 2u);
  EXPECT_EQ(b->subpackages[0].name, "hello-hare");
  EXPECT_EQ(b->subpackages[0].description, "about saxatilis");
  EXPECT_EQ(b->subpackages[0].steps[0].runs,
            "echo saxatilis > /home/build/melange-out/hello-hare/hare /home/build/melange-out/hello-hare hello-hare");
  EXPECT_EQ(b->subpackages[1].name, "hello-rabbit");
}

TEST(Compile, UndefinedVariableNamesItAndTheLine) {
  auto b = compile_text(kHead + "pipeline:\n  - runs: echo ok\n  - runs: echo ${{vars.nope}}\n");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("t.yaml:7:"), std::string::npos) << b.error().message;
  EXPECT_NE(b.error().message.find("vars.nope"), std::string::npos) << b.error().message;
}

TEST(Compile, UnknownWithInputIsAnError) {
  auto b = compile_text(kHead + "pipeline:\n  - uses: autoconf/make\n    with:\n      optz: -k\n");
  ASSERT_FALSE(b);
  const std::string& m = b.error().message;
  EXPECT_NE(m.find("t.yaml:6:"), std::string::npos) << m;
  EXPECT_NE(m.find("\"optz\""), std::string::npos) << m;
  EXPECT_NE(m.find("\"autoconf/make\""), std::string::npos) << m;
}

TEST(Compile, RequiredAndCheckedInputs) {
  auto missing = compile_text(kHead + "pipeline:\n  - uses: fetch\n    with:\n      expected-none: true\n");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("needs input \"uri\""), std::string::npos) << missing.error().message;
  auto badsha = compile_text(kHead + "pipeline:\n  - uses: fetch\n    with:\n      uri: http://x/a.tgz\n      expected-sha256: abc\n");
  ASSERT_FALSE(badsha);
  EXPECT_NE(badsha.error().message.find("64 hex"), std::string::npos) << badsha.error().message;
  auto badcommit = compile_text(kHead +
                                "pipeline:\n  - uses: git-checkout\n    with:\n      repository: x\n      expected-commit: 12\n");
  ASSERT_FALSE(badcommit);
  EXPECT_NE(badcommit.error().message.find("40 hex"), std::string::npos);
}

TEST(Compile, UsesPathTraversalIsRefused) {
  for (const char* uses : {"../../../../etc/passwd", "/etc/passwd", "split/../../x"}) {
    auto b = compile_text(kHead + "pipeline:\n  - uses: " + uses + "\n");
    ASSERT_FALSE(b) << uses;
    EXPECT_NE(b.error().message.find("t.yaml:6:"), std::string::npos) << b.error().message;
    EXPECT_NE(b.error().message.find("pipeline name"), std::string::npos) << b.error().message;
  }
}

TEST(Compile, PipelineDirOverridesBuiltinAndSeesInputs) {
  auto tmp = base::TempDir::create("ma-compile-").value();
  fs::create_directories(tmp.path() / "autoconf");
  std::ofstream(tmp.path() / "autoconf" / "make.yaml") << R"(name: my make
needs:
  packages:
    - my-${{inputs.flavour}}
inputs:
  flavour:
    default: gnu
pipeline:
  - runs: echo "${{inputs.flavour}}" ${{package.name}}
)";
  CompileOptions o = x86();
  o.pipeline_dirs = {tmp.path()};
  auto b = compile_text(kHead + "pipeline:\n  - uses: autoconf/make\n    with:\n      flavour: bsd\n", o);
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_EQ(b->main.steps.size(), 1u);
  EXPECT_EQ(b->main.steps[0].runs, "echo \"bsd\" hello");
  EXPECT_EQ(*config::map_find(b->main.steps[0].environment, "INPUT_FLAVOUR"), "bsd");
  EXPECT_EQ(b->environment.contents.packages, std::vector<std::string>{"my-bsd"});
  // Errors name the user's `uses:` line (line 6 of t.yaml), also through a nested pipeline.
  EXPECT_EQ(b->main.steps[0].uses_location.to_string(), "t.yaml:6");
  std::ofstream(tmp.path() / "outer.yaml") << "pipeline:\n  - uses: autoconf/make\n";
  auto nested = compile_text(kHead + "pipeline:\n  - runs: true\n  - uses: outer\n", o);
  ASSERT_TRUE(nested) << nested.error().message;
  ASSERT_EQ(nested->main.steps.size(), 2u);
  EXPECT_TRUE(nested->main.steps[0].uses_location.file.empty());
  EXPECT_EQ(nested->main.steps[1].uses_location.to_string(), "t.yaml:7");
  EXPECT_EQ(nested->main.steps[1].location.file, (tmp.path() / "autoconf" / "make.yaml").string());
}

TEST(Compile, BuildOptionsAndOptionConditions) {
  const std::string yaml = kHead + R"(
environment:
  contents:
    packages: [openssl-dev, busybox]
vars:
  tls: openssl
options:
  rustls:
    vars:
      tls: rustls
    environment:
      contents:
        packages:
          add: [rustls-ffi]
          remove: [openssl-dev]
pipeline:
  - runs: echo ${{vars.tls}}
  - if: ${{options.rustls.enabled}} == 'true'
    runs: echo rustls-only
)";
  auto plain = compile_text(yaml);
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(plain->main.steps.size(), 1u);
  EXPECT_EQ(plain->main.steps[0].runs, "echo openssl");
  CompileOptions o = x86();
  o.build_options = {"rustls"};
  auto with = compile_text(yaml, o);
  ASSERT_TRUE(with) << with.error().message;
  ASSERT_EQ(with->main.steps.size(), 2u);
  EXPECT_EQ(with->main.steps[0].runs, "echo rustls");
  EXPECT_EQ(with->environment.contents.packages, (std::vector<std::string>{"busybox", "rustls-ffi"}));
  o.build_options = {"nope"};
  auto bad = compile_text(yaml, o);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("unknown build option \"nope\""), std::string::npos);
}

TEST(Compile, PackageFieldsAreFilledLikeMelangesReplacer) {
  auto b = compile_text(kHead + R"y(
  description: ${{package.name} libraries, ${{range.key == "64" && " (ILP64)" || ""}}
  dependencies:
    runtime:
      - ${{package.name}}-base
      - x-${{vars.nope}}
  scriptlets:
    post-install: |
      echo ${{package.name}} ${{package.version}}
subpackages:
  - name: ${{package.name}}-dev
    description: dev of ${{package.name}}
pipeline:
  - name: build ${{package.name}} ${{inputs.python}}
    runs: "true"
)y");
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->main.description, "${{package.name} libraries, ${{range.key == \"64\" && \" (ILP64)\" || \"\"}}");
  EXPECT_EQ(b->main.dependencies.runtime, (std::vector<std::string>{"hello-base", "x-${{vars.nope}}"}));
  ASSERT_TRUE(b->main.scriptlets);
  EXPECT_EQ(b->main.scriptlets->post_install, "echo hello 1.2.3\n");
  EXPECT_EQ(b->subpackages[0].description, "dev of hello");
  EXPECT_EQ(b->main.steps[0].name, "build hello ${{inputs.python}}");
}

TEST(Compile, RequiredStepsAssertion) {
  auto b = compile_text(kHead + R"(
pipeline:
  - assertions:
      required-steps: 1
    pipeline:
      - if: ${{build.arch}} == 'riscv64'
        runs: "true"
)");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("required-steps"), std::string::npos) << b.error().message;
}

TEST(Compile, FetchSourcesAndTestSection) {
  const std::string sha(64, 'a');
  auto b = compile_text(kHead + "pipeline:\n  - uses: fetch\n    with:\n      uri: https://x/hello-${{package.version}}.tgz\n"
                                "      expected-sha256: " + sha + "\ntest:\n  pipeline:\n    - uses: fetch\n      with:\n"
                                "        uri: https://x/test.tgz\n        expected-none: true\n    - runs: hello --version\n");
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_EQ(b->sources.size(), 1u);
  EXPECT_EQ(b->sources[0].uri, "https://x/hello-1.2.3.tgz");
  EXPECT_EQ(b->sources[0].sha256, sha);
  EXPECT_EQ(b->sources[0].purl_name, "hello");
  ASSERT_TRUE(b->main.test);
  EXPECT_EQ(*config::map_find(b->main.test->environment.environment, "HOME"), "/root");
  EXPECT_EQ(b->main.test->environment.contents.packages, std::vector<std::string>{"wget"});
  EXPECT_EQ(b->environment.contents.packages, std::vector<std::string>{"wget"});
  auto j = to_json(*b);
  EXPECT_EQ(j["packages"][0]["pipeline"][0]["uses"], "fetch");
  EXPECT_EQ(j["sources"][0]["expected-sha256"], sha);
}

// Runs a compiled step with /bin/sh on the host, with fake tools first on PATH.
int run_step(const CompiledBuild& b, const CompiledStep& s, const fs::path& dir) {
  std::string wrapper;
  for (const auto& [k, v] : step_environment(b.environment.environment, s))
    wrapper += "export " + k + "=" + testutil::shell_quote(v) + "\n";
  wrapper += "export PATH=" + testutil::shell_quote((dir / "bin").string()) + ":\"$PATH\"\n";
  wrapper += s.script;
  std::ofstream(dir / "step.sh") << wrapper;
  return testutil::run_quiet("cd " + testutil::shell_quote(dir.string()) + " && /bin/sh ./step.sh");
}

TEST(Compile, ShellInjectionThroughInputsStaysInert) {
  auto tmp = base::TempDir::create("ma-inject-").value();
  const fs::path dir = tmp.path();
  fs::create_directories(dir / "bin" );
  fs::create_directories(dir / "work");
  // Fake wget and patch that record their arguments.
  std::ofstream(dir / "bin" / "wget") << "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > "
                                      << testutil::shell_quote((dir / "wget.args").string()) << "\nexit 1\n";
  std::ofstream(dir / "bin" / "patch") << "#!/bin/sh\ncat > /dev/null\necho patched >> "
                                       << testutil::shell_quote((dir / "patch.log").string()) << "\n";
  fs::permissions(dir / "bin" / "wget", fs::perms::owner_all);
  fs::permissions(dir / "bin" / "patch", fs::perms::owner_all);
  const std::string mark = (dir / "pwned").string();
  const std::string uri = "http://x/$(touch " + mark + ")`touch " + mark + "2`;touch " + mark + "3";
  const std::string patch = "fix;touch " + mark + "4.patch";
  std::string yaml = kHead + "pipeline:\n  - working-directory: " + (dir / "work").string() +
                     "\n    pipeline:\n      - uses: fetch\n        with:\n          uri: '" + uri +
                     "'\n          expected-none: true\n      - uses: patch\n        with:\n          patches: '" +
                     patch + "'\n";
  auto b = compile_text(yaml);
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_EQ(b->main.steps.size(), 2u);
  EXPECT_EQ(b->main.steps[0].script.find("touch"), std::string::npos) << "input text leaked into the script";
  EXPECT_NE(run_step(*b, b->main.steps[0], dir), 0);  // the fake wget fails
  auto args = base::read_file(dir / "wget.args");
  ASSERT_TRUE(args) << "fake wget was not called";
  EXPECT_NE(args->find(uri + "\n"), std::string::npos) << *args;  // reached wget verbatim, as one argument
  std::ofstream(dir / "work" / "fix;touch") << "";
  EXPECT_NE(run_step(*b, b->main.steps[1], dir), 0);  // second word names no file
  for (const char* suffix : {"", "2", "3", "4.patch"}) EXPECT_FALSE(fs::exists(mark + suffix)) << mark << suffix;
  auto log = base::read_file(dir / "patch.log");
  ASSERT_TRUE(log);
  EXPECT_EQ(*log, "patched\n");  // "fix;touch" was applied as a file name
}

// As the original's `set -eo pipefail`: a failing command inside a pipeline fails the step
// where the shell has pipefail (bash, busybox ash), and a shell without it (dash) still runs it.
TEST(Compile, PipelinesFailWherePipefailExists) {
  auto tmp = base::TempDir::create("ma-pipefail-").value();
  auto b = compile_text(kHead + "pipeline:\n  - working-directory: " + tmp.path().string() +
                        "\n    runs: |\n      false | true\n      touch reached\n");
  ASSERT_TRUE(b) << b.error().message;
  std::ofstream(tmp.path() / "step.sh") << b->main.steps.at(0).script;
  const std::string cd = "cd " + testutil::shell_quote(tmp.path().string()) + " && ";
  EXPECT_NE(testutil::run_quiet(cd + "bash ./step.sh"), 0);
  EXPECT_FALSE(fs::exists(tmp.path() / "reached")) << "bash went on after a failed pipeline";
  // dash is essential on Debian: /bin/sh of the bootstrap environment.
  EXPECT_EQ(testutil::run_quiet(cd + "dash ./step.sh"), 0);
  EXPECT_TRUE(fs::exists(tmp.path() / "reached")) << "dash stopped at the pipefail line";
}

// `opts` reach the tool as the shell words the user quoted, and nothing in them runs.
TEST(Compile, OptsInputsAreQuotedWords) {
  auto tmp = base::TempDir::create("ma-opts-").value();
  const fs::path dir = tmp.path();
  fs::create_directories(dir / "bin");
  fs::create_directories(dir / "work");
  std::ofstream(dir / "bin" / "make") << "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]' \"$a\"; done > "
                                      << testutil::shell_quote((dir / "make.args").string()) << "\n";
  fs::permissions(dir / "bin" / "make", fs::perms::owner_all);
  const std::string mark = (dir / "pwned").string();
  std::string yaml = kHead + "pipeline:\n  - working-directory: " + (dir / "work").string() +
                     "\n    uses: autoconf/make\n    with:\n      opts: >-\n        CFLAGS=\"-O2 -g\" 'X=a b'\n"
                     "        $(touch " + mark + ");touch\n      targets: all\n";
  auto b = compile_text(yaml);
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_EQ(b->main.steps.size(), 1u);
  EXPECT_EQ(run_step(*b, b->main.steps[0], dir), 0);
  auto args = base::read_file(dir / "make.args");
  ASSERT_TRUE(args) << "fake make was not called";
  EXPECT_NE(args->find("[V=1][CFLAGS=-O2 -g][X=a b][$(touch"), std::string::npos) << *args;
  EXPECT_NE(args->find(");touch][all]"), std::string::npos) << *args;
  EXPECT_FALSE(fs::exists(mark));
  auto bad = compile_text(kHead + "pipeline:\n  - uses: autoconf/make\n    with:\n      opts: CFLAGS=\"-O2\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("t.yaml:6"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("unterminated quote"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace melange
