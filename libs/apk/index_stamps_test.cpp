#include "apk/index_stamps.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "base/fs.hpp"

namespace apk {
namespace {

namespace fs = std::filesystem;

TEST(IndexStamps, FormatThenParseGivesTheSameStamps) {
  std::vector<std::pair<std::string_view, FileStamp>> stamps = {
      {"a-1.0-r0.apk", {31037, 1700000000123456789, 42, "Q1n9WrzmVo4lEqYuPigFMqj+B0v2U="}},
      {"b-2.0-r1.apk", {0, -5, 18446744073709551615ull, "Q1E2anukYAF9h8ywf7DIQHo1JWm58="}},
  };
  std::string text = format_stamps(stamps);
  EXPECT_EQ(text.substr(0, text.find('\n')), "a-1.0-r0.apk\t31037\t1700000000123456789\t42\tQ1n9WrzmVo4lEqYuPigFMqj+B0v2U=");
  StampFile parsed = StampFile::parse(text);
  ASSERT_EQ(parsed.all().size(), 2u);
  const FileStamp* a = parsed.find("a-1.0-r0.apk");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->same_file(stamps[0].second));
  EXPECT_EQ(a->checksum, stamps[0].second.checksum);
  const FileStamp* b = parsed.find("b-2.0-r1.apk");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->mtime_ns, -5);
  EXPECT_FALSE(parsed.find("c.apk"));
}

TEST(IndexStamps, MalformedLinesAreSkippedAndALaterLineWins) {
  StampFile f = StampFile::parse(
      "ok.apk\t1\t2\t3\tQ1a\n"
      "short.apk\t1\t2\tQ1b\n"          // four fields
      "long.apk\t1\t2\t3\tQ1c\textra\n"  // six fields
      "nan.apk\t1\tx\t3\tQ1d\n"
      "ok.apk\t9\t2\t3\tQ1e\n"
      "last.apk\t4\t5\t6\tQ1f");  // no final newline
  EXPECT_EQ(f.all().size(), 2u);
  ASSERT_TRUE(f.find("ok.apk"));
  EXPECT_EQ(f.find("ok.apk")->size, 9u);
  EXPECT_EQ(f.find("ok.apk")->checksum, "Q1e");
  ASSERT_TRUE(f.find("last.apk"));
  EXPECT_EQ(f.find("last.apk")->checksum, "Q1f");
  EXPECT_TRUE(StampFile::read("/nonexistent-ma-dir/.x.stat").all().empty());
}

TEST(IndexStamps, StatterFollowsInputsAcrossDirectories) {
  auto dir = base::TempDir::create();
  ASSERT_TRUE(dir);
  fs::create_directory(dir->path() / "one");
  fs::create_directory(dir->path() / "two");
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "one/p.apk", "12345"));
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "two/p.apk", "123"));
  FileStatter statter;
  for (int round = 0; round < 2; ++round) {
    for (const char* sub : {"one", "two"}) {
      fs::path p = dir->path() / sub / "p.apk";
      auto got = statter.stamp(p);
      ASSERT_TRUE(got) << got.error().message;
      struct stat st {};
      ASSERT_EQ(::stat(p.c_str(), &st), 0);
      EXPECT_EQ(got->size, uint64_t(st.st_size));
      EXPECT_EQ(got->inode, uint64_t(st.st_ino));
      EXPECT_EQ(got->mtime_ns, int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec);
    }
  }
  auto missing = statter.stamp(dir->path() / "two/gone.apk");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, base::ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, (dir->path() / "two/gone.apk").string() + ": no such package file");
  auto no_dir = statter.stamp(dir->path() / "three/p.apk");
  ASSERT_FALSE(no_dir);
  EXPECT_EQ(no_dir.error().code, base::ErrorCode::kNotFound);
  auto again = statter.stamp(dir->path() / "one/p.apk");  // usable after a failed directory
  ASSERT_TRUE(again);
  EXPECT_EQ(again->size, 5u);
  EXPECT_EQ(stamp_name("x/y/z.apk"), "z.apk");
  EXPECT_EQ(stamp_name("z.apk"), "z.apk");
}

}  // namespace
}  // namespace apk
