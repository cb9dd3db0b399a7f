#include "solver/universe.hpp"

#include <gtest/gtest.h>

#include "solver/test_util.hpp"

namespace solver {
namespace {

using testing::P;

TEST(Universe, InternsNamesAndProviders) {
  testing::TestUniverse t;
  t.add(P("musl", "1.2.3-r4").provides("so:libc.musl-x86_64.so.1=1"));
  t.add(P("busybox-binsh", "1.36-r0").provides("cmd:sh").provides("/bin/sh").prio(100));
  t.add(P("busybox", "1.36-r0").dep("so:libc.musl-x86_64.so.1"));
  ASSERT_EQ(t.u.size(), 3u);
  NameId so = t.u.find_name("so:libc.musl-x86_64.so.1");
  ASSERT_NE(so, kNone);
  ASSERT_EQ(t.u.name(so).providers.size(), 1u);
  EXPECT_EQ(t.u.provided_version(t.u.name(so).providers[0]), "1");
  EXPECT_EQ(t.u.name(so).rdepends, std::vector<PkgId>{2});
  EXPECT_EQ(t.u.name(so).virtual_class(), 0);
  NameId sh = t.u.find_name("cmd:sh");
  EXPECT_EQ(t.u.provided_version(t.u.name(sh).providers[0]), "");
  EXPECT_EQ(t.u.name(sh).virtual_class(), 2);
  EXPECT_EQ(t.u.pkg(1).provider_priority, 100);
  EXPECT_EQ(t.u.find_name("nothing"), kNone);
}

TEST(Universe, ErrorsNameThePackage) {
  testing::TestUniverse t;
  auto bad_dep = t.u.add(P("foo", "1.0-r0").dep("bar>=").info, t.main);
  ASSERT_FALSE(bad_dep);
  EXPECT_NE(bad_dep.error().message.find("foo-1.0-r0: depends:"), std::string::npos) << bad_dep.error().message;
  auto bad_version = t.u.add(P("foo", "one").info, t.main);
  ASSERT_FALSE(bad_version);
  EXPECT_EQ(bad_version.error().message, "foo-one: invalid version \"one\"");
  auto bad_provide = t.u.add(P("foo", "1.0").provides("bar=x.y").info, t.main);
  ASSERT_FALSE(bad_provide);
  EXPECT_NE(bad_provide.error().message.find("foo-1.0: provides"), std::string::npos);
  auto bad_repo = t.u.add(P("foo", "1.0").info, 7);
  ASSERT_FALSE(bad_repo);
  EXPECT_EQ(t.u.size(), 0u);
}

TEST(Universe, RepositoryTags) {
  Universe u;
  size_t main = u.add_repository(Repository{});
  size_t local = u.add_repository(Repository{"local", 0, "/tmp/packages"});
  EXPECT_EQ(u.repo_tag(main), 0u);
  EXPECT_NE(u.repo_tag(local), 0u);
  EXPECT_EQ(u.find_tag("local"), u.repo_tag(local));
  EXPECT_EQ(u.find_tag("edge"), kNone);
  EXPECT_EQ(u.repository(local).url, "/tmp/packages");
}

TEST(Universe, OnePackagePerChecksum) {
  // apk-tools identifies a package by its C: checksum, compared decoded: a later entry with
  // the same checksum is the same package, now also served by that repository (its tag).
  Universe u;
  size_t main = u.add_repository(Repository{});
  size_t edge = u.add_repository(Repository{"edge", 0, "/srv/edge"});
  P a("foo", "1-r0"), b("foo", "1-r0"), other("bar", "2-r0"), c("foo", "1-r0");
  a.info.checksum = "Q1hdUpqRv5mYgJEqW52UmVsvmyysE=";
  b.info.checksum = a.info.checksum;
  other.info.checksum = "Q1hdUpqRv5mYgJEqW52UmVsvmyysF=";  // same bytes, unused bits differ
  c.info.checksum = "Q1C4uoV7SdMdDhYg4OCVmI71D8HIA=";
  auto ia = u.add(a.info, edge), ib = u.add(b.info, main), io = u.add(other.info, main), ic = u.add(c.info, main);
  ASSERT_TRUE(ia && ib && io && ic);
  EXPECT_EQ(*ib, *ia);
  EXPECT_EQ(*io, *ia);  // the later entry is dropped, even under another name
  EXPECT_NE(*ic, *ia);
  EXPECT_EQ(u.size(), 2u);
  EXPECT_EQ(u.find_name("bar"), kNone);
  EXPECT_EQ(u.repository_of(*ia), main);  // the lower index wins
  EXPECT_EQ(u.pkg(static_cast<PkgId>(*ia)).tags, (uint64_t{1} << u.repo_tag(edge)) | 1u);
}

}  // namespace
}  // namespace solver
