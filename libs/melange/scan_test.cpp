// melange scan, rebuild's inputs and package comparison, on packages emitted the way a build
// emits them (compile + compiled_package_info + emit_package).
#include "melange/scan.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "apk/package.hpp"
#include "base/fs.hpp"
#include "melange/build_package.hpp"
#include "melange/compile.hpp"
#include "melange/emit.hpp"
#include "melange/package_diff.hpp"
#include "melange/rebuild.hpp"

namespace melange {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

const char* kConfig = R"(package:
  name: foo
  version: "1.0"
  epoch: 1
  description: the foo tool
  copyright:
    - license: MIT
  dependencies:
    runtime:
      - busybox
pipeline:
  - runs: |
      mkdir -p ${{targets.destdir}}/usr/bin
subpackages:
  - name: foo-dev
    pipeline:
      - runs: "true"
)";

class ScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = base::TempDir::create("scan-test-");
    ASSERT_TRUE(d);
    dir_.emplace(std::move(*d));
    put("melange-out/foo/usr/bin/foo", "#!/bin/sh\necho foo\n", 0755);
    put("melange-out/foo-dev/usr/lib/pkgconfig/foo.pc", "Name: foo\nVersion: 1.0\nRequires: zlib\n", 0644);
  }
  void put(const std::string& rel, const std::string& data, unsigned mode) {
    fs::path p = dir_->path() / rel;
    fs::create_directories(p.parent_path());
    ASSERT_TRUE(base::write_file_atomic(p, data, mode));
    ASSERT_EQ(::chmod(p.c_str(), mode), 0);
  }
  static config::BuildConfig parse(const std::string& yaml) {
    auto cfg = config::parse_build_config(yaml, "foo.yaml");
    EXPECT_TRUE(cfg) << cfg.error().message;
    return *cfg;
  }
  // Emits foo and foo-dev into <tmp>/<out>/x86_64 as `melange build` would (unsigned).
  std::vector<fs::path> emit_all(const std::string& out, long long sde = 0) {
    config::BuildConfig cfg = parse(kConfig);
    CompileOptions co;
    co.arch = *apk::parse_arch("x86_64");
    co.namespace_ = "wolfi";
    co.source_date_epoch = sde;
    auto b = compile(cfg, co);
    EXPECT_TRUE(b) << b.error().message;
    std::vector<fs::path> paths;
    std::vector<const CompiledPackage*> pkgs{&b->main, &b->subpackages.at(0)};
    for (const auto* p : pkgs) {
      EmitInput e;
      e.package_dir = dir_->path() / "melange-out" / p->name;
      auto info = compiled_package_info(*b, *p);
      EXPECT_TRUE(info);
      e.info = *info;
      for (const auto* q : pkgs)
        if (q != p) e.related_dirs.push_back(dir_->path() / "melange-out" / q->name);
      e.config_yaml = kConfig;
      sbom::PackageSbomInput s;
      s.namespace_ = "wolfi";
      s.config_path = "foo.yaml";
      e.sbom = s;
      e.out_dir = dir_->path() / out;
      auto r = emit_package(e);
      EXPECT_TRUE(r) << r.error().message;
      paths.push_back(r->path);
    }
    return paths;
  }
  static apk::Package load(const fs::path& p) {
    apk::PackageReadOptions ro;
    ro.signature = apk::SignaturePolicy::kIgnore;
    auto pkg = apk::Package::load(p, ro);
    EXPECT_TRUE(pkg) << pkg.error().message;
    return std::move(*pkg);
  }
  std::optional<base::TempDir> dir_;
};

TEST_F(ScanTest, RegeneratesTheSamePkginfoForAnUnchangedConfig) {
  auto paths = emit_all("out", 1700000000);
  apk::Package foo = load(paths[0]), dev = load(paths[1]);
  config::BuildConfig cfg = parse(kConfig);
  ScanInput in;
  in.config = &cfg;
  in.packages = {&foo, &dev};
  in.namespace_ = "wolfi";
  auto r = scan_packages(in);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].name, "foo-dev");  // melange's order: subpackages, then the main package
  EXPECT_EQ((*r)[1].name, "foo");
  EXPECT_EQ((*r)[1].old_label, "foo-1.0-r1.apk");
  for (const auto& x : *r) {
    EXPECT_EQ(x.new_pkginfo, x.old_pkginfo) << x.name;
    EXPECT_EQ(scan_diff(x, "foo.yaml", false), "");
  }
  EXPECT_THAT((*r)[1].new_pkginfo, HasSubstr("provides = cmd:foo=1.0-r1\n"));
  EXPECT_THAT((*r)[0].new_pkginfo, HasSubstr("depend = pc:zlib\n"));
  EXPECT_THAT((*r)[1].new_pkginfo, HasSubstr("builddate = 1700000000\n"));

  in.scan = {"foo"};
  auto only = scan_packages(in);
  ASSERT_TRUE(only);
  ASSERT_EQ(only->size(), 1u);
  EXPECT_EQ((*only)[0].name, "foo");
}

TEST_F(ScanTest, ShowsHowAChangedConfigChangesPkginfo) {
  auto paths = emit_all("out");
  apk::Package foo = load(paths[0]);
  std::string changed = kConfig;
  changed.replace(changed.find("      - busybox\n"), 16, "      - busybox\n      - bar\n");
  changed.replace(changed.find("the foo tool"), 12, "the new foo");
  config::BuildConfig cfg = parse(changed);
  ScanInput in;
  in.config = &cfg;
  in.packages = {&foo};
  auto r = scan_packages(in);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  std::string d = scan_diff((*r)[0], "foo.yaml", false);
  EXPECT_THAT(d, HasSubstr("diff foo-1.0-r1.apk foo.yaml\n--- foo-1.0-r1.apk\n+++ foo.yaml\n@@ "));
  EXPECT_THAT(d, HasSubstr("\n-pkgdesc = the foo tool\n+pkgdesc = the new foo\n"));
  EXPECT_THAT(d, HasSubstr("\n+depend = bar\n"));
  EXPECT_THAT(d, Not(HasSubstr("# Generated")));
  // maintainer follows --namespace ("unknown" by default).
  EXPECT_THAT(d, HasSubstr("\n-maintainer = wolfi\n+maintainer = unknown\n"));
}

TEST_F(ScanTest, RefusesAPackageTheConfigDoesNotBuild) {
  auto paths = emit_all("out");
  apk::Package foo = load(paths[0]);
  config::BuildConfig cfg = parse(std::string(kConfig).replace(std::string(kConfig).find("name: foo\n"), 10, "name: bar\n"));
  ScanInput in;
  in.config = &cfg;
  in.packages = {&foo};
  auto r = scan_packages(in);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("package \"foo\" is not built by foo.yaml"));
}

TEST_F(ScanTest, RebuildSourceReadsWhatThePackageRecords) {
  auto paths = emit_all("out", 1234);
  apk::Package foo = load(paths[0]);
  auto src = rebuild_source(foo);
  ASSERT_TRUE(src) << src.error().message;
  EXPECT_EQ(src->config_yaml, kConfig);
  EXPECT_EQ(src->config_name, "foo.yaml");
  EXPECT_EQ(src->namespace_, "wolfi");
  EXPECT_EQ(src->build_date, 1234);
  EXPECT_EQ(src->arch, "x86_64");
  EXPECT_EQ(src->origin, "foo");
  EXPECT_EQ(src->version, "1.0-r1");
}

TEST_F(ScanTest, RebuildSourceNeedsTheEmbeddedConfig) {
  EmitInput e;
  e.package_dir = dir_->path() / "melange-out/foo";
  e.info.name = "foo";
  e.info.version = "1.0-r1";
  e.info.arch = "x86_64";
  e.out_dir = dir_->path() / "bare";
  auto r = emit_package(e);
  ASSERT_TRUE(r);
  apk::Package pkg = load(r->path);
  auto src = rebuild_source(pkg);
  ASSERT_FALSE(src);
  EXPECT_THAT(src.error().message, HasSubstr("no .melange.yaml in the package"));
}

TEST_F(ScanTest, PackageDiffNamesChangedEntries) {
  auto a = emit_all("a");
  auto b = emit_all("b");
  auto ba = base::read_file(a[0]), bb = base::read_file(b[0]);
  ASSERT_TRUE(ba && bb);
  auto same = diff_packages(*ba, "a", *bb, "b");
  ASSERT_TRUE(same);
  EXPECT_TRUE(same->identical());
  EXPECT_TRUE(same->lines.empty());

  put("melange-out/foo/usr/bin/foo", "#!/bin/sh\necho changed\n", 0755);
  put("melange-out/foo/usr/share/foo/new", "x\n", 0644);
  auto c = emit_all("c", 99);
  auto bc = base::read_file(c[0]);
  ASSERT_TRUE(bc);
  auto d = diff_packages(*ba, "a", *bc, "c");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_FALSE(d->identical());
  std::string all;
  for (const auto& l : d->lines) all += l + "\n";
  EXPECT_THAT(all, HasSubstr("changed: usr/bin/foo: digests "));
  EXPECT_THAT(all, HasSubstr("added: usr/share/foo/new\n"));
  EXPECT_THAT(all, HasSubstr("changed: .PKGINFO: digests "));
  EXPECT_THAT(all, HasSubstr("\n+builddate = 99\n"));
  EXPECT_THAT(all, HasSubstr("changed: usr/bin/foo: mtime 0 -> 99"));
  EXPECT_EQ(d->lines.back(), "APK digest diff: " + d->old_sha256 + " -> " + d->new_sha256);
}

TEST_F(ScanTest, UnpackRefusesNothingValidAndKeepsModes) {
  auto paths = emit_all("out");
  apk::Package foo = load(paths[0]);
  fs::path dir = dir_->path() / "unpacked";
  fs::create_directories(dir);
  ASSERT_TRUE(unpack_package(foo, dir));
  struct stat st {};
  ASSERT_EQ(::stat((dir / "usr/bin/foo").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
  EXPECT_TRUE(fs::exists(dir / "var/lib/db/sbom/foo-1.0-r1.spdx.json"));
}

}  // namespace
}  // namespace melange
