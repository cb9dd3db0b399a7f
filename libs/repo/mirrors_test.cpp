#include "repo/mirrors.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace repo {
namespace {

TEST(Mirrors, LongestPrefixWins) {
  auto m = Mirrors::parse({"https://packages.wolfi.dev/os=/srv/mirror/wolfi",
                           "https://packages.wolfi.dev/os/wolfi-signing.rsa.pub=/srv/keys/wolfi.pem",
                           "https://packages.wolfi.dev=https://proxy.corp/wolfi-all"});
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->rewrite("https://packages.wolfi.dev/os/x86_64/APKINDEX.tar.gz"),
            "/srv/mirror/wolfi/x86_64/APKINDEX.tar.gz");
  EXPECT_EQ(m->rewrite("https://packages.wolfi.dev/os/wolfi-signing.rsa.pub"), "/srv/keys/wolfi.pem");
  EXPECT_EQ(m->rewrite("https://packages.wolfi.dev/os"), "/srv/mirror/wolfi");
  EXPECT_EQ(m->rewrite("https://packages.wolfi.dev/bootstrap/stage1"), "https://proxy.corp/wolfi-all/bootstrap/stage1");
  EXPECT_EQ(m->rewrite("https://dl-cdn.alpinelinux.org/alpine/v3.20/main"),
            "https://dl-cdn.alpinelinux.org/alpine/v3.20/main");
}

TEST(Mirrors, MatchesOnlyAtBoundaries) {
  auto m = Mirrors::parse({"https://h/os=/m"});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->rewrite("https://h/osx/a"), "https://h/osx/a");
  EXPECT_EQ(m->rewrite("https://h/os?x=1"), "/m?x=1");
  EXPECT_EQ(m->rewrite("https://h/os/"), "/m/");
}

TEST(Mirrors, TrailingSlashesIgnored) {
  auto m = Mirrors::parse({"https://h/os/=https://proxy/x/"});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->rewrite("https://h/os/a.apk"), "https://proxy/x/a.apk");
  auto root = Mirrors::parse({"https://h/os=/"});
  ASSERT_TRUE(root);
  EXPECT_EQ(root->rewrite("https://h/os/a.apk"), "/a.apk");
}

TEST(Mirrors, OneRewriteOnly) {
  auto m = Mirrors::parse({"https://a/x=https://b/x", "https://b/x=https://c/x"});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->rewrite("https://a/x/f"), "https://b/x/f");
}

TEST(Mirrors, UrlWithCredentialsMatchesBareRuleAndDropsThem) {
  auto m = Mirrors::parse({"https://apk.corp/os=/srv/os"});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->rewrite("https://user:tok@apk.corp/os/x86_64/APKINDEX.tar.gz"), "/srv/os/x86_64/APKINDEX.tar.gz");
}

TEST(Mirrors, BadSpecs) {
  auto no_eq = Mirrors::parse({"https://a/b"});
  ASSERT_FALSE(no_eq);
  EXPECT_EQ(no_eq.error().code, base::ErrorCode::kInvalidInput);
  EXPECT_FALSE(Mirrors::parse({"=/x"}));
  EXPECT_FALSE(Mirrors::parse({"https://a="}));
  auto dup = Mirrors::parse({"https://a=/x", "https://a/=/y"});
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().message.find("mapped twice"), std::string::npos) << dup.error().message;
  auto secret = Mirrors::parse({"https://u:hunter2@a/b"});
  ASSERT_FALSE(secret);
  EXPECT_EQ(secret.error().message.find("hunter2"), std::string::npos) << secret.error().message;
}

TEST(Mirrors, ParseListAndEnv) {
  auto m = Mirrors::parse_list(" https://a/os=/m1 ;\nhttps://b=/m2;; ", "test");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->size(), 2u);
  EXPECT_EQ(m->rewrite("https://b/c"), "/m2/c");

  ::setenv("APK_MIRRORS", "https://packages.example.invalid/os=/srv/os", 1);
  auto e = Mirrors::from_env();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->rewrite("https://packages.example.invalid/os/k.pub"), "/srv/os/k.pub");
  ::setenv("APK_MIRRORS", "nonsense", 1);
  auto bad = Mirrors::from_env();
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.rfind("APK_MIRRORS: ", 0), 0u) << bad.error().message;
  ::unsetenv("APK_MIRRORS");
  auto none = Mirrors::from_env();
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(Mirrors, MergeOverridesSameFrom) {
  auto env = Mirrors::parse({"https://a=/env-a", "https://b=/env-b"}).value();
  auto cli = Mirrors::parse({"https://a=/cli-a", "https://a/long=/cli-long"}).value();
  env.merge(cli);
  EXPECT_EQ(env.size(), 3u);
  EXPECT_EQ(env.rewrite("https://a/x"), "/cli-a/x");
  EXPECT_EQ(env.rewrite("https://a/long/x"), "/cli-long/x");
  EXPECT_EQ(env.rewrite("https://b/x"), "/env-b/x");
}

}  // namespace
}  // namespace repo
