#include "base/temp_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "base/fs.hpp"

namespace base {
namespace {

TEST(TempFile, AnonymousFileLeavesNothingBehindAndMapsBothWays) {
  auto dir = TempDir::create();
  ASSERT_TRUE(dir);
  auto fd = open_anonymous_file("a test", dir->path());
  ASSERT_TRUE(fd) << fd.error().message;
  EXPECT_TRUE(std::filesystem::is_empty(dir->path()));  // no name in the directory

  ASSERT_EQ(::ftruncate(fd->get(), 10000), 0);
  {
    auto w = FileMapping::map(fd->get(), 10000, FileMapping::Access::kReadWrite, "tmp");
    ASSERT_TRUE(w) << w.error().message;
    std::memset(w->data(), 'x', 10000);
    std::memcpy(w->data() + 5000, "hello", 5);
  }
  char buf[5];
  ASSERT_EQ(::pread(fd->get(), buf, 5, 5000), 5);  // written through the mapping
  EXPECT_EQ(std::string(buf, 5), "hello");
  auto r = FileMapping::map(fd->get(), 10000, FileMapping::Access::kRead, "tmp");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->view().substr(4998, 9), "xxhelloxx");
  auto empty = FileMapping::map(fd->get(), 0, FileMapping::Access::kRead, "tmp");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->view().empty());
}

TEST(TempFile, MapFileMapsRegularFilesOnly) {
  auto dir = TempDir::create();
  ASSERT_TRUE(dir);
  const auto file = dir->path() / "f";
  ASSERT_TRUE(write_file_atomic(file, "contents"));
  auto m = FileMapping::map_file(file);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->view(), "contents");
  ASSERT_TRUE(write_file_atomic(dir->path() / "empty", ""));
  auto e = FileMapping::map_file(dir->path() / "empty");
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->view().empty());
  std::filesystem::create_symlink("f", dir->path() / "link");
  EXPECT_FALSE(FileMapping::map_file(dir->path() / "link"));  // not followed
  auto followed = FileMapping::map_file(dir->path() / "link", FileMapping::Symlink::kFollow);
  ASSERT_TRUE(followed) << followed.error().message;
  EXPECT_EQ(followed->view(), "contents");
  std::filesystem::create_symlink(".", dir->path() / "dirlink");
  EXPECT_FALSE(FileMapping::map_file(dir->path() / "dirlink", FileMapping::Symlink::kFollow));
  auto d = FileMapping::map_file(dir->path());
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("not a regular file"), std::string::npos) << d.error().message;
  EXPECT_FALSE(FileMapping::map_file(dir->path() / "missing"));
}

TEST(TempFile, TempDirOrFallsBackToTmpdir) {
  EXPECT_EQ(temp_dir_or("/given"), "/given");
  const char* old = std::getenv("TMPDIR");
  std::string saved = old ? old : "";
  ::setenv("TMPDIR", "/somewhere", 1);
  EXPECT_EQ(temp_dir_or({}), "/somewhere");
  ::unsetenv("TMPDIR");
  EXPECT_EQ(temp_dir_or({}), "/tmp");
  if (old) ::setenv("TMPDIR", saved.c_str(), 1);
}

TEST(TempFile, MissingDirectoryIsAOneLineError) {
  auto fd = open_anonymous_file("the data tar", "/nonexistent/dir");
  ASSERT_FALSE(fd);
  EXPECT_NE(fd.error().message.find("/nonexistent/dir"), std::string::npos) << fd.error().message;
  EXPECT_NE(fd.error().message.find("the data tar"), std::string::npos) << fd.error().message;
}

TEST(TempFile, UniqueFdClosesAndMoves) {
  int raw;
  {
    auto fd = open_anonymous_file("a test");
    ASSERT_TRUE(fd);
    raw = fd->get();
    UniqueFd moved(std::move(*fd));
    EXPECT_EQ(fd->get(), -1);
    EXPECT_EQ(moved.get(), raw);
    struct stat st {};
    EXPECT_EQ(::fstat(raw, &st), 0);
  }
  struct stat st {};
  EXPECT_NE(::fstat(raw, &st), 0);  // closed
}

}  // namespace
}  // namespace base
