#include "config/build_config.hpp"

#include <gtest/gtest.h>

namespace config {
namespace {

const char* kFull = R"(package:
  name: hello
  version: 2.12
  epoch: 3
  description: greeting
  target-architecture: [x86_64]
  copyright:
    - license: MIT
      paths: ["*"]
  dependencies:
    runtime:
    provides: [hi=1]
    provider-priority: 10
  options:
    no-provides: true
  scriptlets:
    trigger:
      script: echo hi
      paths: [/usr/lib]
    post-install: echo done
  checks:
    disabled: [empty]
  timeout: 1h30m
  resources: {cpu: "8", memory: 16Gi}
environment:
  contents:
    repositories: [https://packages.wolfi.dev/os]
    packages: [build-base]
  environment:
    CGO_ENABLED: "0"
capabilities:
  add: [CAP_NET_ADMIN]
vars:
  flag: --yes
var-transforms:
  - from: ${{package.version}}
    match: \.(\d+)$
    replace: +$1
    to: mangled
data:
  - name: things
    items: {a: one, b: two}
pipeline:
  - uses: fetch
    with:
      uri: https://x/${{package.version}}.tar.gz
  - name: nested
    working-directory: sub
    pipeline:
      - runs: make
        if: ${{build.arch}} == 'x86_64'
subpackages:
  - range: things
    name: hello-${{range.key}}
    pipeline:
      - uses: split/dev
    test:
      pipeline:
        - runs: true
options:
  extra:
    vars: {flag: --no}
    environment:
      contents:
        packages:
          add: [x]
          remove: [y]
update:
  enabled: true
  github:
    identifier: foo/bar
    use-tag: true
test:
  environment:
    contents:
      packages: [busybox]
  pipeline:
    - runs: hello --version
)";

TEST(BuildConfig, ParsesEverySection) {
  auto c = parse_build_config(kFull, "hello.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->package.name, "hello");
  EXPECT_EQ(c->package.version, "2.12");
  EXPECT_EQ(c->package.epoch, 3u);
  EXPECT_EQ(c->package.dependencies.provider_priority, "10");
  EXPECT_TRUE(c->package.dependencies.runtime.empty());
  ASSERT_TRUE(c->package.options);
  EXPECT_TRUE(c->package.options->no_provides);
  ASSERT_TRUE(c->package.scriptlets);
  EXPECT_EQ(c->package.scriptlets->trigger_paths.at(0), "/usr/lib");
  ASSERT_TRUE(c->package.timeout);
  EXPECT_EQ(c->package.timeout->count(), 5400LL * 1000000000LL);
  EXPECT_EQ(c->package.resources->memory, "16Gi");
  EXPECT_EQ(*map_find(c->environment.environment, "CGO_ENABLED"), "0");
  EXPECT_EQ(c->capabilities_add.at(0), "CAP_NET_ADMIN");
  ASSERT_EQ(c->pipeline.size(), 2u);
  EXPECT_EQ(c->pipeline[0].uses, "fetch");
  EXPECT_EQ(c->pipeline[0].location.line, 44);
  EXPECT_EQ(c->pipeline[0].location.file, "hello.yaml");
  EXPECT_EQ(c->pipeline[1].pipeline.at(0).if_, "${{build.arch}} == 'x86_64'");
  EXPECT_EQ(c->pipeline[1].pipeline.at(0).location.line, 50);
  ASSERT_EQ(c->subpackages.size(), 1u);
  EXPECT_EQ(c->subpackages[0].name, "hello-${{range.key}}");
  EXPECT_EQ(c->data.at(0).items.at(1).second, "two");
  ASSERT_EQ(c->options.size(), 1u);
  EXPECT_EQ(c->options[0].second.packages_remove.at(0), "y");
  EXPECT_EQ(c->update["github"]["identifier"], "foo/bar");
  EXPECT_EQ(c->update["github"]["use-tag"], true);
  ASSERT_TRUE(c->test);
  EXPECT_EQ(c->test->environment->contents.packages.at(0), "busybox");
  EXPECT_EQ(c->var_transforms.at(0).to, "mangled");

  auto j = to_json(*c);
  EXPECT_EQ(j["package"]["name"], "hello");
  EXPECT_EQ(j["package"]["epoch"], 3);
  EXPECT_EQ(j["pipeline"][0]["with"]["uri"], "https://x/${{package.version}}.tar.gz");
  EXPECT_EQ(j["pipeline"][1]["working-directory"], "sub");
  EXPECT_EQ(j["subpackages"][0]["range"], "things");
  EXPECT_EQ(j["update"]["enabled"], true);
  EXPECT_EQ(j["options"]["extra"]["environment"]["contents"]["packages"]["add"][0], "x");
}

std::string error_of(const std::string& yaml) {
  auto c = parse_build_config(yaml, "m.yaml");
  return c ? std::string("(parsed)") : c.error().message;
}

TEST(BuildConfig, StrictErrorsWithLines) {
  EXPECT_EQ(error_of("package: {name: a, version: 1}\npipline: []\n"),
            "m.yaml:2: unknown key \"pipline\" in melange configuration");
  EXPECT_EQ(error_of("package:\n  name: a\n  version: 1\npipeline:\n  - runs: x\n    wiht: {a: b}\n"),
            "m.yaml:6: unknown key \"wiht\" in pipeline step");
  EXPECT_EQ(error_of("package:\n  name: a\n  version: 1\n  dependencies:\n    runtime: [a]\n    provider-priority: high\n"),
            "m.yaml:6: \"provider-priority\" must be an integer, got \"high\"");
  EXPECT_EQ(error_of("package:\n  name: a\n  version: 1\n  epoch: x\n"), "m.yaml:4: \"epoch\" must be an integer");
  EXPECT_EQ(error_of("package:\n  version: 1\n"), "m.yaml:2: missing required key \"name\" in package");
  EXPECT_EQ(error_of("package:\n  name: a\n"), "m.yaml:2: missing required key \"version\" in package");
  EXPECT_EQ(error_of("package:\n  name: -bad\n  version: 1\n"),
            "m.yaml:2: package name \"-bad\" is invalid (must match ^[a-zA-Z\\d][a-zA-Z\\d+_.-]*$)");
  EXPECT_EQ(error_of("package: {name: a, version: 1, timeout: 3600}\n"),
            "m.yaml:1: \"timeout\" must be a duration such as 30m or 1h30m");
}

TEST(BuildConfig, StepCombinationRules) {
  EXPECT_EQ(error_of("package: {name: a, version: 1}\npipeline:\n  - uses: fetch\n    runs: x\n"),
            "m.yaml:3: a pipeline step cannot combine \"uses\" (fetch) with \"runs\"");
  EXPECT_EQ(error_of("package: {name: a, version: 1}\npipeline:\n  - name: n\n    pipeline:\n      - with: {a: b}\n        runs: x\n"),
            "m.yaml:5: a pipeline step cannot combine \"with\" with \"runs\"");
}

TEST(BuildConfig, OtherValidation) {
  EXPECT_NE(error_of("package: {name: a, version: 1}\nsubpackages:\n  - name: b\n    range: nope\n")
                .find("m.yaml:3: subpackage range \"nope\" names no data entry"),
            std::string::npos);
  EXPECT_NE(error_of("package:\n  name: a\n  version: 1\n  setcap:\n    - path: /x\n      add: {cap_sys_time: +ep}\n      reason: r\n")
                .find("capability \"cap_sys_time\" is not allowed"),
            std::string::npos);
  EXPECT_NE(error_of("package:\n  name: a\n  version: 1\n  setcap:\n    - path: /x\n      add: {cap_net_raw: +ep}\n")
                .find("needs a \"reason\""),
            std::string::npos);
  EXPECT_EQ(error_of("package:\n  name: a\n  version: 1\n  setcap:\n    - path: /x\n      add: {\"cap_net_raw,cap_net_admin\": +ep}\n      reason: ping\n"),
            "(parsed)");
  EXPECT_NE(error_of("package: {name: a, version: 1}\nvar-transforms:\n  - {from: x, match: '(', replace: y, to: z}\n")
                .find("m.yaml:3: invalid regular expression"),
            std::string::npos);
  EXPECT_EQ(error_of("package: {name: a, version: 1}\nupdate:\n  enabled: true\n  frobnicate: 1\n"),
            "m.yaml:4: unknown key \"frobnicate\" in update");
  for (const char* bad : {"../../etc/shadow", "/etc/shadow", "docs/../../x"})
    EXPECT_EQ(error_of(std::string("package:\n  name: a\n  version: 1\n  copyright:\n    - license: MIT\n      license-path: ") +
                       bad + "\n"),
              std::string("m.yaml:6: license-path \"") + bad + "\": must be a relative path inside the source tree");
  EXPECT_EQ(error_of("package:\n  name: a\n  version: 1\n  copyright:\n    - license: MIT\n      license-path: docs/COPYING..txt\n"),
            "(parsed)");
}

TEST(BuildConfig, MalformedYaml) {
  std::string e = error_of("package:\n  name: a\n   version: 1\n");
  EXPECT_EQ(e.rfind("m.yaml:", 0), 0u) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos);
}

TEST(PipelineDef, ParsesBuiltinShape) {
  const char* yaml = R"(name: Split development files

needs:
  packages:
    - busybox

inputs:
  package:
    description: |
      The package to split development files from
    required: false
  opts:
    default: -g

pipeline:
  - runs: |
      echo "${{inputs.package}}"
)";
  auto d = parse_pipeline_def(yaml, "split/dev.yaml");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->name, "Split development files");
  ASSERT_TRUE(d->needs_packages);
  EXPECT_EQ(d->needs_packages->at(0), "busybox");
  ASSERT_EQ(d->inputs.size(), 2u);
  EXPECT_EQ(d->inputs[0].first, "package");
  EXPECT_FALSE(d->inputs[0].second.default_value);
  EXPECT_EQ(*d->inputs[1].second.default_value, "-g");
  EXPECT_EQ(d->pipeline.at(0).location.line, 16);
  // Unknown keys are skipped, as melange decodes pipeline files (yaml.v3 without KnownFields),
  // and reported; wrong types are still errors.
  std::vector<std::string> ignored;
  auto lenient = parse_pipeline_def(
      "name: x\ndescription: what it does\ninputs:\n  a:\n    requried: true\npipeline:\n  - runs: \"true\"\n    why: x\n",
      "p.yaml", &ignored);
  ASSERT_TRUE(lenient) << lenient.error().message;
  EXPECT_FALSE(lenient->inputs.at(0).second.required);
  EXPECT_EQ(ignored, (std::vector<std::string>{"p.yaml:2: \"description\" in pipeline definition",
                                               "p.yaml:5: \"requried\" in pipeline definition.inputs.a",
                                               "p.yaml:8: \"why\" in pipeline step"}));
  auto bad = parse_pipeline_def("name: x\ninputs:\n  a:\n    required: [yes]\n", "p.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("p.yaml:4"), std::string::npos) << bad.error().message;
}

TEST(GoDuration, Parses) {
  EXPECT_EQ(parse_go_duration("90s")->count(), 90LL * 1000000000LL);
  EXPECT_EQ(parse_go_duration("1.5h")->count(), 5400LL * 1000000000LL);
  EXPECT_EQ(parse_go_duration("2m30s")->count(), 150LL * 1000000000LL);
  EXPECT_EQ(parse_go_duration("300ms")->count(), 300LL * 1000000LL);
  EXPECT_EQ(parse_go_duration("0")->count(), 0);
  EXPECT_FALSE(parse_go_duration("10"));
  EXPECT_FALSE(parse_go_duration("1d"));
  EXPECT_FALSE(parse_go_duration(""));
}

}  // namespace
}  // namespace config
