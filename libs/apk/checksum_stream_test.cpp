#include "apk/checksum_stream.hpp"

#include <gtest/gtest.h>

#include <zlib.h>

#include "apk/package_writer.hpp"
#include "base/fs.hpp"
#include "testutil/testutil.hpp"

namespace apk {
namespace {

using testutil::test_data_dir;

// The checksum an index made by others gives this package: apko's testdata
// pkg/apk/apk/testdata/rsa256-signed/APKINDEX.tar.gz (commit d1b5d5ec), entry alpine-baselayout 3.2.0-r23.
constexpr const char* kBaselayoutQ1 = "Q1LLq2qDNrS/qRnhxQ3hsY/sHbQnc=";

std::string baselayout() {
  auto bytes = base::read_file(test_data_dir() / "apko-apk-testdata/alpine-317/alpine-baselayout-3.2.0-r23.apk");
  EXPECT_TRUE(bytes);
  return bytes ? *bytes : std::string();
}

// Feeds `bytes` in pieces of `step`; returns the offset after which the stream decided
// (verified or failed), or bytes.size() + 1 when it never decided.
struct Outcome {
  size_t decided_at;
  bool ok;
  std::string message;
};
Outcome feed_in_steps(ChecksumStream& s, std::string_view bytes, size_t step) {
  for (size_t at = 0; at < bytes.size(); at += step) {
    auto st = s.feed(bytes.substr(at, step));
    size_t end = std::min(bytes.size(), at + step);
    if (!st) return {end, false, st.error().message};
    if (s.verified()) return {end, true, {}};
  }
  return {bytes.size() + 1, true, {}};
}

// Where the second gzip member (the control member of a signed package) ends, found with
// zlib independently of ChecksumStream's bookkeeping.
size_t end_of_member(std::string_view bytes, int member) {
  size_t at = 0;
  for (int m = 0; m < member; ++m) {
    z_stream z{};
    EXPECT_EQ(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
    unsigned char out[65536];
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + at));
    z.avail_in = uInt(bytes.size() - at);
    int rc;
    do {
      z.next_out = out;
      z.avail_out = sizeof out;
      rc = inflate(&z, Z_NO_FLUSH);
    } while (rc == Z_OK);
    EXPECT_EQ(rc, Z_STREAM_END);
    at = size_t(reinterpret_cast<const char*>(z.next_in) - bytes.data());
    inflateEnd(&z);
  }
  return at;
}

TEST(ChecksumStream, RealPackageVerifiesAtTheEndOfItsControlMemberInAnyChunking) {
  std::string pkg = baselayout();
  ASSERT_FALSE(pkg.empty());
  size_t control_end = end_of_member(pkg, 2);
  ASSERT_LT(control_end, pkg.size());  // a data member follows
  for (size_t step : {size_t(1), size_t(7), size_t(4096), pkg.size()}) {
    ChecksumStream s(kBaselayoutQ1, "baselayout.apk");
    auto out = feed_in_steps(s, pkg, step);
    EXPECT_TRUE(out.ok) << "step " << step << ": " << out.message;
    EXPECT_TRUE(s.verified()) << "step " << step;
    EXPECT_GE(out.decided_at, control_end) << "step " << step;
    if (step == 1) {
      EXPECT_EQ(out.decided_at, control_end);
    }
  }
}

TEST(ChecksumStream, WrongChecksumFailsBeforeTheDataMember) {
  std::string pkg = baselayout();
  ChecksumStream s("Q1AAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "http://127.0.0.1/x.apk");
  auto out = feed_in_steps(s, pkg, 1);
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.decided_at, end_of_member(pkg, 2));
  EXPECT_EQ(out.message, "http://127.0.0.1/x.apk: checksum " + std::string(kBaselayoutQ1) +
                             " does not match the index (Q1AAAAAAAAAAAAAAAAAAAAAAAAAAAA=)");
  // Once failed, it stays failed but does not repeat the error for later bytes.
  EXPECT_FALSE(s.verified());
}

TEST(ChecksumStream, UnsignedPackageIsDecidedAtItsFirstMember) {
  PackageInfo info;
  info.name = "x";
  info.version = "1-r0";
  info.arch = "x86_64";
  info.installed_size = 0;
  std::string data_tar(1024, '\0');  // an empty tar
  auto built = assemble_package(info, {}, data_tar, 0, nullptr);
  ASSERT_TRUE(built) << built.error().message;
  size_t first_end = end_of_member(built->bytes, 1);

  ChecksumStream good(built->info.checksum, "x.apk");
  auto ok = feed_in_steps(good, built->bytes, 3);
  EXPECT_TRUE(ok.ok) << ok.message;
  EXPECT_TRUE(good.verified());

  ChecksumStream bad("Q1BBBBBBBBBBBBBBBBBBBBBBBBBBBB=", "x.apk");
  auto out = feed_in_steps(bad, built->bytes, 1);
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.decided_at, first_end);  // a first member not named .SIGN.* is the control member
}

TEST(ChecksumStream, GarbageIsNotAnApk) {
  ChecksumStream s(kBaselayoutQ1, "page.html");
  auto st = s.feed("<html><body>Not found</body></html>");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message.rfind("page.html: not an apk: gzip: ", 0), 0u) << st.error().message;
}

TEST(ChecksumStream, RestartForgetsAPartialAttempt) {
  std::string pkg = baselayout();
  ChecksumStream s(kBaselayoutQ1, "x.apk");
  ASSERT_TRUE(s.feed(std::string_view(pkg).substr(0, 100)));
  s.restart();  // the retry sends the body from its first byte again
  auto out = feed_in_steps(s, pkg, 4096);
  EXPECT_TRUE(out.ok) << out.message;
  EXPECT_TRUE(s.verified());
}

TEST(ChecksumStream, OtherChecksumFormsAreLeftToTheFullCheck) {
  ChecksumStream s("", "x.apk");
  EXPECT_TRUE(s.feed("definitely not gzip"));
  EXPECT_FALSE(s.verified());
}

}  // namespace
}  // namespace apk
