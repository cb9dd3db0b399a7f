#include "repo/cache_keys.hpp"

#include <gtest/gtest.h>

#include "fetch/cache.hpp"

namespace repo {
namespace {

TEST(CacheKeys, PackageKeyIsHexSha1OfQ1) {
  // sha1("abc") = a9993e36..., base64 of its raw bytes = qZk+NkcGgWq6PiVxeFDCbJzQ2J0= (FIPS 180 test vector).
  EXPECT_EQ(package_cache_key("Q1qZk+NkcGgWq6PiVxeFDCbJzQ2J0=").value(),
            "apk/a9993e364706816aba3e25717850c26c9cd0d89d.apk");
  EXPECT_FALSE(package_cache_key(""));
  EXPECT_FALSE(package_cache_key("Q2qZk+NkcGgWq6PiVxeFDCbJzQ2J0="));
  EXPECT_FALSE(package_cache_key("Q1abc"));
}

TEST(CacheKeys, UrlsEscapedWithoutCredentials) {
  std::string k = index_cache_key("https://user:s3cret@packages.wolfi.dev/os", "x86_64");
  EXPECT_EQ(k, "https%3A%2F%2Fpackages.wolfi.dev%2Fos/x86_64/APKINDEX.tar.gz");
  EXPECT_TRUE(fetch::Cache::valid_key(k));
  EXPECT_EQ(key_cache_key("https://h/k.rsa.pub"), "keys/https%3A%2F%2Fh%2Fk.rsa.pub");
}

TEST(CacheKeys, LongUrlsShortenedAndDistinct) {
  std::string a = escape_url_segment("https://h/" + std::string(400, 'a'));
  std::string b = escape_url_segment("https://h/" + std::string(399, 'a') + "b");
  EXPECT_LE(a.size(), 200u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(fetch::Cache::valid_key(a));
}

}  // namespace
}  // namespace repo
