#include "melange/lint.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <set>

#include "apk/data_tar.hpp"
#include "apk/package_writer.hpp"
#include "base/fs.hpp"
#include "config/build_config.hpp"
#include "melange/compile.hpp"
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

// A test ELF whose debug section is named exactly ".debug" (make_test_elf writes
// ".debug_info"; the name is found through .shstrtab, so cutting it short renames it).
std::string elf_with_debug_section() {
  TestElf t;
  t.debug_section = true;
  std::string elf = make_test_elf(t);
  const std::string from(".debug_info\0", 12), to(".debug\0info\0", 12);
  auto at = elf.find(from);
  EXPECT_NE(at, std::string::npos);
  if (at != std::string::npos) elf.replace(at, from.size(), to);
  return elf;
}

TEST_F(LintTest, EachLinterPositiveAndNegative) {
  TestElf arm;
  arm.machine = kElfMachineArm;
  arm.is_64 = false;
  TestElf x86;
  TestElf dbg;
  dbg.debug_section = true;
  const std::vector<Case> cases = {
      {"dev", "p", {{"dev/null", "", 0644}}, {{"usr/lib/udev/rules.d/x.rules", "", 0644}}},
      {"infodir", "p", {{"usr/share/info/dir/x", "", 0644}}, {{"usr/share/info/foo.info", "", 0644}}},
      {"infodir", "p", {}, {{"usr/share/info/dir", "", 0644}}},  // the plain file: maninfo's business
      {"libtool/la-files", "p", {{"usr/lib/libfoo.la", "", 0644}}, {{"usr/lib/libfoo.so.1", "", 0644}}},
      {"setuidgid", "p", {{"usr/bin/su", "x", 04755}}, {{"usr/bin/su", "x", 0755}}},
      {"tempdir", "p", {{"tmp/x", "", 0644}}, {{"usr/lib/tmpfiles.d/x.conf", "", 0644}}},
      {"tempdir", "p", {{"var/run/foo/", "", 0}}, {{"var/lib/foo/", "", 0}}},
      {"tempdir", "p", {{"run/foo/", "", 0}}, {{"run/foo/", "", 0}, {"usr/lib/tmpfiles.d/foo.conf", "", 0644}}},
      {"tempdir", "p", {{"run/foo/pid", "", 0644}, {"usr/lib/tmpfiles.d/foo.conf", "", 0644}}, {}},
      {"tempdir", "p", {{"var/tmp/x", "", 0644}}, {{"var/tmp/", "", 0}}},
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
      // License texts are exempt by melange's (Licensee's) name rules; NOTICE is not one of them.
      {"duplicate", "p", {{"usr/share/a/NOTICE", big('n'), 0644}, {"usr/share/b/NOTICE", big('n'), 0644}},
       {{"usr/share/a/LICENSE-MIT", big('l'), 0644}, {"usr/share/b/LICENSE-MIT", big('l'), 0644},
        {"usr/share/a/copying.txt", big('c'), 0644}, {"usr/share/b/copying.txt", big('c'), 0644},
        {"usr/share/a/foo-1.2.3-LICENSE", big('f'), 0644}, {"usr/share/b/foo-1.2.3-LICENSE", big('f'), 0644}}},
      {"duplicate", "p", {{"usr/share/a/LICENSE.xml", big('x'), 0644}, {"usr/share/b/LICENSE.xml", big('x'), 0644}}, {}},
      {"lddcheck", "p", {{"usr/lib/libfoo.so.1.2", "", 0755}}, {{"usr/lib/libfoo.sox", "", 0644}}},
      {"pkgconf", "p", {{"usr/share/pkgconfig/foo.pc", "", 0644}}, {{"usr/lib/foo/pkgconfig/foo.pc", "", 0644}}},
      {"unsupportedarch", "p", {{"usr/lib/s390x/libfoo.so", "", 0644}}, {{"usr/lib/x86_64/libfoo.so", "", 0644}}},
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
      {"strip", "p", {{"usr/bin/dbg", elf_with_debug_section(), 0755}}, {{"usr/bin/x", make_test_elf(x86), 0755}}},
      // melange only looks for a section named exactly .debug or .zdebug.
      {"strip", "p", {}, {{"usr/bin/dwarf", make_test_elf(dbg), 0755}}},
      {"strip", "p", {{"usr/bin/broken", std::string("\x7f" "ELF\x02\x01", 6) + std::string(10, '\0'), 0755}}, {}},
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

// lddcheck / pkgconf: a finding unless the package's own test pipeline uses the matching
// test pipeline; worded differently when no configuration is known.
TEST_F(LintTest, LddcheckAndPkgconfFollowTheTestPipeline) {
  fs::path root = fresh_dir();
  put(root, "usr/lib/libz.so.1.3", "x", 0755);
  put(root, "usr/lib/pkgconfig/zlib.pc", "Name: zlib\n", 0644);
  auto linters_for = [&](std::optional<std::vector<std::string>> uses, std::vector<LintFinding>* out = nullptr) {
    LintOptions o;
    o.package_name = "zlib";
    o.test_uses = std::move(uses);
    auto r = lint_dir(root, o);
    EXPECT_TRUE(r) << r.error().message;
    std::set<std::string> got;
    for (const auto& f : r.value_or(std::vector<LintFinding>{})) {
      got.insert(f.linter);
      EXPECT_EQ(f.severity, LintSeverity::kWarning);
      EXPECT_TRUE(f.path.empty());
      if (out) out->push_back(f);
    }
    return got;
  };
  std::vector<LintFinding> fs_none, fs_empty;
  EXPECT_EQ(linters_for(std::nullopt, &fs_none), (std::set<std::string>{"lddcheck", "pkgconf"}));
  for (const auto& f : fs_none) EXPECT_NE(f.message.find(".melange.yaml"), std::string::npos) << f.message;
  EXPECT_EQ(linters_for(std::vector<std::string>{}, &fs_empty), (std::set<std::string>{"lddcheck", "pkgconf"}));
  for (const auto& f : fs_empty) {
    if (f.linter == "lddcheck") {
      EXPECT_EQ(f.message, "ships 1 shared object(s) (usr/lib/libz.so.1.3) but its test pipeline does not use test/ldd-check");
    } else {
      EXPECT_EQ(f.message,
                "ships 1 file(s) in pkgconfig directories (usr/lib/pkgconfig/zlib.pc) but its test pipeline does not use "
                "test/pkgconf");
    }
  }
  EXPECT_EQ(linters_for(std::vector<std::string>{"test/ldd-check"}), (std::set<std::string>{"pkgconf"}));
  EXPECT_EQ(linters_for(std::vector<std::string>{"test/pkgconf", "test/tw/ldd-check"}), (std::set<std::string>{}));
  EXPECT_EQ(linters_for(std::vector<std::string>{"test/ldd-check-extra", "pkgconf"}),
            (std::set<std::string>{"lddcheck", "pkgconf"}));

  // --lint-require makes it an error.
  LintOptions o;
  o.package_name = "zlib";
  o.test_uses = std::vector<std::string>{};
  o.require = std::vector<std::string>{"lddcheck"};
  o.warn = std::vector<std::string>{};
  auto r = lint_dir(root, o);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].severity, LintSeverity::kError);
}

TEST(LintTestUses, FromConfigurationTopLevelStepsOnly) {
  auto cfg = config::parse_build_config(R"(package:
  name: zlib
  version: 1.3
  epoch: 0
pipeline:
  - runs: "true"
test:
  pipeline:
    - uses: test/ldd-check
    - runs: echo hi
    - pipeline:
        - uses: test/pkgconf
subpackages:
  - name: zlib-dev
    pipeline:
      - runs: "true"
    test:
      pipeline:
        - uses: test/pkgconf
  - name: zlib-doc
    pipeline:
      - runs: "true"
)", "t.yaml");
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_EQ(config_test_uses(*cfg, "zlib"), (std::vector<std::string>{"test/ldd-check"}));
  EXPECT_EQ(config_test_uses(*cfg, "zlib-dev"), (std::vector<std::string>{"test/pkgconf"}));
  EXPECT_TRUE(config_test_uses(*cfg, "zlib-doc").empty());
  EXPECT_TRUE(config_test_uses(*cfg, "other").empty());
}

// The built-in test pipelines compile; their package name defaults to the package under
// test and reaches the script only through the environment.
TEST(LintTestUses, BuiltinTestPipelinesCompile) {
  auto cfg = config::parse_build_config(R"(package:
  name: zlib
  version: 1.3
  epoch: 0
pipeline:
  - runs: "true"
test:
  pipeline:
    - uses: test/ldd-check
      with:
        files: /usr/lib/libz.so.1
subpackages:
  - name: zlib-dev
    pipeline:
      - runs: "true"
    test:
      pipeline:
        - uses: test/pkgconf
)", "t.yaml");
  ASSERT_TRUE(cfg) << cfg.error().message;
  CompileOptions co;
  co.arch = apk::parse_arch("x86_64").value();
  auto b = compile(*cfg, co);
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_TRUE(b->main.test);
  EXPECT_EQ(compiled_test_uses(b->main), (std::vector<std::string>{"test/ldd-check"}));
  const auto& ldd = b->main.test->steps.at(0);
  auto env = step_environment({}, ldd);
  auto get = [&](const config::OrderedMap& m, const std::string& k) {
    for (const auto& [key, v] : m)
      if (key == k) return v;
    return std::string("<unset>");
  };
  EXPECT_EQ(get(env, "INPUT_FILES"), "/usr/lib/libz.so.1");
  EXPECT_EQ(get(env, "INPUT_VERBOSE"), "false");
  EXPECT_EQ(get(env, "LDD_CHECK_SELF"), "zlib");
  EXPECT_EQ(ldd.runs.find("/usr/lib/libz.so.1"), std::string::npos) << "input pasted into the script";
  const auto& pkgs = b->main.test->environment.contents.packages;
  EXPECT_NE(std::find(pkgs.begin(), pkgs.end(), "posix-libc-utils"), pkgs.end());

  ASSERT_EQ(b->subpackages.size(), 1u);
  ASSERT_TRUE(b->subpackages[0].test);
  EXPECT_EQ(compiled_test_uses(b->subpackages[0]), (std::vector<std::string>{"test/pkgconf"}));
  EXPECT_EQ(get(step_environment({}, b->subpackages[0].test->steps.at(0)), "INPUT_PACKAGE"), "zlib-dev");
  const auto& spkgs = b->subpackages[0].test->environment.contents.packages;
  EXPECT_NE(std::find(spkgs.begin(), spkgs.end(), "pkgconf"), spkgs.end());
}

TEST_F(LintTest, UnsupportedArchNames) {
  // path -> expected architecture ("" = no finding)
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"usr/lib/s390x/libfoo.so", "s390x"},
      {"usr/lib/ppc64le/x", "ppc64"},           // the first listed architecture that matches
      {"usr/share/mipsy/data", "mips"},          // "/<arch>" anywhere in the directory part
      {"usr/share/foo/bar-i686.tar.gz", "i686"},
      {"usr/share/foo/bar_riscv64", "riscv64"},  // "riscv" does not match: nothing follows "_riscv"
      {"usr/share/foo/lib.sparc.so", "sparc"},
      {"usr/share/foo/bar-x86_64-ppc64.tar", ""},  // names a supported architecture too
      {"usr/share/foo/aarch64/bar-s390x", ""},
      {"usr/share/x86_64/mips/bar", "mips"},     // directory hits ignore supported names
      {"usr/share/foo/i386bar", ""},             // no separator before it
      {"s390x/foo", ""},                         // a top-level directory has no "/" before it
      {"usr/share/doc/powerpc.txt", ""},          // base name without a leading separator
  };
  for (const auto& [path, arch] : cases) {
    SCOPED_TRACE(path);
    auto got = run("unsupportedarch", "p", {{path, "", 0644}});
    if (arch.empty()) {
      EXPECT_TRUE(got.empty()) << format_finding(got.at(0));
    } else {
      ASSERT_EQ(got.size(), 1u);
      EXPECT_EQ(got[0].path, path);
      EXPECT_EQ(got[0].message, "path refers to the unsupported architecture " + arch);
    }
  }
}

// A symlink named like a usrmerge directory is a finding (melange reports any entry there).
TEST_F(LintTest, UsrmergeSymlinkAtTopLevel) {
  fs::path root = fresh_dir();
  put(root, "usr/bin/x", "", 0755);
  fs::create_directory_symlink("usr/bin", root / "bin");
  LintOptions o;
  o.package_name = "p";
  auto r = lint_dir(root, o);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].linter, "usrmerge");
  EXPECT_EQ((*r)[0].path, "bin");
}

// With two Python versions, the python linters only report that.
TEST_F(LintTest, PythonTwoVersions) {
  auto got = run("python/docs", "p",
                 {{"usr/lib/python3.11/site-packages/docs/x", "", 0644}, {"usr/lib/python3.12/site-packages/a.py", "", 0644}});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].message, "more than one Python version: 2 found");
}

}  // namespace
}  // namespace melange
