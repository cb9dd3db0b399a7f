// The apko CLI test repository (tests/data): signed by melange.rsa.pub, x86_64 and aarch64.
#include <gtest/gtest.h>

#include "repo/keyring_loader.hpp"
#include "repo/repository.hpp"
#include "solver/solver.hpp"
#include "testutil/testutil.hpp"

namespace repo {
namespace {

TEST(FixtureRepository, OpensAndSolvesReplayout) {
  auto dir = testutil::test_data_dir() / "apko-cli-testdata" / "packages";
  auto keys = load_keyring({(dir / "melange.rsa.pub").string()}, Options{});
  ASSERT_TRUE(keys) << keys.error().message;
  std::vector<RepositorySet> sets;
  for (const char* arch : {"x86_64", "aarch64"}) {
    auto set = RepositorySet::open({RepoSpec::parse(dir.string()).value()}, *keys, apk::parse_arch(arch).value(),
                                   Options{});
    ASSERT_TRUE(set) << set.error().message;
    EXPECT_EQ(set->index(0).trusted_by, "melange.rsa.pub");
    EXPECT_EQ(set->universe().size(), 4u);
    auto sol = solver::solve(set->universe(), {apk::parse_dependency("replayout").value()});
    ASSERT_TRUE(sol) << sol.error().message;
    bool found = false;
    for (size_t id : sol->packages) {
      auto pkg = set->fetch_package(id);
      ASSERT_TRUE(pkg) << pkg.error().message;
      EXPECT_EQ(pkg->info().arch, arch);
      EXPECT_EQ(pkg->trusted_by(), "melange.rsa.pub");
      found |= pkg->info().name == "replayout";
    }
    EXPECT_TRUE(found);
    sets.push_back(std::move(*set));
  }
  auto multi = solver::solve_multi({&sets[0].universe(), &sets[1].universe()},
                                   {apk::parse_dependency("replayout").value()});
  ASSERT_TRUE(multi) << multi.error().message;
  ASSERT_EQ(multi->size(), 2u);
  EXPECT_EQ((*multi)[0].packages.size(), (*multi)[1].packages.size());
}

}  // namespace
}  // namespace repo
