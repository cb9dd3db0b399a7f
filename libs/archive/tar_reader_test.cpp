#include "archive/tar_reader.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "archive/gzip.hpp"
#include "archive/tar_writer.hpp"
#include "base/fs.hpp"
#include "base/hash.hpp"
#include "testutil/testutil.hpp"

namespace archive {
namespace {

std::filesystem::path data_file(const std::string& rel) { return testutil::test_data_dir() / rel; }

#define LOAD_FIXTURE(var, rel)                                                             \
  std::string var;                                                                         \
  {                                                                                        \
    auto r_ = base::read_file(data_file(rel));                                             \
    ASSERT_TRUE(r_) << rel << ": " << r_.error().message;                                  \
    var = std::move(*r_);                                                                  \
  }

struct ReadEntry {
  TarEntry e;
  std::string data;
};

std::vector<ReadEntry> read_entries(std::string_view tar, std::optional<base::Error>* err = nullptr) {
  TarReader r(tar);
  std::vector<ReadEntry> out;
  TarEntry e;
  std::string_view d;
  while (r.next(&e, &d)) out.push_back({e, std::string(d)});
  if (err) *err = r.error();
  return out;
}

TEST(TarReader, AlpineBaselayoutMembersAndChecksums) {
  LOAD_FIXTURE(apk, "apko-apk-testdata/alpine-317/alpine-baselayout-3.2.0-r23.apk");
  auto members = find_gzip_members(apk);
  ASSERT_TRUE(members) << members.error().message;
  ASSERT_EQ(members->size(), 3u);
  EXPECT_EQ((*members)[0].offset, 0u);
  EXPECT_EQ((*members)[0].length, 666u);
  EXPECT_EQ((*members)[1].offset, 666u);
  EXPECT_EQ((*members)[1].length, 2229u - 666u);
  EXPECT_EQ((*members)[2].offset, 2229u);
  EXPECT_EQ((*members)[2].length, 11012u - 2229u);

  auto sig = gunzip(apk.substr(0, 666));
  ASSERT_TRUE(sig);
  auto sig_entries = read_entries(*sig);
  ASSERT_EQ(sig_entries.size(), 1u);
  EXPECT_TRUE(sig_entries[0].e.name.starts_with(".SIGN.RSA.")) << sig_entries[0].e.name;

  auto ctl = gunzip(apk.substr(666, 2229 - 666));
  ASSERT_TRUE(ctl);
  auto ctl_entries = read_entries(*ctl);
  ASSERT_FALSE(ctl_entries.empty());
  EXPECT_EQ(ctl_entries[0].e.name, ".PKGINFO");
  EXPECT_NE(ctl_entries[0].data.find("pkgname = alpine-baselayout"), std::string::npos);

  auto data = gunzip(apk.substr(2229));
  ASSERT_TRUE(data);
  std::optional<base::Error> err;
  auto entries = read_entries(*data, &err);
  ASSERT_FALSE(err) << err->message;
  size_t files = 0;
  for (const auto& l : entries) {
    if (l.e.type != EntryType::kFile) continue;
    ++files;
    std::string sum;
    for (const auto& [k, v] : l.e.pax)
      if (k == "APK-TOOLS.checksum.SHA1") sum = v;
    EXPECT_EQ(sum, base::sha1_hex(l.data)) << l.e.name;
  }
  EXPECT_GT(files, 5u);
}

TEST(TarReader, WholeApkAsOneStreamWithoutEndBlocks) {
  // Control tars carry no end blocks, so the concatenated output reads as one archive.
  LOAD_FIXTURE(apk, "wolfi-apks/perl-json-4.11-r0.apk");
  auto members = find_gzip_members(apk);
  ASSERT_TRUE(members);
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[0].length, 6189u);
  auto all = gunzip(apk);
  ASSERT_TRUE(all);
  std::optional<base::Error> err;
  auto entries = read_entries(*all, &err);
  ASSERT_FALSE(err) << err->message;
  // .PKGINFO .melange.yaml + 24 data entries (fixtures/LISTINGS.txt).
  ASSERT_EQ(entries.size(), 26u);
  EXPECT_EQ(entries[0].e.name, ".PKGINFO");
  EXPECT_EQ(entries[1].e.name, ".melange.yaml");
  EXPECT_EQ(entries[2].e.name, "usr");
  EXPECT_EQ(entries[2].e.type, EntryType::kDir);
  EXPECT_EQ(entries[2].e.mode, 0755u);
  EXPECT_EQ(entries[2].e.uname, "root");
  EXPECT_EQ(entries.back().e.name, "var/lib/db/sbom/perl-json-4.11-r0.spdx.json");
  EXPECT_EQ(entries.back().e.size, 6390u);
  EXPECT_EQ(entries.back().e.mtime, 1774154192);
}

TEST(TarReader, AllFixtureApksParse) {
  const char* apks[] = {"wolfi-apks/aws-c-s3-0.4.9-r0.apk", "wolfi-apks/bash-doc-5.2.37-r2.apk",
                        "wolfi-apks/kubeflow-pipelines-2.1.3-r7.apk", "wolfi-apks/libcap-2.69-r0.apk",
                        "wolfi-apks/neon-4604-r0.apk", "wolfi-apks/ruby3.2-base64-0.2.0-r2.apk",
                        "wolfi-apks/test.apk", "apko-apk-testdata/hello-0.1.0-r0.apk",
                        "apko-apk-testdata/hello-wolfi-2.12.1-r0.apk", "apko-apk-testdata/alpine-317/APKINDEX.tar.gz"};
  for (const char* rel : apks) {
    LOAD_FIXTURE(f, rel);
    auto members = find_gzip_members(f);
    ASSERT_TRUE(members) << rel << ": " << members.error().message;
    EXPECT_GE(members->size(), 2u) << rel;
    auto last = gunzip(f.substr(members->back().offset));
    ASSERT_TRUE(last) << rel;
    std::optional<base::Error> err;
    auto entries = read_entries(*last, &err);
    EXPECT_FALSE(err) << rel << ": " << err->message;
    EXPECT_FALSE(entries.empty()) << rel;
    for (const auto& l : entries) {
      if (l.e.type == EntryType::kSymlink) {
        EXPECT_FALSE(l.e.linkname.empty()) << rel << " " << l.e.name;
      }
      if (l.e.type != EntryType::kFile || std::string(rel).find("APKINDEX") != std::string::npos) continue;
      for (const auto& [k, v] : l.e.pax) {
        if (k == "APK-TOOLS.checksum.SHA1") {
          EXPECT_EQ(v, base::sha1_hex(l.data)) << rel << " " << l.e.name;
        }
      }
    }
  }
}

TarEntry file_entry(std::string name, std::string_view data) {
  TarEntry e;
  e.name = std::move(name);
  e.size = data.size();
  return e;
}

TEST(TarReader, TruncatedAndGarbageInputFailCleanly) {
  StringSink s;
  TarWriter w(s);
  ASSERT_TRUE(w.add(file_entry("a.txt", "hello"), "hello"));
  TarEntry p = file_entry("b.txt", "x");
  p.pax = {{"APK-TOOLS.checksum.SHA1", base::sha1_hex("x")}};
  ASSERT_TRUE(w.add(p, "x"));
  ASSERT_TRUE(w.finish());
  const std::string& tar = s.data;
  auto full = read_entries(tar);
  ASSERT_EQ(full.size(), 2u);
  // At every truncation point the reader either reports an error or returns only
  // complete entries (a cut in the padding after the last data is tolerated).
  size_t errors = 0;
  for (size_t cut = 1; cut < tar.size(); ++cut) {
    std::optional<base::Error> err;
    auto entries = read_entries(std::string_view(tar).substr(0, cut), &err);
    if (err) {
      ++errors;
      continue;
    }
    ASSERT_LE(entries.size(), 2u);
    for (size_t i = 0; i < entries.size(); ++i) {
      EXPECT_EQ(entries[i].e.name, full[i].e.name) << cut;
      EXPECT_EQ(entries[i].data, full[i].data) << cut;
    }
  }
  EXPECT_GT(errors, 1000u);
  // Flipped byte in a header: checksum mismatch.
  std::string bad = tar;
  bad[10] ^= 0x20;
  std::optional<base::Error> err;
  read_entries(bad, &err);
  ASSERT_TRUE(err);
  EXPECT_NE(err->message.find("checksum"), std::string::npos);
  // Random garbage.
  std::string garbage(4096, '\0');
  uint32_t x = 12345;
  for (auto& c : garbage) c = char((x = x * 1103515245 + 12345) >> 16);
  read_entries(garbage, &err);
  EXPECT_TRUE(err);
}

TEST(TarReader, MalformedPaxRecordIsAnError) {
  // Build a header by hand through the writer, then corrupt the record length.
  StringSink s;
  TarWriter w(s);
  TarEntry e = file_entry("f", "");
  e.pax = {{"k", "v"}};
  ASSERT_TRUE(w.add(e));
  std::string tar = s.data;
  ASSERT_EQ(tar.substr(512, 6), "6 k=v\n");
  tar[512] = '9';
  std::optional<base::Error> err;
  read_entries(tar, &err);
  ASSERT_TRUE(err);
  EXPECT_NE(err->message.find("PAX"), std::string::npos) << err->message;
}

}  // namespace
}  // namespace archive
