#include "solver/order.hpp"

#include <gtest/gtest.h>

#include "solver/test_util.hpp"

namespace solver {
namespace {

using testing::nevrs;
using testing::P;
using testing::TestUniverse;
using V = std::vector<std::string>;

TEST(InstallOrder, DependenciesFirstTiesByName) {
  TestUniverse t;
  t.add(P("zlib", "1-r0").provides("so:libz.so.1=1"));
  t.add(P("musl", "1-r0").provides("so:libc.so=1"));
  t.add(P("curl", "8-r0").dep("so:libz.so.1").dep("so:libc.so"));
  t.add(P("busybox", "1-r0").dep("so:libc.so"));
  t.add(P("alpine-base", "1-r0").dep("busybox").dep("curl"));
  auto r = solve(t.u, testing::world({"alpine-base"}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(nevrs(t.u, *r), (V{"musl-1-r0", "busybox-1-r0", "zlib-1-r0", "curl-8-r0", "alpine-base-1-r0"}));
}

TEST(InstallOrder, CyclesAreBrokenDeterministically) {
  TestUniverse t;
  t.add(P("b", "1-r0").dep("c")).add(P("c", "1-r0").dep("b")).add(P("a", "1-r0").dep("b")).add(P("zbase", "1-r0"));
  t.add(P("c", "0.9-r0"));
  auto r = solve(t.u, testing::world({"a", "zbase"}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(nevrs(t.u, *r), (V{"b-1-r0", "c-1-r0", "a-1-r0", "zbase-1-r0"}));
}

TEST(InstallOrder, InstallIfAfterTriggers) {
  TestUniverse t;
  t.add(P("aaa-doc", "1-r0").iif("zzz").iif("man"));
  t.add(P("zzz", "1-r0")).add(P("man", "1-r0"));
  auto r = solve(t.u, testing::world({"zzz", "man"}));
  ASSERT_TRUE(r);
  EXPECT_EQ(nevrs(t.u, *r), (V{"man-1-r0", "zzz-1-r0", "aaa-doc-1-r0"}));
}

}  // namespace
}  // namespace solver
