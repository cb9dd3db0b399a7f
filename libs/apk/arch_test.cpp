#include "apk/arch.hpp"

#include <gtest/gtest.h>

#include <sys/utsname.h>

namespace apk {
namespace {

std::string apk_names(const std::vector<Arch>& archs) {
  std::string out;
  for (const Arch& a : archs) out += (out.empty() ? "" : ",") + a.apk;
  return out;
}

TEST(Arch, ApkAndOciSpellings) {
  struct Case {
    const char* in;
    const char* apk;
    const char* oci;
    const char* variant;
  } cases[] = {
      {"x86_64", "x86_64", "amd64", ""},       {"amd64", "x86_64", "amd64", ""},
      {"aarch64", "aarch64", "arm64", ""},     {"arm64", "aarch64", "arm64", ""},
      {"linux/arm64", "aarch64", "arm64", ""}, {"linux/arm64/v8", "aarch64", "arm64", ""},
      {"armv7", "armv7", "arm", "v7"},         {"arm/v7", "armv7", "arm", "v7"},
      {"linux/arm/v7", "armv7", "arm", "v7"},  {"arm", "armv7", "arm", "v7"},
      {"armhf", "armhf", "arm", "v6"},         {"arm/v6", "armhf", "arm", "v6"},
      {"x86", "x86", "386", ""},               {"386", "x86", "386", ""},
      {"ppc64le", "ppc64le", "ppc64le", ""},   {"s390x", "s390x", "s390x", ""},
      {"riscv64", "riscv64", "riscv64", ""},   {"loongarch64", "loongarch64", "loong64", ""},
      {"loong64", "loongarch64", "loong64", ""},
  };
  for (const Case& c : cases) {
    auto a = parse_arch(c.in);
    ASSERT_TRUE(a.has_value()) << c.in;
    EXPECT_EQ(a->apk, c.apk) << c.in;
    EXPECT_EQ(a->oci, c.oci) << c.in;
    EXPECT_EQ(a->variant, c.variant) << c.in;
  }
}

TEST(Arch, Triplets) {
  auto x = parse_arch("x86_64");
  ASSERT_TRUE(x.has_value());
  EXPECT_EQ(x->gnu_triplet, "x86_64-pc-linux-gnu");
  EXPECT_EQ(x->rust_triplet, "x86_64-unknown-linux-gnu");
  EXPECT_EQ(x->goarch, "amd64");
  auto a = parse_arch("aarch64");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->gnu_triplet, "aarch64-unknown-linux-gnu");
  EXPECT_EQ(a->rust_triplet, "aarch64-unknown-linux-gnu");
  auto v7 = parse_arch("armv7");
  ASSERT_TRUE(v7.has_value());
  EXPECT_EQ(v7->goarch, "arm");
  EXPECT_EQ(with_libc(v7->gnu_triplet, "musl"), "armv7l-unknown-linux-musleabihf");
  EXPECT_EQ(with_libc(x->gnu_triplet, "musl"), "x86_64-pc-linux-musl");
  EXPECT_EQ(with_libc(x->rust_triplet, "musl"), "x86_64-unknown-linux-musl");
}

TEST(Arch, UnknownIsOneLineError) {
  for (const char* bad : {"", "mips", "X86_64", "arm/v8", "linux/", "amd64/v2"}) {
    auto a = parse_arch(bad);
    EXPECT_FALSE(a.has_value()) << bad;
    if (!a) {
      EXPECT_EQ(a.error().code, base::ErrorCode::kInvalidInput);
      EXPECT_EQ(a.error().message.find('\n'), std::string::npos);
    }
  }
  EXPECT_EQ(parse_arch("mips").error().message, "unknown architecture 'mips'");
}

TEST(Arch, AllAndDefaultSets) {
  EXPECT_EQ(apk_names(all_archs()),
            "x86,x86_64,armhf,armv7,aarch64,loongarch64,ppc64le,riscv64,s390x");
  EXPECT_EQ(apk_names(default_archs()), "x86,x86_64,armhf,armv7,aarch64,ppc64le,riscv64,s390x");
  // Every entry parses back from both of its names.
  for (const Arch& a : all_archs()) {
    EXPECT_EQ(parse_arch(a.apk).value(), a);
    EXPECT_EQ(parse_arch(a.oci_name()).value(), a);
  }
}

TEST(Arch, HostMatchesUname) {
  struct utsname u;
  ASSERT_EQ(uname(&u), 0);
  const std::string machine = u.machine;
  const Arch host = host_arch();
  if (machine == "x86_64") EXPECT_EQ(host.apk, "x86_64");
  else if (machine == "aarch64") EXPECT_EQ(host.apk, "aarch64");
  else GTEST_SKIP() << "no expectation for uname machine " << machine;
}

TEST(ArchList, DedupsAndSortsByOciName) {
  auto l = parse_arch_list("x86_64,arm64, aarch64,armv7,arm/v6 amd64");
  ASSERT_TRUE(l.has_value()) << l.error().message;
  EXPECT_EQ(apk_names(*l), "x86_64,armhf,armv7,aarch64");

  auto all = parse_arch_list("all");
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(apk_names(*all), apk_names(default_archs()));

  auto host = parse_arch_list("host");
  ASSERT_TRUE(host.has_value());
  ASSERT_EQ(host->size(), 1u);
  EXPECT_EQ((*host)[0], host_arch());

  EXPECT_FALSE(parse_arch_list("").has_value());
  EXPECT_FALSE(parse_arch_list(" , ").has_value());
  auto bad = parse_arch_list("x86_64,sparc");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message, "unknown architecture 'sparc'");
}

}  // namespace
}  // namespace apk
