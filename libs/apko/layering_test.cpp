#include "apko/layering.hpp"

#include <gtest/gtest.h>

#include "archive/sink.hpp"
#include "archive/tar_reader.hpp"
#include "base/fs.hpp"
#include "testutil/testutil.hpp"

namespace apko {
namespace {

// tests/tools/layer_check.py: the independent layers-vs-single-layer checker.
const std::string kLayerCheck = MA_SOURCE_DIR "/tests/tools/layer_check.py";
using testutil::run_capture;
using testutil::shell_quote;

apk::InstalledPackage pkg(const std::string& name, const std::string& origin, uint64_t size,
                          std::vector<std::string> replaces = {}, const std::string& version = "1.0-r0") {
  apk::InstalledPackage p;
  p.info.name = name;
  p.info.version = version;
  p.info.origin = origin;
  p.info.installed_size = size;
  p.info.replaces = std::move(replaces);
  return p;
}

std::vector<std::vector<std::string>> names_of(const std::vector<apk::InstalledPackage>& in,
                                            const std::vector<LayerGroup>& groups) {
  std::vector<std::vector<std::string>> out;
  for (const auto& g : groups) {
    out.emplace_back();
    for (size_t i : g.packages) out.back().push_back(in[i].info.name);
  }
  return out;
}

using Names = std::vector<std::vector<std::string>>;

std::vector<apk::InstalledPackage> sample_installed() {
  return {pkg("a", "A", 100), pkg("a-dev", "A", 5), pkg("b", "B", 50), pkg("c", "C", 50),
          pkg("d", "D", 10, {"c"}),          // d replaces c: one group C+D of 60
          pkg("e", "E", 1, {"b>2.0"}),       // b is 1.0-r0: no merge
          pkg("f", "", 7), pkg("g", "G", 3, {"!bad", "no-such-pkg", "=="})};
}

TEST(Layering, GroupsByOriginMergesReplacesSortsBySize) {
  auto in = sample_installed();
  EXPECT_EQ(names_of(in, group_by_origin(in, 10)), (Names{{"a", "a-dev"}, {"c", "d"}, {"b"}, {"f"}, {"g"}, {"e"}}));
  auto g = group_by_origin(in, 10);
  EXPECT_EQ(g[0].size, 105u);
  EXPECT_EQ(g[0].tiebreaker, "a-dev");
  EXPECT_EQ(g[1].size, 60u);
  // Exactly as many groups as the budget: nothing merged.
  EXPECT_EQ(group_by_origin(in, 6).size(), 6u);
}

TEST(Layering, BudgetMergesTheSmallestIntoOneLastGroup) {
  auto in = sample_installed();
  EXPECT_EQ(names_of(in, group_by_origin(in, 3)), (Names{{"a", "a-dev"}, {"c", "d"}, {"b", "e", "f", "g"}}));
  auto g = group_by_origin(in, 3);
  EXPECT_EQ(g[2].size, 50u + 7 + 3 + 1);
  EXPECT_EQ(g[2].tiebreaker, "g");
  EXPECT_EQ(names_of(in, group_by_origin(in, 2)), (Names{{"a", "a-dev"}, {"b", "c", "d", "e", "f", "g"}}));
  // budget 1 and 0 (strategy without budget): one package group.
  Names all{{"a", "a-dev", "b", "c", "d", "e", "f", "g"}};
  EXPECT_EQ(names_of(in, group_by_origin(in, 1)), all);
  EXPECT_EQ(names_of(in, group_by_origin(in, 0)), all);
  EXPECT_TRUE(group_by_origin({}, 3).empty());
}

TEST(Layering, EqualSizesOrderedByGreatestName) {
  std::vector<apk::InstalledPackage> in = {pkg("zz", "Z", 10), pkg("mm", "M", 10), pkg("aa", "M", 0),
                                           pkg("x", "X", 10, {"y=2.0-r0"}), pkg("y", "Y", 0, {}, "2.0-r0")};
  // M{aa,mm} < X+Y{x,y} < Z{zz}: all of size 10.
  EXPECT_EQ(names_of(in, group_by_origin(in, 5)), (Names{{"aa", "mm"}, {"x", "y"}, {"zz"}}));
}

// A small tree and the records of three packages (origins: base, tool, tool-libs).
struct Image {
  rootfs::Tree tree;
  std::vector<apk::InstalledPackage> installed;
};

void add(rootfs::Tree& t, const std::string& path, const std::string& data, int64_t mtime, uint32_t mode = 0644) {
  ASSERT_TRUE(t.write_file(path, rootfs::Content::own(data), {mode, 0, 0, mtime, {}}));
}

Image sample_image() {
  Image im;
  auto& t = im.tree;
  EXPECT_TRUE(t.mkdir_p("etc/apk", {0755, 0, 0, 5, {}}));
  EXPECT_TRUE(t.mkdir_p("usr/bin", {0755, 0, 0, 6, {}}));
  EXPECT_TRUE(t.mkdir_p("usr/lib/apk/db", {0755, 0, 0, 7, {}}));
  EXPECT_TRUE(t.mkdir_p("usr/share/tool", {0750, 0, 7, 8, {}}));
  EXPECT_TRUE(t.mkdir_p("var/empty", {0700, 0, 0, 9, {}}));
  add(t, "etc/os-release", "ID=test\n", 100);
  add(t, "etc/passwd", "root:x:0:0::/root:/bin/sh\n", 101);
  add(t, "etc/apk/world", "tool\n", 0);
  add(t, "usr/bin/tool", "#!/bin/sh\necho tool\n", 200, 0755);
  EXPECT_TRUE(t.hardlink("usr/bin/tool2", "usr/bin/tool", {0755, 0, 0, 200, {}}));
  EXPECT_TRUE(t.symlink("usr/bin/t", "tool", {0777, 0, 0, 201, {}}));
  add(t, "usr/lib/libtool.so.1", std::string(5000, 'x'), 300);
  add(t, "usr/share/tool/data", "data", 202);
  add(t, "usr/lib/apk/db/installed", "FULL DB\n", 0);
  auto record = [](const std::string& name, const std::string& origin,
                   std::vector<std::pair<std::string, std::vector<std::string>>> dirs) {
    apk::InstalledPackage p = pkg(name, origin, 0);
    for (auto& [d, files] : dirs) {
      apk::InstalledDir dir;
      dir.path = d;
      for (auto& f : files) dir.files.push_back({f, 0, 0, 0644, ""});
      p.dirs.push_back(dir);
    }
    return p;
  };
  im.installed = {record("base", "base", {{"etc", {"os-release", "passwd"}}, {"var/empty", {}}}),
                  record("tool", "tool", {{"usr/bin", {"tool", "tool2", "t"}}, {"usr/share/tool", {"data"}}}),
                  record("libtool", "tool-libs", {{"usr/lib", {"libtool.so.1", "gone"}}})};
  im.installed[0].info.installed_size = 30;
  im.installed[1].info.installed_size = 40;
  im.installed[2].info.installed_size = 5000;
  return im;
}

struct Entry {
  std::string name;
  archive::EntryType type;
  int64_t mtime;
  std::string data;
};

std::vector<Entry> read_tar(const std::string& tar) {
  std::vector<Entry> out;
  archive::TarReader r(tar);
  archive::TarEntry e;
  std::string_view data;
  while (r.next(&e, &data)) out.push_back({e.name, e.type, e.mtime, std::string(data)});
  EXPECT_FALSE(r.error());
  return out;
}

std::vector<std::string> layer_tars(const Image& im, const LayerAssignment& a) {
  std::vector<std::string> out;
  for (size_t i = 0; i <= a.groups; ++i) {
    archive::StringSink sink;
    auto st = rootfs::write_layer(im.tree, sink, layer_filter(a, i), layer_parent_mtime(a, i));
    EXPECT_TRUE(st) << st.error().to_string();
    out.push_back(sink.data);
  }
  return out;
}

std::vector<std::string> names_of(const std::vector<Entry>& es) {
  std::vector<std::string> out;
  for (const auto& e : es) out.push_back(e.name);
  return out;
}

TEST(Layering, SplitsTheTreeByOwner) {
  Image im = sample_image();
  auto groups = group_by_origin(im.installed, 10);
  ASSERT_EQ(groups.size(), 3u);
  LayerAssignment a = assign_layers(im.tree, im.installed, groups);
  EXPECT_EQ(a.descriptions, (std::vector<std::string>{"libtool=1.0-r0", "tool=1.0-r0", "base=1.0-r0", "top"}));
  auto tars = layer_tars(im, a);
  ASSERT_EQ(tars.size(), 4u);
  auto l0 = read_tar(tars[0]), l1 = read_tar(tars[1]), l2 = read_tar(tars[2]), top = read_tar(tars[3]);
  EXPECT_EQ(names_of(l0), (std::vector<std::string>{"usr", "usr/lib", "usr/lib/apk", "usr/lib/apk/db",
                                                    "usr/lib/apk/db/installed", "usr/lib/libtool.so.1"}));
  EXPECT_EQ(names_of(l1), (std::vector<std::string>{"usr", "usr/bin", "usr/bin/t", "usr/bin/tool", "usr/bin/tool2",
                                                    "usr/lib", "usr/lib/apk", "usr/lib/apk/db",
                                                    "usr/lib/apk/db/installed", "usr/share", "usr/share/tool",
                                                    "usr/share/tool/data"}));
  EXPECT_EQ(names_of(l2), (std::vector<std::string>{"etc", "etc/os-release", "etc/passwd", "usr", "usr/lib",
                                                    "usr/lib/apk", "usr/lib/apk/db", "usr/lib/apk/db/installed"}));
  EXPECT_EQ(names_of(top), (std::vector<std::string>{"etc", "etc/apk", "etc/apk/world", "usr", "usr/bin", "usr/lib",
                                                     "usr/lib/apk", "usr/lib/apk/db", "usr/lib/apk/db/installed",
                                                     "usr/share", "usr/share/tool", "var", "var/empty"}));
  // Parent directories in package layers take the mtime of the entry they precede.
  EXPECT_EQ(l1[0].mtime, 201);  // usr, before usr/bin/t
  EXPECT_EQ(l1[5].mtime, 0);    // usr/lib, before the partial db
  EXPECT_EQ(l1[9].mtime, 202);  // usr/share, before usr/share/tool/data
  EXPECT_EQ(top[3].mtime, 6);   // the top layer keeps the tree's (usr got usr/bin's meta from mkdir_p)
  // The hard link's target is in the same layer, before it.
  EXPECT_EQ(l1[4].type, archive::EntryType::kHardlink);
  // Partial databases: each group's records only; the top layer has the full one.
  EXPECT_EQ(l0[4].data, apk::write_installed_db({im.installed[2]}));
  EXPECT_NE(l0[4].data.find("P:libtool\n"), std::string::npos);
  EXPECT_EQ(l0[4].data.find("P:tool\n"), std::string::npos);
  EXPECT_EQ(top[8].data, "FULL DB\n");
}

TEST(Layering, UnpackedInOrderTheLayersGiveTheSingleLayerTree) {
  Image im = sample_image();
  for (long long budget : {0, 1, 2, 3, 10}) {
    LayerAssignment a = assign_layers(im.tree, im.installed, group_by_origin(im.installed, budget));
    auto tars = layer_tars(im, a);
    EXPECT_EQ(tars.size(), std::min<size_t>(std::max<long long>(budget, 1), 3) + 1) << budget;
    archive::StringSink single;
    ASSERT_TRUE(rootfs::write_layer(im.tree, single));
    auto tmp = base::TempDir::create("apko-layering-");
    ASSERT_TRUE(tmp);
    std::vector<std::string> files;
    for (size_t i = 0; i < tars.size(); ++i) {
      files.push_back((tmp->path() / ("l" + std::to_string(i) + ".tar")).string());
      ASSERT_TRUE(base::write_file_atomic(files.back(), tars[i]));
    }
    std::string one = (tmp->path() / "single.tar").string();
    ASSERT_TRUE(base::write_file_atomic(one, single.data));
    // Independent check 1: python's tarfile, entry metadata and content, layer by layer.
    int status = 0;
    std::string cmd = "python3 " + shell_quote(kLayerCheck) + " " + shell_quote(one);
    for (const auto& f : files) cmd += " " + shell_quote(f);
    std::string out = run_capture(cmd + " 2>&1", &status);
    EXPECT_EQ(status, 0) << out;
    EXPECT_EQ(out, "OK " + std::to_string(tars.size()) + " layers\n");
    // Independent check 2: GNU tar extracts the layers in order; same listing as the single layer.
    std::string x = (tmp->path() / "x").string(), y = (tmp->path() / "y").string();
    std::string script = "set -e; mkdir " + x + " " + y + "; tar -xpf " + one + " -C " + y + ";";
    for (const auto& f : files) script += " tar -xpf " + f + " -C " + x + ";";
    script += " cd " + x + " && find . -mindepth 1 -printf '%p %M %U:%G %T@ %s %l\\n' | sort > ../x.txt;";
    script += " cd " + y + " && find . -mindepth 1 -printf '%p %M %U:%G %T@ %s %l\\n' | sort > ../y.txt;";
    script += " cmp ../x.txt ../y.txt && diff -r " + x + " " + y + " && echo same";
    out = run_capture("sh -c " + shell_quote(script) + " 2>&1", &status);
    EXPECT_EQ(out, "same\n") << "budget " << budget;
  }
}

TEST(Layering, SameTreeSameLayers) {
  Image a = sample_image(), b = sample_image();
  auto la = layer_tars(a, assign_layers(a.tree, a.installed, group_by_origin(a.installed, 2)));
  auto lb = layer_tars(b, assign_layers(b.tree, b.installed, group_by_origin(b.installed, 2)));
  EXPECT_EQ(la, lb);
}

}  // namespace
}  // namespace apko
