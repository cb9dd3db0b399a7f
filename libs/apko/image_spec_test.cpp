#include "apko/image_spec.hpp"

#include <gtest/gtest.h>

namespace apko {
namespace {

using rootfs::Content;
using rootfs::Meta;

TEST(ImageSpec, ConfigFromYamlConfig) {
  auto cfg = config::parse_image_config(R"(
entrypoint:
  command: /usr/bin/app --flag "two words"
cmd: serve --port 8080
work-dir: /srv
stop-signal: SIGTERM
accounts:
  run-as: nonroot
environment:
  FOO: bar
  PATH: /custom
volumes: [/data, /cache, /data]
annotations:
  org.opencontainers.image.title: demo
  org.opencontainers.image.vendor: us
vcs-url: https://example.com/repo@abc123
)",
                                        "t.yaml");
  ASSERT_TRUE(cfg) << cfg.error().message;
  rootfs::Tree t;
  ASSERT_TRUE(t.mkdir_p("etc", Meta{0755, 0, 0, 0, {}}));
  ASSERT_TRUE(t.write_file("etc/passwd", Content::own("nonroot:x:65532:65532::/home/nonroot:/bin/sh\n"), Meta{}));
  auto ann = image_annotations(*cfg, {{"org.opencontainers.image.title", "cli wins"}}, "", 86400);
  ASSERT_TRUE(ann);
  EXPECT_EQ(ann->at("org.opencontainers.image.title"), "cli wins");
  EXPECT_EQ(ann->at("org.opencontainers.image.created"), "1970-01-02T00:00:00Z");
  EXPECT_EQ(ann->at("org.opencontainers.image.source"), "https://example.com/repo");
  EXPECT_EQ(ann->at("org.opencontainers.image.revision"), "abc123");
  auto spec = image_config_spec(*cfg, t, *apk::parse_arch("armv7"), 86400, *ann);
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->entrypoint, (std::vector<std::string>{"/usr/bin/app", "--flag", "two words"}));
  EXPECT_EQ(spec->cmd, (std::vector<std::string>{"serve", "--port", "8080"}));
  EXPECT_EQ(spec->user, "65532");
  EXPECT_EQ(spec->working_dir, "/srv");
  EXPECT_EQ(spec->stop_signal, "SIGTERM");
  EXPECT_EQ(spec->env, (std::vector<std::string>{"FOO=bar", "PATH=/custom",
                                                 "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"}));
  EXPECT_EQ(spec->volumes, (std::vector<std::string>{"/cache", "/data"}));
  EXPECT_EQ(spec->platform.architecture, "arm");
  EXPECT_EQ(spec->platform.variant, "v7");
  EXPECT_EQ(spec->created, "1970-01-02T00:00:00Z");
  EXPECT_EQ(spec->labels, *ann);
  ASSERT_EQ(spec->history.size(), 1u);
  EXPECT_EQ(spec->history[0].comment, "cli wins by us");
}

TEST(ImageSpec, ShellFragmentAndServiceBundle) {
  config::ImageConfig cfg;
  cfg.entrypoint.command = "ignored";
  cfg.entrypoint.shell_fragment = "echo hello from apko";
  rootfs::Tree t;
  auto s = image_config_spec(cfg, t, *apk::parse_arch("x86_64"), 0, {});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->entrypoint, (std::vector<std::string>{"/bin/sh", "-c", "echo hello from apko"}));
  EXPECT_EQ(s->env, (std::vector<std::string>{std::string("PATH=") + kDefaultPath,
                                              std::string("SSL_CERT_FILE=") + kDefaultSslCertFile}));
  config::ImageConfig sb;
  sb.entrypoint.type = "service-bundle";
  EXPECT_EQ(image_config_spec(sb, t, *apk::parse_arch("x86_64"), 0, {})->entrypoint,
            (std::vector<std::string>{"/bin/s6-svscan", "/sv"}));
  config::ImageConfig bad;
  bad.entrypoint.command = "sh -c 'unterminated";
  EXPECT_FALSE(image_config_spec(bad, t, *apk::parse_arch("x86_64"), 0, {}));
}

}  // namespace
}  // namespace apko
