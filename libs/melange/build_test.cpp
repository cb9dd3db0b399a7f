// Unit tests of the build orchestration helpers (the whole flow is covered by
// tests/e2e/melange_*.sh, which need bubblewrap and the bootstrap repository).
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "base/fs.hpp"
#include "melange/build.hpp"
#include "melange/build_package.hpp"
#include "melange/build_workspace.hpp"
#include "melange/runner_glue.hpp"

namespace fs = std::filesystem;

namespace melange {
namespace {

TEST(BuildDate, Rfc3339) {
  EXPECT_EQ(*parse_rfc3339(""), 0);
  EXPECT_EQ(*parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*parse_rfc3339("2023-11-14T22:13:20Z"), 1700000000);  // date -d @1700000000 -u
  EXPECT_EQ(*parse_rfc3339("2023-11-14T23:13:20+01:00"), 1700000000);
  EXPECT_EQ(*parse_rfc3339("2023-11-14T22:13:20.123Z"), 1700000000);
  EXPECT_FALSE(parse_rfc3339("2023-11-14"));
  EXPECT_FALSE(parse_rfc3339("yesterday"));
  EXPECT_FALSE(parse_rfc3339("2023-11-14T22:13:20"));  // no zone
}

TEST(Workspace, IgnorePatterns) {
  auto p = parse_ignore_file("# comment\n\n*.log\nbuild/\n/secret.txt\nsub/x\n");
  ASSERT_EQ(p.size(), 4u);
  EXPECT_TRUE(ignored(p, "a.log", false));
  EXPECT_TRUE(ignored(p, "deep/dir/a.log", false));
  EXPECT_TRUE(ignored(p, "build", true));
  EXPECT_FALSE(ignored(p, "build", false));  // "build/" only matches directories
  EXPECT_TRUE(ignored(p, "secret.txt", false));
  EXPECT_TRUE(ignored(p, "sub/x", false));
  EXPECT_FALSE(ignored(p, "other/sub/x", false));
  EXPECT_FALSE(ignored(p, "a.txt", false));
}

TEST(Workspace, CopiesFilesWithModesSkipsSymlinksIgnoredAndExcluded) {
  auto tmp = base::TempDir::create("ws-test-");
  ASSERT_TRUE(tmp);
  fs::path src = tmp->path() / "src", ws = tmp->path() / "ws";
  fs::create_directories(src / "d" / "e");
  fs::create_directories(src / "packages");
  fs::create_directories(src / ".packages.staging-Ab12Cd" / "x86_64");  // another build's staging
  std::ofstream(src / ".packages.staging-Ab12Cd" / "x86_64" / "APKINDEX.tar.gz") << "x";
  std::ofstream(src / "a.sh") << "#!/bin/sh\n";
  ::chmod((src / "a.sh").c_str(), 0750);
  std::ofstream(src / "d" / "e" / "f.txt") << "f";
  std::ofstream(src / "skip.log") << "x";
  std::ofstream(src / "packages" / "old.apk") << "x";
  std::ofstream(src / ".melangeignore") << "*.log\n";
  fs::create_symlink("a.sh", src / "link");
  WorkspaceSpec spec;
  spec.dir = ws;
  spec.source_dir = src;
  spec.exclude = {src / "packages"};
  spec.packages = {"p", "p-dev"};
  ASSERT_TRUE(prepare_workspace(spec)) << "prepare";
  EXPECT_TRUE(fs::is_regular_file(ws / "a.sh"));
  struct stat st {};
  ASSERT_EQ(::stat((ws / "a.sh").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0750u);
  EXPECT_EQ(*base::read_file(ws / "d" / "e" / "f.txt"), "f");
  EXPECT_FALSE(fs::exists(ws / "skip.log"));
  EXPECT_FALSE(fs::exists(fs::symlink_status(ws / "link")));
  EXPECT_FALSE(fs::exists(ws / "packages"));
  EXPECT_FALSE(fs::exists(ws / ".packages.staging-Ab12Cd"));
  EXPECT_TRUE(fs::is_directory(ws / "melange-out" / "p"));
  EXPECT_TRUE(fs::is_directory(ws / "melange-out" / "p-dev"));

  WorkspaceSpec empty = spec;
  empty.dir = tmp->path() / "ws2";
  empty.source = WorkspaceSource::kEmpty;
  ASSERT_TRUE(prepare_workspace(empty));
  EXPECT_FALSE(fs::exists(empty.dir / "a.sh"));
  EXPECT_TRUE(fs::is_directory(empty.dir / "melange-out" / "p"));

  WorkspaceSpec missing = spec;
  missing.source_dir = tmp->path() / "nope";
  auto r = prepare_workspace(missing);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("nope"), std::string::npos);
}

TEST(RunnerGlue, StepFailureIsOneLine) {
  CompiledStep st;
  st.name = "autoconf/make";
  st.location = config::Location{"hello.yaml", 21};
  auto e = step_failure("hello", st, 2);
  EXPECT_EQ(e.message, "hello: step \"autoconf/make\" (hello.yaml:21) failed with exit code 2");
  EXPECT_EQ(e.code, base::ErrorCode::kSandbox);
  EXPECT_EQ(step_failure("hello", st, 137).message, "hello: step \"autoconf/make\" (hello.yaml:21) was killed by signal 9");
  st.uses = "autoconf/make";
  st.location = config::Location{"<builtin>/autoconf/make.yaml", 9};
  st.uses_location = config::Location{"hello.yaml", 21};
  EXPECT_EQ(step_failure("hello", st, 2).message,
            "hello: step \"autoconf/make\" (hello.yaml:21, autoconf/make at <builtin>/autoconf/make.yaml:9) failed with "
            "exit code 2");
  auto env = env_map({{"A", "1"}, {"A", "2"}});
  EXPECT_EQ(env["A"], "2");
  EXPECT_EQ(env["PATH"], std::string(kDefaultPath));
  EXPECT_EQ(env_map({{"PATH", "/x"}})["PATH"], "/x");
}

TEST(BuildPackage, InfoOfCompiledPackages) {
  CompiledBuild b;
  b.name = "hello";
  b.full_version = "2.10-r3";
  b.arch = *apk::parse_arch("x86_64");
  b.namespace_ = "wolfi";
  b.source_date_epoch = 42;
  b.main.name = "hello";
  b.main.url = "https://example.com";
  b.main.copyright = {config::Copyright{"MIT", {}, "", "", ""}, config::Copyright{"BSD-2-Clause", {}, "", "", ""}};
  CompiledPackage sub;
  sub.name = "hello-dev";
  sub.dependencies.runtime = {"hello"};
  sub.dependencies.provider_priority = "10";
  auto info = compiled_package_info(b, sub);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->name, "hello-dev");
  EXPECT_EQ(info->version, "2.10-r3");
  EXPECT_EQ(info->arch, "x86_64");
  EXPECT_EQ(info->origin, "hello");
  EXPECT_EQ(info->url, "https://example.com");
  EXPECT_EQ(info->license, "MIT AND BSD-2-Clause");
  EXPECT_EQ(info->maintainer, "wolfi");
  EXPECT_EQ(info->build_time, 42);
  EXPECT_EQ(info->depends, std::vector<std::string>{"hello"});
  EXPECT_EQ(info->provider_priority, 10);
  sub.dependencies.provider_priority = "high";
  EXPECT_FALSE(compiled_package_info(b, sub));
}

}  // namespace
}  // namespace melange
