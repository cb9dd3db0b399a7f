#include "sandbox/tree_receiver.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "archive/sink.hpp"
#include "archive/tar_writer.hpp"
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

archive::TarEntry tar_entry(archive::EntryType type, std::string name, uint32_t mode, std::string link = {},
                            uint64_t size = 0) {
  archive::TarEntry e;
  e.type = type;
  e.name = std::move(name);
  e.mode = mode;
  e.uid = ::getuid();
  e.gid = ::getgid();
  e.mtime = 1700000000;
  e.linkname = std::move(link);
  e.size = size;
  return e;
}

TEST(TreeReceiver, TarFromAnEngineStripsTheTopDirCopiesHardLinksAndNeverEscapes) {
  auto dir = base::TempDir::create("ma-rx-");
  ASSERT_TRUE(dir);
  fs::create_directories(dir->path() / "outside");
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "outside/victim", "keep"));
  using T = archive::EntryType;
  auto make = [&](bool hostile) {
    archive::StringSink sink;
    archive::TarWriter w(sink);
    EXPECT_TRUE(w.add(tar_entry(T::kDir, "melange-out", 0755)));
    for (const char* d : {"melange-out/pkg", "melange-out/pkg/usr", "melange-out/pkg/usr/bin"})
      EXPECT_TRUE(w.add(tar_entry(T::kDir, d, 0755)));
    EXPECT_TRUE(w.add(tar_entry(T::kFile, "melange-out/pkg/usr/bin/tool", 04755, {}, 4), "tool"));
    EXPECT_TRUE(w.add(tar_entry(T::kHardlink, "melange-out/pkg/usr/bin/tool2", 04755, "melange-out/pkg/usr/bin/tool")));
    EXPECT_TRUE(w.add(tar_entry(T::kSymlink, "melange-out/pkg/link", 0777, "usr/bin/tool")));
    if (hostile) {
      EXPECT_TRUE(w.add(tar_entry(T::kSymlink, "melange-out/esc", 0777, (dir->path() / "outside").string())));
      EXPECT_TRUE(w.add(tar_entry(T::kFile, "melange-out/esc/victim", 0644, {}, 5), "owned"));
    }
    EXPECT_TRUE(w.finish());
    return sink.data;
  };
  auto good = receive_tar(make(false), dir->path() / "good", "test archive");
  ASSERT_TRUE(good) << good.error().message;
  EXPECT_EQ(*base::read_file(dir->path() / "good/pkg/usr/bin/tool2"), "tool");  // a copy of its target
  EXPECT_EQ(fs::read_symlink(dir->path() / "good/pkg/link"), "usr/bin/tool");
  struct stat st{};
  ASSERT_EQ(::stat((dir->path() / "good/pkg/usr/bin/tool").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 04755u);
  EXPECT_FALSE(fs::exists(dir->path() / "good/melange-out"));  // the top directory is stripped
  auto bad = receive_tar(make(true), dir->path() / "bad", "test archive");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("test archive"), std::string::npos) << bad.error().message;
  EXPECT_EQ(*base::read_file(dir->path() / "outside/victim"), "keep");
}

}  // namespace
}  // namespace sandbox
