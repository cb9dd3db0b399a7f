#include "rootfs/tree.hpp"

#include <gtest/gtest.h>

namespace rootfs {
namespace {

Meta dir_meta(uint32_t mode = 0755) { return Meta{mode, 0, 0, 0, {}}; }
Meta file_meta(uint32_t mode = 0644) { return Meta{mode, 0, 0, 0, {}}; }

std::vector<std::string> tree_paths(const Tree& t) {
  std::vector<std::string> out;
  t.walk([&](const std::string& p, const Node&) { out.push_back(p); });
  return out;
}

TEST(Tree, MkdirWriteReadAndSortedWalk) {
  Tree t;
  ASSERT_TRUE(t.mkdir_p("/usr/lib", dir_meta()));
  ASSERT_TRUE(t.mkdir_p("etc", dir_meta()));
  ASSERT_TRUE(t.write_file("usr/lib/b", Content::own("bee"), file_meta()));
  ASSERT_TRUE(t.write_file("/usr/lib/a", Content::own("ay"), file_meta(04755)));
  ASSERT_TRUE(t.write_file("usr/bin", Content::own(""), file_meta()));
  EXPECT_EQ(tree_paths(t), (std::vector<std::string>{"etc", "usr", "usr/bin", "usr/lib", "usr/lib/a", "usr/lib/b"}));
  EXPECT_EQ(*t.read_file("usr/lib/b"), "bee");
  EXPECT_EQ((*t.lookup("usr/lib/a"))->meta.mode, 04755u);
  EXPECT_FALSE(t.write_file("usr/lib", Content::own("x"), file_meta()));  // a directory
  EXPECT_EQ(t.lookup("nope").error().code, base::ErrorCode::kNotFound);
}

TEST(Tree, ContentSlicesShareTheBuffer) {
  auto buf = std::make_shared<const std::string>("0123456789");
  Tree t;
  ASSERT_TRUE(t.write_file("f", Content::slice(buf, 3, 4), file_meta()));
  EXPECT_EQ(*t.read_file("f"), "3456");
  EXPECT_EQ((*t.lookup("f"))->content.memory_view()->data(), buf->data() + 3);
}

TEST(Tree, SymlinksInParentsAreFollowedInsideTheTree) {
  Tree t;
  ASSERT_TRUE(t.mkdir_p("usr/lib", dir_meta()));
  ASSERT_TRUE(t.symlink("lib", "usr/lib", Meta{0777, 0, 0, 0, {}}));
  ASSERT_TRUE(t.write_file("lib/x", Content::own("x"), file_meta()));
  EXPECT_EQ(*t.read_file("usr/lib/x"), "x");
  EXPECT_EQ(*t.canonical("lib/x", Follow::kNoFollow), "usr/lib/x");
  // Absolute targets start at the tree's root (chroot-like).
  ASSERT_TRUE(t.symlink("abs", "/usr", Meta{0777, 0, 0, 0, {}}));
  ASSERT_TRUE(t.write_file("abs/lib/y", Content::own("y"), file_meta()));
  EXPECT_TRUE(t.exists("usr/lib/y"));
  // The final component is not followed for replace: the symlink itself is replaced.
  ASSERT_TRUE(t.write_file("lib", Content::own("now a file"), file_meta()));
  EXPECT_EQ((*t.lookup("lib"))->type, NodeType::kFile);
  EXPECT_TRUE(t.exists("usr/lib/x"));
}

TEST(Tree, WritesNeverEscapeTheRoot) {
  Tree t;
  ASSERT_TRUE(t.mkdir_p("a/b", dir_meta()));
  ASSERT_TRUE(t.symlink("a/b/evil", "../../..", Meta{0777, 0, 0, 0, {}}));
  ASSERT_TRUE(t.symlink("a/up", "../../../../tmp", Meta{0777, 0, 0, 0, {}}));
  for (std::string_view p : {"a/b/evil/etc/shadow", "../etc/passwd", "a/../../x", "a/up/x"}) {
    auto st = t.write_file(p, Content::own("x"), file_meta());
    ASSERT_FALSE(st) << p;
    EXPECT_EQ(st.error().code, base::ErrorCode::kInvalidInput) << p;
    EXPECT_NE(st.error().message.find("escapes the root"), std::string::npos) << st.error().message;
  }
  EXPECT_FALSE(t.mkdir_p("a/b/evil/etc", dir_meta()));
  EXPECT_FALSE(t.symlink("a/b/evil/etc/l", "x", Meta{0777, 0, 0, 0, {}}));
  EXPECT_FALSE(t.chmod("a/up/x", 0777));
  // Reads clamp at the root like the kernel does: a/b/evil resolves to the root itself.
  auto root = t.lookup("a/b/evil", Follow::kFollow);
  ASSERT_TRUE(root);
  EXPECT_EQ(*root, &t.root());
  EXPECT_EQ(tree_paths(t), (std::vector<std::string>{"a", "a/b", "a/b/evil", "a/up"}));
}

TEST(Tree, SymlinkLoopsAreErrors) {
  Tree t;
  ASSERT_TRUE(t.symlink("x", "y", Meta{0777, 0, 0, 0, {}}));
  ASSERT_TRUE(t.symlink("y", "x/z", Meta{0777, 0, 0, 0, {}}));
  auto st = t.write_file("x/f", Content::own(""), file_meta());
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("too many levels"), std::string::npos) << st.error().message;
  // Chains resolve.
  Tree c;
  ASSERT_TRUE(c.mkdir_p("real", dir_meta()));
  ASSERT_TRUE(c.symlink("l1", "l2", Meta{0777, 0, 0, 0, {}}));
  ASSERT_TRUE(c.symlink("l2", "/l3", Meta{0777, 0, 0, 0, {}}));
  ASSERT_TRUE(c.symlink("l3", "./real/", Meta{0777, 0, 0, 0, {}}));
  ASSERT_TRUE(c.write_file("l1/f", Content::own("chain"), file_meta()));
  EXPECT_EQ(*c.read_file("real/f"), "chain");
}

TEST(Tree, HardlinksDevicesOwnershipAndRemove) {
  Tree t;
  ASSERT_TRUE(t.mkdir_p("bin", dir_meta()));
  ASSERT_TRUE(t.write_file("bin/a", Content::own("prog"), file_meta(0755)));
  ASSERT_TRUE(t.hardlink("bin/b", "bin/a", file_meta(0755)));
  const Node* b = *t.lookup("bin/b");
  EXPECT_EQ(b->type, NodeType::kHardlink);
  EXPECT_EQ(b->link, "bin/a");
  EXPECT_EQ(*t.read_file("bin/b"), "prog");
  EXPECT_FALSE(t.hardlink("bin/c", "bin/missing", file_meta()));
  ASSERT_TRUE(t.mknod("null", NodeType::kCharDevice, 1, 3, file_meta(0666)));
  EXPECT_EQ((*t.lookup("null"))->devminor, 3u);
  ASSERT_TRUE(t.chown("bin/a", 0, 101));
  ASSERT_TRUE(t.chmod("bin/a", 02755));
  EXPECT_EQ((*t.lookup("bin/a"))->meta.gid, 101u);
  EXPECT_EQ((*t.lookup("bin/a"))->meta.mode, 02755u);
  ASSERT_TRUE(t.remove("bin"));
  EXPECT_FALSE(t.exists("bin/a"));
  EXPECT_FALSE(t.remove("bin"));
}

TEST(Tree, RollbackRestoresEverything) {
  Tree t;
  ASSERT_TRUE(t.mkdir_p("etc", dir_meta()));
  ASSERT_TRUE(t.write_file("etc/keep", Content::own("old"), file_meta()));
  auto before = tree_paths(t);
  t.begin();
  ASSERT_TRUE(t.mkdir_p("usr/lib/deep", dir_meta()));
  ASSERT_TRUE(t.write_file("usr/lib/deep/f", Content::own("f"), file_meta()));
  ASSERT_TRUE(t.write_file("etc/keep", Content::own("new"), file_meta()));
  ASSERT_TRUE(t.chmod("etc", 0700));
  ASSERT_TRUE(t.remove("etc/keep"));
  ASSERT_TRUE(t.symlink("etc/keep", "x", file_meta()));
  t.rollback();
  EXPECT_EQ(tree_paths(t), before);
  EXPECT_EQ(*t.read_file("etc/keep"), "old");
  EXPECT_EQ((*t.lookup("etc"))->meta.mode, 0755u);
  t.begin();
  ASSERT_TRUE(t.write_file("etc/new", Content::own("n"), file_meta()));
  t.commit();
  EXPECT_TRUE(t.exists("etc/new"));
}

}  // namespace
}  // namespace rootfs
