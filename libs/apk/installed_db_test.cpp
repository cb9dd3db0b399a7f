#include "apk/installed_db.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "base/fs.hpp"
#include "testutil/testutil.hpp"

namespace apk {
namespace {


std::vector<InstalledPackage> sample_db() {
  InstalledPackage p;
  p.info.name = "busybox";
  p.info.version = "1.36.1-r2";
  p.info.arch = "x86_64";
  p.info.license = "GPL-2.0-only";
  p.info.description = "swiss-army knife";
  p.info.origin = "busybox";
  p.info.maintainer = "wolfi";
  p.info.depends = {"so:libc.so.6"};
  p.info.provides = {"cmd:busybox=1.36.1-r2"};
  p.info.commit = "abc";
  p.info.build_time = 1700000000;
  p.info.package_size = 10;
  p.info.installed_size = 20;
  p.info.provider_priority = 10;
  p.info.checksum = "Q1Meo+LHGPSi3uY9gIouEVb9z8Fbo=";
  InstalledDir etc{"etc"};
  etc.files.push_back(InstalledFile{"securetty", 0, 0, 0644, "Q1mB95Hq2NUTZ599RDiSsj9w5FrOU="});
  etc.files.push_back(InstalledFile{"shadow", 0, 42, 0640, "Q1ltrPIAW2zHeDiajsex2Bdmq3uqA="});
  InstalledDir tmp{"tmp", 0, 0, 01777};
  InstalledDir bin{"usr/bin"};
  bin.files.push_back(InstalledFile{"busybox", 0, 0, 0755, "Q1B3dasf6wiaFxx94jXdfQ2/5xg+A="});
  bin.files.push_back(InstalledFile{"sh", 0, 0, 0777, ""});
  p.dirs = {etc, tmp, bin};
  return {p};
}

TEST(InstalledDb, WritesApkoLayout) {
  EXPECT_EQ(write_installed_db(sample_db(), DbStyle::kApko),
            "P:busybox\nV:1.36.1-r2\nA:x86_64\nL:GPL-2.0-only\nT:swiss-army knife\no:busybox\nm:wolfi\nU:\n"
            "D:so:libc.so.6\np:cmd:busybox=1.36.1-r2\nc:abc\ni:[]\nt:1700000000\nS:10\nI:20\nk:10\n"
            "C:Q1Meo+LHGPSi3uY9gIouEVb9z8Fbo=\n"
            "F:etc\nR:securetty\nZ:Q1mB95Hq2NUTZ599RDiSsj9w5FrOU=\n"
            "R:shadow\na:0:42:0640\nZ:Q1ltrPIAW2zHeDiajsex2Bdmq3uqA=\n"
            "F:tmp\nM:0:0:1777\n"
            "F:usr/bin\nR:busybox\na:0:0:0755\nZ:Q1B3dasf6wiaFxx94jXdfQ2/5xg+A=\nR:sh\na:0:0:0777\n\n");
}

TEST(InstalledDb, WritesApkToolsLayout) {
  EXPECT_EQ(write_installed_db(sample_db(), DbStyle::kApkTools),
            "C:Q1Meo+LHGPSi3uY9gIouEVb9z8Fbo=\nP:busybox\nV:1.36.1-r2\nA:x86_64\nS:10\nI:20\n"
            "T:swiss-army knife\nU:\nL:GPL-2.0-only\no:busybox\nm:wolfi\nt:1700000000\nc:abc\nk:10\n"
            "D:so:libc.so.6\np:cmd:busybox=1.36.1-r2\n"
            "F:etc\nR:securetty\nZ:Q1mB95Hq2NUTZ599RDiSsj9w5FrOU=\n"
            "R:shadow\na:0:42:640\nZ:Q1ltrPIAW2zHeDiajsex2Bdmq3uqA=\n"
            "F:tmp\nM:0:0:1777\n"
            "F:usr/bin\nR:busybox\na:0:0:755\nZ:Q1B3dasf6wiaFxx94jXdfQ2/5xg+A=\nR:sh\na:0:0:777\n\n");
}

TEST(InstalledDb, BothStylesRoundTrip) {
  for (DbStyle style : {DbStyle::kApko, DbStyle::kApkTools}) {
    auto r = parse_installed_db(write_installed_db(sample_db(), style));
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_TRUE(*r == sample_db());
  }
}

TEST(InstalledDb, ReadsGoSliceInstallIfAndXattrChecksums) {
  auto r = parse_installed_db("P:a\nV:1\ni:[x y=1]\nF:d\nM:1:2:0700:Q1abc=\nR:f\na:3:4:4755:Q1def=\n");
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->size(), 1u);
  const auto& p = (*r)[0];
  EXPECT_EQ(p.info.install_if, (std::vector<std::string>{"x", "y=1"}));
  ASSERT_EQ(p.dirs.size(), 1u);
  EXPECT_EQ(p.dirs[0].uid, 1u);
  EXPECT_EQ(p.dirs[0].gid, 2u);
  EXPECT_EQ(p.dirs[0].mode, 0700u);
  EXPECT_EQ(p.dirs[0].files[0].mode, 04755u);
  EXPECT_EQ(p.dirs[0].files[0].gid, 4u);
}

TEST(InstalledDb, ErrorsNameTheLine) {
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {
      {"P:a\nV:1\nR:orphan\n", "line 3"},
      {"P:a\nV:1\nF:etc\nZ:Q1x\n", "line 4"},
      {"P:a\nF:etc\nR:x\na:0:0:9999\n", "line 4"},
      {"P:a\nF:etc\nM:0:0\n", "line 3"},
      {"P:a\n\nV:1\n", "no P:"},
      {"P:a\nI:big\n", "line 2"},
      {"P:a\nbroken\n", "line 2"},
  };
  for (const auto& c : cases) {
    auto r = parse_installed_db(c.text);
    ASSERT_FALSE(r) << c.text;
    EXPECT_NE(r.error().message.find(c.want), std::string::npos) << r.error().message;
  }
}

TEST(InstalledDb, GarbageNeverCrashes) {
  std::mt19937 rng(7);
  const std::string alphabet = "PVFRZaMi:[]\n 0123456789";
  for (int i = 0; i < 3000; ++i) {
    std::string s(rng() % 300, '\0');
    for (auto& c : s) c = (i % 2) ? static_cast<char>(rng()) : alphabet[rng() % alphabet.size()];
    auto r = parse_installed_db(s);
    if (r) {
      for (const auto& p : *r) EXPECT_FALSE(p.info.name.empty());
    }
  }
}

base::Result<std::string> load(const std::string& rel) { return base::read_file(testutil::data_path(rel)); }

// apko's own database (wolfi-base image): byte for byte with DbStyle::kApko.
TEST(InstalledDb, RealApkoDatabaseRoundTripsByteForByte) {
  auto text = load("apko-apk-testdata/installed/wolfi-base");
  ASSERT_TRUE(text) << text.error().to_string();
  auto r = parse_installed_db(*text);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->size(), 15u);
  EXPECT_EQ((*r)[0].info.name, "wolfi-baselayout");
  EXPECT_EQ((*r)[0].info.provider_priority, 0);
  EXPECT_EQ((*r)[0].dirs[0].path, "etc");
  EXPECT_EQ((*r)[0].dirs[0].files[3].name, "mtab");
  EXPECT_EQ((*r)[0].dirs[0].files[3].mode, 0777u);
  EXPECT_TRUE(write_installed_db(*r, DbStyle::kApko) == *text) << "rewrite differs from apko's file";
}

// A database written by apk-tools 2.x: byte for byte with DbStyle::kApkTools.
TEST(InstalledDb, RealApkToolsDatabaseRoundTripsByteForByte) {
  auto text = load("apko-apk-testdata/root/usr/lib/apk/db/installed");
  ASSERT_TRUE(text) << text.error().to_string();
  auto r = parse_installed_db(*text);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->size(), 14u);
  const InstalledPackage& data = (*r)[0];
  EXPECT_EQ(data.info.name, "alpine-baselayout-data");
  EXPECT_EQ(data.info.replaces, std::vector<std::string>{"alpine-baselayout"});
  const InstalledFile& shadow = data.dirs[0].files[11];
  EXPECT_EQ(shadow.name, "shadow");
  EXPECT_EQ(shadow.gid, 42u);
  EXPECT_EQ(shadow.mode, 0640u);
  EXPECT_TRUE(write_installed_db(*r, DbStyle::kApkTools) == *text) << "rewrite differs from apk-tools' file";
}

// Older apko output and a hand-made test file mix the layouts; they must parse and
// survive write -> parse unchanged.
TEST(InstalledDb, MixedLayoutDatabasesParse) {
  auto redis = load("apko-apk-testdata/installed/redis-operator-compat");
  ASSERT_TRUE(redis) << redis.error().to_string();
  auto r = parse_installed_db(*redis);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->size(), 16u);
  auto again = parse_installed_db(write_installed_db(*r, DbStyle::kApkTools));
  ASSERT_TRUE(again);
  EXPECT_TRUE(*again == *r);
  // apko always writes k:, so an unset provider priority comes back as 0.
  auto expected = *r;
  for (auto& p : expected) p.info.provider_priority = p.info.provider_priority.value_or(0);
  again = parse_installed_db(write_installed_db(*r, DbStyle::kApko));
  ASSERT_TRUE(again);
  EXPECT_TRUE(*again == expected);

  auto bad = load("apko-apk-testdata/installed/bad-top-level-perms");
  ASSERT_TRUE(bad);
  auto b = parse_installed_db(*bad);
  ASSERT_TRUE(b) << b.error().to_string();
  ASSERT_EQ(b->size(), 1u);
  const InstalledDir& root = (*b)[0].dirs[0];
  EXPECT_EQ(root.path, "");
  EXPECT_EQ(root.mode, 0711u);  // M: after R: still belongs to the directory
  EXPECT_EQ(root.files[0].mode, 0777u);
}

}  // namespace
}  // namespace apk
