#include "apko/busybox.hpp"

#include <gtest/gtest.h>

#include <set>

namespace apko {
namespace {

using rootfs::Content;
using rootfs::Meta;

TEST(Busybox, BuiltinTableHasCommonAppletsOnce) {
  const auto& t = builtin_busybox_applets();
  std::set<std::string> s(t.begin(), t.end());
  EXPECT_EQ(s.size(), t.size());
  for (const char* p : {"bin/sh", "bin/ls", "bin/cat", "usr/bin/env", "usr/bin/awk", "sbin/ip", "usr/sbin/adduser"})
    EXPECT_TRUE(s.count(p)) << p;
}

TEST(Busybox, LinksOnlyWhereNoRealFileExists) {
  rootfs::Tree t;
  ASSERT_TRUE(t.mkdir_p("usr/bin", Meta{0755, 0, 0, 0, {}}));
  ASSERT_TRUE(t.symlink("bin", "usr/bin", Meta{0777, 0, 0, 0, {}}));
  ASSERT_TRUE(t.write_file("usr/bin/busybox", Content::own("bb"), Meta{0755, 0, 0, 0, {}}));
  ASSERT_TRUE(t.write_file("usr/bin/env", Content::own("real env"), Meta{0755, 0, 0, 0, {}}));
  auto n = add_busybox_links(t);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_GT(*n, 100u);
  auto sh = t.lookup("usr/bin/sh");  // bin/sh through the bin -> usr/bin symlink
  ASSERT_TRUE(sh);
  EXPECT_EQ((*sh)->type, rootfs::NodeType::kSymlink);
  EXPECT_EQ((*sh)->link, "/usr/bin/busybox");
  EXPECT_EQ(*t.read_file("usr/bin/env"), "real env");
  EXPECT_EQ(*t.read_file("sbin/ip"), "bb");  // follows the link
}

TEST(Busybox, PathsDirWinsAndNoBusyboxMeansNothing) {
  rootfs::Tree t;
  EXPECT_EQ(*add_busybox_links(t), 0u);
  ASSERT_TRUE(t.mkdir_p("bin", Meta{0755, 0, 0, 0, {}}));
  ASSERT_TRUE(t.mkdir_p("etc/busybox-paths.d", Meta{0755, 0, 0, 0, {}}));
  ASSERT_TRUE(t.write_file("bin/busybox", Content::own("bb"), Meta{0755, 0, 0, 0, {}}));
  ASSERT_TRUE(t.write_file("etc/busybox-paths.d/busybox", Content::own("/bin/sh\n/usr/bin/wget\n\n../../etc/x\n"),
                           Meta{0644, 0, 0, 0, {}}));
  EXPECT_EQ(*add_busybox_links(t), 2u);
  EXPECT_EQ((*t.lookup("usr/bin/wget"))->link, "/bin/busybox");
  EXPECT_FALSE(t.exists("bin/ls"));
}

}  // namespace
}  // namespace apko
