// write_cpio: the same tree as write_layer, checked by unpacking both with GNU cpio and GNU
// tar and comparing the trees (tests/tools/tree_compare.py).
#include "rootfs/cpio.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fs.hpp"
#include "rootfs/installer.hpp"
#include "rootfs/layer.hpp"
#include "rootfs/test_packages.hpp"
#include "testutil/testutil.hpp"

namespace rootfs {
namespace {

namespace fs = std::filesystem;
using namespace testpkg;
using testutil::run_capture;
using testutil::shell_quote;

Tree image() {
  Tree t;
  EXPECT_TRUE(add_base_skeleton(t, 0));
  Installer in(t);
  Entry note = file("usr/bin/noted", "noted", 0755);
  note.e.pax.emplace_back("SCHILY.xattr.user.note", "hello");
  EXPECT_TRUE(in.install(make({.name = "accounts",
                               .entries = {dir("etc"), file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
                                                                          "postfix:x:100:101::/var/spool/postfix:/sbin/nologin\n"),
                                           file("etc/group", "root:x:0:\npostdrop:x:101:\n")}})));
  EXPECT_TRUE(in.install(make({.name = "postfix",
                               .entries = {dir("usr"), dir("usr/sbin"), file("usr/sbin/postdrop", "pd", 02755, 0, 101),
                                           dir("var"), dir("var/spool"), dir("var/spool/postfix", 0755, 100, 0),
                                           dir("var/spool/postfix/public", 02710, 100, 101), dir("usr/bin"), note,
                                           link("usr/bin/pd", "../sbin/postdrop"),
                                           hardlink("usr/sbin/postdrop2", "usr/sbin/postdrop"),
                                           file("usr/sbin/zz", "zz"), hardlink("usr/sbin/aa", "usr/sbin/zz")}})));
  EXPECT_TRUE(in.finish({"x86_64", {"postfix"}, {}, {}, 0}));
  return t;
}

TEST(Cpio, UnpacksToTheSameTreeAsTheLayer) {
  Tree t = image();
  archive::StringSink cpio, tar;
  auto stats = write_cpio(t, cpio);
  ASSERT_TRUE(stats) << stats.error().message;
  ASSERT_TRUE(write_layer(t, tar));
  EXPECT_EQ(stats->xattrs_dropped, 1u);
  EXPECT_EQ(stats->cpio_bytes, cpio.data.size());
  archive::StringSink again;
  ASSERT_TRUE(write_cpio(t, again));
  EXPECT_EQ(again.data, cpio.data);  // deterministic

  auto tmp = base::TempDir::create("ma-rootfs-cpio-");
  ASSERT_TRUE(tmp);
  const fs::path d = tmp->path();
  ASSERT_TRUE(base::write_file_atomic(d / "root.cpio", cpio.data));
  ASSERT_TRUE(base::write_file_atomic(d / "layer.tar", tar.data));
  fs::create_directories(d / "from-cpio");
  fs::create_directories(d / "from-tar");
  const bool root = ::geteuid() == 0;
  // Devices need root to be created: extract everything as root, else everything else.
  const std::string skip = root ? "" : " --nonmatching 'dev/*'";
  int st = testutil::run_quiet("cd " + shell_quote((d / "from-cpio").string()) +
                               " && cpio -idm --quiet --no-absolute-filenames" + skip + " < ../root.cpio");
  ASSERT_EQ(st, 0);
  st = testutil::run_quiet("tar -xpf " + shell_quote((d / "layer.tar").string()) + " -C " +
                           shell_quote((d / "from-tar").string()) + (root ? "" : " --exclude='dev/*'"));
  ASSERT_EQ(st, 0);
  std::string out = run_capture("python3 " + shell_quote(std::string(MA_SOURCE_DIR) + "/tests/tools/tree_compare.py") +
                                    (root ? "" : " --no-owners") + " " + shell_quote((d / "from-tar").string()) + " " +
                                    shell_quote((d / "from-cpio").string()) + " 2>&1",
                                &st);
  EXPECT_EQ(st, 0) << out;

  // The hard link whose target came first shares its inode; the one before it is a copy.
  struct stat a {}, b {};
  ASSERT_EQ(::stat((d / "from-cpio/usr/sbin/postdrop").c_str(), &a), 0);
  ASSERT_EQ(::stat((d / "from-cpio/usr/sbin/postdrop2").c_str(), &b), 0);
  EXPECT_EQ(a.st_ino, b.st_ino);
  EXPECT_EQ(a.st_mode & 07777, 02755u);
  ASSERT_EQ(::stat((d / "from-cpio/usr/sbin/aa").c_str(), &a), 0);
  ASSERT_EQ(::stat((d / "from-cpio/usr/sbin/zz").c_str(), &b), 0);
  EXPECT_NE(a.st_ino, b.st_ino);

  // Owners as numbers in the listing, whoever runs the test.
  std::string list = run_capture("cpio -tv --numeric-uid-gid --quiet < " + shell_quote((d / "root.cpio").string()), &st);
  ASSERT_EQ(st, 0);
  std::string squeezed;
  for (char c : list)
    if (c != ' ' || squeezed.empty() || squeezed.back() != ' ') squeezed.push_back(c);
  EXPECT_NE(squeezed.find("drwx--s--- 2 100 101 0"), std::string::npos) << list;
  EXPECT_NE(squeezed.find("usr/bin/pd -> ../sbin/postdrop"), std::string::npos) << list;
}

}  // namespace
}  // namespace rootfs
