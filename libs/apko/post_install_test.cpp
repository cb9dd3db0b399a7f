#include "apko/post_install.hpp"

#include <gtest/gtest.h>

namespace apko {
namespace {

using rootfs::Meta;

const char* kPem = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n";

TEST(PostInstall, RuntimeKeysServicesAndWarnings) {
  rootfs::Tree t;
  config::ImageConfig cfg;
  cfg.contents.runtime_keyring.push_back({"extra.rsa.pub", kPem});
  cfg.entrypoint.type = "service-bundle";
  cfg.entrypoint.services = {{"web", "nginx -g daemon off;"}};
  auto r = post_install(t, cfg, 1700000000);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*t.read_file("etc/apk/keys/extra.rsa.pub"), kPem);
  EXPECT_EQ((*t.lookup("etc/apk/keys/extra.rsa.pub"))->meta.mtime, 1700000000);
  EXPECT_EQ(*t.read_file("sv/web/run"), "#!/bin/execlineb\nnginx -g daemon off;\n");
  EXPECT_EQ((*t.lookup("sv/web/run"))->meta.mode, 0755u);
  EXPECT_EQ((*t.lookup("sv"))->meta.mode, 0777u);
  ASSERT_EQ(r->warnings.size(), 2u);  // os-release and group (passwd is always written)
  EXPECT_NE(r->warnings[0].find("etc/os-release"), std::string::npos);
}

TEST(PostInstall, RuntimeKeyClashAndBadNames) {
  rootfs::Tree t;
  ASSERT_TRUE(add_runtime_keys(t, {{"a.rsa.pub", kPem}}, 0));
  auto st = add_runtime_keys(t, {{"a.rsa.pub", kPem}}, 0);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("already exists"), std::string::npos);
  EXPECT_FALSE(add_runtime_keys(t, {{"../evil", kPem}}, 0));
  EXPECT_FALSE(add_runtime_keys(t, {{"b.rsa.pub", "not a key"}}, 0));
  EXPECT_FALSE(write_service_bundle(t, {{"../x", "cmd"}}));
}

}  // namespace
}  // namespace apko
