#include "base/fs.hpp"

#include <gtest/gtest.h>

namespace base {
namespace {

TEST(Fs, AtomicWriteAndRead) {
  auto dir = TempDir::create();
  ASSERT_TRUE(dir);
  auto p = dir->path() / "f.txt";
  ASSERT_TRUE(write_file_atomic(p, "hello", 0600));
  auto r = read_file(p);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "hello");
  EXPECT_EQ(fs::status(p).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
}

TEST(Fs, UncommittedAtomicFileLeavesNothing) {
  auto dir = TempDir::create();
  ASSERT_TRUE(dir);
  auto p = dir->path() / "out.bin";
  {
    auto f = AtomicFile::create(p);
    ASSERT_TRUE(f);
    ASSERT_TRUE(f->write("partial"));
  }
  EXPECT_FALSE(fs::exists(p));
  EXPECT_TRUE(fs::is_empty(dir->path()));
}

TEST(Fs, MissingFileIsNotFound) {
  auto r = read_file("/nonexistent/really");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_NE(r.error().message.find("/nonexistent/really"), std::string::npos);
}

}  // namespace
}  // namespace base
