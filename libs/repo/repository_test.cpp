#include "repo/repository.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/fs.hpp"
#include "repo/keyring_loader.hpp"
#include "repo/test_repo.hpp"
#include "solver/solver.hpp"

namespace repo {
namespace {

namespace fs = std::filesystem;
using testing::TestPkg;
using testing::test_keyring;
using testing::write_repo;

apk::Arch x86() { return apk::parse_arch("x86_64").value(); }

std::vector<apk::Dependency> world_of(const std::vector<std::string>& names) {
  std::vector<apk::Dependency> w;
  for (const auto& n : names) w.push_back(apk::parse_dependency(n).value());
  return w;
}

std::vector<std::string> nevrs(const RepositorySet& set, const solver::Solution& s) {
  std::vector<std::string> out;
  for (size_t id : s.packages) out.push_back(set.universe().package(id).nevr());
  std::sort(out.begin(), out.end());
  return out;
}

class Repository : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = base::TempDir::create("ma-repo-test-");
    ASSERT_TRUE(d);
    dir_ = std::make_unique<base::TempDir>(std::move(*d));
  }
  fs::path path(const std::string& rel) const { return dir_->path() / rel; }
  RepoSpec spec(const std::string& line) const { return RepoSpec::parse(line, dir_->path()).value(); }
  std::unique_ptr<base::TempDir> dir_;
};

TEST_F(Repository, OpenSolveAndFetch) {
  write_repo(path("main"), "x86_64",
             {{"app", "1.0-r0", {"libfoo>=2", "cmd:sh"}}, {"libfoo", "2.1-r0"}, {"libfoo", "1.0-r0"},
              {"shell", "5.0-r0", {}, {"cmd:sh=5.0-r0"}}, {"unrelated", "1.0-r0"}});
  auto keys = test_keyring();
  auto set = RepositorySet::open({spec("./main/")}, keys, x86(), Options{});
  ASSERT_TRUE(set) << set.error().to_string();
  EXPECT_EQ(set->universe().size(), 5u);
  EXPECT_EQ(set->index(0).trusted_by, "test.rsa.pub");

  auto sol = solver::solve(set->universe(), world_of({"app"}));
  ASSERT_TRUE(sol) << sol.error().message;
  EXPECT_EQ(nevrs(*set, *sol), (std::vector<std::string>{"app-1.0-r0", "libfoo-2.1-r0", "shell-5.0-r0"}));
  for (size_t id : sol->packages) {
    std::string url = set->package_url(id);
    const auto& info = set->universe().package(id);
    EXPECT_EQ(url, path("main").string() + "/x86_64/" + info.nevr() + ".apk");
    auto pkg = set->fetch_package(id);
    ASSERT_TRUE(pkg) << pkg.error().message;
    EXPECT_EQ(pkg->info().name, info.name);
    EXPECT_EQ(pkg->info().checksum, info.checksum);
    EXPECT_EQ(pkg->trusted_by(), "test.rsa.pub");
  }
  // Local repositories need no cache and prefetch has nothing to do.
  EXPECT_TRUE(set->prefetch(sol->packages, 2));
}

TEST_F(Repository, TamperedPackageRejected) {
  write_repo(path("r"), "x86_64", {{"app"}});
  auto keys = test_keyring();
  auto set = RepositorySet::open({spec("r")}, keys, x86(), Options{});
  ASSERT_TRUE(set) << set.error().message;
  // Replace the file with a validly signed build of the same name-version but other content.
  std::string other = testing::build_package({"app", "1.0-r0", {}, {}, "changed\n"}, "x86_64", 0, "test.rsa.pub");
  ASSERT_TRUE(base::write_file_atomic(path("r/x86_64/app-1.0-r0.apk"), other));
  auto pkg = set->fetch_package(0);
  ASSERT_FALSE(pkg);
  EXPECT_EQ(pkg.error().code, base::ErrorCode::kSignature);
  EXPECT_NE(pkg.error().message.find(set->package_url(0)), std::string::npos) << pkg.error().message;
  EXPECT_NE(pkg.error().message.find("checksum"), std::string::npos) << pkg.error().message;
  EXPECT_EQ(pkg.error().to_string().find('\n'), std::string::npos);
}

TEST_F(Repository, UntrustedIndexRejected) {
  write_repo(path("r"), "x86_64", {{"app"}});
  auto wrong = test_keyring("test.rsa.pub", 1);  // right name, other key
  auto set = RepositorySet::open({spec("r")}, wrong, x86(), Options{});
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().code, base::ErrorCode::kSignature);
  EXPECT_NE(set.error().message.find(path("r/x86_64/APKINDEX.tar.gz").string()), std::string::npos)
      << set.error().message;

  apk::Keyring empty;
  auto none = RepositorySet::open({spec("r")}, empty, x86(), Options{});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, base::ErrorCode::kSignature);
}

TEST_F(Repository, UnsignedIndexRejectedUnlessIgnored) {
  write_repo(path("r"), "x86_64", {{"app"}}, "test.rsa.pub", /*index_key=*/-1, /*package_key=*/-1);
  auto keys = test_keyring();
  auto set = RepositorySet::open({spec("r")}, keys, x86(), Options{});
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().code, base::ErrorCode::kSignature);
  Options o;
  o.ignore_signatures = true;
  auto ok = RepositorySet::open({spec("r")}, keys, x86(), o);
  ASSERT_TRUE(ok) << ok.error().message;
  auto pkg = ok->fetch_package(0);
  ASSERT_TRUE(pkg) << pkg.error().message;
}

TEST_F(Repository, PackageSignatureIsChecked) {
  // Index signed by the trusted key, packages by an unknown one (same name, other key).
  write_repo(path("r"), "x86_64", {{"app"}}, "test.rsa.pub", /*index_key=*/0, /*package_key=*/1);
  auto keys = test_keyring();
  auto set = RepositorySet::open({spec("r")}, keys, x86(), Options{});
  ASSERT_TRUE(set) << set.error().message;
  auto pkg = set->fetch_package(0);
  ASSERT_FALSE(pkg);
  EXPECT_EQ(pkg.error().code, base::ErrorCode::kSignature);
  EXPECT_NE(pkg.error().message.find(set->package_url(0)), std::string::npos) << pkg.error().message;

  // ignore_signatures skips both checks; the checksum against the index still holds.
  Options o;
  o.ignore_signatures = true;
  apk::Keyring empty;
  auto loose = RepositorySet::open({spec("r")}, empty, x86(), o);
  ASSERT_TRUE(loose) << loose.error().message;
  auto p2 = loose->fetch_package(0);
  ASSERT_TRUE(p2) << p2.error().message;
  EXPECT_EQ(p2->trusted_by(), "");
  std::string other = testing::build_package({"app", "1.0-r0", {}, {}, "evil\n"}, "x86_64", -1, "");
  ASSERT_TRUE(base::write_file_atomic(path("r/x86_64/app-1.0-r0.apk"), other));
  EXPECT_FALSE(loose->fetch_package(0));
}

TEST_F(Repository, TaggedRepositoryOnlyOnRequest) {
  write_repo(path("main"), "x86_64", {{"hello", "1.0-r0"}});
  write_repo(path("local"), "x86_64", {{"hello", "2.0-r0"}, {"only-local", "1.0-r0", {"hello"}}});
  auto keys = test_keyring();
  auto set = RepositorySet::open({spec("./main"), spec("@local ./local")}, keys, x86(), Options{});
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->universe().repository(1).tag, "local");

  auto plain = solver::solve(set->universe(), world_of({"hello"}));
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(nevrs(*set, *plain), std::vector<std::string>{"hello-1.0-r0"});

  auto tagged = solver::solve(set->universe(), world_of({"hello@local"}));
  ASSERT_TRUE(tagged) << tagged.error().message;
  EXPECT_EQ(nevrs(*set, *tagged), std::vector<std::string>{"hello-2.0-r0"});
  EXPECT_EQ(set->package_url(tagged->packages[0]), path("local").string() + "/x86_64/hello-2.0-r0.apk");

  EXPECT_FALSE(solver::solve(set->universe(), world_of({"only-local"})));
  auto ol = solver::solve(set->universe(), world_of({"only-local@local"}));
  ASSERT_TRUE(ol) << ol.error().message;
  for (size_t id : ol->packages) ASSERT_TRUE(set->fetch_package(id)) << set->package_url(id);
}

TEST_F(Repository, EarlierRepositoryWinsATie) {
  write_repo(path("a"), "x86_64", {{"same", "1.0-r0", {}, {}, "from a\n"}});
  write_repo(path("b"), "x86_64", {{"same", "1.0-r0", {}, {}, "from b\n"}});
  auto keys = test_keyring();
  for (auto order : {std::vector<std::string>{"a", "b"}, std::vector<std::string>{"b", "a"}}) {
    auto set = RepositorySet::open({spec(order[0]), spec(order[1]), spec(order[0])}, keys, x86(), Options{});
    ASSERT_TRUE(set) << set.error().message;
    EXPECT_EQ(set->repository_count(), 2u);  // the duplicate is dropped
    auto sol = solver::solve(set->universe(), world_of({"same"}));
    ASSERT_TRUE(sol) << sol.error().message;
    ASSERT_EQ(sol->packages.size(), 1u);
    EXPECT_EQ(set->universe().repository_of(sol->packages[0]), 0u);
    EXPECT_EQ(set->package_url(sol->packages[0]), path(order[0]).string() + "/x86_64/same-1.0-r0.apk");
  }
}

// As the original tools: a local repository without an index for the architecture, or not
// there at all (wolfi-dev/os appends ./packages before its first build), is skipped with a
// warning; a remote one answering 404 stays an error (HttpRepository.RemoteMissingIndexIsAnErrorNamingTheUrl).
TEST_F(Repository, LocalRepositoryWithoutTheArchIndexIsEmpty) {
  write_repo(path("r"), "aarch64", {{"app"}});
  write_repo(path("base"), "x86_64", {{"app"}});
  auto keys = test_keyring();
  auto set = RepositorySet::open({spec("r"), spec("base")}, keys, x86(), Options{});
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->repository_count(), 2u);
  auto sol = solver::solve(set->universe(), world_of({"app"}));
  ASSERT_TRUE(sol) << sol.error().message;
  EXPECT_EQ(set->package_url(sol->packages[0]), path("base").string() + "/x86_64/app-1.0-r0.apk");
  auto aarch64 = RepositorySet::open({spec("r")}, keys, apk::parse_arch("arm64").value(), Options{});
  ASSERT_TRUE(aarch64) << aarch64.error().message;
  EXPECT_EQ(aarch64->universe().size(), 1u);
}

TEST_F(Repository, LocalDirectoryWithoutAnyIndexIsEmpty) {
  write_repo(path("base"), "x86_64", {{"app"}});
  fs::create_directories(path("out"));
  auto keys = test_keyring();
  auto set = RepositorySet::open({spec("out"), spec("base")}, keys, x86(), Options{});
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->repository_count(), 2u);
  auto sol = solver::solve(set->universe(), world_of({"app"}));
  ASSERT_TRUE(sol) << sol.error().message;
  auto missing = RepositorySet::open({spec("nonexistent"), spec("base")}, keys, x86(), Options{});
  ASSERT_TRUE(missing) << missing.error().message;  // not there yet: empty too
  EXPECT_EQ(missing->repository_count(), 2u);
}

TEST_F(Repository, MirrorToLocalDirectory) {
  write_repo(path("mirror/os"), "x86_64", {{"app", "1.0-r0", {"dep"}}, {"dep", "3.0-r1"}}, "wolfi-signing.rsa.pub");
  // The key is served under another file name; its name comes from the original URL.
  fs::create_directories(path("keys"));
  ASSERT_TRUE(base::write_file_atomic(path("keys/renamed.pem"), testing::test_key(0).public_pem));
  Options o;
  o.offline = true;  // proves nothing goes to the network
  o.mirrors = Mirrors::parse({"https://packages.example.invalid/os=" + path("mirror/os").string(),
                              "https://packages.example.invalid/os/wolfi-signing.rsa.pub=" +
                                  path("keys/renamed.pem").string()})
                  .value();
  auto keys = load_keyring({"https://packages.example.invalid/os/wolfi-signing.rsa.pub"}, o);
  ASSERT_TRUE(keys) << keys.error().message;
  auto set = RepositorySet::open({spec("https://packages.example.invalid/os/")}, *keys, x86(), o);
  ASSERT_TRUE(set) << set.error().message;
  auto sol = solver::solve(set->universe(), world_of({"app"}));
  ASSERT_TRUE(sol) << sol.error().message;
  ASSERT_EQ(sol->packages.size(), 2u);
  for (size_t id : sol->packages) {
    EXPECT_EQ(set->package_url(id).rfind("https://packages.example.invalid/os/x86_64/", 0), 0u);
    auto pkg = set->fetch_package(id);
    ASSERT_TRUE(pkg) << pkg.error().message;
    EXPECT_EQ(pkg->trusted_by(), "wolfi-signing.rsa.pub");
  }
  // Errors show both the original URL and where it was mirrored to.
  fs::remove(path("mirror/os/x86_64/dep-3.0-r1.apk"));
  size_t dep = set->universe().package(sol->packages[0]).name == "dep" ? sol->packages[0] : sol->packages[1];
  auto missing = set->fetch_package(dep);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, base::ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("https://packages.example.invalid/os/x86_64/dep-3.0-r1.apk (mirror " +
                                         path("mirror/os/x86_64/dep-3.0-r1.apk").string()),
            std::string::npos)
      << missing.error().message;
}

TEST_F(Repository, OfflineRemoteWithoutCacheFails) {
  Options o;
  o.offline = true;
  o.cache_dir = path("cache");
  auto keys = test_keyring();
  auto set = RepositorySet::open({spec("https://u:hunter2@packages.example.invalid/os")}, keys, x86(), o);
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().message,
            "offline and no cached index for https://packages.example.invalid/os/x86_64/APKINDEX.tar.gz");
}

}  // namespace
}  // namespace repo
