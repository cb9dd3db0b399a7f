// The newc writer, checked byte for byte on a small archive and by GNU cpio (listing and
// extracting it).
#include "archive/cpio_writer.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "base/fs.hpp"
#include "testutil/testutil.hpp"

namespace archive {
namespace {

CpioEntry entry(std::string name, uint32_t mode, uint32_t ino, int64_t mtime = 1700000000) {
  CpioEntry e;
  e.name = std::move(name);
  e.mode = mode;
  e.ino = ino;
  e.mtime = mtime;
  return e;
}

TEST(CpioWriter, HeaderLayoutAndPadding) {
  StringSink s;
  CpioWriter w(s);
  auto f = entry("a", S_IFREG | 0644, 1, 0x10);
  f.uid = 1000;
  f.gid = 0x3e9;
  ASSERT_TRUE(w.add(f, "hello"));
  ASSERT_TRUE(w.finish());
  const std::string& b = s.data;
  // 110-byte header, "a\0" padded to 4 with the header (112), 5 bytes of data padded to 8.
  EXPECT_EQ(b.substr(0, 110),
            "070701"
            "00000001"    // ino
            "000081A4"    // S_IFREG | 0644
            "000003E8"    // uid
            "000003E9"    // gid
            "00000001"    // nlink
            "00000010"    // mtime
            "00000005"    // filesize
            "00000000"    // devmajor
            "00000000"    // devminor
            "00000000"    // rdevmajor
            "00000000"    // rdevminor
            "00000002"    // namesize
            "00000000");  // check
  EXPECT_EQ(b.substr(110, 2), std::string("a\0", 2));
  EXPECT_EQ(b.substr(112, 8), std::string("hello\0\0\0", 8));
  EXPECT_EQ(b.substr(120 + 110, 11), std::string("TRAILER!!!\0", 11));
  EXPECT_EQ(b.size() % 512, 0u);
  EXPECT_EQ(w.bytes_written(), b.size());
}

TEST(CpioWriter, RefusesWhatNewcCannotHold) {
  StringSink s;
  CpioWriter w(s);
  EXPECT_FALSE(w.add(entry("/abs", S_IFREG | 0644, 1)));
  EXPECT_FALSE(w.add(entry("old", S_IFREG | 0644, 1, -1)));
  EXPECT_FALSE(w.add(entry("future", S_IFREG | 0644, 1, int64_t{1} << 33)));
}

TEST(CpioWriter, GnuCpioListsAndExtractsIt) {
  auto tmp = base::TempDir::create("ma-cpio-");
  ASSERT_TRUE(tmp);
  const auto dir = tmp->path();
  StringSink s;
  CpioWriter w(s);
  ASSERT_TRUE(w.add(entry("etc", S_IFDIR | 0755, 1)));
  ASSERT_TRUE(w.add(entry("etc/motd", S_IFREG | 0640, 2), "welcome\n"));
  auto first = entry("usr/bin/one", S_IFREG | 0755, 3);
  first.nlink = 2;
  ASSERT_TRUE(w.add(entry("usr", S_IFDIR | 0755, 4)));
  ASSERT_TRUE(w.add(entry("usr/bin", S_IFDIR | 0755, 5)));
  ASSERT_TRUE(w.add(first, "#!/bin/sh\necho one\n"));
  auto second = entry("usr/bin/two", S_IFREG | 0755, 3);
  second.nlink = 2;
  ASSERT_TRUE(w.add(second));  // the hard link: same ino, no data
  ASSERT_TRUE(w.add(entry("usr/bin/sh", S_IFLNK | 0777, 6), "one"));
  auto tty = entry("console", S_IFCHR | 0620, 7);
  tty.rdevmajor = 5;
  tty.rdevminor = 1;
  ASSERT_TRUE(w.add(tty));
  ASSERT_TRUE(w.finish());
  ASSERT_TRUE(base::write_file_atomic(dir / "a.cpio", s.data));

  int status = -1;
  std::string list = testutil::run_capture("cpio -t --quiet < " + testutil::shell_quote((dir / "a.cpio").string()), &status);
  ASSERT_EQ(status, 0) << list;
  EXPECT_EQ(list, "etc\netc/motd\nusr\nusr/bin\nusr/bin/one\nusr/bin/two\nusr/bin/sh\nconsole\n");
  std::string verbose =
      testutil::run_capture("cpio -tv --quiet < " + testutil::shell_quote((dir / "a.cpio").string()), &status);
  EXPECT_NE(verbose.find("crw--w----"), std::string::npos) << verbose;
  EXPECT_NE(verbose.find("usr/bin/sh -> one"), std::string::npos) << verbose;

  // Extract everything but the device (creating it needs root).
  std::filesystem::create_directories(dir / "out");
  status = testutil::run_quiet("cd " + testutil::shell_quote((dir / "out").string()) +
                               " && cpio -idm --quiet --no-absolute-filenames < ../a.cpio 'etc*' 'usr*'");
  ASSERT_EQ(status, 0);
  std::ifstream one(dir / "out/usr/bin/one");
  std::string content((std::istreambuf_iterator<char>(one)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "#!/bin/sh\necho one\n");
  struct stat a {}, b {};
  ASSERT_EQ(::stat((dir / "out/usr/bin/one").c_str(), &a), 0);
  ASSERT_EQ(::stat((dir / "out/usr/bin/two").c_str(), &b), 0);
  EXPECT_EQ(a.st_ino, b.st_ino);  // one inode, two names
  EXPECT_EQ(a.st_mode & 07777, 0755u);
  EXPECT_EQ(a.st_mtime, 1700000000);
  ASSERT_EQ(::stat((dir / "out/etc/motd").c_str(), &a), 0);
  EXPECT_EQ(a.st_mode & 07777, 0640u);
  EXPECT_EQ(std::filesystem::read_symlink(dir / "out/usr/bin/sh"), "one");
}

}  // namespace
}  // namespace archive
