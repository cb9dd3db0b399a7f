#include "apko/path_mutations.hpp"

#include <gtest/gtest.h>

namespace apko {
namespace {

using rootfs::Content;
using rootfs::Follow;
using rootfs::Meta;

config::PathMutation mut(config::PathType t, std::string path, uint32_t perm = 0, std::string source = {}) {
  config::PathMutation m;
  m.type = t;
  m.path = std::move(path);
  m.permissions = perm;
  m.source = std::move(source);
  return m;
}

TEST(PathMutations, EveryType) {
  rootfs::Tree t;
  ASSERT_TRUE(t.mkdir_p("usr/bin", Meta{0755, 0, 0, 0, {}}));
  ASSERT_TRUE(t.write_file("usr/bin/app", Content::own("bin"), Meta{0755, 0, 0, 0, {}}));
  std::vector<config::PathMutation> ms;
  auto d = mut(config::PathType::kDirectory, "/var/lib/app/data", 0750);
  d.uid = 65532;
  d.gid = 65532;
  ms.push_back(d);
  ms.push_back(mut(config::PathType::kEmptyFile, "/var/lib/app/data/empty", 0600));
  ms.push_back(mut(config::PathType::kHardlink, "/usr/bin/app2", 0, "/usr/bin/app"));
  auto s = mut(config::PathType::kSymlink, "/usr/bin/app3", 0, "app");
  s.uid = 7;
  ms.push_back(s);
  ms.push_back(mut(config::PathType::kPermissions, "/usr/bin/app", 04711));
  ASSERT_TRUE(apply_path_mutations(t, ms));

  auto dir = *t.lookup("var/lib/app/data");
  EXPECT_EQ(dir->meta.mode, 0750u);
  EXPECT_EQ(dir->meta.uid, 65532u);
  EXPECT_EQ((*t.lookup("var/lib/app"))->meta.mode, 0755u);  // parents default
  EXPECT_EQ((*t.lookup("var/lib/app/data/empty"))->meta.mode, 0600u);
  EXPECT_EQ(*t.read_file("usr/bin/app2"), "bin");
  EXPECT_EQ((*t.lookup("usr/bin/app2"))->type, rootfs::NodeType::kHardlink);
  auto link = *t.lookup("usr/bin/app3");
  EXPECT_EQ(link->type, rootfs::NodeType::kSymlink);
  EXPECT_EQ(link->link, "app");
  EXPECT_EQ(link->meta.uid, 7u);
  EXPECT_EQ((*t.lookup("usr/bin/app"))->meta.mode, 04711u);
}

TEST(PathMutations, RecursivePermissionsDoNotFollowSymlinks) {
  rootfs::Tree t;
  ASSERT_TRUE(t.mkdir_p("srv/a/b", Meta{0755, 0, 0, 0, {}}));
  ASSERT_TRUE(t.mkdir_p("etc", Meta{0755, 0, 0, 0, {}}));
  ASSERT_TRUE(t.write_file("srv/a/b/f", Content::own("x"), Meta{0644, 0, 0, 0, {}}));
  ASSERT_TRUE(t.write_file("etc/shadow", Content::own("s"), Meta{0600, 0, 0, 0, {}}));
  ASSERT_TRUE(t.symlink("srv/a/escape", "/etc/shadow", Meta{0777, 0, 0, 0, {}}));
  auto m = mut(config::PathType::kPermissions, "/srv", 0700);
  m.recursive = true;
  m.uid = 1000;
  ASSERT_TRUE(apply_path_mutations(t, {m}));
  EXPECT_EQ((*t.lookup("srv/a/b/f"))->meta.mode, 0700u);
  EXPECT_EQ((*t.lookup("srv/a/b/f"))->meta.uid, 1000u);
  EXPECT_EQ((*t.lookup("srv/a"))->meta.uid, 1000u);
  EXPECT_EQ((*t.lookup("etc/shadow"))->meta.mode, 0600u);  // symlink target untouched
  EXPECT_EQ((*t.lookup("etc/shadow"))->meta.uid, 0u);
}

TEST(PathMutations, EscapesAndErrorsNameTheMutation) {
  rootfs::Tree t;
  ASSERT_TRUE(t.symlink("up", "../../..", Meta{0777, 0, 0, 0, {}}));
  // Through a symlink that points above the root: refused, nothing created.
  auto st = apply_path_mutations(t, {mut(config::PathType::kEmptyFile, "/up/tmp/pwned")});
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("paths[0] (empty-file /up/tmp/pwned)"), std::string::npos) << st.error().message;
  auto st2 = apply_path_mutations(t, {mut(config::PathType::kPermissions, "/missing", 0644)});
  ASSERT_FALSE(st2);
  EXPECT_NE(st2.error().message.find("paths[0] (permissions /missing)"), std::string::npos);
  EXPECT_FALSE(apply_path_mutations(t, {mut(config::PathType::kSymlink, "/x")}));  // no source
}

}  // namespace
}  // namespace apko
