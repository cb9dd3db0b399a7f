#include "repo/repo_spec.hpp"

#include <gtest/gtest.h>

namespace repo {
namespace {

TEST(RepoSpec, PlainAndTagged) {
  auto a = RepoSpec::parse("https://packages.wolfi.dev/os/");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->tag, "");
  EXPECT_EQ(a->url, "https://packages.wolfi.dev/os");
  auto b = RepoSpec::parse("  @local   ./packages/ ", "/work/cfg");
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->tag, "local");
  EXPECT_EQ(b->url, "/work/cfg/packages");
  EXPECT_EQ(b->to_string(), "@local /work/cfg/packages");
  auto c = RepoSpec::parse("../repo", "/work/cfg");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->url, "/work/repo");
  auto d = RepoSpec::parse("/abs/x", "/work/cfg");
  EXPECT_EQ(d->url, "/abs/x");
  auto e = RepoSpec::parse("rel/x");
  EXPECT_EQ(e->url, "rel/x");
  auto f = RepoSpec::parse("file:///srv/repo/", "/work");
  EXPECT_EQ(f->url, "file:///srv/repo");
}

TEST(RepoSpec, Errors) {
  EXPECT_FALSE(RepoSpec::parse(""));
  EXPECT_FALSE(RepoSpec::parse("@local"));
  EXPECT_FALSE(RepoSpec::parse("@ ./x"));
  EXPECT_FALSE(RepoSpec::parse("@lo/cal ./x"));
  auto sp = RepoSpec::parse("https://u:pw@h/a b");
  ASSERT_FALSE(sp);
  EXPECT_EQ(sp.error().message.find("pw"), std::string::npos) << sp.error().message;
}

}  // namespace
}  // namespace repo
