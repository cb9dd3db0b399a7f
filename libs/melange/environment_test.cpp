#include "melange/environment.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include "apk/data_tar.hpp"
#include "apk/index_archive.hpp"
#include "apk/package_writer.hpp"
#include "apko/accounts.hpp"
#include "base/fs.hpp"
#include "rootfs/id_file.hpp"

namespace melange {
namespace {

namespace fs = std::filesystem;

struct Pkg {
  std::string name;
  std::vector<std::string> depends;
  std::map<std::string, std::string> files;  // relative path -> content
};

// An unsigned local repository <dir>/x86_64 with the packages (installed with
// ignore_signatures: the signature path is apko's and tested there).
void write_repo(const fs::path& dir, const std::vector<Pkg>& pkgs) {
  fs::create_directories(dir / "x86_64");
  std::vector<apk::PackageInfo> infos;
  for (const auto& p : pkgs) {
    auto stage = base::TempDir::create("melange-env-pkg-");
    ASSERT_TRUE(stage);
    for (const auto& [rel, content] : p.files) {
      fs::create_directories((stage->path() / rel).parent_path());
      ASSERT_TRUE(base::write_file_atomic(stage->path() / rel, content, 0755));
    }
    auto data = apk::build_data_tar(stage->path(), apk::DataTarOptions{});
    ASSERT_TRUE(data) << data.error().message;
    apk::PackageInfo info;
    info.name = p.name;
    info.version = "1.0-r0";
    info.arch = "x86_64";
    info.description = p.name;
    info.license = "MIT";
    info.origin = p.name;
    info.depends = p.depends;
    info.installed_size = data->installed_size;
    auto pkg = apk::assemble_package(info, {}, data->tar, 0, nullptr);
    ASSERT_TRUE(pkg) << pkg.error().message;
    ASSERT_TRUE(base::write_file_atomic(dir / "x86_64" / (p.name + "-1.0-r0.apk"), pkg->bytes));
    infos.push_back(pkg->info);
  }
  auto index = apk::write_index_archive(infos, "melange environment test", nullptr, 0);
  ASSERT_TRUE(index) << index.error().message;
  ASSERT_TRUE(base::write_file_atomic(dir / "x86_64" / "APKINDEX.tar.gz", *index));
}

class EnvironmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = std::make_unique<base::TempDir>(base::TempDir::create("melange-env-test-").value());
    write_repo(repo(), {{"shell", {}, {{"bin/sh", "#!fake shell\n"}, {"etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"}}},
                        {"tool", {"shell"}, {{"usr/bin/tool", "tool\n"}}},
                        {"nosh", {}, {{"usr/bin/nosh", "x\n"}}},
                        // Wolfi's busybox: the binary and its applet list, no links of its own.
                        {"busybox", {}, {{"usr/bin/busybox", "#!busybox\n"},
                                         {"etc/busybox-paths.d/busybox", "bin/sh\nusr/bin/unzip\nusr/bin/awk\n"}}},
                        {"unzip", {}, {{"usr/bin/unzip", "real unzip\n"}}}});
    write_repo(extra(), {{"extra", {}, {{"usr/share/extra", "e\n"}}}});
    opts_.ignore_signatures = true;
    opts_.what = "demo build environment";
    arch_ = apk::parse_arch("x86_64").value();
  }
  fs::path repo() const { return tmp_->path() / "repo"; }
  fs::path extra() const { return tmp_->path() / "extra"; }

  std::unique_ptr<base::TempDir> tmp_;
  EnvironmentOptions opts_;
  apk::Arch arch_;
};

TEST_F(EnvironmentTest, AssemblesThroughApkoWithMelangeMountPoints) {
  config::ImageConfig cfg;
  cfg.contents.repositories = {repo().string()};
  cfg.contents.build_repositories = {extra().string()};
  cfg.contents.packages = {"tool"};
  cfg.accounts.users.push_back(config::User{"build", 1000, 1000, "", "/home/build", 0});
  cfg.accounts.groups.push_back(config::Group{"build", 1000, {"build"}, 0});
  cfg.accounts.run_as = "build";
  opts_.package_append = {"extra"};
  auto env = assemble_environment(cfg, arch_, opts_);
  ASSERT_TRUE(env) << env.error().to_string();

  std::vector<std::string> names;
  for (const auto& p : env->installed) names.push_back(p.info.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"extra", "shell", "tool"}));
  // apko's part: apk database, world, every repository recorded, accounts (after the packages).
  EXPECT_TRUE(env->tree.exists("usr/lib/apk/db/installed"));
  EXPECT_EQ(*env->tree.read_file("etc/apk/world"), "extra\ntool\n");
  std::string repos = *env->tree.read_file("etc/apk/repositories");
  EXPECT_NE(repos.find(repo().string()), std::string::npos) << repos;
  EXPECT_NE(repos.find(extra().string()), std::string::npos) << repos;
  std::string passwd = *env->tree.read_file("etc/passwd");
  EXPECT_EQ(passwd.rfind("root:x:0:0:root:/root:/bin/sh\n", 0), 0u) << passwd;
  EXPECT_NE(passwd.find("build:x:1000:1000:"), std::string::npos) << passwd;
  // melange's part.
  EXPECT_EQ(env->run_uid, 1000u);
  EXPECT_EQ(env->run_gid, 1000u);
  EXPECT_EQ(env->user_names.at(0), "root");
  EXPECT_EQ(env->user_names.at(1000), "build");
  EXPECT_EQ(env->group_names.at(1000), "build");
  for (const char* d : {"home/build", "var/cache/melange", "tmp", "dev", "proc", "sys"}) {
    auto n = env->tree.lookup(d, rootfs::Follow::kFollow);
    ASSERT_TRUE(n) << d;
    EXPECT_TRUE((*n)->is_dir()) << d;
  }
  EXPECT_EQ((*env->tree.lookup("home/build"))->meta.mode & 07777, 0755u);
  EXPECT_EQ((*env->tree.lookup("home/build"))->meta.uid, 1000u);
  EXPECT_TRUE(env->tree.exists("etc/resolv.conf"));

  auto dir = materialize_environment(*env, tmp_->path(), "guest-");
  ASSERT_TRUE(dir) << dir.error().to_string();
  EXPECT_EQ(dir->path().parent_path(), tmp_->path());
  EXPECT_EQ(*base::read_file(dir->path() / "usr/bin/tool"), "tool\n");
  struct stat st{};
  ASSERT_EQ(::stat(dir->path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
}

TEST_F(EnvironmentTest, BusyboxAppletLinksWhereNoPackageHasTheFile) {
  config::ImageConfig cfg;
  cfg.contents.repositories = {repo().string()};
  cfg.contents.packages = {"busybox", "unzip"};
  auto env = assemble_environment(cfg, arch_, opts_);
  ASSERT_TRUE(env) << env.error().to_string();
  for (const char* p : {"bin/sh", "usr/bin/awk"}) {  // bin/sh: so that steps have a shell
    auto n = env->tree.lookup(p, rootfs::Follow::kNoFollow);
    ASSERT_TRUE(n) << p;
    EXPECT_EQ((*n)->type, rootfs::NodeType::kSymlink) << p;
    EXPECT_EQ((*n)->link, "/usr/bin/busybox") << p;
  }
  EXPECT_EQ(*env->tree.read_file("usr/bin/unzip"), "real unzip\n");  // the package's file stays
}

TEST_F(EnvironmentTest, NoShellIsOneLineNamingThePackages) {
  config::ImageConfig cfg;
  cfg.contents.repositories = {repo().string()};
  cfg.contents.packages = {"nosh"};
  auto env = assemble_environment(cfg, arch_, opts_);
  ASSERT_FALSE(env);
  EXPECT_EQ(env.error().message.rfind("demo build environment: no /bin/sh", 0), 0u) << env.error().message;
  EXPECT_NE(env.error().message.find("nosh"), std::string::npos);
  EXPECT_EQ(env.error().message.find('\n'), std::string::npos);
}

TEST_F(EnvironmentTest, ErrorsNameTheEnvironmentOnce) {
  config::ImageConfig cfg;
  cfg.contents.packages = {"tool"};
  auto none = assemble_environment(cfg, arch_, opts_);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "demo build environment: no repositories to install from");
  EXPECT_NE(none.error().hint.find("environment.contents.repositories"), std::string::npos) << none.error().hint;

  cfg.contents.repositories = {repo().string()};
  cfg.contents.packages = {"does-not-exist"};
  auto missing = assemble_environment(cfg, arch_, opts_);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message.rfind("demo build environment: ", 0), 0u) << missing.error().message;
  EXPECT_EQ(missing.error().message.find("demo build environment: ", 1), std::string::npos) << missing.error().message;
  EXPECT_NE(missing.error().message.find("does-not-exist"), std::string::npos) << missing.error().message;

  cfg.contents.packages = {"tool"};
  cfg.accounts.run_as = "nobody-here";
  auto run_as = assemble_environment(cfg, arch_, opts_);
  ASSERT_FALSE(run_as);
  EXPECT_NE(run_as.error().message.find("nobody-here"), std::string::npos);
}

TEST(Environment, RunAsAndNames) {
  rootfs::Tree tree;
  ASSERT_TRUE(tree.mkdir("etc", {0755, 0, 0, 0, {}}));
  ASSERT_TRUE(tree.write_file("etc/passwd", rootfs::Content::own("root:x:0:0:root:/root:/bin/sh\nbuild:x:5:5::/x:/bin/sh\n"),
                              {0644, 0, 0, 0, {}}));
  config::Accounts acc;
  acc.users.push_back(config::User{"build", 1000, 1000, "", "/home/build", 0});
  acc.users.push_back(config::User{"svc", 200, std::nullopt, "/bin/false", "", 0});
  acc.groups.push_back(config::Group{"build", 1000, {"build"}, 0});
  ASSERT_TRUE(apko::write_accounts(tree, acc));

  EXPECT_EQ(*resolve_run_as(tree, ""), (std::pair<uint32_t, uint32_t>{0, 0}));
  EXPECT_EQ(*resolve_run_as(tree, "build"), (std::pair<uint32_t, uint32_t>{1000, 1000}));
  EXPECT_EQ(*resolve_run_as(tree, "svc:build"), (std::pair<uint32_t, uint32_t>{200, 1000}));
  EXPECT_EQ(*resolve_run_as(tree, "65532"), (std::pair<uint32_t, uint32_t>{65532, 65532}));
  auto bad = resolve_run_as(tree, "nobody-here");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("nobody-here"), std::string::npos);

  auto names = rootfs::id_names(tree, "etc/passwd");
  EXPECT_EQ(names[0], "root");
  EXPECT_EQ(names[1000], "build");
  EXPECT_EQ(names[200], "svc");
  EXPECT_EQ(names.count(5), 0u);
}

}  // namespace
}  // namespace melange
