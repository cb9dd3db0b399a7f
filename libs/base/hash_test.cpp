#include "base/hash.hpp"

#include <gtest/gtest.h>

namespace base {
namespace {

TEST(Hash, KnownDigests) {
  // Values from FIPS 180 examples ("abc").
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Hash, IncrementalEqualsOneShot) {
  Hasher h(HashAlgo::kSha256);
  h.update("a");
  h.update("bc");
  EXPECT_EQ(to_hex(h.finish()), sha256_hex("abc"));
}

TEST(Base64, RoundTrip) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  std::string out;
  ASSERT_TRUE(base64_decode("Zm9vYg==", &out));
  EXPECT_EQ(out, "foob");
  EXPECT_FALSE(base64_decode("Zm9v!", &out));
}

}  // namespace
}  // namespace base
