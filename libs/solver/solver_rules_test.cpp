// Conflicts, repository tags, install_if, origin affinity, error messages, bounded
// backtracking and the multi-architecture rule.
#include <gtest/gtest.h>

#include "solver/solver.hpp"
#include "solver/test_util.hpp"

namespace solver {
namespace {

using testing::error_of;
using testing::P;
using testing::solved;
using testing::TestUniverse;
using V = std::vector<std::string>;

TEST(Conflicts, WorldConflictExcludesProviders) {
  TestUniverse t;
  t.add(P("bad", "9-r0").provides("x=9")).add(P("good", "1-r0").provides("x=1"));
  t.add(P("app", "1-r0").dep("x"));
  EXPECT_EQ(solved(t.u, {"app"}), (V{"app-1-r0", "bad-9-r0"}));
  EXPECT_EQ(solved(t.u, {"app", "!bad"}), (V{"app-1-r0", "good-1-r0"}));
  EXPECT_EQ(solved(t.u, {"!nonexistent", "app", "!bad"}), (V{"app-1-r0", "good-1-r0"}));
}

TEST(Conflicts, RequiredConflictFailsNamingBothSides) {
  TestUniverse t;
  t.add(P("foo", "1-r0")).add(P("bar", "1-r0").dep("foo"));
  EXPECT_EQ(error_of(t.u, {"!foo", "bar"}),
            "cannot install the requested packages:\n"
            "  foo: foo-1-r0 is excluded by a conflict\n"
            "    world -> bar-1-r0: needs foo\n"
            "    world: conflicts with !foo");
}

TEST(Conflicts, PackageConflictAgainstSelected) {
  TestUniverse t;
  t.add(P("openssl", "3-r0")).add(P("libressl", "3.8-r0").dep("!openssl"));
  std::string err = error_of(t.u, {"openssl", "libressl"});
  EXPECT_EQ(err,
            "cannot install the requested packages:\n"
            "  openssl: openssl-3-r0 is excluded by a conflict\n"
            "    world: needs openssl\n"
            "    world -> libressl-3.8-r0: conflicts with !openssl");
  // A package that conflicts with a name it provides can never be installed (apk-tools
  // refuses it the same way).
  TestUniverse self;
  self.add(P("foo-ng", "2-r0").provides("foo=2").dep("!foo"));
  EXPECT_NE(error_of(self.u, {"foo-ng"}).find("foo-ng-2-r0 cannot be installed: it conflicts with a name it provides"),
            std::string::npos)
      << error_of(self.u, {"foo-ng"});
}

struct Tagged : ::testing::Test {
  TestUniverse t;
  size_t local = t.u.add_repository(Repository{"local", 0, "./packages"});
};

TEST_F(Tagged, UntaggedNeverPicksTaggedRepository) {
  t.add(P("hello", "1.0-r0"));
  t.add(P("hello", "2.0-r0").dep("libhello"), local);
  t.add(P("libhello", "1-r0"), local);
  EXPECT_EQ(solved(t.u, {"hello"}), V{"hello-1.0-r0"});
  EXPECT_EQ(solved(t.u, {"hello@local"}), (V{"hello-2.0-r0", "libhello-1-r0"}));
  EXPECT_EQ(error_of(t.u, {"libhello"}),
            "cannot install the requested packages:\n"
            "  libhello: libhello-1-r0 is only in the repository tagged @local; ask for \"libhello@local\"\n"
            "    world: needs libhello");
  EXPECT_EQ(error_of(t.u, {"hello@edge"}),
            "cannot install the requested packages:\n"
            "  hello@edge: no repository is tagged @edge\n"
            "    world: needs hello@edge");
}

TEST_F(Tagged, PinnedRepositoryPreferredOverHigherVersion) {
  t.add(P("hello", "2.0-r0"));
  t.add(P("hello", "1.0-r0").dep("libhello"), local);
  t.add(P("libhello", "1-r0"), local);
  t.add(P("libhello", "2-r0"));
  // Dependencies of a pinned package may come from the pinned repository, but the
  // untagged repositories stay preferred for them.
  EXPECT_EQ(solved(t.u, {"hello@local"}), (V{"hello-1.0-r0", "libhello-2-r0"}));
}

TEST(InstallIf, AddedWhenAllConditionsHoldToAFixpoint) {
  TestUniverse t;
  t.add(P("foo", "1-r0")).add(P("docs", "1-r0")).add(P("bash", "5-r0")).add(P("bash-completion", "2-r0"));
  t.add(P("foo-doc", "1-r0").iif("foo").iif("docs"));
  t.add(P("foo-doc", "0.9-r0").iif("foo").iif("docs"));
  t.add(P("foo-bash-completion", "1-r0").iif("foo-doc").iif("bash"));
  t.add(P("bash-completion-extra", "1-r0").iif("foo-bash-completion").dep("bash-completion"));
  EXPECT_EQ(solved(t.u, {"foo"}), V{"foo-1-r0"});
  EXPECT_EQ(solved(t.u, {"foo", "docs"}), (V{"docs-1-r0", "foo-1-r0", "foo-doc-1-r0"}));
  EXPECT_EQ(solved(t.u, {"foo", "docs", "bash"}),
            (V{"bash-5-r0", "bash-completion-2-r0", "bash-completion-extra-1-r0", "docs-1-r0", "foo-1-r0",
               "foo-bash-completion-1-r0", "foo-doc-1-r0"}));
}

TEST(InstallIf, VersionedConditionsAndUninstallableCandidates) {
  TestUniverse t;
  t.add(P("foo", "1-r0")).add(P("foo", "2-r0"));
  t.add(P("foo-compat", "1-r0").iif("foo<2"));
  t.add(P("foo-plugin", "1-r0").iif("foo").dep("missing-lib"));
  EXPECT_EQ(solved(t.u, {"foo"}), V{"foo-2-r0"});
  EXPECT_EQ(solved(t.u, {"foo<2"}), (V{"foo-1-r0", "foo-compat-1-r0"}));
}

TEST(OriginAffinity, PinnedPackageKeepsSubpackagesAtItsVersion) {  // apko#2208
  TestUniverse t;
  for (const char* v : {"10.2_p1-r0", "10.3_p1-r0"}) {
    t.add(P("openssh", v).origin("openssh").dep("openssh-client").dep("openssh-server"));
    t.add(P("openssh-client", v).origin("openssh").dep("openssh-keygen"));
    t.add(P("openssh-server", v).origin("openssh"));
    t.add(P("openssh-keygen", v).origin("openssh"));
  }
  EXPECT_EQ(solved(t.u, {"openssh=10.2_p1-r0"}),
            (V{"openssh-10.2_p1-r0", "openssh-client-10.2_p1-r0", "openssh-keygen-10.2_p1-r0",
               "openssh-server-10.2_p1-r0"}));
  EXPECT_EQ(solved(t.u, {"openssh"}),
            (V{"openssh-10.3_p1-r0", "openssh-client-10.3_p1-r0", "openssh-keygen-10.3_p1-r0",
               "openssh-server-10.3_p1-r0"}));
}

TEST(OriginAffinity, DoesNotOverrideProviderPriority) {
  // Alpine 3.17: ifupdown-any is provided by ifupdown-ng (k:900) and busybox-ifupdown
  // (k:200, origin busybox); apk-tools picks ifupdown-ng even when busybox is installed.
  TestUniverse t;
  t.add(P("busybox", "1.35.0-r29").origin("busybox"));
  t.add(P("busybox-ifupdown", "1.35.0-r29").origin("busybox").provides("ifupdown-any").prio(200));
  t.add(P("ifupdown-ng", "0.12.1-r1").provides("ifupdown-any").prio(900));
  t.add(P("openrc", "0.45-r7").dep("ifupdown-any"));
  EXPECT_EQ(solved(t.u, {"busybox", "openrc"}), (V{"busybox-1.35.0-r29", "ifupdown-ng-0.12.1-r1", "openrc-0.45-r7"}));
}

TEST(Errors, NoProviderNamesTheChain) {
  TestUniverse t;
  t.add(P("app", "1-r0").dep("so:libx.so.1")).add(P("top", "1-r0").dep("app"));
  EXPECT_EQ(error_of(t.u, {"top"}),
            "cannot install the requested packages:\n"
            "  so:libx.so.1: no package provides it\n"
            "    world -> top-1-r0 -> app-1-r0: needs so:libx.so.1");
  TestUniverse direct;
  direct.add(P("app", "1-r0").dep("so:libx.so.1")).add(P("libx", "1-r0"));
  auto r = solve(direct.u, testing::world({"nothing", "app", "libx"}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, base::ErrorCode::kNotFound);  // only missing names
  EXPECT_EQ(r.error().message,
            "cannot install the requested packages:\n"
            "  nothing: no package provides it\n"
            "    world: needs nothing\n"
            "  so:libx.so.1: no package provides it\n"
            "    world -> app-1-r0: needs so:libx.so.1");
}

TEST(Errors, NoProviderOnceSelected) {
  // Forward checking excludes libx (its library is missing) and then app; the message
  // follows the chain down to the missing name.
  TestUniverse t;
  t.add(P("app", "1-r0").dep("so:libx.so.1"));
  t.add(P("libx", "1-r0").provides("so:libx.so.1=1").dep("so:liby.so.1"));
  std::string err = error_of(t.u, {"app"});
  EXPECT_EQ(err,
            "cannot install the requested packages:\n"
            "  so:liby.so.1: no package provides it\n"
            "    world -> app-1-r0 -> libx-1-r0: needs so:liby.so.1");
}

TEST(Errors, VersionTooLowNamesRequirerAndHighest) {
  TestUniverse t;
  t.add(P("bar", "1.5-r0")).add(P("bar", "1.0-r0"));
  t.add(P("foo", "1.0-r0").dep("bar>=2"));
  EXPECT_EQ(error_of(t.u, {"foo"}),
            "cannot install the requested packages:\n"
            "  bar: no package satisfies bar>=2\n"
            "    world -> foo-1.0-r0: needs bar>=2, repository has bar-1.5-r0, bar-1.0-r0");
  EXPECT_EQ(error_of(t.u, {"bar>=2"}),
            "cannot install the requested packages:\n"
            "  bar: no package satisfies bar>=2\n"
            "    world: needs bar>=2, repository has bar-1.5-r0, bar-1.0-r0");
}

TEST(Errors, IncompatibleConstraintsNameBothSides) {
  TestUniverse t;
  t.add(P("lib", "1-r0")).add(P("lib", "2-r0"));
  t.add(P("a", "1-r0").dep("lib>=2")).add(P("b", "1-r0").dep("lib<2"));
  std::string err = error_of(t.u, {"a", "b"});
  EXPECT_EQ(err,
            "cannot install the requested packages:\n"
            "  lib: no package satisfies every requirement (chosen: lib-2-r0; available: lib-2-r0, lib-1-r0)\n"
            "    world -> a-1-r0: needs lib>=2\n"
            "    world -> b-1-r0: needs lib<2");
  // Two constraints applied to a name that is still open are both named.
  EXPECT_EQ(error_of(t.u, {"lib>=2", "lib<2"}),
            "cannot install the requested packages:\n"
            "  lib: no version satisfies every requirement (available: lib-2-r0, lib-1-r0)\n"
            "    world: needs lib>=2\n"
            "    world: needs lib<2");
}

TEST(Backtracking, RecoversFromAWrongGreedyChoice) {
  // a (deeper, decided first) prefers a-2, which needs lib>=2; b, in every version, needs
  // lib<2. Only a-1 works.
  TestUniverse t;
  t.add(P("a", "1-r0").dep("lib<2").dep("deep")).add(P("a", "2-r0").dep("lib>=2").dep("deep"));
  t.add(P("deep", "1-r0").dep("deeper")).add(P("deeper", "1-r0"));
  t.add(P("b", "1-r0").dep("lib<2")).add(P("b", "2-r0").dep("lib<2"));
  t.add(P("lib", "1-r0")).add(P("lib", "2-r0"));
  EXPECT_EQ(solved(t.u, {"a", "b"}), (V{"a-1-r0", "b-2-r0", "deep-1-r0", "deeper-1-r0", "lib-1-r0"}));
}

TEST(Backtracking, HopelessWorldFailsFast) {
  TestUniverse t;
  for (int i = 0; i < 200; ++i) {
    t.add(P("a", std::to_string(i + 1) + "-r0").dep("lib>=2"));
    t.add(P("b", std::to_string(i + 1) + "-r0").dep("lib<2"));
  }
  t.add(P("lib", "1-r0")).add(P("lib", "2-r0"));
  auto start = std::chrono::steady_clock::now();
  EXPECT_NE(error_of(t.u, {"a", "b"}), "(solved)");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(MultiArch, OnlyVersionsPresentInEveryArchitecture) {
  TestUniverse x86, arm;
  x86.add(P("foo", "1.0-r0").dep("lib")).add(P("foo", "2.0-r0").dep("lib")).add(P("lib", "1-r0"));
  x86.add(P("x86-only", "1-r0"));
  arm.add(P("foo", "1.0-r0").arch("aarch64").dep("lib")).add(P("lib", "1-r0").arch("aarch64"));
  auto r = solve_multi({&x86.u, &arm.u}, testing::world({"foo"}));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ(testing::nevrs(x86.u, (*r)[0]), (V{"lib-1-r0", "foo-1.0-r0"}));
  EXPECT_EQ(testing::nevrs(arm.u, (*r)[1]), (V{"lib-1-r0", "foo-1.0-r0"}));
  // A package that exists in one architecture only is still usable there.
  auto only = solve_multi({&x86.u}, testing::world({"x86-only"}));
  ASSERT_TRUE(only);
  auto missing = solve_multi({&x86.u, &arm.u}, testing::world({"x86-only"}));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "aarch64: cannot install the requested packages:\n"
            "  x86-only: no package provides it\n"
            "    world: needs x86-only");
}

TEST(MultiArch, DifferentChoicesConverge) {
  // In aarch64, lib-2 needs something missing, so lib-1 is chosen there; x86 follows.
  TestUniverse x86, arm;
  x86.add(P("app", "1-r0").dep("lib")).add(P("lib", "1-r0")).add(P("lib", "2-r0"));
  arm.add(P("app", "1-r0").dep("lib")).add(P("lib", "1-r0")).add(P("lib", "2-r0").dep("so:missing"));
  auto r = solve_multi({&x86.u, &arm.u}, testing::world({"app"}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(testing::nevrs(x86.u, (*r)[0]), (V{"lib-1-r0", "app-1-r0"}));
  EXPECT_EQ(testing::nevrs(arm.u, (*r)[1]), (V{"lib-1-r0", "app-1-r0"}));
}

}  // namespace
}  // namespace solver
