#include "melange/emit.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apk/index_archive.hpp"
#include "apk/keyring.hpp"
#include "apk/package.hpp"
#include "apk/pkginfo.hpp"
#include "apk/signing.hpp"
#include "base/fs.hpp"
#include "config/yaml_util.hpp"
#include "melange/build_package.hpp"
#include "melange/compile.hpp"
#include "melange/elf_testdata.hpp"
#include "testutil/testutil.hpp"

namespace melange {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

const apk::LoadedKey& test_key() {
  static apk::LoadedKey* key = [] {
    auto kp = apk::generate_rsa_key(2048);
    auto pk = apk::PrivateKey::from_pem(kp->private_pem, "test");
    return new apk::LoadedKey{std::move(*pk), "emit-test.rsa.pub"};
  }();
  return *key;
}

apk::Keyring test_keyring() {
  apk::Keyring k;
  auto pem = test_key().key.public_pem();
  EXPECT_TRUE(pem);
  EXPECT_TRUE(k.add_pem("emit-test.rsa.pub", *pem));
  return k;
}

class EmitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = base::TempDir::create("emit-test-");
    ASSERT_TRUE(d);
    dir_.emplace(std::move(*d));
    pkgdir_ = dir_->path() / "melange-out/hello";
    TestElf hello;
    hello.type = 2;
    hello.interp = "/lib64/ld-linux-x86-64.so.2";
    hello.needed = {"libc.so.6"};
    put("usr/bin/hello", make_test_elf(hello), 0755);
    put("usr/share/doc/hello/README", "Hello docs\n", 0644);
    key_ = test_key().signing_key();
  }
  void put(const std::string& rel, const std::string& data, unsigned mode) {
    fs::path p = pkgdir_ / rel;
    fs::create_directories(p.parent_path());
    ASSERT_TRUE(base::write_file_atomic(p, data, mode));
    ASSERT_EQ(::chmod(p.c_str(), mode), 0);
  }
  EmitInput input(const fs::path& out) {
    EmitInput in;
    in.package_dir = pkgdir_;
    in.info.name = "hello";
    in.info.version = "2.10-r0";
    in.info.arch = "x86_64";
    in.info.origin = "hello";
    in.info.description = "the GNU hello world program";
    in.info.url = "https://www.gnu.org/software/hello/";
    in.info.license = "GPL-3.0-or-later";
    in.info.maintainer = "wolfi";
    in.info.depends = {"busybox"};
    in.info.replaces = {"hello-old"};
    in.info.provider_priority = 10;
    config::Scriptlets s;
    s.post_install = "#!/bin/sh\necho installed\n";
    s.trigger_script = "#!/bin/sh\necho trigger\n";
    s.trigger_paths = {"/usr/share/hello"};
    in.scriptlets = s;
    in.config_yaml = "package:\n  name: hello\n  version: 2.10\n";
    sbom::PackageSbomInput sb;
    sb.namespace_ = "wolfi";
    sb.config_path = "hello.yaml";
    sb.tool_version = "test";
    sb.sources.push_back({"hello", "2.10", "https://ftp.gnu.org/gnu/hello/hello-2.10.tar.gz",
                          "31e066137a962676e89f69d1b65382de95a7ef7d914b8cb956f41ea72e0f516b", ""});
    in.sbom = sb;
    in.key = &key_;
    in.out_dir = out;
    return in;
  }
  std::optional<base::TempDir> dir_;
  fs::path pkgdir_;
  apk::SigningKey key_;
};

TEST_F(EmitTest, WritesSignedPackageWithScaAndSbom) {
  fs::path out = dir_->path() / "packages";
  auto r = emit_package(input(out));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->path, out / "x86_64/hello-2.10-r0.apk");
  ASSERT_TRUE(fs::exists(r->path));

  apk::Keyring keys = test_keyring();
  auto pkg = apk::Package::load(r->path, apk::PackageReadOptions{&keys});
  ASSERT_TRUE(pkg) << pkg.error().message;
  EXPECT_EQ(pkg->trusted_by(), "emit-test.rsa.pub");
  const auto& info = pkg->info();
  EXPECT_EQ(info.name, "hello");
  EXPECT_EQ(info.version, "2.10-r0");
  EXPECT_THAT(info.depends, ElementsAre("busybox", "so:ld-linux-x86-64.so.2", "so:libc.so.6"));
  EXPECT_THAT(info.provides, ElementsAre("cmd:hello=2.10-r0"));
  EXPECT_THAT(info.replaces, ElementsAre("hello-old"));
  EXPECT_EQ(info.provider_priority, 10);
  EXPECT_EQ(info.checksum, r->info.checksum);
  const std::string& text = pkg->pkginfo_text();
  EXPECT_THAT(text, HasSubstr("\ndepend = so:libc.so.6\n"));
  EXPECT_THAT(text, HasSubstr("\nprovides = cmd:hello=2.10-r0\n"));
  EXPECT_THAT(text, HasSubstr("\ntriggers = /usr/share/hello \n"));
  EXPECT_THAT(text, HasSubstr("\nmaintainer = wolfi\n"));
  EXPECT_THAT(text, Not(HasSubstr("builddate")));  // SOURCE_DATE_EPOCH 0

  std::map<std::string, uint32_t> control;
  for (const auto& f : pkg->control_files()) control[f.name] = f.mode;
  EXPECT_EQ(control[".post-install"], 0755u);
  EXPECT_EQ(control[".trigger"], 0755u);
  EXPECT_EQ(control[".melange.yaml"], 0644u);
  EXPECT_EQ(control.count(".pre-install"), 0u);

  // The SBOM is in the data member at the right path, mode 0644, owned by root.
  const std::string sbom_path = "var/lib/db/sbom/hello-2.10-r0.spdx.json";
  std::string sbom_json;
  bool found = false;
  ASSERT_TRUE(pkg->for_each_entry([&](const archive::TarEntry& e, std::string_view data) -> base::Status {
    if (e.name == sbom_path) {
      found = true;
      EXPECT_EQ(e.mode, 0644u);
      EXPECT_EQ(e.uid, 0u);
      sbom_json = std::string(data);
    }
    return base::ok();
  }));
  ASSERT_TRUE(found);
  EXPECT_THAT(sbom_json, HasSubstr("pkg:apk/wolfi/hello@2.10-r0?arch=x86_64"));
  struct stat st {};
  ASSERT_EQ(::stat((pkgdir_ / sbom_path).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);

  const std::string schema = testutil::spdx_schema().string();
  fs::path doc = dir_->path() / "sbom.json";
  ASSERT_TRUE(base::write_file_atomic(doc, sbom_json));
  int status = 0;
  std::string log = testutil::run_capture("python3 " + testutil::shell_quote(std::string(MA_SOURCE_DIR) + "/tests/tools/validate_json.py") +
                                              " " + testutil::shell_quote(schema) + " " + testutil::shell_quote(doc.string()) + " 2>&1",
                                          &status);
  EXPECT_EQ(status, 0) << log;
}

TEST_F(EmitTest, ReproducibleBytesAndBuildDate) {
  auto a = emit_package(input(dir_->path() / "a"));
  auto b = emit_package(input(dir_->path() / "b"));
  ASSERT_TRUE(a && b);
  auto ba = base::read_file(a->path), bb = base::read_file(b->path);
  ASSERT_TRUE(ba && bb);
  EXPECT_TRUE(*ba == *bb) << "two emits of the same input differ";

  auto in = input(dir_->path() / "c");
  in.info.build_time = 1700000000;
  auto c = emit_package(in);
  ASSERT_TRUE(c);
  apk::Keyring keys = test_keyring();
  auto pkg = apk::Package::load(c->path, apk::PackageReadOptions{&keys});
  ASSERT_TRUE(pkg);
  EXPECT_THAT(pkg->pkginfo_text(), HasSubstr("\nbuilddate = 1700000000\n"));
  // Independent check: GNU tar lists the data member with every mtime = the build date.
  int status = 0;
  std::string listing = testutil::run_capture(
      "tar -tvzf " + testutil::shell_quote(c->path.string()) + " --full-time 2>/dev/null | grep usr/bin/hello", &status);
  if (status == 0) {
    EXPECT_THAT(listing, HasSubstr("2023-11-14"));
  }
}

TEST_F(EmitTest, OptionsReachSca) {
  auto in = input(dir_->path() / "out");
  in.no_commands = true;
  in.no_depends = true;
  auto r = emit_package(in);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_THAT(r->info.depends, ElementsAre("busybox"));
  EXPECT_TRUE(r->info.provides.empty());
}

TEST_F(EmitTest, FailureLeavesNothingBehind) {
  fs::path out = dir_->path() / "blocked";
  fs::create_directories(out);
  ASSERT_TRUE(base::write_file_atomic(out / "x86_64", "not a directory"));  // <out>/<arch> cannot be created
  auto r = emit_package(input(out));
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("hello"));
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(out)) names.push_back(e.path().filename().string());
  EXPECT_THAT(names, ElementsAre("x86_64"));
  // The SBOM written into the package dir was removed again, with the dirs made for it.
  EXPECT_FALSE(fs::exists(pkgdir_ / "var"));

  // A missing package dir fails before anything is created.
  auto in = input(dir_->path() / "fresh-out");
  in.package_dir = dir_->path() / "melange-out/missing";
  auto m = emit_package(in);
  ASSERT_FALSE(m);
  EXPECT_FALSE(fs::exists(dir_->path() / "fresh-out"));
}

TEST_F(EmitTest, IndexMergesAndSigns) {
  fs::path out = dir_->path() / "packages";
  auto a = emit_package(input(out));
  ASSERT_TRUE(a);
  ASSERT_TRUE(update_repository_index(out, "x86_64", {a->path}, &key_));

  // A second package (a subpackage dir) added later: the index keeps the first.
  pkgdir_ = dir_->path() / "melange-out/hello-doc";
  put("usr/share/man/man1/hello.1", "manual\n", 0644);
  auto in = input(out);
  in.info.name = "hello-doc";
  in.info.depends.clear();
  in.scriptlets.reset();
  auto b = emit_package(in);
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_TRUE(update_repository_index(out, "x86_64", {b->path}, &key_));

  auto bytes = base::read_file(out / "x86_64/APKINDEX.tar.gz");
  ASSERT_TRUE(bytes);
  apk::Keyring keys = test_keyring();
  auto idx = apk::read_index_archive(*bytes, "APKINDEX.tar.gz", apk::IndexReadOptions{&keys});
  ASSERT_TRUE(idx) << idx.error().message;
  EXPECT_EQ(idx->trusted_by, "emit-test.rsa.pub");
  std::vector<std::string> names;
  for (const auto& e : idx->index.entries()) {
    apk::PackageInfo p = e.to_info();
    names.push_back(p.name + "=" + p.version + ":" + p.checksum);
  }
  EXPECT_THAT(names, ElementsAre("hello=2.10-r0:" + a->info.checksum, "hello-doc=2.10-r0:" + b->info.checksum));
  // Independent check: the gzip stream decompresses and holds APKINDEX.
  EXPECT_EQ(testutil::run_quiet("tar -tzf " + testutil::shell_quote((out / "x86_64/APKINDEX.tar.gz").string()) +
                                " 2>/dev/null | grep -qx APKINDEX"),
            0);
  EXPECT_FALSE(update_repository_index(out, "../x", {}, nullptr));
}

TEST_F(EmitTest, SeveralLicenseLinesAndVendoredLibraries) {
  TestElf lib;
  lib.soname = "libvendored.so.3";
  put("opt/app/lib/libvendored.so.3", make_test_elf(lib), 0755);  // outside the lib dirs: vendored
  auto in = input(dir_->path() / "out");
  apk::set_licenses(in.info, {"Ruby", "BSD-2-Clause"});
  auto r = emit_package(in);
  ASSERT_TRUE(r) << r.error().message;
  apk::Keyring keys = test_keyring();
  auto pkg = apk::Package::load(r->path, apk::PackageReadOptions{&keys});
  ASSERT_TRUE(pkg) << pkg.error().message;
  const std::string& text = pkg->pkginfo_text();
  EXPECT_THAT(text, HasSubstr("\nlicense = Ruby\nlicense = BSD-2-Clause\ndepend = "));
  EXPECT_THAT(text, HasSubstr("\nreplaces = hello-old\n# vendored = so:libvendored.so.3=3\nprovider_priority = 10\n"));
  EXPECT_EQ(pkg->info().license, "Ruby AND BSD-2-Clause");
  EXPECT_THAT(pkg->info().vendored, ElementsAre("so:libvendored.so.3=3"));
}

// Owner of each data-tar entry, by path.
std::map<std::string, std::pair<uint32_t, uint32_t>> owners_in(const fs::path& apk) {
  std::map<std::string, std::pair<uint32_t, uint32_t>> out;
  apk::Keyring keys = test_keyring();
  auto pkg = apk::Package::load(apk, apk::PackageReadOptions{&keys});
  EXPECT_TRUE(pkg);
  if (!pkg) return out;
  EXPECT_TRUE(pkg->for_each_entry([&](const archive::TarEntry& e, std::string_view) -> base::Status {
    out[e.name] = {e.uid, e.gid};
    return base::ok();
  }));
  return out;
}

TEST(EmitHelpers, MappedOwner) {
  BuildOwners o;  // melange run as root: only the build user maps
  EXPECT_EQ(mapped_owner(o), (std::pair<uint32_t, uint32_t>{1000, 1000}));
  o.host_uid = 1234, o.host_gid = 1235;  // non-root host user: every build file is theirs
  EXPECT_EQ(mapped_owner(o), (std::pair<uint32_t, uint32_t>{1234, 1235}));
  o.host_gid = 0;
  o.build_gid = 2000;
  EXPECT_EQ(mapped_owner(o), (std::pair<uint32_t, uint32_t>{1234, 2000}));
}

TEST_F(EmitTest, BuildOwnersBecomeRootDeliberateOwnersStay) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give files other owners";
  put("usr/share/hello/chowned", "x\n", 0644);
  ASSERT_EQ(::chown((pkgdir_ / "usr/share/hello/chowned").c_str(), 123, 456), 0);
  ASSERT_EQ(::chown((pkgdir_ / "usr/bin/hello").c_str(), 1000, 1000), 0);

  // As root: the build user (1000) maps to 0, the deliberate 123:456 stays.
  auto in = input(dir_->path() / "root");
  in.sbom.reset();
  auto r = emit_package(in);
  ASSERT_TRUE(r) << r.error().message;
  auto o = owners_in(r->path);
  EXPECT_EQ(o["usr/bin/hello"], (std::pair<uint32_t, uint32_t>{0, 0}));
  EXPECT_EQ(o["usr/share/hello/chowned"], (std::pair<uint32_t, uint32_t>{123, 456}));

  // As a non-root host user 4242 (bubblewrap): every file the build wrote is 4242 on disk.
  for (const auto& e : fs::recursive_directory_iterator(pkgdir_))
    ASSERT_EQ(::lchown(e.path().c_str(), 4242, 4243), 0);
  in = input(dir_->path() / "user-unmapped");
  in.sbom.reset();
  r = emit_package(in);
  ASSERT_TRUE(r);
  EXPECT_EQ(owners_in(r->path)["usr/bin/hello"], (std::pair<uint32_t, uint32_t>{4242, 4243}))
      << "without the host ids the host user leaks into the package";
  in = input(dir_->path() / "user");
  in.sbom.reset();
  in.owners.host_uid = 4242, in.owners.host_gid = 4243;
  r = emit_package(in);
  ASSERT_TRUE(r);
  for (const auto& [path, owner] : owners_in(r->path))
    EXPECT_EQ(owner, (std::pair<uint32_t, uint32_t>{0, 0})) << path;
}

TEST(EmitHelpers, CompiledPackageInfoLicenses) {
  CompiledBuild b;
  b.name = "hello";
  b.full_version = "2.10-r0";
  b.arch = *apk::parse_arch("x86_64");
  b.main.name = "hello";
  b.main.copyright = {config::Copyright{"Ruby", {}, "", "", ""}, config::Copyright{"BSD-2-Clause", {}, "", "", ""}};
  auto main = compiled_package_info(b, b.main);
  ASSERT_TRUE(main) << main.error().message;
  EXPECT_EQ(main->license, "Ruby AND BSD-2-Clause");
  EXPECT_THAT(main->license_lines, ElementsAre("Ruby", "BSD-2-Clause"));
  EXPECT_EQ(main->maintainer, "unknown");
  CompiledPackage sub;  // no copyright of its own: the main package's lines (as melange)
  sub.name = "hello-doc";
  auto s = compiled_package_info(b, sub);
  ASSERT_TRUE(s);
  EXPECT_THAT(s->license_lines, ElementsAre("Ruby", "BSD-2-Clause"));
  sub.copyright = {config::Copyright{"MIT", {}, "", "", ""}};
  s = compiled_package_info(b, sub);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->license, "MIT");
  EXPECT_TRUE(s->license_lines.empty());

  // The build account of the compiled environment names the mapped ids.
  EXPECT_EQ(build_owners(b, 7, 8).build_uid, 1000u);
  b.environment.accounts.users.push_back(config::User{"build", 2000, 2001, "", "", 0});
  b.environment.accounts.groups.push_back(config::Group{"build", 2002, {}, 0});
  BuildOwners bo = build_owners(b, 7, 8);
  EXPECT_EQ(bo.build_uid, 2000u);
  EXPECT_EQ(bo.build_gid, 2002u);
  EXPECT_EQ(bo.host_uid, 7u);
  EXPECT_EQ(bo.host_gid, 8u);
}

TEST(EmitHelpers, EmbeddedConfigIsTheCompiledLockedConfig) {
  auto cfg = config::parse_build_config(
      "package:\n  name: hello\n  version: \"2.10\"\n  epoch: 1\n  copyright:\n    - license: MIT\n"
      "environment:\n  contents:\n    repositories:\n      - https://user:secret@example.com/os\n"
      "    packages:\n      - build-base\n      - busybox\n"
      "pipeline:\n  - uses: fetch\n    with:\n      uri: https://example.com/hello-${{package.version}}.tar.gz\n"
      "  - runs: |\n      make\n      make install\n",
      "hello.yaml");
  ASSERT_TRUE(cfg) << cfg.error().message;
  CompileOptions co;
  co.arch = *apk::parse_arch("aarch64");
  auto b = compile(*cfg, co);
  ASSERT_TRUE(b) << b.error().message;
  std::vector<apk::InstalledPackage> installed(3);
  installed[0].info.name = "busybox", installed[0].info.version = "1.37.0-r5";
  installed[1].info.name = "build-base", installed[1].info.version = "1-r8";
  installed[2].info.name = "binutils", installed[2].info.version = "2.44-r0";
  const std::string yaml = embedded_config_yaml(*cfg, *b, installed);

  EXPECT_THAT(yaml, Not(HasSubstr("secret")));
  EXPECT_THAT(yaml, HasSubstr("version: \"2.10\""));  // stays a string
  EXPECT_THAT(yaml, HasSubstr("      - binutils=2.44-r0\n      - build-base=1-r8\n      - busybox=1.37.0-r5\n"));
  EXPECT_THAT(yaml, HasSubstr("  archs:\n    - arm64\n"));
  EXPECT_THAT(yaml, HasSubstr("make\n"));

  // Our own reader (melange lint <apk>) reads it back, and so does an independent one.
  auto back = config::parse_build_config(yaml, ".melange.yaml");
  ASSERT_TRUE(back) << back.error().message << "\n" << yaml;
  EXPECT_EQ(back->package.version, "2.10");
  EXPECT_EQ(back->package.epoch, 1u);
  EXPECT_EQ(back->environment.contents.packages,
            (std::vector<std::string>{"binutils=2.44-r0", "build-base=1-r8", "busybox=1.37.0-r5"}));
  bool build_user = false;
  for (const auto& u : back->environment.accounts.users) build_user |= u.username == "build" && u.uid == 1000;
  EXPECT_TRUE(build_user) << yaml;
  EXPECT_EQ(back->pipeline.size(), 2u);
  EXPECT_EQ(back->pipeline[1].runs, "make\nmake install\n");
  EXPECT_EQ(config::map_find(back->environment.environment, "HOME") != nullptr, true) << yaml;

  base::TempDir d = *base::TempDir::create("emit-yaml-");
  ASSERT_TRUE(base::write_file_atomic(d.path() / "m.yaml", yaml));
  int status = 0;
  std::string out = testutil::run_capture(
      "python3 -c 'import sys,yaml; c=yaml.safe_load(open(sys.argv[1])); "
      "print(c[\"package\"][\"version\"], c[\"environment\"][\"archs\"][0], len(c[\"pipeline\"]))' " +
          testutil::shell_quote((d.path() / "m.yaml").string()) + " 2>&1",
      &status);
  if (status == 0 || out.find("No module named") == std::string::npos) {
    EXPECT_EQ(status, 0) << out;
    EXPECT_EQ(out, "2.10 arm64 2\n");
  }
}

}  // namespace
}  // namespace melange
