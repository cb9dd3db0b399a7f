#include "apk/index_text.hpp"

#include <gtest/gtest.h>

#include "testutil/testutil.hpp"

#include <cstdio>
#include <filesystem>
#include <random>

namespace apk {
namespace {

using testutil::run_capture;

// The APKINDEX member of an APKINDEX.tar.gz, extracted by tar (an independent tool).
std::string apkindex_of(const std::string& tgz) { return run_capture("tar -xzOf '" + tgz + "' APKINDEX 2>/dev/null"); }

const char kTwo[] =
    "C:Q1tduNGDYV/KwvztK0sMium7UfSj0=\n"
    "P:nasm-doc\n"
    "V:2.15.05-r1\n"
    "A:aarch64\n"
    "S:8948\n"
    "I:32768\n"
    "T:80x86 assembler (documentation)\n"
    "U:https://www.nasm.us\n"
    "L:BSD-2-Clause\n"
    "o:nasm\n"
    "m:Someone <a@b.c>\n"
    "t:1666619671\n"
    "c:c57128b0e49d551220aff88af0f1487d80cdccf8\n"
    "k:100\n"
    "D:so:libc.musl-aarch64.so.1 nasm\n"
    "p:cmd:x=1\n"
    "i:docs nasm=2.15.05-r1\n"
    "r:old-nasm\n"
    "q:7\n"
    "\n"
    "C:Q1p+yzm3aTQjUnlVQmw2xD/d+LGz0=\n"
    "P:tiny\n"
    "V:1-r0\n"
    "A:aarch64\n"
    "S:1\n"
    "I:2\n"
    "T:\n"
    "U:\n"
    "L:\n"
    "\n";

TEST(IndexText, ParsesFieldsAsViews) {
  auto r = IndexText::parse(kTwo);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->size(), 2u);
  const IndexEntry& e = r->entries()[0];
  EXPECT_EQ(e.name, "nasm-doc");
  EXPECT_EQ(e.version, "2.15.05-r1");
  EXPECT_EQ(e.package_size, 8948u);
  EXPECT_EQ(e.installed_size, 32768u);
  EXPECT_EQ(e.build_time, 1666619671);
  EXPECT_EQ(e.provider_priority, 100);
  EXPECT_EQ(e.replaces_priority, 7);
  EXPECT_EQ(e.depends, "so:libc.musl-aarch64.so.1 nasm");
  EXPECT_EQ(e.install_if, "docs nasm=2.15.05-r1");
  EXPECT_EQ(e.line, 1u);
  EXPECT_EQ(r->entries()[1].line, 21u);
  // The views point into the owned buffer.
  const char* b = r->text().data();
  EXPECT_GE(e.name.data(), b);
  EXPECT_LT(e.name.data(), b + r->text().size());
  PackageInfo info = e.to_info();
  EXPECT_EQ(info.depends, (std::vector<std::string>{"so:libc.musl-aarch64.so.1", "nasm"}));
  EXPECT_EQ(info.replaces, std::vector<std::string>{"old-nasm"});
  EXPECT_EQ(info.checksum, "Q1tduNGDYV/KwvztK0sMium7UfSj0=");
}

TEST(IndexText, WritesApkToolsOrderAndRoundTrips) {
  auto r = IndexText::parse(kTwo);
  ASSERT_TRUE(r);
  std::vector<PackageInfo> infos;
  for (const auto& e : r->entries()) infos.push_back(e.to_info());
  EXPECT_EQ(write_index_text(infos), kTwo);
}

// Odd spacing in lists, a missing arch, empty fields: the IndexEntry writer and the
// PackageInfo writer agree record for record.
TEST(IndexText, EntryWriterEqualsInfoWriter) {
  const char text[] =
      "C:Q1abc=\nP:odd\nV:1-r0\nS:0\nI:0\nT:\nU:\nL:\nD:  a   b  \np: \ni:x\nr:y  z\n\n"
      "P:bare\nV:2\nt:5\nk:-3\nq:0\n\n";
  auto r = IndexText::parse(text);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->size(), 2u);
  for (const auto& e : r->entries()) {
    std::string a, b;
    append_index_fields(a, e);
    append_index_fields(b, e.to_info());
    EXPECT_EQ(a, b);
  }
}

TEST(IndexText, ViewsSurviveMovingASmallBuffer) {
  auto r = IndexText::parse("P:a\nV:1\n");  // fits std::string's small buffer
  ASSERT_TRUE(r);
  IndexText moved = std::move(*r);
  IndexText again = std::move(moved);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again.entries()[0].name, "a");
  EXPECT_EQ(again.entries()[0].version, "1");
}

TEST(IndexText, ToleratesMissingFinalBlankLineAndExtraBlankLines) {
  auto r = IndexText::parse("\n\nP:a\nV:1\n\n\n\nP:b\nV:2");
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ(r->entries()[1].version, "2");
  EXPECT_EQ(r->entries()[1].line, 8u);
}

TEST(IndexText, ErrorsNameTheLine) {
  auto r = IndexText::parse("P:a\nV:1\n\nP:b\nnot a field\n");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("line 5"), std::string::npos) << r.error().message;
  r = IndexText::parse("P:a\nS:12k\n");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("line 2"), std::string::npos) << r.error().message;
  r = IndexText::parse("P:a\n\nV:1\nA:x\n");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("line 3"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("no P:"), std::string::npos) << r.error().message;
}

TEST(IndexText, GarbageNeverCrashes) {
  std::mt19937 rng(99);
  const std::string alphabet = "PVSIktq:\n 0123456789-x";
  for (int i = 0; i < 3000; ++i) {
    std::string s(rng() % 300, '\0');
    for (auto& c : s) c = (i % 2) ? static_cast<char>(rng()) : alphabet[rng() % alphabet.size()];
    auto r = IndexText::parse(s);
    if (r) {
      for (const auto& e : r->entries()) EXPECT_FALSE(e.name.empty());
    }
  }
}

TEST(IndexText, MutatedValidTextNeverCrashes) {
  std::mt19937 rng(5);
  const std::string valid = kTwo;
  for (int i = 0; i < 3000; ++i) {
    std::string s = valid;
    for (int k = 1 + rng() % 4; k > 0; --k) {
      size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0: s[at] = static_cast<char>(rng()); break;
        case 1: s.erase(at, 1 + rng() % 8); break;
        default: s.insert(at, 1, (rng() % 2) ? '\n' : ':'); break;
      }
      if (s.empty()) s = "x";
    }
    auto r = IndexText::parse(s);
    if (r) {
      for (const auto& e : r->entries()) EXPECT_FALSE(e.name.empty());
    } else {
      EXPECT_NE(r.error().message.find("APKINDEX line "), std::string::npos) << r.error().message;
    }
  }
}

TEST(IndexText, RealAlpine317IndexRoundTripsByteForByte) {
  std::string tgz = testutil::data_path("apko-apk-testdata/alpine-317/APKINDEX.tar.gz");
  std::string text = apkindex_of(tgz);
  ASSERT_GT(text.size(), 1000000u);
  auto r = IndexText::parse(text);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->size(), 5004u);

  const IndexEntry& first = r->entries()[0];
  EXPECT_EQ(first.checksum, "Q1tduNGDYV/KwvztK0sMium7UfSj0=");
  EXPECT_EQ(first.name, "nasm-doc");
  EXPECT_EQ(first.maintainer, "Natanael Copa <ncopa@alpinelinux.org>");
  EXPECT_EQ(first.install_if, "docs nasm=2.15.05-r1");
  size_t with_k = 0, with_deps = 0;
  const IndexEntry* musl = nullptr;
  for (const auto& e : r->entries()) {
    with_k += e.provider_priority.has_value();
    with_deps += !e.depends.empty();
    if (e.name == "musl") musl = &e;
  }
  EXPECT_EQ(with_k, 120u);  // counted with grep -c '^k:'
  EXPECT_EQ(with_deps, 3313u);
  ASSERT_NE(musl, nullptr);
  EXPECT_EQ(musl->origin, "musl");
  EXPECT_NE(musl->provides.find("so:libc.musl-aarch64.so.1="), std::string_view::npos);

  std::vector<PackageInfo> infos;
  for (const auto& e : r->entries()) infos.push_back(e.to_info());
  std::string written = write_index_text(infos);
  EXPECT_TRUE(written == text) << "written index differs from Alpine's";
  // Written straight from the views: the same bytes.
  std::string direct;
  for (const auto& e : r->entries()) {
    append_index_fields(direct, e);
    direct.push_back('\n');
  }
  EXPECT_TRUE(direct == text) << "records written from IndexEntry differ from Alpine's";
  auto again = IndexText::parse(written);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->entries() == r->entries());
}

// melange's Go writer omits empty U: and writes t:0, so the bytes differ from apk-tools'
// layout, but the entries survive parse -> write -> parse.
TEST(IndexText, RealMelangeIndexSurvivesRewrite) {
  std::string tgz = testutil::data_path("apko-cli-testdata/packages/x86_64/APKINDEX.tar.gz");
  auto r = IndexText::parse(apkindex_of(tgz));
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ(r->entries()[3].name, "replayout");
  EXPECT_EQ(r->entries()[3].depends, "pretend-baselayout");
  EXPECT_EQ(r->entries()[0].provides, "custom-ca-certificates");
  std::vector<PackageInfo> infos;
  for (const auto& e : r->entries()) infos.push_back(e.to_info());
  auto again = IndexText::parse(write_index_text(infos));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->entries() == r->entries());
}

}  // namespace
}  // namespace apk
