// Versions, constraint intersection, provides and provider choice.
#include "solver/solver.hpp"

#include <gtest/gtest.h>

#include "solver/test_util.hpp"

namespace solver {
namespace {

using testing::error_of;
using testing::P;
using testing::solved;
using testing::TestUniverse;
using V = std::vector<std::string>;

TEST(Solver, HighestVersionWinsNotFirstFound) {  // apko#470
  TestUniverse t;
  t.add(P("foo", "1.0-r0")).add(P("foo", "2.0-r1")).add(P("foo", "1.5-r0")).add(P("foo", "2.0-r0"));
  EXPECT_EQ(solved(t.u, {"foo"}), V{"foo-2.0-r1"});
  EXPECT_EQ(solved(t.u, {"foo<2"}), V{"foo-1.5-r0"});
  EXPECT_EQ(solved(t.u, {"foo~1"}), V{"foo-1.5-r0"});
  EXPECT_EQ(solved(t.u, {"foo=2.0-r0"}), V{"foo-2.0-r0"});
}

TEST(Solver, ConstraintsFromSeveralDependentsAreIntersected) {  // go-apk#159
  TestUniverse t;
  t.add(P("lib", "1.0-r0")).add(P("lib", "1.5-r0")).add(P("lib", "2.1-r0"));
  t.add(P("a", "1-r0").dep("lib>=1.2")).add(P("b", "1-r0").dep("lib<2.0"));
  EXPECT_EQ(solved(t.u, {"a", "b"}), (V{"a-1-r0", "b-1-r0", "lib-1.5-r0"}));
  EXPECT_EQ(solved(t.u, {"a"}), (V{"a-1-r0", "lib-2.1-r0"}));
}

TEST(Solver, LowerDependentConstraintSeenBeforeChoosing) {
  // app sits deep in the graph and is decided first; tool (shallow) limits lib. The
  // single-candidate tool is applied early, so lib is never chosen too high.
  TestUniverse t;
  t.add(P("app", "1-r0").dep("lib")).add(P("lib", "1.0-r0").dep("x")).add(P("lib", "2.0-r0").dep("x"));
  t.add(P("x", "1-r0").dep("y")).add(P("y", "1-r0"));
  t.add(P("tool", "1-r0").dep("lib<2"));
  EXPECT_EQ(solved(t.u, {"app", "tool"}), (V{"app-1-r0", "lib-1.0-r0", "tool-1-r0", "x-1-r0", "y-1-r0"}));
}

TEST(Solver, SoNameProvidesWithVersions) {
  TestUniverse t;
  t.add(P("libx", "1.2-r0").provides("so:libx.so.1=1.2.0"));
  t.add(P("libx2", "2.0-r0").provides("so:libx.so.2=2.0.0"));
  t.add(P("app", "1-r0").dep("so:libx.so.1").dep("cmd:tool"));
  t.add(P("tools", "1-r0").provides("cmd:tool=1-r0"));
  EXPECT_EQ(solved(t.u, {"app"}), (V{"app-1-r0", "libx-1.2-r0", "tools-1-r0"}));
  EXPECT_EQ(solved(t.u, {"so:libx.so.1>=1.2"}), V{"libx-1.2-r0"});
  EXPECT_NE(error_of(t.u, {"so:libx.so.1>=2"}).find("needs so:libx.so.1>=2, repository has libx-1.2-r0 (so:libx.so.1=1.2.0)"),
            std::string::npos);
}

TEST(Solver, VersionedConstraintThroughProvides) {  // apko#1860/#1861, apko#632
  TestUniverse t;
  t.add(P("py3.12-numpy", "1.26.4-r0").provides("py3-numpy=1.26.4-r0"));
  t.add(P("py3.12-numpy", "2.1.0-r0").provides("py3-numpy=2.1.0-r0"));
  t.add(P("py3.11-numpy", "1.25.0-r0").provides("py3-numpy=1.25.0-r0"));
  EXPECT_EQ(solved(t.u, {"py3-numpy<2.0"}), V{"py3.12-numpy-1.26.4-r0"});
  EXPECT_EQ(solved(t.u, {"py3-numpy"}), V{"py3.12-numpy-2.1.0-r0"});
  EXPECT_EQ(solved(t.u, {"py3-numpy<1.26"}), V{"py3.11-numpy-1.25.0-r0"});
}

TEST(Solver, UnversionedProvideOnlySatisfiesUnversionedDeps) {
  TestUniverse t;
  t.add(P("impl", "3.0-r0").provides("virt"));
  // apk-tools never picks a provider without a version and without provider_priority on
  // its own, even the only one (its provides14): ask for it, or give it a priority.
  EXPECT_NE(error_of(t.u, {"virt"}).find("without a version and without a provider_priority"), std::string::npos);
  EXPECT_EQ(solved(t.u, {"virt", "impl"}), V{"impl-3.0-r0"});
  std::string err = error_of(t.u, {"virt>=1"});
  EXPECT_NE(err.find("needs virt>=1, repository has impl-3.0-r0 (virt)"), std::string::npos) << err;
}

TEST(Solver, VersionedAndUnversionedProvidersExcludeEachOther) {
  // apk-tools (checked with 2.14.10): one package holds a name, except that several may
  // provide it without a version. So an unversioned provide satisfies an unversioned
  // dependency on the name, but never sits beside the package of that name (apko since its
  // #2305 installs both when both are pinned; apk-tools and we refuse).
  TestUniverse t;
  t.add(P("unbound-config", "1.25.1-r2").origin("unbound"));
  t.add(P("unbound-mailcow-compat", "1.25.1-r2").origin("unbound").provides("unbound-config"));
  EXPECT_EQ(solved(t.u, {"unbound-config", "unbound-mailcow-compat"}), V{"unbound-mailcow-compat-1.25.1-r2"});
  EXPECT_EQ(solved(t.u, {"unbound-config"}), V{"unbound-config-1.25.1-r2"});
  EXPECT_NE(error_of(t.u, {"unbound-mailcow-compat=1.25.1-r2", "unbound-config=1.25.1-r2"}), "(solved)");
  EXPECT_NE(error_of(t.u, {"unbound-config=1.25.1-r2", "unbound-mailcow-compat"}), "(solved)");
}

TEST(Solver, UnversionedProvideIsNotComparedByVersion) {
  // apk-tools: a provide without a version is neither older nor newer than a version, so
  // provider_priority decides, even against the package of that name (checked with 2.14.10).
  TestUniverse t;
  t.add(P("aaa-alt", "9.0-r0").provides("foo").prio(100));
  t.add(P("foo", "1.0-r0"));
  EXPECT_EQ(solved(t.u, {"foo"}), V{"aaa-alt-9.0-r0"});
  TestUniverse none;
  none.add(P("aaa-alt", "9.0-r0").provides("foo"));
  none.add(P("foo", "1.0-r0"));
  EXPECT_EQ(solved(none.u, {"foo"}), V{"foo-1.0-r0"});  // without a priority it is not a candidate
}

TEST(Solver, VirtualProvidersUseProviderPriority) {  // apko#2271
  TestUniverse t;
  t.add(P("busybox-binsh", "1.36.1-r0").provides("cmd:sh").prio(100));
  t.add(P("dash-binsh", "0.5.12-r0").provides("cmd:sh").prio(60));
  t.add(P("yash-binsh", "2.54-r0").provides("cmd:sh"));
  t.add(P("script", "1-r0").dep("cmd:sh"));
  EXPECT_EQ(solved(t.u, {"script"}), (V{"busybox-binsh-1.36.1-r0", "script-1-r0"}));
  // Asking for a provider explicitly satisfies the virtual through it.
  EXPECT_EQ(solved(t.u, {"script", "yash-binsh"}), (V{"script-1-r0", "yash-binsh-2.54-r0"}));
}

TEST(Solver, AmbiguousVirtualWithoutPriorityIsAnError) {
  TestUniverse t;
  t.add(P("a-impl", "1-r0").provides("virt")).add(P("b-impl", "1-r0").provides("virt"));
  EXPECT_EQ(error_of(t.u, {"virt"}),
            "cannot install the requested packages:\n"
            "  virt: provided by a-impl-1-r0, b-impl-1-r0 without a version and without a provider_priority; add one "
            "of them to the packages\n"
            "    world: needs virt");
}

TEST(Solver, VersionedProvidersHighestProvidedVersionThenPriority) {
  // apk-tools: the version of the requested name decides before provider_priority.
  TestUniverse t;
  t.add(P("pybind11-old", "2.10-r0").provides("py3-pybind11=2.10-r0").prio(200));
  t.add(P("pybind11-new", "2.13-r0").provides("py3-pybind11=2.13-r0").prio(100));
  EXPECT_EQ(solved(t.u, {"py3-pybind11"}), V{"pybind11-new-2.13-r0"});
  TestUniverse same;
  same.add(P("jdk-17-default", "17-r0").provides("default-jvm=1").prio(17));
  same.add(P("jdk-21-default", "21-r0").provides("default-jvm=1").prio(21));
  same.add(P("jdk-11-default", "11-r0").provides("default-jvm=1"));
  EXPECT_EQ(solved(same.u, {"default-jvm"}), V{"jdk-21-default-21-r0"});
  TestUniverse tie;
  // A full tie goes to the provider met first in the indexes (apk-tools' provider order).
  tie.add(P("zz", "1-r0").provides("thing=1")).add(P("aa", "1-r0").provides("thing=1"));
  EXPECT_EQ(solved(tie.u, {"thing"}), V{"zz-1-r0"});
}

TEST(Solver, NeverTwoProvidersOfOneVersionedName) {  // apko#921
  TestUniverse t;
  t.add(P("impl-a", "1-r0").provides("foo=1"));
  t.add(P("impl-b", "1-r0").provides("foo=1"));
  t.add(P("x", "1-r0").dep("impl-a")).add(P("y", "1-r0").dep("impl-b"));
  std::string err = error_of(t.u, {"x", "y"});
  EXPECT_EQ(err,
            "cannot install the requested packages:\n"
            "  impl-b: impl-b-1-r0 cannot be installed beside impl-a-1-r0 (both provide foo)\n"
            "    world -> y-1-r0: needs impl-b\n"
            "    world -> x-1-r0: needs impl-a (chosen: impl-a-1-r0)");
  // A dependency on the shared name reuses whichever provider is already selected.
  t.add(P("z", "1-r0").dep("foo"));
  EXPECT_EQ(solved(t.u, {"x", "z"}), (V{"impl-a-1-r0", "x-1-r0", "z-1-r0"}));
}

TEST(Solver, UnversionedProvidersCoexist) {
  TestUniverse t;
  t.add(P("bash", "5-r0").provides("cmd:sh")).add(P("dash", "0.5-r0").provides("cmd:sh"));
  EXPECT_EQ(solved(t.u, {"bash", "dash"}), (V{"bash-5-r0", "dash-0.5-r0"}));
}

}  // namespace
}  // namespace solver
