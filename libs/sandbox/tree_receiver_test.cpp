#include "sandbox/tree_receiver.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "base/fs.hpp"

namespace sandbox {
namespace {

namespace fs = std::filesystem;

vm::FileRecord rec(char type, std::string path, uint32_t mode, std::string target = {}, uint64_t size = 0) {
  vm::FileRecord r;
  r.type = type;
  r.path = std::move(path);
  r.mode = mode;
  r.uid = ::geteuid() == 0 ? 1000 : ::geteuid();
  r.gid = ::getegid() == 0 ? 1000 : ::getegid();
  r.mtime = 1700000000;
  r.target = std::move(target);
  r.size = size;
  return r;
}

TEST(TreeReceiver, WritesFilesDirsLinksWithModesOwnersTimes) {
  auto dir = base::TempDir::create("ma-rx-");
  ASSERT_TRUE(dir);
  auto rx = TreeReceiver::open(dir->path() / "out");
  ASSERT_TRUE(rx) << rx.error().to_string();
  ASSERT_TRUE(rx->begin(rec('d', "usr", 0555)));
  ASSERT_TRUE(rx->begin(rec('d', "usr/bin", 0755)));
  auto f = rec('f', "usr/bin/tool", 04750, {}, 5);
  f.xattrs = {{"user.melange", "yes"}};
  ASSERT_TRUE(rx->begin(f));
  EXPECT_TRUE(rx->wants_data());
  ASSERT_TRUE(rx->data("he"));
  ASSERT_TRUE(rx->data("llo"));
  EXPECT_FALSE(rx->wants_data());
  ASSERT_TRUE(rx->begin(rec('l', "usr/bin/link", 0777, "tool")));
  ASSERT_TRUE(rx->begin(rec('f', "usr/empty", 0600)));
  ASSERT_TRUE(rx->finish());

  fs::path out = dir->path() / "out";
  EXPECT_EQ(*base::read_file(out / "usr/bin/tool"), "hello");
  struct stat st;
  ASSERT_EQ(::lstat((out / "usr/bin/tool").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 04750u);
  EXPECT_EQ(st.st_uid, f.uid);
  EXPECT_EQ(st.st_mtime, 1700000000);
  char v[16] = {};
  ASSERT_GE(::getxattr((out / "usr/bin/tool").c_str(), "user.melange", v, sizeof v), 0) << "user xattrs unsupported here?";
  EXPECT_STREQ(v, "yes");
  ASSERT_EQ(::lstat((out / "usr").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0555u);
  EXPECT_EQ(st.st_mtime, 1700000000);
  EXPECT_EQ(fs::read_symlink(out / "usr/bin/link"), "tool");
  EXPECT_TRUE(fs::is_regular_file(out / "usr/empty"));
  fs::permissions(out / "usr", fs::perms::owner_all);
}

TEST(TreeReceiver, RefusesEscapingNames) {
  auto dir = base::TempDir::create("ma-rx-");
  ASSERT_TRUE(dir);
  auto rx = TreeReceiver::open(dir->path() / "out");
  ASSERT_TRUE(rx);
  for (const char* bad : {"../x", "/etc/x", "a/../../x", "a//b", ".", ""}) {
    auto st = rx->begin(rec('f', bad, 0644));
    ASSERT_FALSE(st) << bad;
    EXPECT_NE(st.error().message.find("refusing"), std::string::npos) << st.error().message;
  }
  EXPECT_FALSE(fs::exists(dir->path() / "x"));
}

TEST(TreeReceiver, NeverFollowsALinkTheGuestSent) {
  auto dir = base::TempDir::create("ma-rx-");
  ASSERT_TRUE(dir);
  fs::create_directories(dir->path() / "outside");
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "outside/victim", "keep"));
  auto rx = TreeReceiver::open(dir->path() / "out");
  ASSERT_TRUE(rx);
  // A directory link pointing out, then a file "through" it: refused.
  ASSERT_TRUE(rx->begin(rec('l', "esc", 0777, (dir->path() / "outside").string())));
  auto st = rx->begin(rec('f', "esc/victim", 0644, {}, 3));
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("not followed"), std::string::npos) << st.error().message;
  // A file link pointing out, then the same name as a file: the link is replaced, not written through.
  ASSERT_TRUE(rx->begin(rec('l', "f", 0777, (dir->path() / "outside/victim").string())));
  ASSERT_TRUE(rx->begin(rec('f', "f", 0644, {}, 3)));
  ASSERT_TRUE(rx->data("new"));
  ASSERT_TRUE(rx->finish());
  EXPECT_EQ(*base::read_file(dir->path() / "outside/victim"), "keep");
  EXPECT_EQ(*base::read_file(dir->path() / "out/f"), "new");
  EXPECT_FALSE(fs::is_symlink(dir->path() / "out/f"));
}

TEST(TreeReceiver, DataBeyondTheAnnouncedSizeOrCutShortIsAnError) {
  auto dir = base::TempDir::create("ma-rx-");
  ASSERT_TRUE(dir);
  auto rx = TreeReceiver::open(dir->path());
  ASSERT_TRUE(rx);
  ASSERT_TRUE(rx->begin(rec('f', "a", 0644, {}, 2)));
  EXPECT_FALSE(rx->data("abc"));
  ASSERT_TRUE(rx->data("ab"));
  EXPECT_FALSE(rx->data("c"));
  ASSERT_TRUE(rx->begin(rec('f', "b", 0644, {}, 2)));
  auto st = rx->finish();
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("cut short"), std::string::npos);
}

}  // namespace
}  // namespace sandbox
