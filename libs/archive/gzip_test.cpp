#include "archive/gzip.hpp"

#include <cstdio>
#include <filesystem>

#include <gtest/gtest.h>

#include "base/fs.hpp"
#include "testutil/testutil.hpp"

namespace archive {
namespace {

namespace fs = std::filesystem;

// Semi-compressible test data: text-like with repetition and noise.
std::string noisy_bytes(size_t n, uint32_t seed = 1) {
  static const char* words[] = {"apk ", "tar ", "gzip ", "layer ", "melange ", "apko ", "\n", "0123 "};
  std::string s;
  uint32_t x = seed;
  while (s.size() < n) {
    x = x * 1664525u + 1013904223u;
    if ((x >> 28) == 0) s += char(x >> 8);
    else s += words[(x >> 24) & 7];
  }
  s.resize(n);
  return s;
}

std::string host_gunzip(const std::string& gz, std::string* err) {
  auto dir = base::TempDir::create("ma-gz-");
  if (!dir) return "";
  auto in = dir->path() / "in.gz", out = dir->path() / "out";
  if (!base::write_file_atomic(in, gz)) return "";
  int rc = std::system(("gzip -dc < " + in.string() + " > " + out.string() + " 2> " + (dir->path() / "err").string()).c_str());
  if (rc != 0) *err = "gzip -dc failed: " + base::read_file(dir->path() / "err").value_or("?");
  return base::read_file(out).value_or("");
}

TEST(Gzip, CompressRoundTripsThroughZlibAndHostGzip) {
  for (size_t n : {size_t(0), size_t(1), size_t(1000), size_t(300000)}) {
    std::string data = noisy_bytes(n);
    for (int level : {1, 6, 9, 12}) {
      std::string gz = gzip_compress(data, level);
      ASSERT_GE(gz.size(), 18u);
      EXPECT_EQ(gz.substr(0, 10), gzip_header(level));
      auto back = gunzip(gz);
      ASSERT_TRUE(back) << back.error().message;
      EXPECT_EQ(*back, data);
      std::string err;
      EXPECT_EQ(host_gunzip(gz, &err), data) << err;
      EXPECT_TRUE(err.empty()) << err;
      EXPECT_EQ(gz, gzip_compress(data, level)) << "not deterministic";
    }
    std::string z = gzip_compress_zlib(data, 6);
    EXPECT_EQ(*gunzip(z), data);
    std::string err;
    EXPECT_EQ(host_gunzip(z, &err), data) << err;
  }
}

TEST(Gzip, HeaderBytes) {
  // mtime 0, XFL per RFC 1952, OS 255.
  EXPECT_EQ(gzip_header(6), std::string("\x1f\x8b\x08\0\0\0\0\0\0\xff", 10));
  EXPECT_EQ(gzip_header(9), std::string("\x1f\x8b\x08\0\0\0\0\0\x02\xff", 10));
  EXPECT_EQ(gzip_header(1), std::string("\x1f\x8b\x08\0\0\0\0\0\x04\xff", 10));
}

TEST(Gzip, MembersAndMultiMemberGunzip) {
  std::string a = noisy_bytes(5000, 1), b = noisy_bytes(70000, 2), c = noisy_bytes(10, 3);
  std::string ga = gzip_compress(a), gb = gzip_compress_zlib(b, 9), gc = gzip_compress(c, 1);
  std::string all = ga + gb + gc;
  auto m = find_gzip_members(all);
  ASSERT_TRUE(m) << m.error().message;
  ASSERT_EQ(m->size(), 3u);
  EXPECT_EQ((*m)[0].offset, 0u);
  EXPECT_EQ((*m)[0].length, ga.size());
  EXPECT_EQ((*m)[1].offset, ga.size());
  EXPECT_EQ((*m)[1].length, gb.size());
  EXPECT_EQ((*m)[2].offset, ga.size() + gb.size());
  EXPECT_EQ((*m)[2].length, gc.size());
  auto out = gunzip(all);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, a + b + c);
  std::string err;
  EXPECT_EQ(host_gunzip(all, &err), a + b + c) << err;
}

TEST(Gzip, SignedApkHasThreeMembersUnsignedTwo) {
  auto dir = testutil::test_data_dir();
  auto signed_apk = base::read_file(dir / "apko-apk-testdata/alpine-317/alpine-baselayout-3.2.0-r23.apk");
  auto unsigned_apk = base::read_file(dir / "wolfi-apks/bash-doc-5.2.37-r2.apk");
  ASSERT_TRUE(signed_apk) << signed_apk.error().message;
  ASSERT_TRUE(unsigned_apk) << unsigned_apk.error().message;
  auto m3 = find_gzip_members(*signed_apk);
  ASSERT_TRUE(m3);
  ASSERT_EQ(m3->size(), 3u);
  EXPECT_EQ((*m3)[2].offset + (*m3)[2].length, 11012u);
  auto m2 = find_gzip_members(*unsigned_apk);
  ASSERT_TRUE(m2);
  ASSERT_EQ(m2->size(), 2u);
  EXPECT_EQ((*m2)[1].offset, 331u);
  EXPECT_EQ((*m2)[1].length, 778773u - 331u);
}

TEST(Gzip, BadInputGivesErrors) {
  std::string gz = gzip_compress(noisy_bytes(20000));
  for (size_t cut : {size_t(1), size_t(5), size_t(10), gz.size() / 2, gz.size() - 4, gz.size() - 1}) {
    EXPECT_FALSE(find_gzip_members(gz.substr(0, cut))) << cut;
    EXPECT_FALSE(gunzip(gz.substr(0, cut))) << cut;
  }
  EXPECT_FALSE(gunzip(""));
  EXPECT_FALSE(gunzip("not gzip at all"));
  EXPECT_FALSE(gunzip(gz + "junk"));
  std::string flipped = gz;
  flipped[gz.size() / 2] ^= 0x55;
  EXPECT_FALSE(gunzip(flipped));
  std::string bad_crc = gz;
  bad_crc[gz.size() - 6] ^= 1;
  auto r = gunzip(bad_crc);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("offset 0"), std::string::npos) << r.error().message;
  auto limited = gunzip(gz, 1000);
  ASSERT_FALSE(limited);
  EXPECT_NE(limited.error().message.find("limit"), std::string::npos);
  EXPECT_TRUE(gunzip(gz, 20000));
  // The trailer's size is what the one-pass inflate trusts for its buffer: a trailer that
  // lies (smaller, larger, or absurd) is still an error, never a short or padded output.
  for (uint32_t lie : {19999u, 20001u, 0xffffffffu}) {
    std::string liar = gz;
    for (int i = 0; i < 4; ++i) liar[liar.size() - 4 + i] = char((lie >> (8 * i)) & 0xff);
    EXPECT_FALSE(gunzip(liar)) << lie;
  }
}

TEST(Gzip, InflateFirstMemberGivesItsEndAndContent) {
  std::string big(300000, 'x');  // more than the first output guess
  for (size_t i = 0; i < big.size(); i += 7) big[i] = char('a' + i % 26);
  std::string a = gzip_compress(big, 6), b = gzip_compress("second member", 6);
  auto m = inflate_first_member(a + b, SIZE_MAX);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->length, a.size());
  EXPECT_EQ(m->output, big);
  auto n = inflate_first_member(std::string_view(a + b).substr(a.size()), SIZE_MAX);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->output, "second member");
  auto limited = inflate_first_member(a, 1000);
  ASSERT_FALSE(limited);
  EXPECT_NE(limited.error().message.find("exceeds the limit"), std::string::npos) << limited.error().message;
  std::string cut = a.substr(0, a.size() / 2);
  EXPECT_FALSE(inflate_first_member(cut, SIZE_MAX));
  EXPECT_FALSE(inflate_first_member("not gzip at all, not gzip at all", SIZE_MAX));
}

}  // namespace
}  // namespace archive
