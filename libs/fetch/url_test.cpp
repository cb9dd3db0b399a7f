#include "fetch/url.hpp"

#include <gtest/gtest.h>

namespace fetch {
namespace {

TEST(Url, IsRemote) {
  EXPECT_TRUE(is_remote("https://packages.wolfi.dev/os"));
  EXPECT_TRUE(is_remote("HTTP://x/y"));
  EXPECT_FALSE(is_remote("file:///etc/apk/keys/a.pub"));
  EXPECT_FALSE(is_remote("/etc/apk/keys"));
  EXPECT_FALSE(is_remote("./packages"));
  EXPECT_FALSE(is_remote("httpfoo"));
}

TEST(Url, LocalPath) {
  EXPECT_EQ(local_path("/a/b"), "/a/b");
  EXPECT_EQ(local_path("rel/x.apk"), "rel/x.apk");
  EXPECT_EQ(local_path("file:///a/b%20c"), "/a/b c");
  EXPECT_EQ(local_path("file://localhost/a"), "/a");
  EXPECT_EQ(local_path("https://x/y"), std::nullopt);
  EXPECT_EQ(local_path("s3://bucket/k"), std::nullopt);
  EXPECT_EQ(local_path("file://relative"), std::nullopt);
}

TEST(Url, RedactRemovesCredentials) {
  EXPECT_EQ(redact("https://user:pa55@host.example/os/x86_64/APKINDEX.tar.gz"),
            "https://host.example/os/x86_64/APKINDEX.tar.gz");
  EXPECT_EQ(redact("https://token@host:8443/x"), "https://host:8443/x");
  EXPECT_EQ(redact("http://u:p%40ss@h"), "http://h");
  EXPECT_EQ(redact("https://u:p@ss@h/x"), "https://h/x");  // last '@' ends the userinfo
  // '@' after the authority is not userinfo.
  EXPECT_EQ(redact("https://host/pkgs/foo@1.0.apk"), "https://host/pkgs/foo@1.0.apk");
  EXPECT_EQ(redact("https://host?q=a@b"), "https://host?q=a@b");
  EXPECT_EQ(redact("/local/path@x"), "/local/path@x");
  EXPECT_EQ(redact("https://host/x"), "https://host/x");
}

TEST(Url, ScrubRemovesCredentialsFromText) {
  std::string url = "https://alice:hunter22@repo.example/os";
  std::string text = "Could not fetch " + url + " as alice:hunter22@repo.example; password hunter22";
  std::string out = scrub(text, url);
  EXPECT_EQ(out.find("hunter22"), std::string::npos) << out;
  EXPECT_NE(out.find("https://repo.example/os"), std::string::npos) << out;
  EXPECT_EQ(scrub("no creds here", "https://repo/x"), "no creds here");
}

TEST(Url, Host) {
  auto a = url_host("https://u:p@Packages.Wolfi.dev:8443/os");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "packages.wolfi.dev");
  EXPECT_EQ(a->port, "8443");
  auto b = url_host("http://[::1]:80/x");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, "80");
  auto c = url_host("https://apk.cgr.dev");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "apk.cgr.dev");
  EXPECT_EQ(c->port, "");
  EXPECT_FALSE(url_host("/x/y"));
}

TEST(Url, HttpAuth) {
  auto a = parse_http_auth("basic:apk.cgr.dev:user:secret");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "apk.cgr.dev");
  EXPECT_EQ(a->user, "user");
  EXPECT_EQ(a->password, "secret");
  EXPECT_TRUE(auth_applies(*a, "https://apk.cgr.dev/chainguard/x86_64/APKINDEX.tar.gz"));
  EXPECT_TRUE(auth_applies(*a, "https://APK.cgr.dev:443/x"));
  EXPECT_FALSE(auth_applies(*a, "https://packages.wolfi.dev/os"));
  EXPECT_FALSE(auth_applies(*a, "https://apk.cgr.dev.evil.example/x"));
  EXPECT_FALSE(auth_applies(*a, "https://evil.example/apk.cgr.dev/x"));
  // Like go-apk: exactly four parts, scheme "basic".
  EXPECT_FALSE(parse_http_auth("bearer:h:u:p"));
  EXPECT_FALSE(parse_http_auth("basic:h:u"));
  EXPECT_FALSE(parse_http_auth("basic:h:u:p:extra"));
  EXPECT_FALSE(parse_http_auth(""));
  BasicAuth with_port{"127.0.0.1:8080", "u", "p"};
  EXPECT_TRUE(auth_applies(with_port, "http://127.0.0.1:8080/x"));
  EXPECT_FALSE(auth_applies(with_port, "http://127.0.0.1:9090/x"));
}

}  // namespace
}  // namespace fetch
