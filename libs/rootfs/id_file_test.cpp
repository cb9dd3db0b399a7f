#include "rootfs/id_file.hpp"

#include <gtest/gtest.h>

namespace rootfs {
namespace {

TEST(IdFile, ReadsEntriesAndSkipsBadLines) {
  Tree t;
  ASSERT_TRUE(t.mkdir_p("etc", Meta{0755, 0, 0, 0, {}}));
  ASSERT_TRUE(t.write_file("etc/passwd",
                           Content::own("root:x:0:0:root:/root:/bin/sh\n\nshort:x\nneg:x:-1:0::/:/bin/sh\n"
                                        "big:x:4294967296:0::/:/bin/sh\n:x:9:9\nnogid:x:7\nsvc:x:200:1000::/:/bin/sh\n"
                                        "dup:x:200:0::/:/bin/sh\n"),
                           Meta{0644, 0, 0, 0, {}}));
  auto e = read_id_file(t, "etc/passwd");
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0].name, "root");
  EXPECT_EQ(e[0].gid, 0u);
  EXPECT_EQ(e[1].name, "nogid");
  EXPECT_EQ(e[1].id, 7u);
  EXPECT_FALSE(e[1].gid);
  EXPECT_EQ(e[2].id, 200u);
  EXPECT_EQ(e[2].gid, 1000u);
  EXPECT_TRUE(read_id_file(t, "etc/group").empty());
  auto names = id_names(t, "etc/passwd");
  EXPECT_EQ(names.size(), 3u);
  EXPECT_EQ(names[200], "svc");  // the first entry of an id wins
  EXPECT_EQ(names[7], "nogid");
}

}  // namespace
}  // namespace rootfs
