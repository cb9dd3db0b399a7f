#include "rootfs/layer.hpp"

#include <gtest/gtest.h>

#include <map>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "archive/tar_reader.hpp"
#include "base/fs.hpp"
#include "base/strings.hpp"
#include "rootfs/installer.hpp"
#include "rootfs/test_packages.hpp"
#include "testutil/testutil.hpp"

namespace rootfs {
namespace {

namespace fs = std::filesystem;
using namespace testpkg;
using testutil::run_capture;
using testutil::shell_quote;

// A small image: skeleton, accounts, a postfix-like package with setgid bits and owners.
// With `spill`, package contents live in that file instead of memory.
Tree postfix_image(const std::shared_ptr<SpillFile>& spill = nullptr) {
  Tree t;
  EXPECT_TRUE(add_base_skeleton(t, 0));
  Installer inst(t);
  struct {
    Installer& in;
    const std::shared_ptr<SpillFile>& spill;
    base::Status install(const apk::Package& pkg) {
      TRY_ASSIGN(PreparedData data, prepare_data(pkg, spill));
      return in.install(pkg, data);
    }
    base::Status finish(const DbOptions& o) { return in.finish(o); }
  } in{inst, spill};
  Entry ping = file("usr/bin/ping", "ping", 0755);
  ping.e.pax.emplace_back("SCHILY.xattr.user.note", "hello");
  EXPECT_TRUE(in.install(make({.name = "accounts", .entries = {dir("etc"), file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\npostfix:x:100:101::/var/spool/postfix:/sbin/nologin\n"),
                                                              file("etc/group", "root:x:0:\npostdrop:x:101:\n")}})));
  EXPECT_TRUE(in.install(make({.name = "postfix", .entries = {dir("usr"), dir("usr/sbin"), file("usr/sbin/postdrop", "pd", 02755, 0, 101),
                                                             dir("var"), dir("var/spool"), dir("var/spool/postfix", 0755, 100, 0),
                                                             dir("var/spool/postfix/public", 02710, 100, 101), dir("usr/bin"), ping,
                                                             hardlink("usr/sbin/postdrop2", "usr/sbin/postdrop"),
                                                             file("usr/sbin/zz", "zz"), hardlink("usr/sbin/aa", "usr/sbin/zz")}})));
  EXPECT_TRUE(in.finish({"x86_64", {"postfix"}, {}, {}, 0}));
  return t;
}

std::string layer_bytes(const Tree& t, LayerStats* stats = nullptr) {
  archive::StringSink sink;
  auto s = write_layer(t, sink);
  EXPECT_TRUE(s) << s.error().message;
  if (stats && s) *stats = *s;
  return sink.data;
}

std::map<std::string, archive::TarEntry> read_back(const std::string& tar) {
  std::map<std::string, archive::TarEntry> out;
  archive::TarReader r(tar);
  archive::TarEntry e;
  std::string_view data;
  while (r.next(&e, &data)) out[e.name] = e;
  EXPECT_FALSE(r.error());
  return out;
}

// The `tar -tv` line ending in " <name>", runs of spaces squeezed to one.
std::string line_of(const std::string& listing, const std::string& name) {
  for (auto line : base::split(listing, '\n')) {
    std::string l(line);
    if (l.size() < name.size() + 1 || l.compare(l.size() - name.size() - 1, std::string::npos, " " + name) != 0) continue;
    std::string out;
    for (char c : l)
      if (c != ' ' || out.empty() || out.back() != ' ') out.push_back(c);
    return out;
  }
  return "(no line for " + name + ")";
}

TEST(Layer, KeepsOwnersModesAndNames) {
  Tree t = postfix_image();
  LayerStats stats;
  std::string tar = layer_bytes(t, &stats);
  auto entries = read_back(tar);
  EXPECT_EQ(stats.entries, entries.size());
  const auto& pd = entries.at("usr/sbin/postdrop");
  EXPECT_EQ(pd.mode, 02755u);
  EXPECT_EQ(pd.gid, 101u);
  EXPECT_EQ(pd.uname, "root");
  EXPECT_EQ(pd.gname, "postdrop");
  const auto& pub = entries.at("var/spool/postfix/public");
  EXPECT_EQ(pub.type, archive::EntryType::kDir);
  EXPECT_EQ(pub.mode, 02710u);
  EXPECT_EQ(pub.uname, "postfix");
  EXPECT_EQ(entries.at("tmp").mode, 01777u);
  EXPECT_EQ(entries.at("dev/null").type, archive::EntryType::kCharDevice);
  EXPECT_EQ(entries.at("dev/null").devminor, 3u);
  EXPECT_EQ(entries.at("usr/sbin/postdrop2").type, archive::EntryType::kHardlink);
  EXPECT_EQ(entries.at("usr/sbin/postdrop2").linkname, "usr/sbin/postdrop");
  // aa links to zz, which comes later in the archive: written as a file.
  EXPECT_EQ(entries.at("usr/sbin/aa").type, archive::EntryType::kFile);
  EXPECT_EQ(entries.at("usr/sbin/aa").size, 2u);
  bool has_xattr = false;
  for (const auto& [k, v] : entries.at("usr/bin/ping").pax) has_xattr |= k == "SCHILY.xattr.user.note" && v == "hello";
  EXPECT_TRUE(has_xattr);

  // Independent check with GNU tar.
  auto tmp = base::TempDir::create("rootfs-layer-");
  ASSERT_TRUE(tmp);
  fs::path file = tmp->path() / "layer.tar";
  ASSERT_TRUE(base::write_file_atomic(file, tar));
  int status = 0;
  std::string names = run_capture("tar -tf " + shell_quote(file.string()), &status);
  ASSERT_EQ(status, 0);
  EXPECT_EQ(names.rfind("dev\n", 0), 0u) << "first entry must be dev (no '.', no leading '/')";
  EXPECT_EQ(names.find("/\n"), std::string::npos) << "directories without trailing slash";
  EXPECT_EQ(names.find("\n/"), std::string::npos);
  std::string listing = run_capture("TZ=UTC tar -tvf " + shell_quote(file.string()), &status);
  ASSERT_EQ(status, 0);
  EXPECT_EQ(line_of(listing, "usr/sbin/postdrop"), "-rwxr-sr-x root/postdrop 2 1970-01-01 00:33 usr/sbin/postdrop");
  EXPECT_EQ(line_of(listing, "var/spool/postfix/public"), "drwx--s--- postfix/postdrop 0 1970-01-01 00:16 var/spool/postfix/public");
  EXPECT_EQ(line_of(listing, "tmp"), "drwxrwxrwt root/root 0 1970-01-01 00:00 tmp");
  std::string numeric = run_capture("TZ=UTC tar --numeric-owner -tvf " + shell_quote(file.string()), &status);
  EXPECT_EQ(line_of(numeric, "usr/sbin/postdrop"), "-rwxr-sr-x 0/101 2 1970-01-01 00:33 usr/sbin/postdrop");
  EXPECT_EQ(line_of(numeric, "dev/null"), "crw-rw-rw- 0/0 1,3 1970-01-01 00:00 dev/null");
  EXPECT_EQ(line_of(numeric, "usr/sbin/postdrop2 link to usr/sbin/postdrop"),
            "hrwxr-xr-x 0/0 0 1970-01-01 00:33 usr/sbin/postdrop2 link to usr/sbin/postdrop");
}

TEST(Layer, SameTreeSameBytes) {
  std::string a = layer_bytes(postfix_image());
  std::string b = layer_bytes(postfix_image());
  EXPECT_EQ(a, b);
  EXPECT_GT(a.size(), 1024u);
}

TEST(Layer, SpilledContentsGiveTheSameBytes) {
  auto spill = SpillFile::create().value();
  Tree spilled = postfix_image(spill);
  EXPECT_FALSE((*spilled.lookup("usr/sbin/postdrop"))->content.in_memory());
  EXPECT_GT(spill->size(), 0u);
  EXPECT_EQ(layer_bytes(spilled), layer_bytes(postfix_image()));
  // hard links to spilled files stay links
  auto entries = read_back(layer_bytes(spilled));
  EXPECT_EQ(entries["usr/sbin/postdrop2"].type, archive::EntryType::kHardlink);
}

// Names of the tar entries in archive order.
std::vector<std::string> names_in_order(const std::string& tar) {
  std::vector<std::string> out;
  archive::TarReader r(tar);
  archive::TarEntry e;
  std::string_view data;
  while (r.next(&e, &data)) out.push_back(e.name);
  EXPECT_FALSE(r.error());
  return out;
}

TEST(Layer, FilterWritesPickedNodesWithTheirParents) {
  Tree t = postfix_image();
  const Node* pd = *t.lookup("usr/sbin/postdrop2");
  const Node* spool = *t.lookup("var/spool/postfix");
  ASSERT_NE(pd->meta.mtime, (*t.lookup("usr"))->meta.mtime) << "test needs distinct mtimes";
  const std::string replaced = "replaced\n";
  LayerFilter pick = [&](const std::string& path, const Node&) -> LayerPick {
    if (path == "usr/sbin/postdrop2" || path == "var/spool/postfix/public") return {true, nullptr};
    if (path == "etc/group") return {true, &replaced};
    return {};
  };
  for (ParentMtime pm : {ParentMtime::kTree, ParentMtime::kEntry}) {
    archive::StringSink sink;
    auto st = write_layer(t, sink, pick, pm);
    ASSERT_TRUE(st) << st.error().message;
    EXPECT_EQ(names_in_order(sink.data),
              (std::vector<std::string>{"etc", "etc/group", "usr", "usr/sbin", "usr/sbin/postdrop2", "var", "var/spool",
                                        "var/spool/postfix", "var/spool/postfix/public"}));
    auto e = read_back(sink.data);
    EXPECT_EQ(st->entries, e.size());
    // The hard link's target is not in this layer: a regular file with the content.
    EXPECT_EQ(e.at("usr/sbin/postdrop2").type, archive::EntryType::kFile);
    EXPECT_EQ(e.at("usr/sbin/postdrop2").size, 2u);
    EXPECT_EQ(e.at("etc/group").size, replaced.size());
    // Parent directories keep owner and mode; their mtime is the tree's or the entry's.
    EXPECT_EQ(e.at("var/spool/postfix").uid, 100u);
    EXPECT_EQ(e.at("var/spool/postfix").mode, 0755u);
    const Node* pub = *t.lookup("var/spool/postfix/public");
    EXPECT_EQ(e.at("var/spool/postfix").mtime, pm == ParentMtime::kTree ? spool->meta.mtime : pub->meta.mtime);
    EXPECT_EQ(e.at("usr").mtime, pm == ParentMtime::kTree ? (*t.lookup("usr"))->meta.mtime : pd->meta.mtime);
    // A picked directory keeps its own mtime either way.
    EXPECT_EQ(e.at("var/spool/postfix/public").mtime, pub->meta.mtime);
  }
  // Picking everything is write_layer() byte for byte.
  archive::StringSink all;
  ASSERT_TRUE(write_layer(t, all, [](const std::string&, const Node&) { return LayerPick{true, nullptr}; },
                          ParentMtime::kEntry));
  EXPECT_EQ(all.data, layer_bytes(t));
  // Picking nothing: an empty tar (two zero blocks, padded).
  archive::StringSink none;
  ASSERT_TRUE(write_layer(t, none, [](const std::string&, const Node&) { return LayerPick{}; }, ParentMtime::kTree));
  EXPECT_TRUE(names_in_order(none.data).empty());
}

TEST(Materialize, WritesModesOwnersAndNeverFollowsSymlinks) {
  auto tmp = base::TempDir::create("rootfs-mat-");
  ASSERT_TRUE(tmp);
  fs::path target = tmp->path() / "target", outside = tmp->path() / "outside";
  fs::create_directories(target);
  fs::create_directories(outside);

  Tree t = postfix_image();
  // Hostile links: none may lead a write outside `target`.
  ASSERT_TRUE(t.symlink("evil", "../../..", Meta{0777, 0, 0, 0, {}}));
  ASSERT_TRUE(t.symlink("evil-abs", outside.string(), Meta{0777, 0, 0, 0, {}}));
  ASSERT_TRUE(t.symlink("evil-rel", "../outside", Meta{0777, 0, 0, 0, {}}));
  ASSERT_TRUE(t.symlink("root-link", "/", Meta{0777, 0, 0, 0, {}}));
  ASSERT_TRUE(t.mkdir_p("root-link/etc/deep", Meta{0755, 0, 0, 0, {}}));  // lands in etc/deep, inside
  ASSERT_TRUE(t.write_file("root-link/etc/deep/f", Content::own("in"), Meta{0644, 0, 0, 5, {}}));
  ASSERT_FALSE(t.write_file("evil-rel/x", Content::own("out"), Meta{}));
  ASSERT_TRUE(t.mkdir_p("ro/sub", Meta{0555, 0, 0, 7, {}}));
  ASSERT_TRUE(t.write_file("ro/sub/f", Content::own("r"), Meta{0444, 0, 0, 8, {}}));

  auto res = materialize(t, target);
  ASSERT_TRUE(res) << res.error().message;
  for (const auto& s : res->skipped) std::cerr << "skipped: " << s << "\n";
  EXPECT_TRUE(fs::is_empty(outside));
  EXPECT_FALSE(fs::exists(tmp->path() / "x"));

  struct stat st;
  ASSERT_EQ(::lstat((target / "evil").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  ASSERT_EQ(::lstat((target / "etc/deep/f").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mtim.tv_sec, 5);
  ASSERT_EQ(::lstat((target / "ro/sub").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0555u);
  EXPECT_EQ(st.st_mtim.tv_sec, 7);
  ASSERT_EQ(::lstat((target / "usr/sbin/postdrop").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 02755u) << "setgid must survive chown";
  EXPECT_EQ(st.st_mtim.tv_sec, 2000);
  if (::geteuid() == 0) {
    EXPECT_EQ(st.st_gid, 101u);
    ASSERT_EQ(::lstat((target / "var/spool/postfix/public").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 02710u);
    EXPECT_EQ(st.st_uid, 100u);
  }
  struct stat a, b;
  ASSERT_EQ(::lstat((target / "usr/sbin/postdrop").c_str(), &a), 0);
  ASSERT_EQ(::lstat((target / "usr/sbin/postdrop2").c_str(), &b), 0);
  EXPECT_EQ(a.st_ino, b.st_ino) << "hard link";
  bool skipped_null = false;
  for (const auto& s : res->skipped) skipped_null |= s.rfind("dev/null:", 0) == 0;
  if (!skipped_null) {
    ASSERT_EQ(::lstat((target / "dev/null").c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
    EXPECT_EQ(minor(st.st_rdev), 3u);
  }
  char buf[16] = {};
  ssize_t n = ::getxattr((target / "usr/bin/ping").c_str(), "user.note", buf, sizeof buf);
  ASSERT_GE(n, 0) << "materialize succeeded, so the xattr must be there";
  EXPECT_EQ(std::string(buf, size_t(n)), "hello");
  // The database is readable through the lib/apk link.
  EXPECT_EQ(*base::read_file(target / "lib/apk/db/installed"), *t.read_file("usr/lib/apk/db/installed"));

  // Not into a non-empty directory.
  auto again = materialize(t, target);
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("empty directory"), std::string::npos);
}

}  // namespace
}  // namespace rootfs
