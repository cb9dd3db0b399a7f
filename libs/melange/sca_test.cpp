#include "melange/sca.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "base/fs.hpp"
#include "melange/elf_testdata.hpp"
#include "testutil/testutil.hpp"

namespace melange {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsSupersetOf;
using ::testing::Not;
using testutil::shell_quote;

class ScaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = base::TempDir::create("sca-test-");
    ASSERT_TRUE(d);
    dir_.emplace(std::move(*d));
    pkg_ = dir_->path() / "pkg";
    fs::create_directories(pkg_);
  }
  void write(const std::string& rel, const std::string& data, unsigned mode = 0644) {
    fs::path p = pkg_ / rel;
    fs::create_directories(p.parent_path());
    ASSERT_TRUE(base::write_file_atomic(p, data, mode));
    ::chmod(p.c_str(), mode);
  }
  // Compiles C source into pkg/<rel>; skips the test when gcc is unavailable.
  bool compile(const std::string& rel, const std::string& src, const std::string& flags) {
    fs::path c = dir_->path() / (fs::path(rel).filename().string() + ".c");
    EXPECT_TRUE(base::write_file_atomic(c, src));
    fs::path out = pkg_ / rel;
    fs::create_directories(out.parent_path());
    int st = 0;
    std::string log = testutil::run_capture("gcc -o " + shell_quote(out.string()) + " " + shell_quote(c.string()) + " " +
                                                flags + " 2>&1",
                                            &st);
    if (st != 0) ADD_FAILURE() << "gcc failed: " << log;
    return st == 0;
  }
  ScaOptions opts() const {
    ScaOptions o;
    o.package_name = "hello";
    o.full_version = "2.10-r0";
    return o;
  }
  std::optional<base::TempDir> dir_;
  fs::path pkg_;
};

TEST_F(ScaTest, HelloLinkedAgainstGlibc) {
  if (testutil::run_quiet("gcc --version") != 0) GTEST_SKIP() << "gcc not installed";
  ASSERT_TRUE(compile("usr/bin/hello", "#include <stdio.h>\nint main(void){puts(\"Hello, world!\");return 0;}\n", ""));
  write("usr/share/doc/hello/README", "hi\n");
  auto r = analyze(pkg_, opts());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_THAT(r->depends, ElementsAre("so:ld-linux-x86-64.so.2", "so:libc.so.6"));
  EXPECT_THAT(r->provides, ElementsAre("cmd:hello=2.10-r0"));
}

TEST_F(ScaTest, SharedLibraryProvidesAndSelfDependsRemoved) {
  if (testutil::run_quiet("gcc --version") != 0) GTEST_SKIP() << "gcc not installed";
  ASSERT_TRUE(compile("usr/lib/libfoo.so.1.2.3", "int foo(void){return 1;}\n",
                      "-shared -fPIC -Wl,-soname,libfoo.so.1 -Wl,--no-as-needed -lm"));
  fs::create_symlink("libfoo.so.1.2.3", pkg_ / "usr/lib/libfoo.so.1");
  fs::create_symlink("libfoo.so.1", pkg_ / "usr/lib/libfoo.so");
  ASSERT_TRUE(compile("usr/bin/foo", "int foo(void);\nint main(void){return foo();}\n",
                      "-L" + shell_quote((pkg_ / "usr/lib").string()) + " -lfoo"));
  // Multiarch library directory.
  ASSERT_TRUE(compile("usr/lib/x86_64-linux-gnu/libqux.so.7", "int qux(void){return 1;}\n",
                      "-shared -fPIC -Wl,-soname,libqux.so.7"));
  auto r = analyze(pkg_, opts());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_THAT(r->provides, ElementsAre("cmd:foo=2.10-r0", "so:libfoo.so.1=1", "so:libqux.so.7=7"));
  EXPECT_THAT(r->depends, Contains("so:libm.so.6"));
  EXPECT_THAT(r->depends, Contains("so:libc.so.6"));
  EXPECT_THAT(r->depends, Not(Contains("so:libfoo.so.1")));
}

TEST_F(ScaTest, SyntheticElfVendoredAndMusl) {
  TestElf bin;
  bin.type = 2;
  bin.interp = "/lib/ld-musl-x86_64.so.1";
  bin.needed = {"libvendored.so.3", "libssl.so.3", "libcuda.so.1", "libnoversion.so"};
  write("opt/app/bin/app", make_test_elf(bin), 0755);
  TestElf lib;
  lib.soname = "libvendored.so.3";
  write("opt/app/lib/libvendored.so.3", make_test_elf(lib), 0755);
  TestElf notexec;
  notexec.needed = {"libshouldnotcount.so.1"};
  write("usr/lib/libplain.so.1", make_test_elf(notexec), 0644);  // not r-x for all: not scanned
  auto o = opts();
  o.runtime = {"busybox"};
  auto r = analyze(pkg_, o);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_THAT(r->depends, ElementsAre("busybox", "so:libc.musl-x86_64.so.1", "so:libssl.so.3"));
  EXPECT_THAT(r->vendored, ElementsAre("so:libvendored.so.3=3"));
  EXPECT_TRUE(r->provides.empty());
}

TEST_F(ScaTest, ShebangsAndPkgConfig) {
  write("usr/bin/a", "#!/usr/bin/env bash\necho a\n", 0755);
  write("usr/bin/b", "#!/bin/sh\necho b\n", 0755);
  write("usr/bin/c", "#!/usr/bin/env -S perl -w\n", 0755);
  write("usr/bin/d", "#!/usr/bin/python3\n", 0755);
  write("usr/bin/e", "#!/usr/bin/env\n", 0755);  // warned, no dependency
  write("bin/f", "#!/usr/bin/ruby\n", 0644);       // not executable: still a shebang dependency
  write("usr/share/scripts/g", "#!/usr/bin/tclsh\n", 0755);  // outside bin dirs: ignored
  write("usr/lib/pkgconfig/foo.pc",
        "prefix=/usr\nlibdir=${prefix}/lib\nName: foo\nVersion: 1.4-beta\n"
        "Requires: glib-2.0 >= 2.50, zlib\nRequires.private: libffi>=3\nLibs: -L${libdir} -lfoo\n");
  write("usr/share/pkgconfig/bar.pc", "Name: bar\nVersion: 2\n");
  write("opt/x/lib/pkgconfig/vend.pc", "Name: vend\nVersion: 9\nRequires: nothing\n");
  auto r = analyze(pkg_, opts());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_THAT(r->depends, ElementsAre("cmd:bash", "cmd:perl", "cmd:ruby", "pc:glib-2.0", "pc:libffi", "pc:zlib"));
  EXPECT_THAT(r->provides, IsSupersetOf({"pc:foo=2.10-r0", "pc:bar=2.10-r0", "cmd:a=2.10-r0", "cmd:b=2.10-r0"}));
  EXPECT_THAT(r->provides, Not(Contains("cmd:f=2.10-r0")));
  EXPECT_THAT(r->vendored, ElementsAre("pc:vend=2.10-r0"));
}

TEST_F(ScaTest, OptionsAndYamlMerge) {
  write("usr/bin/a", "#!/usr/bin/env bash\n", 0755);
  write("usr/lib/pkgconfig/foo.pc", "Version: 1\nRequires: zlib\n");
  auto o = opts();
  o.runtime = {"zz-dep", "bash", "hello-extra"};
  o.provides = {"hello-extra=1", "cmd:a=2.10-r0"};
  o.no_commands = true;
  auto r = analyze(pkg_, o);
  ASSERT_TRUE(r);
  // cmd: generated entries gone (YAML's stay); YAML depends provided by the package itself dropped.
  EXPECT_THAT(r->depends, ElementsAre("bash", "pc:zlib", "zz-dep"));
  EXPECT_THAT(r->provides, ElementsAre("cmd:a=2.10-r0", "hello-extra=1", "pc:foo=2.10-r0"));

  o = opts();
  o.no_depends = true;
  o.runtime = {"keep-me"};
  r = analyze(pkg_, o);
  ASSERT_TRUE(r);
  EXPECT_THAT(r->depends, ElementsAre("keep-me"));
  EXPECT_THAT(r->provides, ElementsAre("cmd:a=2.10-r0", "pc:foo=2.10-r0"));

  o = opts();
  o.no_provides = true;
  r = analyze(pkg_, o);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->provides.empty());
  EXPECT_THAT(r->depends, ElementsAre("cmd:bash", "pc:zlib"));
}

TEST_F(ScaTest, PythonAndDocDependencies) {
  fs::create_directories(pkg_ / "usr/lib/python3.12/site-packages/mod");
  auto r = analyze(pkg_, opts());
  ASSERT_TRUE(r);
  EXPECT_THAT(r->depends, ElementsAre("python-3.12-base"));
  auto o = opts();
  o.runtime = {"python3"};
  r = analyze(pkg_, o);
  ASSERT_TRUE(r);
  EXPECT_THAT(r->depends, ElementsAre("python3"));

  fs::create_directories(pkg_ / "usr/share/man/man1");
  fs::create_directories(pkg_ / "usr/share/info/x");
  o = opts();
  o.package_name = "hello-doc";
  r = analyze(pkg_, o);
  ASSERT_TRUE(r);
  EXPECT_THAT(r->depends, ElementsAre("man-db", "python-3.12-base", "texinfo"));
}

TEST_F(ScaTest, CrossPackageSoSymlink) {
  auto main_dir = dir_->path() / "main";
  TestElf lib;
  lib.soname = "libz.so.1";
  fs::create_directories(main_dir / "usr/lib");
  ASSERT_TRUE(base::write_file_atomic(main_dir / "usr/lib/libz.so.1.3", make_test_elf(lib), 0755));
  fs::create_directories(pkg_ / "usr/lib");
  fs::create_symlink("libz.so.1.3", pkg_ / "usr/lib/libz.so");
  auto o = opts();
  o.package_name = "zlib-dev";
  o.related_dirs = {main_dir};
  auto r = analyze(pkg_, o);
  ASSERT_TRUE(r);
  EXPECT_THAT(r->depends, ElementsAre("so:libz.so.1"));
}

TEST_F(ScaTest, MissingDirectoryIsAnError) {
  auto r = analyze(pkg_ / "nope", opts());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, base::ErrorCode::kNotFound);
}

TEST(ScaParsers, SonameVersion) {
  EXPECT_EQ(soname_version("libc.so.6"), "6");
  EXPECT_EQ(soname_version("libfoo.so.1.2.3"), "1.2.3");
  EXPECT_EQ(soname_version("libfoo.so"), "0");
  EXPECT_EQ(soname_version("libfoo.so.1a"), "0");
  EXPECT_EQ(soname_version("ld-linux-x86-64.so.2"), "2");
}

TEST(ScaParsers, Shebangs) {
  auto cmd = [](std::string_view s) {
    auto r = shebang_command(s);
    return r ? r->value_or("<none>") : "<error>";
  };
  EXPECT_EQ(cmd("#!/bin/bash -e\n"), "bash");
  EXPECT_EQ(cmd("#! /usr/bin/perl\n"), "perl");
  EXPECT_EQ(cmd("#!/usr/bin/env node\n"), "node");
  EXPECT_EQ(cmd("#!/usr/bin/env -S deno run --allow-all\n"), "deno");
  EXPECT_EQ(cmd("#!/usr/bin/env -S -i foo\n"), "<error>");
  EXPECT_EQ(cmd("#!/usr/bin/env FOO=1 bar\n"), "<error>");
  EXPECT_EQ(cmd("#!/usr/bin/env\n"), "<error>");
  EXPECT_EQ(cmd("#!/bin/sh\n"), "<none>");
  EXPECT_EQ(cmd("#!/usr/bin/awk -f\n"), "<none>");
  EXPECT_EQ(cmd("#!/usr/bin/env python3\n"), "<none>");
  EXPECT_EQ(cmd("#!/usr/bin/luajit\n"), "<none>");
  EXPECT_EQ(cmd("#!\n"), "<none>");
  EXPECT_EQ(cmd("\x7f" "ELF"), "<none>");
  EXPECT_EQ(cmd(""), "<none>");
}

TEST(ScaParsers, PkgConfig) {
  auto pc = parse_pkgconfig(
      "# comment\nprefix=/usr\nver=3.1\nName: x\nVersion: ${ver}.4\n"
      "Requires: a, b >= 1 c<2,d\nRequires.private: e = 3\nRequires.internal: f\n");
  EXPECT_EQ(pc.version, "3.1.4");
  EXPECT_THAT(pc.requires_, ElementsAre("a", "b", "c", "d", "e", "f"));
}

}  // namespace
}  // namespace melange
