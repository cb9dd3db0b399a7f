#include "archive/sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "base/fs.hpp"

namespace archive {
namespace {

TEST(StringSink, Appends) {
  StringSink s;
  ASSERT_TRUE(s.write("ab"));
  ASSERT_TRUE(s.write(""));
  ASSERT_TRUE(s.write("c"));
  EXPECT_EQ(s.data, "abc");
}

TEST(HashSink, HashesCountsAndForwards) {
  StringSink inner;
  HashSink h(base::HashAlgo::kSha256, &inner);
  ASSERT_TRUE(h.write("hello "));
  ASSERT_TRUE(h.write("world"));
  EXPECT_EQ(h.bytes(), 11u);
  EXPECT_EQ(inner.data, "hello world");
  // sha256("hello world"), as printed by `printf 'hello world' | sha256sum`.
  EXPECT_EQ(base::to_hex(h.digest()), "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
  EXPECT_EQ(h.digest(), h.digest());
}

TEST(HashSink, WithoutNextOnlyHashes) {
  HashSink h(base::HashAlgo::kSha1);
  ASSERT_TRUE(h.write("abc"));
  EXPECT_EQ(base::to_hex(h.digest()), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(FdSink, WritesToFileAndReportsErrors) {
  auto dir = base::TempDir::create("ma-sink-");
  ASSERT_TRUE(dir);
  auto path = dir->path() / "out";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  {
    FdSink s(fd, FdOwnership::kOwn, path.string());
    ASSERT_TRUE(s.write(std::string(100000, 'x')));
  }
  auto back = base::read_file(path);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, std::string(100000, 'x'));

  int ro = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(ro, 0);
  FdSink bad(ro, FdOwnership::kOwn, "readonly");
  auto st = bad.write("x");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("readonly"), std::string::npos);
}

}  // namespace
}  // namespace archive
