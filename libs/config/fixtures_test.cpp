// Every apko and melange configuration in tests/data/configs must load, and the features each
// one is there for (see the comment at the top of each file) come out as written.
#include <filesystem>
#include <algorithm>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/fs.hpp"
#include "config/build_config.hpp"
#include "config/image_config.hpp"
#include "testutil/testutil.hpp"

namespace config {
namespace {

namespace fs = std::filesystem;

fs::path configs() { return testutil::test_data_dir() / "configs"; }
fs::path apko_config(const std::string& name) { return configs() / "apko" / name; }
fs::path melange_config(const std::string& name) { return configs() / "melange" / name; }

std::vector<fs::path> yaml_files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".yaml") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

LoadOptions with_include_path() {
  LoadOptions opts;
  opts.include_paths.push_back(configs());
  return opts;
}

// "sha256-" + base64(sha256(bytes of `files`, concatenated)), by openssl.
std::string openssl_checksum(const std::vector<fs::path>& files) {
  std::string cat = "cat";
  for (const auto& f : files) cat += " " + testutil::shell_quote(f.string());
  int status = -1;
  std::string b64 = testutil::run_capture(cat + " | openssl dgst -sha256 -binary | openssl base64 -A", &status);
  EXPECT_EQ(status, 0);
  return "sha256-" + b64;
}

TEST(Fixtures, EveryApkoConfigLoadsAndRoundTrips) {
  std::vector<fs::path> files = yaml_files(configs() / "apko");
  ASSERT_GE(files.size(), 14u);
  for (const auto& f : files) {
    SCOPED_TRACE(f.filename().string());
    auto c = load_image_config(f, with_include_path());
    ASSERT_TRUE(c) << c.error().message;
    // show-config's YAML reads back as the same configuration.
    std::string y = to_yaml(*c);
    auto back = parse_image_config(y, "show-config.yaml");
    ASSERT_TRUE(back) << back.error().message << "\n" << y;
    EXPECT_EQ(to_json(*back), to_json(*c)) << y;
  }
}

TEST(Fixtures, IncludeAndOverlay) {
  // alpine-overlay.yaml includes alpine-base.yaml from its own folder: lists are concatenated
  // base first, everything else comes from the base unless the overlay sets it.
  auto c = load_image_config(apko_config("alpine-overlay.yaml"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->contents.packages, (std::vector<std::string>{"alpine-base", "nano"}));
  EXPECT_EQ(c->contents.repositories, std::vector<std::string>{"https://dl-cdn.alpinelinux.org/alpine/v3.22/main"});
  EXPECT_EQ(c->cmd, "/bin/sh -l");
  EXPECT_EQ(c->archs, (std::vector<std::string>{"amd64", "arm64"}));
  EXPECT_EQ(c->environment, (OrderedMap{{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"}, {"LANG", "C.UTF-8"}}));
  EXPECT_EQ(c->annotations, (OrderedMap{{"org.opencontainers.image.title", "alpine with nano"}}));

  // include-path.yaml names its base relative to an include path.
  auto without = load_image_config(apko_config("include-path.yaml"));
  ASSERT_FALSE(without);
  EXPECT_NE(without.error().message.find("included file \"apko/alpine-base.yaml\" not found"), std::string::npos)
      << without.error().message;
  auto with = load_image_config(apko_config("include-path.yaml"), with_include_path());
  ASSERT_TRUE(with) << with.error().message;
  EXPECT_EQ(with->contents.packages, std::vector<std::string>{"alpine-base"});
  EXPECT_EQ(with->cmd, "/bin/sh -l");
}

// The lock file's config.checksum covers the config file and every file it includes. apko's
// golden lock (tests/data/apko-cli-testdata/apko.lock.json) was made from apko's own YAML, which
// is not in this repository, so its checksum value cannot be compared here; the format is, and
// the value is checked against openssl over our own files.
TEST(Fixtures, ChecksumCoversFileAndIncludes) {
  auto c = load_image_config(apko_config("cli-repo.yaml"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->checksum, openssl_checksum({apko_config("cli-repo.yaml")}));
  EXPECT_EQ(c->contents.packages, (std::vector<std::string>{"replayout"}));
  auto golden = nlohmann::json::parse(base::read_file(testutil::test_data_dir() / "apko-cli-testdata/apko.lock.json").value());
  std::string golden_checksum = golden["config"]["checksum"];
  EXPECT_EQ(c->checksum.size(), golden_checksum.size());
  EXPECT_EQ(c->checksum.substr(0, 7), golden_checksum.substr(0, 7));

  auto o = load_image_config(apko_config("alpine-overlay.yaml"));
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->checksum, openssl_checksum({apko_config("alpine-overlay.yaml"), apko_config("alpine-base.yaml")}));
}

TEST(Fixtures, ApkoServiceBundleAndPaths) {
  auto c = load_image_config(apko_config("service-bundle.yaml"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->entrypoint.type, "service-bundle");
  ASSERT_EQ(c->entrypoint.services.size(), 2u);
  EXPECT_EQ(c->entrypoint.services[0].first, "lighttpd");
  EXPECT_EQ(c->entrypoint.services[1].second, "/usr/bin/logger -s");
  ASSERT_EQ(c->paths.size(), 5u);
  EXPECT_EQ(c->paths[0].type, PathType::kDirectory);
  EXPECT_EQ(c->paths[0].permissions, 0750u);
  EXPECT_TRUE(c->paths[0].recursive);
  EXPECT_EQ(c->paths[0].uid, 20000u);
  EXPECT_EQ(c->paths[1].type, PathType::kHardlink);
  EXPECT_EQ(c->paths[1].source, "/etc/lighttpd/lighttpd.conf");
  EXPECT_EQ(c->paths[1].permissions, 0644u);
  EXPECT_FALSE(c->paths[1].uid);
  EXPECT_EQ(c->paths[2].type, PathType::kSymlink);
  EXPECT_EQ(c->paths[3].type, PathType::kEmptyFile);
  EXPECT_EQ(c->paths[3].permissions, 0640u);
  EXPECT_EQ(c->paths[4].type, PathType::kPermissions);
  EXPECT_EQ(c->paths[4].permissions, 0755u);  // written as decimal 493
  EXPECT_EQ(c->work_dir, "/srv/www");
  EXPECT_EQ(c->volumes, std::vector<std::string>{"/var/cache/lighttpd"});
  EXPECT_EQ(*map_find(c->environment, "LIGHTTPD_PORT"), "8080");
  EXPECT_EQ(c->annotations.size(), 2u);
  EXPECT_EQ(c->accounts.run_as, "www");
}

TEST(Fixtures, ApkoAccountsAndWolfi) {
  auto r = load_image_config(apko_config("alpine-rootless.yaml"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->contents.repositories.at(0), "https://dl-cdn.alpinelinux.org/alpine/v3.22/main");  // "/" trimmed
  ASSERT_EQ(r->accounts.users.size(), 1u);
  EXPECT_EQ(r->accounts.users[0].uid, 10001u);
  EXPECT_EQ(r->accounts.users[0].shell, "/sbin/nologin");
  EXPECT_EQ(r->accounts.users[0].homedir, "/srv/app");
  EXPECT_EQ(r->accounts.groups.at(0).members, std::vector<std::string>{"app"});
  EXPECT_EQ(r->accounts.run_as, "app");
  EXPECT_EQ(r->entrypoint.command, "/bin/sh -c \"id\"");

  auto w = load_image_config(apko_config("wolfi-base.yaml"));
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(w->contents.keyring, std::vector<std::string>{"https://packages.wolfi.dev/os/wolfi-signing.rsa.pub"});
  EXPECT_EQ(w->accounts.run_as, "65532");
  EXPECT_FALSE(w->accounts.users.at(0).gid);  // defaults to the uid when the image is built
  EXPECT_EQ(w->stop_signal, "SIGTERM");
  EXPECT_EQ(w->vcs_url, "https://example.com/images/wolfi-base");
  EXPECT_EQ(w->archs, (std::vector<std::string>{"x86_64", "aarch64"}));
}

TEST(Fixtures, ApkoKeysCertificatesAndLayering) {
  auto c = load_image_config(apko_config("certificates.yaml"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->certificates.providers, std::vector<std::string>{"ca-certificates-bundle"});
  ASSERT_EQ(c->certificates.additional.size(), 1u);
  EXPECT_EQ(c->certificates.additional[0].name, "melange-apko-test-ca");
  EXPECT_TRUE(c->certificates.additional[0].content.starts_with("-----BEGIN CERTIFICATE-----\n"));

  auto k = load_image_config(apko_config("runtime-keyring.yaml"));
  ASSERT_TRUE(k) << k.error().message;
  EXPECT_EQ(k->contents.runtime_repositories, std::vector<std::string>{"https://apk.example.com/mirror/os"});
  ASSERT_EQ(k->contents.runtime_keyring.size(), 1u);
  EXPECT_EQ(k->contents.runtime_keyring[0].name, "apk-example-mirror.rsa.pub");
  EXPECT_TRUE(k->contents.runtime_keyring[0].content.starts_with("-----BEGIN PUBLIC KEY-----\n"));

  auto l = load_image_config(apko_config("cli-layering.yaml"));
  ASSERT_TRUE(l) << l.error().message;
  ASSERT_TRUE(l->layering);
  EXPECT_EQ(l->layering->strategy, "origin");
  EXPECT_EQ(l->layering->budget, 2);
  EXPECT_EQ(l->contents.build_repositories, std::vector<std::string>{"./packages"});
  auto e = load_image_config(apko_config("empty-layering.yaml"));
  ASSERT_TRUE(e) << e.error().message;
  ASSERT_TRUE(e->layering.has_value());
  EXPECT_EQ(e->layering->strategy, "");

  auto b = load_image_config(apko_config("base-image.yaml"));
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_TRUE(b->contents.baseimage);
  EXPECT_EQ(b->contents.baseimage->image, "./base-layout");
  EXPECT_EQ(b->contents.baseimage->apkindex, "./base-apkindex");

  auto s = load_image_config(apko_config("shell-fragment.yaml"));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->entrypoint.shell_fragment, "exec /bin/sh -c \"$@\"");
  EXPECT_EQ(s->format, "tar");
  auto tagged = parse_repository(s->contents.repositories.at(0));
  EXPECT_EQ(tagged.tag, "edge");
  EXPECT_EQ(tagged.url, "https://dl-cdn.alpinelinux.org/alpine/edge/main");
}

TEST(Fixtures, EveryMelangeConfigParses) {
  std::vector<fs::path> files = yaml_files(configs() / "melange");
  ASSERT_GE(files.size(), 11u);
  for (const auto& f : files) {
    SCOPED_TRACE(f.filename().string());
    auto c = load_build_config(f);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_FALSE(c->package.name.empty());
    EXPECT_EQ(to_json(*c)["package"]["name"], c->package.name);
  }
}

TEST(Fixtures, MelangeOptionsVarsAndTransforms) {
  auto c = load_build_config(melange_config("options.yaml"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->package.name, "zstd-tools");
  ASSERT_EQ(c->options.size(), 1u);
  EXPECT_EQ(c->options[0].first, "lzma");
  EXPECT_EQ(c->options[0].second.packages_add, std::vector<std::string>{"xz-static"});
  EXPECT_EQ(c->options[0].second.packages_remove, std::vector<std::string>{"lz4-dev"});
  ASSERT_EQ(c->subpackages.size(), 4u);
  EXPECT_EQ(c->subpackages[2].dependencies.provider_priority, "5");
  EXPECT_EQ(c->subpackages[3].dependencies.provides, std::vector<std::string>{"libzstd-tools=1.5.6"});
  EXPECT_EQ(c->subpackages[3].if_, "${{options.lzma.enabled}} == 'true'");

  auto v = load_build_config(melange_config("var-transforms.yaml"));
  ASSERT_TRUE(v) << v.error().message;
  std::map<std::string, std::string> vars = {{"package.version", v->package.version}};
  ASSERT_TRUE(apply_var_transforms(v->var_transforms, vars));
  EXPECT_EQ(vars["vars.upstream-version"], "2.0.1-p7");

  auto r = load_build_config(melange_config("replaces-scriptlets.yaml"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->package.dependencies.replaces, (std::vector<std::string>{"old-layout", "older-layout"}));
  EXPECT_EQ(r->package.dependencies.replaces_priority, "10");
  ASSERT_TRUE(r->package.scriptlets);
  EXPECT_EQ(r->package.scriptlets->post_install, "#!/bin/sh\necho installed\n");
  EXPECT_EQ(r->package.scriptlets->trigger_paths, std::vector<std::string>{"/usr/share/new-layout"});

  auto cap = load_build_config(melange_config("capabilities-resources.yaml"));
  ASSERT_TRUE(cap) << cap.error().message;
  EXPECT_FALSE(cap->capabilities_add.empty());
  EXPECT_FALSE(cap->capabilities_drop.empty());
  ASSERT_TRUE(cap->package.resources && cap->package.test_resources);
  EXPECT_EQ(cap->package.resources->memory, "8Gi");
  EXPECT_EQ(cap->package.test_resources->cpu, "1");
  ASSERT_TRUE(cap->test);
  EXPECT_EQ(cap->test->pipeline.at(0).name, "ping the loopback interface");
}

}  // namespace
}  // namespace config
