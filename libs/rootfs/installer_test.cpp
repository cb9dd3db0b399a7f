#include "rootfs/installer.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "archive/tar_reader.hpp"
#include "rootfs/test_packages.hpp"
#include "testutil/testutil.hpp"

namespace rootfs {
namespace {

using namespace testpkg;

std::vector<std::string> paths(const Tree& t) {
  std::vector<std::string> out;
  t.walk([&](const std::string& p, const Node&) { out.push_back(p); });
  return out;
}

// "dir/name" of every file in a database record.
std::vector<std::string> files_of(const apk::InstalledPackage& p) {
  std::vector<std::string> out;
  for (const auto& d : p.dirs)
    for (const auto& f : d.files) out.push_back(d.path.empty() ? f.name : d.path + "/" + f.name);
  return out;
}

void expect_refused(const Spec& spec, std::string_view needle) {
  Tree t;
  Installer in(t);
  ASSERT_TRUE(in.install(make(Spec{"base", "1-r0", "", {}, {}, {}, {}, {dir("etc"), file("etc/hostname", "h\n")}})));
  auto before = paths(t);
  auto st = in.install(make(spec));
  ASSERT_FALSE(st) << spec.name << " was installed";
  EXPECT_EQ(st.error().code, base::ErrorCode::kInvalidInput) << st.error().message;
  EXPECT_NE(st.error().message.find(spec.name + "-1.0-r0"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find(needle), std::string::npos) << st.error().message;
  EXPECT_EQ(paths(t), before) << "something from " << spec.name << " stayed in the tree";
  EXPECT_EQ(in.installed().size(), 1u);
}

TEST(Installer, RefusesTraversalAndAbsoluteNames) {
  expect_refused({.name = "dotdot", .entries = {dir("usr"), file("usr/ok", "ok"), file("../../etc/passwd", "root::0:0::/:/bin/sh\n")}},
                 "../../etc/passwd");
  expect_refused({.name = "absolute", .entries = {dir("usr"), file("usr/ok", "ok"), file("/etc/x", "x")}}, "/etc/x");
  expect_refused({.name = "middle", .entries = {dir("usr"), file("usr/../../x", "x")}}, "usr/../../x");
}

TEST(Installer, RefusesWritesThroughEscapingSymlinks) {
  // GHSA-qq3r-w4hj-gjp6: a symlink, then a file below it.
  expect_refused({.name = "evil", .entries = {link("evil", "../../.."), dir("evil/etc"), file("evil/etc/shadow", "pwned")}},
                 "evil");
  expect_refused({.name = "evil2", .entries = {dir("a"), link("a/up", "../.."), file("a/up/x", "pwned")}}, "a/up/x");
  // A chain of links ending above the root.
  expect_refused({.name = "chain", .entries = {dir("a"), link("a/l1", "l2"), link("a/l2", "../l3"), link("l3", "../x"),
                                        file("a/l1/f", "pwned")}},
                 "a/l1/f");
}

TEST(Installer, AbsoluteSymlinkParentsStayInsideTheTree) {
  Tree t;
  Installer in(t);
  ASSERT_TRUE(in.install(make({.name = "root-link", .entries = {link("evil", "/"), dir("evil/etc"), file("evil/etc/shadow", "s")}})));
  EXPECT_EQ(*t.read_file("etc/shadow"), "s");
  EXPECT_EQ(in.owner_of("etc/shadow"), "root-link-1.0-r0");
  // The record keeps the package's own names.
  EXPECT_EQ(files_of(in.installed()[0]), (std::vector<std::string>{"evil", "evil/etc/shadow"}));
}

TEST(Installer, KeepsOwnersSpecialBitsAndXattrs) {
  Entry capped = file("usr/bin/ping", "ping", 0755);
  capped.e.pax.emplace_back("SCHILY.xattr.security.capability", std::string("\x01\x00\x00\x02", 4));
  Tree t;
  Installer in(t);
  ASSERT_TRUE(in.install(make({.name = "postfix", .entries = {dir("usr"), dir("usr/sbin"), file("usr/sbin/postdrop", "pd", 02755, 0, 101),
                                                       dir("var"), dir("var/spool"), dir("var/spool/postfix", 0755, 100, 0),
                                                       dir("var/spool/postfix/public", 02710, 100, 101), dir("tmp", 01777),
                                                       dir("usr/bin"), capped}})));
  const Node* pd = *t.lookup("usr/sbin/postdrop");
  EXPECT_EQ(pd->meta.mode, 02755u);
  EXPECT_EQ(pd->meta.gid, 101u);
  EXPECT_EQ(pd->meta.mtime, 2000);
  const Node* pub = *t.lookup("var/spool/postfix/public");
  EXPECT_EQ(pub->meta.mode, 02710u);
  EXPECT_EQ(pub->meta.uid, 100u);
  EXPECT_EQ(pub->meta.gid, 101u);
  EXPECT_EQ((*t.lookup("tmp"))->meta.mode, 01777u);
  EXPECT_EQ((*t.lookup("usr/bin/ping"))->meta.xattrs.at("security.capability"), std::string("\x01\x00\x00\x02", 4));
  // The database records owners and modes too.
  const auto& rec = in.installed()[0];
  auto d = std::find_if(rec.dirs.begin(), rec.dirs.end(), [](const auto& x) { return x.path == "var/spool/postfix/public"; });
  ASSERT_NE(d, rec.dirs.end());
  EXPECT_EQ(d->mode, 02710u);
  EXPECT_EQ(d->gid, 101u);
}

TEST(Installer, UsrmergeSymlinkIsNotBlocked) {
  Tree t;
  Installer in(t);
  ASSERT_TRUE(in.install(make({.name = "foo", .entries = {dir("usr"), dir("usr/lib"), file("usr/lib/foo", "foo")}})));
  EXPECT_FALSE(t.exists("lib")) << "the installer created /lib by itself";
  ASSERT_TRUE(in.install(make({.name = "baselayout", .entries = {dir("usr"), dir("usr/lib"), link("lib", "usr/lib"), link("bin", "usr/bin"),
                                                          dir("usr/bin")}})));
  ASSERT_TRUE(in.install(make({.name = "later", .entries = {dir("lib"), file("lib/x", "x"), dir("bin"), file("bin/sh", "sh", 0755)}})));
  EXPECT_EQ((*t.lookup("lib"))->type, NodeType::kSymlink);
  EXPECT_EQ(*t.read_file("usr/lib/x"), "x");
  EXPECT_EQ(*t.read_file("usr/bin/sh"), "sh");
  EXPECT_EQ(in.owner_of("usr/lib/x"), "later-1.0-r0");
  EXPECT_EQ(files_of(in.installed()[2]), (std::vector<std::string>{"lib/x", "bin/sh"}));
  // A symlink may replace an empty directory, not a full one.
  EXPECT_TRUE(in.install(make({.name = "empty", .entries = {dir("opt"), dir("opt/x")}})));
  EXPECT_TRUE(in.install(make({.name = "relink", .entries = {link("opt/x", "../usr")}})));
  auto st = in.install(make({.name = "relink2", .entries = {link("usr", "opt")}}));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, base::ErrorCode::kConflict) << st.error().message;
}

TEST(Installer, FileConflictsFollowReplacesAndOrigin) {
  auto a = make({.name = "a", .entries = {dir("etc"), file("etc/conf", "from a"), file("etc/same", "same")}});
  {
    Tree t;
    Installer in(t);
    ASSERT_TRUE(in.install(a));
    auto st = in.install(make({.name = "b", .entries = {dir("etc"), file("etc/b-only", "b"), file("etc/conf", "from b")}}));
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, base::ErrorCode::kConflict);
    for (std::string_view want : {"b-1.0-r0", "a-1.0-r0", "etc/conf"})
      EXPECT_NE(st.error().message.find(want), std::string::npos) << st.error().message;
    EXPECT_FALSE(t.exists("etc/b-only"));
    EXPECT_EQ(*t.read_file("etc/conf"), "from a");
    // Same content is no conflict; ownership moves to the newer package.
    ASSERT_TRUE(in.install(make({.name = "c", .entries = {dir("etc"), file("etc/same", "same")}})));
    EXPECT_EQ(in.owner_of("etc/same"), "c-1.0-r0");
    EXPECT_EQ(files_of(in.installed()[0]), (std::vector<std::string>{"etc/conf"}));
    // Same origin may overwrite.
    ASSERT_TRUE(in.install(make({.name = "a-sub", .origin = "a", .entries = {dir("etc"), file("etc/conf", "from a-sub")}})));
    EXPECT_EQ(*t.read_file("etc/conf"), "from a-sub");
  }
  {
    Tree t;
    Installer in(t);
    ASSERT_TRUE(in.install(a));
    ASSERT_TRUE(in.install(make({.name = "b", .replaces = {"a"}, .entries = {dir("etc"), file("etc/conf", "from b")}})));
    EXPECT_EQ(*t.read_file("etc/conf"), "from b");
    EXPECT_EQ(files_of(in.installed()[0]), (std::vector<std::string>{"etc/same"}));
    EXPECT_EQ(files_of(in.installed()[1]), (std::vector<std::string>{"etc/conf"}));
    // A version constraint that does not match is no replaces.
    EXPECT_FALSE(in.install(make({.name = "d", .replaces = {"b<1.0"}, .entries = {dir("etc"), file("etc/conf", "from d")}})));
  }
  {
    // The installed package replaces the new one with a higher priority: its file stays.
    Tree t;
    Installer in(t);
    ASSERT_TRUE(in.install(make({.name = "keeper", .replaces = {"newer"}, .replaces_priority = 10,
                                 .entries = {dir("etc"), file("etc/conf", "keeper")}})));
    ASSERT_TRUE(in.install(make({.name = "newer", .replaces = {"keeper"}, .entries = {dir("etc"), file("etc/conf", "newer"), file("etc/n", "n")}})));
    EXPECT_EQ(*t.read_file("etc/conf"), "keeper");
    EXPECT_EQ(files_of(in.installed()[1]), (std::vector<std::string>{"etc/n"}));
  }
}

TEST(Installer, DirectoryPermissionsFollowApkTools) {
  Tree t;
  ASSERT_TRUE(add_base_skeleton(t, 0));
  Installer in(t);
  ASSERT_TRUE(in.install(make({.name = "p1", .entries = {dir("tmp", 0755), dir("var"), dir("var/spool", 0755), dir("srv", 0750, 5, 5)}})));
  EXPECT_EQ((*t.lookup("tmp"))->meta.mode, 01777u) << "a directory the installer did not make keeps its mode";
  ASSERT_TRUE(in.install(make({.name = "p2", .entries = {dir("var"), dir("var/spool", 0711), dir("srv", 0700, 3, 0)}})));
  EXPECT_EQ((*t.lookup("var/spool"))->meta.mode, 0711u) << "same owner: modes are ANDed";
  const Node* srv = *t.lookup("srv");
  EXPECT_EQ(srv->meta.uid, 3u) << "the lower owner wins";
  EXPECT_EQ(srv->meta.mode, 0700u);
  ASSERT_TRUE(in.install(make({.name = "p3", .entries = {dir("srv", 0777, 9, 9)}})));
  EXPECT_EQ((*t.lookup("srv"))->meta.uid, 3u);
  EXPECT_EQ((*t.lookup("srv"))->meta.mode, 0700u);
  EXPECT_FALSE(t.exists("lib"));
  EXPECT_FALSE(t.exists("bin"));
}

TEST(Installer, FinishWritesTheDatabase) {
  Tree t;
  Installer in(t);
  ASSERT_TRUE(in.install(make({.name = "alpha", .version = "2.0-r1", .triggers = {"/usr/share/fonts/*"},
                               .control = {{".post-install", "#!/bin/sh\necho hi\n", 0755}},
                               .entries = {file("top", "at the root"), dir("usr"), dir("usr/bin"), file("usr/bin/a", "a", 0755),
                                           link("usr/bin/a2", "a"), hardlink("usr/bin/a3", "usr/bin/a")}})));
  ASSERT_TRUE(in.install(make({.name = "beta", .entries = {dir("etc"), file("etc/b.conf", "b", 0640, 0, 42)}})));
  ASSERT_TRUE(in.finish({"x86_64", {"beta", "alpha"}, {"https://r.example/os"}, {{"k.rsa.pub", "PEM\n"}}, 0}));

  auto db = t.read_file("usr/lib/apk/db/installed");
  ASSERT_TRUE(db);
  EXPECT_EQ(*t.read_file("lib/apk/db/installed"), *db) << "the legacy path must reach the database";
  EXPECT_EQ((*t.lookup("lib/apk"))->link, "../usr/lib/apk");
  EXPECT_EQ(db->find("i:["), std::string::npos) << "apk-tools layout, not apko's";
  auto parsed = apk::parse_installed_db(*db);
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].info.name, "alpha");
  EXPECT_EQ((*parsed)[0].info.checksum, in.installed()[0].info.checksum);
  EXPECT_EQ(files_of((*parsed)[0]), (std::vector<std::string>{"top", "usr/bin/a", "usr/bin/a2", "usr/bin/a3"}));
  EXPECT_EQ(files_of((*parsed)[1]), (std::vector<std::string>{"etc/b.conf"}));
  const auto& bconf = (*parsed)[1].dirs.back().files.back();
  EXPECT_EQ(bconf.gid, 42u);
  EXPECT_EQ(bconf.mode, 0640u);
  EXPECT_EQ(bconf.checksum, "Q1" + base::base64_encode(base::digest(base::HashAlgo::kSha1, "b")));
  const auto& a2 = (*parsed)[0].dirs.back().files[1];
  EXPECT_EQ(a2.checksum, "Q1" + base::base64_encode(base::digest(base::HashAlgo::kSha1, "a"))) << "symlink: sha1 of target";
  EXPECT_NE(db->find("a:0:42:640\n"), std::string::npos) << *db;

  EXPECT_EQ(*t.read_file("etc/apk/world"), "alpha\nbeta\n");
  EXPECT_EQ(*t.read_file("etc/apk/arch"), "x86_64\n");
  EXPECT_EQ(*t.read_file("etc/apk/repositories"), "https://r.example/os\n");
  EXPECT_EQ(*t.read_file("etc/apk/keys/k.rsa.pub"), "PEM\n");
  EXPECT_EQ((*t.lookup("usr/lib/apk/db/lock"))->meta.mode, 0600u);
  EXPECT_EQ(*t.read_file("usr/lib/apk/db/triggers"), in.installed()[0].info.checksum + " /usr/share/fonts/*\n");
  auto scripts = *t.read_file("usr/lib/apk/db/scripts.tar");
  archive::TarReader r(scripts);
  archive::TarEntry e;
  std::string_view data;
  ASSERT_TRUE(r.next(&e, &data));
  EXPECT_EQ(e.name, "alpha-2.0-r1." + in.installed()[0].info.checksum + ".post-install");
  EXPECT_EQ(data, "#!/bin/sh\necho hi\n");
  EXPECT_FALSE(r.next(&e, &data));
  EXPECT_FALSE(r.error());
}

TEST(Installer, FinishWithUsrmergedLib) {
  Tree t;
  Installer in(t);
  ASSERT_TRUE(in.install(make({.name = "baselayout", .entries = {dir("usr"), dir("usr/lib"), link("lib", "usr/lib")}})));
  ASSERT_TRUE(in.finish({"x86_64", {"baselayout"}, {}, {}, 0}));
  EXPECT_EQ((*t.lookup("lib"))->link, "usr/lib");
  EXPECT_EQ((*t.lookup("usr/lib/apk/db/installed"))->type, NodeType::kFile);
  EXPECT_TRUE(t.read_file("lib/apk/db/installed"));
}

TEST(Installer, ApkoCliFixturePackages) {
  auto dir = testutil::test_data_dir() / "apko-cli-testdata/packages";
  apk::Keyring keys;
  ASSERT_TRUE(keys.add_file(dir / "melange.rsa.pub"));
  apk::PackageReadOptions opts{&keys, apk::SignaturePolicy::kRequire};
  auto base = apk::Package::load(dir / "x86_64/pretend-baselayout-1.0.0-r0.apk", opts);
  auto rep = apk::Package::load(dir / "x86_64/replayout-1.0.0-r0.apk", opts);
  ASSERT_TRUE(base) << base.error().message;
  ASSERT_TRUE(rep) << rep.error().message;
  Tree t;
  ASSERT_TRUE(add_base_skeleton(t, 0));
  Installer in(t);
  ASSERT_TRUE(in.install(*base));
  std::string base_release = *t.read_file("etc/os-release");
  ASSERT_TRUE(in.install(*rep));  // replayout: replaces = pretend-baselayout
  std::string release = *t.read_file("etc/os-release");
  EXPECT_NE(release, base_release);
  EXPECT_EQ(release.size(), 102u);  // replayout's copy (tar -tv: 102 bytes; pretend-baselayout's has 99)
  const Node* n = *t.lookup("etc/os-release");
  EXPECT_EQ(n->meta.uid, 501u) << "owner from the tar header";
  EXPECT_EQ(n->meta.gid, 20u);
  EXPECT_EQ(in.owner_of("etc/os-release"), "replayout-1.0.0-r0");
  EXPECT_EQ(files_of(in.installed()[0]),
            (std::vector<std::string>{"var/lib/db/sbom/pretend-baselayout-1.0.0-r0.spdx.json"}));
  EXPECT_EQ(files_of(in.installed()[1]),
            (std::vector<std::string>{"etc/os-release", "var/lib/db/sbom/replayout-1.0.0-r0.spdx.json"}));
  ASSERT_TRUE(in.finish({"x86_64", {"replayout"}, {"./packages"}, {}, 0}));
  auto parsed = apk::parse_installed_db(*t.read_file("lib/apk/db/installed"));
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[1].info.replaces, std::vector<std::string>{"pretend-baselayout"});
}

}  // namespace
}  // namespace rootfs
