#include "melange/lint.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <set>

#include "apk/data_tar.hpp"
#include "apk/package_writer.hpp"
#include "base/fs.hpp"
#include "melange/elf.hpp"
#include "melange/elf_testdata.hpp"
#include "testutil/testutil.hpp"

namespace melange {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string linter;
  std::string pkgname;
  std::vector<std::tuple<std::string, std::string, unsigned>> bad;   // path, content, mode
  std::vector<std::tuple<std::string, std::string, unsigned>> good;  // a clean variant
};

class LintTest : public ::testing::Test {
 protected:
  fs::path fresh_dir() {
    auto d = base::TempDir::create("lint-test-");
    EXPECT_TRUE(d);
    dirs_.push_back(std::make_unique<base::TempDir>(std::move(*d)));
    return dirs_.back()->path();
  }
  static void put(const fs::path& root, const std::string& rel, const std::string& data, unsigned mode) {
    fs::path p = root / rel;
    if (!rel.empty() && rel.back() == '/') {
      fs::create_directories(p);
      return;
    }
    fs::create_directories(p.parent_path());
    ASSERT_TRUE(base::write_file_atomic(p, data, mode & 0777));
    ASSERT_EQ(::chmod(p.c_str(), mode), 0);
  }
  // Findings of one linter for the files given.
  std::vector<LintFinding> run(const std::string& linter, const std::string& pkgname,
                               const std::vector<std::tuple<std::string, std::string, unsigned>>& files) {
    fs::path root = fresh_dir();
    for (const auto& [p, d, m] : files) put(root, p, d, m);
    LintOptions o;
    o.package_name = pkgname;
    o.enabled = {"documentation", "empty"};
    auto r = lint_dir(root, o);
    EXPECT_TRUE(r) << r.error().message;
    std::vector<LintFinding> out;
    if (r)
      for (auto& f : *r)
        if (f.linter == linter) out.push_back(f);
    return out;
  }
  std::vector<std::unique_ptr<base::TempDir>> dirs_;
};

std::string big(char c) { return std::string(2048, c); }

TEST_F(LintTest, EachLinterPositiveAndNegative) {
  TestElf arm;
  arm.machine = kElfMachineArm;
  arm.is_64 = false;
  TestElf x86;
  TestElf dbg;
  dbg.debug_section = true;
  const std::vector<Case> cases = {
      {"dev", "p", {{"dev/null", "", 0644}}, {{"usr/lib/udev/rules.d/x.rules", "", 0644}}},
      {"infodir", "p", {{"usr/share/info/dir", "", 0644}}, {{"usr/share/info/foo.info", "", 0644}}},
      {"libtool/la-files", "p", {{"usr/lib/libfoo.la", "", 0644}}, {{"usr/lib/libfoo.so.1", "", 0644}}},
      {"setuidgid", "p", {{"usr/bin/su", "x", 04755}}, {{"usr/bin/su", "x", 0755}}},
      {"tempdir", "p", {{"tmp/x", "", 0644}}, {{"usr/lib/tmpfiles.d/x.conf", "", 0644}}},
      {"tempdir", "p", {{"var/run/foo/", "", 0}}, {{"var/lib/foo/", "", 0}}},
      {"usrmerge", "p", {{"sbin/init", "", 0755}}, {{"usr/bin/init", "", 0755}}},
      {"varempty", "p", {{"var/empty/x", "", 0644}}, {{"var/empty/", "", 0}}},
      {"worldwrite", "p", {{"etc/x.conf", "", 0666}}, {{"etc/x.conf", "", 0644}}},
      {"binaryarch", "p", {{"usr/bin/armbin", make_test_elf(arm), 0755}}, {{"usr/bin/x86bin", make_test_elf(x86), 0755}}},
      {"cudaruntimelib", "p", {{"usr/lib/libcuda.so.1", "", 0644}}, {{"usr/lib/libcudart.so.12", "", 0644}}},
      {"dll", "p", {{"usr/lib/x.dll", "", 0644}}, {{"usr/lib/x.so", "", 0644}}},
      {"dll", "p-dev", {}, {{"usr/lib/x.dll", "", 0644}}},
      {"dylib", "p", {{"usr/lib/x.dylib", "", 0644}}, {{"usr/lib/x.so", "", 0644}}},
      {"duplicate", "p", {{"usr/share/a/data.bin", big('a'), 0644}, {"usr/share/b/data.bin", big('a'), 0644}},
       {{"usr/share/a/data.bin", big('a'), 0644}, {"usr/share/b/data.bin", big('b'), 0644}}},
      {"duplicate", "p", {}, {{"usr/share/a/small", "x", 0644}, {"usr/share/b/small", "x", 0644}}},
      {"maninfo", "p", {{"usr/share/man/man1/foo.1.gz", "", 0644}}, {{"usr/share/foo/man.txt", "", 0644}}},
      {"maninfo", "p-doc", {}, {{"usr/share/man/man1/foo.1.gz", "", 0644}}},
      {"nonlinux", "p", {{"usr/share/x/darwin/lib.txt", "", 0644}}, {{"usr/share/x/linux/lib.txt", "", 0644}}},
      {"object", "p", {{"usr/lib/foo.o", "", 0644}}, {{"usr/lib/foo.so", "", 0644}}},
      {"opt", "p", {{"opt/x/y", "", 0644}}, {{"usr/share/x/y", "", 0644}}},
      {"opt", "p-compat", {}, {{"opt/x/y", "", 0644}}},
      {"srv", "p", {{"srv/www/index.html", "", 0644}}, {{"var/www/index.html", "", 0644}}},
      {"usrlocal", "p", {{"usr/local/bin/x", "", 0755}}, {{"usr/bin/x", "", 0755}}},
      {"python/docs", "p", {{"usr/lib/python3.12/site-packages/docs/x.rst", "", 0644}},
       {{"usr/lib/python3.12/site-packages/mod/docs/x.rst", "", 0644}}},
      {"python/test", "p", {{"usr/lib/python3.12/site-packages/tests/t.py", "", 0644}},
       {{"usr/lib/python3.12/site-packages/mod/tests/t.py", "", 0644}}},
      {"python/multiple", "p",
       {{"usr/lib/python3.12/site-packages/a/__init__.py", "", 0644}, {"usr/lib/python3.12/site-packages/b.py", "", 0644}},
       {{"usr/lib/python3.12/site-packages/a/__init__.py", "", 0644},
        {"usr/lib/python3.12/site-packages/a-1.0.dist-info/METADATA", "", 0644}}},
      {"sbom", "p", {{"var/lib/db/sbom/notes.txt", "", 0644}}, {{"var/lib/db/sbom/p-1-r0.spdx.json", "{}", 0644}}},
      {"staticarchive", "p", {{"usr/lib/libx.a", "", 0644}}, {{"usr/lib/libx.so", "", 0644}}},
      {"staticarchive", "p-static", {}, {{"usr/lib/libx.a", "", 0644}}},
      {"strip", "p", {{"usr/bin/dbg", make_test_elf(dbg), 0755}}, {{"usr/bin/x", make_test_elf(x86), 0755}}},
      {"empty", "p", {{"usr/", "", 0}}, {{"usr/bin/x", "", 0755}}},
      {"documentation", "p", {{"usr/share/doc/p/README.md", "", 0644}}, {{"usr/share/p/data.json", "", 0644}}},
  };
  std::set<std::string> covered;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.linter + " / " + c.pkgname);
    covered.insert(c.linter);
    if (!c.bad.empty()) {
      EXPECT_FALSE(run(c.linter, c.pkgname, c.bad).empty()) << "expected a finding";
    }
    auto clean = run(c.linter, c.pkgname, c.good);
    EXPECT_TRUE(clean.empty()) << "unexpected: " << (clean.empty() ? "" : format_finding(clean[0]));
  }
  for (const auto& l : all_linters()) EXPECT_TRUE(covered.count(std::string(l.name))) << "no test for " << l.name;
}

TEST_F(LintTest, SeveritiesAndCheckDisabled) {
  fs::path root = fresh_dir();
  put(root, "etc/x.conf", "", 0666);
  put(root, "opt/y", "", 0644);
  LintOptions o;
  o.package_name = "p";
  auto r = lint_dir(root, o);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_TRUE(has_errors(*r));
  for (const auto& f : *r) {
    if (f.linter == "worldwrite") {
      EXPECT_EQ(f.severity, LintSeverity::kError);
      EXPECT_EQ(f.path, "etc/x.conf");
      EXPECT_EQ(format_finding(f).rfind("error: [worldwrite] etc/x.conf: world-writable file", 0), 0u) << format_finding(f);
    } else {
      EXPECT_EQ(f.linter, "opt");
      EXPECT_EQ(f.severity, LintSeverity::kWarning);
    }
  }
  o.disabled = {"worldwrite"};
  r = lint_dir(root, o);
  ASSERT_TRUE(r);
  EXPECT_FALSE(has_errors(*r));
  EXPECT_EQ(r->size(), 2u);

  // Off-by-default linters do not run unless enabled.
  fs::path empty_dir = fresh_dir();
  r = lint_dir(empty_dir, LintOptions{"p", {}, {}});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->empty());

  // --lint-require / --lint-warn replace the defaults.
  LintOptions ov{"p", {}, {}, std::vector<std::string>{"opt"}, std::vector<std::string>{}};
  r = lint_dir(root, ov);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].linter, "opt");
  EXPECT_EQ((*r)[0].severity, LintSeverity::kError);

  o.disabled = {"no-such-linter"};
  auto bad = lint_dir(root, o);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("no-such-linter"), std::string::npos);
}

TEST_F(LintTest, SbomDirIgnoredByContentLinters) {
  fs::path root = fresh_dir();
  put(root, "var/lib/db/sbom/p-1-r0.spdx.json", "{}", 0644);
  LintOptions o{"p", {}, {"empty"}};
  auto r = lint_dir(root, o);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].linter, "empty");
}

// Linting an .apk works from its entry list, with the modes the package records.
TEST_F(LintTest, FromPackageEntries) {
  fs::path root = fresh_dir();
  put(root, "usr/bin/tool", "#!/bin/sh\n", 04755);
  put(root, "etc/open.conf", "x", 0666);
  put(root, "usr/share/a/blob", big('z'), 0644);
  put(root, "usr/share/b/blob", big('z'), 0644);
  auto data = apk::build_data_tar(root, apk::DataTarOptions{});
  ASSERT_TRUE(data) << data.error().message;
  apk::PackageInfo info;
  info.name = "tool";
  info.version = "1-r0";
  info.arch = "x86_64";
  info.installed_size = data->installed_size;
  auto built = apk::assemble_package(info, {}, data->tar, 0, nullptr);
  ASSERT_TRUE(built) << built.error().message;
  apk::PackageReadOptions ro;
  ro.signature = apk::SignaturePolicy::kIgnore;
  auto pkg = apk::Package::parse(built->bytes, "tool.apk", ro);
  ASSERT_TRUE(pkg) << pkg.error().message;
  auto tree = LintTree::from_package(*pkg);
  ASSERT_TRUE(tree) << tree.error().message;
  auto r = lint(*tree, LintOptions{"tool", {}, {}});
  ASSERT_TRUE(r);
  std::set<std::string> got;
  for (const auto& f : *r) got.insert(f.linter + ":" + f.path);
  EXPECT_EQ(got, (std::set<std::string>{"setuidgid:usr/bin/tool", "worldwrite:etc/open.conf",
                                         "duplicate:usr/share/a/blob"}));
  EXPECT_TRUE(has_errors(*r));
}

}  // namespace
}  // namespace melange
