// The embedded .melange.yaml is what `melange rebuild` builds from: re-embedding the
// configuration read back from a package must give the same bytes, or no rebuild could.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "apk/installed_db.hpp"
#include "config/build_config.hpp"
#include "melange/build_package.hpp"
#include "melange/compile.hpp"

namespace melange {
namespace {

using ::testing::HasSubstr;

const char* kHello = R"(package:
  name: hello
  version: "2.10"
  epoch: 0
  description: GNU hello
  copyright:
    - license: GPL-3.0-or-later
environment:
  contents:
    repositories:
      - /srv/bootstrap
    keyring:
      - /srv/bootstrap/bootstrap.rsa.pub
    packages:
      - build-base
      - busybox
  environment:
    CFLAGS: -O2
vars:
  greeting: "hi: there"
pipeline:
  - uses: fetch
    with:
      uri: http://127.0.0.1:1/hello-${{package.version}}.tar.gz
      expected-sha256: 31e066137a962676e89f69d1b65382de95a7ef7d914b8cb956f41ea72e0f516b
  - uses: autoconf/configure
  - runs: |
      echo "${{vars.greeting}}"
      make install DESTDIR=${{targets.destdir}}
subpackages:
  - name: hello-doc
    pipeline:
      - uses: split/manpages
test:
  environment:
    contents:
      packages:
        - busybox
  pipeline:
    - runs: hello --version
)";

std::vector<apk::InstalledPackage> installed() {
  std::vector<apk::InstalledPackage> out;
  for (auto [n, v] : {std::pair{"busybox", "1.35.0-r0"}, {"build-base", "1-r0"}, {"make", "4.3-r0"}, {"wget", "0-r0"}}) {
    apk::InstalledPackage p;
    p.info.name = n;
    p.info.version = v;
    out.push_back(p);
  }
  return out;
}

std::string embed(const std::string& yaml, const std::string& file) {
  auto cfg = config::parse_build_config(yaml, file);
  EXPECT_TRUE(cfg) << cfg.error().message;
  CompileOptions co;
  co.arch = *apk::parse_arch("x86_64");
  auto b = compile(*cfg, co);
  EXPECT_TRUE(b) << b.error().message;
  return embedded_config_yaml(*cfg, *b, installed());
}

TEST(EmbeddedConfig, ReEmbeddingTheEmbeddedConfigIsIdempotent) {
  std::string first = embed(kHello, "hello.yaml");
  EXPECT_THAT(first, HasSubstr("busybox=1.35.0-r0"));
  std::string second = embed(first, "hello.yaml:.melange.yaml");
  EXPECT_EQ(first, second);
  EXPECT_EQ(embed(second, "again"), second);
}

}  // namespace
}  // namespace melange
