#include "config/image_config.hpp"

#include <gtest/gtest.h>

#include "base/fs.hpp"

namespace config {
namespace {

TEST(ImageConfig, ParsesAllSections) {
  const char* yaml = R"(contents:
  repositories:
    - https://example.com/os/
    - '@local ./packages'
  keyring: [https://example.com/key.rsa.pub]
  runtime_keyring:
    - name: k.rsa.pub
      content: PEM
  packages: [busybox, go]
entrypoint:
  command: /bin/sh -l
cmd: --help
stop-signal: SIGTERM
work-dir: /app
accounts:
  run-as: nonroot
  users:
    - username: nonroot
      uid: 65532
  groups:
    - groupname: nonroot
      gid: 65532
      members: [nonroot]
archs: [x86_64, arm64]
environment:
  Z: last
  A: first
paths:
  - path: /run/x
    type: directory
    uid: 10
    permissions: 0o755
  - path: /etc/y
    type: permissions
    permissions: "0644"
  - path: /etc/z
    type: symlink
    source: /etc/y
    permissions: 493
annotations: {foo: bar}
volumes: [/data]
layering: {strategy: origin, budget: 3}
certificates:
  providers: [custom-ca-certificates]
format: tar
)";
  auto c = parse_image_config(yaml, "img.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->contents.repositories.size(), 2u);
  EXPECT_EQ(c->contents.runtime_keyring.at(0).name, "k.rsa.pub");
  EXPECT_EQ(c->entrypoint.command, "/bin/sh -l");
  EXPECT_EQ(c->accounts.users.at(0).uid, 65532u);
  EXPECT_FALSE(c->accounts.users.at(0).gid.has_value());
  EXPECT_EQ(c->accounts.groups.at(0).members.at(0), "nonroot");
  EXPECT_EQ(c->environment.at(0).first, "Z");
  ASSERT_EQ(c->paths.size(), 3u);
  EXPECT_EQ(c->paths[0].permissions, 0755u);
  EXPECT_EQ(c->paths[0].uid, 10u);
  EXPECT_FALSE(c->paths[0].gid.has_value());
  EXPECT_EQ(c->paths[1].type, PathType::kPermissions);
  EXPECT_EQ(c->paths[1].permissions, 0644u);
  EXPECT_EQ(c->paths[2].permissions, 0755u);
  EXPECT_EQ(c->paths[2].line, 36);
  ASSERT_TRUE(c->layering);
  EXPECT_EQ(c->layering->budget, 3);
  EXPECT_EQ(c->certificates.providers.at(0), "custom-ca-certificates");
}

TEST(ImageConfig, UnknownNestedKeyReportsLine) {
  auto c = parse_image_config("contents:\n  packages: [a]\n  pakages: [b]\n", "img.yaml");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message, "img.yaml:3: unknown key \"pakages\" in contents");
  c = parse_image_config("accounts:\n  users:\n    - username: x\n      uid: 5\n      home: /x\n", "img.yaml");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message, "img.yaml:5: unknown key \"home\" in accounts.users entry");
}

TEST(ImageConfig, BadValuesAreErrors) {
  auto c = parse_image_config("accounts:\n  users:\n    - username: x\n      uid: lots\n", "img.yaml");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message, "img.yaml:4: \"uid\" must be an integer");
  c = parse_image_config("paths:\n  - path: /x\n    type: fifo\n", "img.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("img.yaml:3: unknown path type \"fifo\""), std::string::npos);
  c = parse_image_config("paths:\n  - path: /x\n    type: directory\n    permissions: \"0789\"\n", "img.yaml");
  ASSERT_FALSE(c);
  c = parse_image_config("format: zip\n", "img.yaml");
  ASSERT_FALSE(c);
  c = parse_image_config("- a\n- b\n", "img.yaml");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message, "img.yaml:1: image configuration must be a mapping");
}

TEST(ImageConfig, IncludeMergesBaseFirstAndTargetWins) {
  auto dir = base::TempDir::create("cfgtest-");
  ASSERT_TRUE(dir);
  const auto& d = dir->path();
  std::filesystem::create_directories(d / "sub");
  ASSERT_TRUE(base::write_file_atomic(d / "sub" / "base.yaml", R"(contents:
  repositories: [https://base.example/os/]
  keyring: [base.pub]
  packages: [base-pkg]
cmd: /bin/base
work-dir: /base
environment: {A: base, B: base}
accounts:
  run-as: baseuser
  users: [{username: b, uid: 1}]
archs: [x86_64]
)"));
  ASSERT_TRUE(base::write_file_atomic(d / "top.yaml", R"(include: sub/base.yaml
contents:
  packages: [top-pkg]
cmd: /bin/top
environment: {B: top, C: top}
accounts:
  users: [{username: t, uid: 2}]
)"));
  auto c = load_image_config(d / "top.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->contents.packages, (std::vector<std::string>{"base-pkg", "top-pkg"}));
  EXPECT_EQ(c->contents.repositories, (std::vector<std::string>{"https://base.example/os"}));
  EXPECT_EQ(c->contents.keyring, (std::vector<std::string>{"base.pub"}));
  EXPECT_EQ(c->cmd, "/bin/top");
  EXPECT_EQ(c->work_dir, "/base");
  EXPECT_EQ(c->accounts.run_as, "baseuser");
  ASSERT_EQ(c->accounts.users.size(), 2u);
  EXPECT_EQ(c->accounts.users[0].username, "b");
  EXPECT_EQ(c->archs, (std::vector<std::string>{"x86_64"}));
  ASSERT_EQ(c->environment.size(), 3u);
  EXPECT_EQ(*map_find(c->environment, "A"), "base");
  EXPECT_EQ(*map_find(c->environment, "B"), "top");
  EXPECT_EQ(*map_find(c->environment, "C"), "top");

  // The checksum covers the including file then the included one.
  auto top = base::read_file(d / "top.yaml");
  auto inc = base::read_file(d / "sub" / "base.yaml");
  ASSERT_TRUE(top && inc);
  EXPECT_EQ(c->checksum, config_checksum({*top, *inc}));
  EXPECT_NE(c->checksum, config_checksum({*top}));
}

TEST(ImageConfig, IncludeErrors) {
  auto dir = base::TempDir::create("cfgtest-");
  ASSERT_TRUE(dir);
  const auto& d = dir->path();
  ASSERT_TRUE(base::write_file_atomic(d / "a.yaml", "include: b.yaml\n"));
  ASSERT_TRUE(base::write_file_atomic(d / "b.yaml", "include: a.yaml\n"));
  auto c = load_image_config(d / "a.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("include cycle"), std::string::npos) << c.error().message;
  ASSERT_TRUE(base::write_file_atomic(d / "c.yaml", "include: missing.yaml\n"));
  c = load_image_config(d / "c.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("\"missing.yaml\" not found"), std::string::npos);
  // include_paths are searched too.
  std::filesystem::create_directories(d / "lib");
  ASSERT_TRUE(base::write_file_atomic(d / "lib" / "found.yaml", "cmd: x\n"));
  ASSERT_TRUE(base::write_file_atomic(d / "e.yaml", "include: found.yaml\n"));
  LoadOptions opts;
  opts.include_paths.push_back(d / "lib");
  c = load_image_config(d / "e.yaml", opts);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->cmd, "x");
}

TEST(ImageConfig, ApkoRules) {
  auto dir = base::TempDir::create("cfgtest-");
  ASSERT_TRUE(dir);
  const auto& d = dir->path();
  ASSERT_TRUE(base::write_file_atomic(d / "u.yaml", "accounts:\n  users:\n    - username: r\n      uid: 0\n"));
  auto c = load_image_config(d / "u.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("u.yaml:3: user \"r\" has uid 0"), std::string::npos) << c.error().message;
  ASSERT_TRUE(base::write_file_atomic(d / "b.yaml", "contents:\n  baseimage: {image: x}\ncmd: y\n"));
  EXPECT_FALSE(load_image_config(d / "b.yaml"));
  ASSERT_TRUE(base::write_file_atomic(d / "f.yaml", "format: erofs\nlayering: {strategy: origin}\n"));
  EXPECT_FALSE(load_image_config(d / "f.yaml"));
}

TEST(ImageConfig, ParseRepository) {
  auto r = parse_repository("@local ./packages");
  EXPECT_EQ(r.tag, "local");
  EXPECT_EQ(r.url, "./packages");
  r = parse_repository("  https://dl-cdn.alpinelinux.org/alpine/edge/main ");
  EXPECT_EQ(r.tag, "");
  EXPECT_EQ(r.url, "https://dl-cdn.alpinelinux.org/alpine/edge/main");
  r = parse_repository("@edge\thttps://x/y");
  EXPECT_EQ(r.tag, "edge");
  EXPECT_EQ(r.url, "https://x/y");
}

TEST(ImageConfig, RedactsPasswordsOnly) {
  EXPECT_EQ(redact_url("https://user:secret@host.example/os"), "https://user:xxxxx@host.example/os");
  EXPECT_EQ(redact_url("https://token@host.example/os"), "https://token@host.example/os");
  EXPECT_EQ(redact_url("https://host.example/a@b"), "https://host.example/a@b");
  EXPECT_EQ(redact_url("./packages"), "./packages");
}

TEST(ImageConfig, ToYamlRedactsAndRoundTrips) {
  auto c = parse_image_config(R"(contents:
  repositories: ["https://u:pw@r.example/os"]
  packages: [a]
entrypoint: {command: /bin/sh}
environment: {K: v, B: "true", N: "0755", E: ""}
paths: [{path: /x, type: directory, permissions: 0o755}]
)", "img.yaml");
  ASSERT_TRUE(c) << c.error().message;
  std::string y = to_yaml(*c);
  EXPECT_EQ(y.find("pw@"), std::string::npos) << y;
  EXPECT_NE(y.find("https://u:xxxxx@r.example/os"), std::string::npos) << y;
  // Strings that would read back as booleans or numbers are quoted.
  EXPECT_NE(y.find("B: \"true\""), std::string::npos) << y;
  EXPECT_NE(y.find("N: \"0755\""), std::string::npos) << y;
  // The output parses back to the same configuration (modulo redaction).
  auto back = parse_image_config(y, "out.yaml");
  ASSERT_TRUE(back) << back.error().message << "\n" << y;
  EXPECT_EQ(back->contents.packages, c->contents.packages);
  EXPECT_EQ(back->paths.at(0).permissions, 0755u);
  EXPECT_EQ(back->entrypoint.command, "/bin/sh");
  EXPECT_EQ(back->environment, c->environment);
  auto j = to_json(*c);
  EXPECT_EQ(j["contents"]["repositories"][0], "https://u:pw@r.example/os");
  EXPECT_EQ(j["paths"][0]["permissions"], 493);
}

}  // namespace
}  // namespace config
