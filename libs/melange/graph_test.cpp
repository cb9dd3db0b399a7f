#include "melange/graph.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace melange::graph {
namespace {

Recipe rec(std::string name, std::vector<std::string> needs, std::vector<std::string> provides = {}) {
  Recipe r;
  r.name = name;
  r.file = name + ".yaml";
  r.version = "1-r0";
  r.provides = std::move(provides);
  r.provides.push_back(name);
  r.needs = std::move(needs);
  return r;
}

size_t idx(const Graph& g, const std::string& name) {
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (g.nodes[i].name == name) return i;
  ADD_FAILURE() << "no node " << name;
  return 0;
}

std::vector<std::string> names(const Graph& g, const std::vector<size_t>& v) {
  std::vector<std::string> out;
  for (size_t i : v) out.push_back(g.nodes[i].name);
  return out;
}

TEST(GraphTest, DependencyNames) {
  EXPECT_EQ(dependency_name("foo>=1.2"), "foo");
  EXPECT_EQ(dependency_name("so:libx.so.1=1"), "so:libx.so.1");
  EXPECT_EQ(dependency_name("bar@edge"), "bar");
  EXPECT_EQ(dependency_name("!conflict"), "");
  EXPECT_TRUE(is_virtual("pc:zlib"));
  EXPECT_FALSE(is_virtual("zlib"));
}

TEST(GraphTest, ChainDiamondAndProvidesOrder) {
  // d needs b and c, which both need a (diamond); e needs "virt", which c provides; chain x->y->z.
  auto g = make_graph({rec("d", {"b", "c>=1"}), rec("b", {"a"}), rec("c", {"a", "busybox"}, {"virt=1"}),
                       rec("a", {}), rec("e", {"virt"}), rec("z", {"y"}), rec("y", {"x"}), rec("x", {})});
  ASSERT_TRUE(g) << g.error().to_string();
  auto order = names(*g, topo_order(*g));
  auto pos = [&](const std::string& n) { return std::find(order.begin(), order.end(), n) - order.begin(); };
  EXPECT_LT(pos("a"), pos("b"));
  EXPECT_LT(pos("a"), pos("c"));
  EXPECT_LT(pos("b"), pos("d"));
  EXPECT_LT(pos("c"), pos("d"));
  EXPECT_LT(pos("c"), pos("e"));
  EXPECT_LT(pos("x"), pos("y"));
  EXPECT_LT(pos("y"), pos("z"));
  EXPECT_EQ(names(*g, g->deps[idx(*g, "d")]), (std::vector<std::string>{"b", "c"}));
  EXPECT_TRUE(g->deps[idx(*g, "c")].size() == 1);  // busybox comes from elsewhere
}

TEST(GraphTest, LongChainsStartFirst) {
  // "z1" heads a chain of three; "a" and "b" are alone: z1 comes first despite its name.
  auto g = make_graph({rec("a", {}), rec("b", {}), rec("z1", {}), rec("z2", {"z1"}), rec("z3", {"z2"})});
  ASSERT_TRUE(g);
  EXPECT_EQ(names(*g, topo_order(*g)), (std::vector<std::string>{"z1", "z2", "a", "b", "z3"}));
}

TEST(GraphTest, CycleIsOneErrorNamingIt) {
  auto g = make_graph({rec("a", {"b"}), rec("b", {"c"}), rec("c", {"a"}), rec("d", {})});
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().message, "dependency cycle: a (a.yaml) -> b (b.yaml) -> c (c.yaml) -> a");
}

TEST(GraphTest, DuplicatePackageNamesBothFiles) {
  auto r = rec("a", {});
  r.file = "other/a.yaml";
  auto g = make_graph({rec("a", {}), r});
  ASSERT_FALSE(g);
  EXPECT_NE(g.error().message.find("a.yaml"), std::string::npos);
  EXPECT_NE(g.error().message.find("also built by"), std::string::npos);
}

TEST(GraphTest, SchedulerFailureSkipsOnlyDependents) {
  auto g = make_graph({rec("a", {}), rec("b", {"a"}), rec("c", {"b"}), rec("d", {}), rec("e", {"d"})});
  ASSERT_TRUE(g);
  Scheduler s(*g, {});
  std::mutex mu;
  std::vector<std::string> ran;
  auto res = s.run(2, [&](size_t n, size_t) {
    std::lock_guard lk(mu);
    ran.push_back(s.graph().nodes[n].name);
    Outcome o;
    o.ok = s.graph().nodes[n].name != "a";
    o.error = "boom";
    return o;
  }, nullptr);
  EXPECT_EQ(res[idx(*g, "a")].state, State::kFailed);
  EXPECT_EQ(res[idx(*g, "b")].state, State::kSkipped);
  EXPECT_EQ(res[idx(*g, "b")].detail, "depends on failed a");
  EXPECT_EQ(res[idx(*g, "c")].state, State::kSkipped);
  EXPECT_EQ(res[idx(*g, "c")].detail, "depends on failed a");  // names the failed package, not b
  EXPECT_EQ(res[idx(*g, "d")].state, State::kBuilt);
  EXPECT_EQ(res[idx(*g, "e")].state, State::kBuilt);
  EXPECT_EQ(ran.size(), 3u);
}

TEST(GraphTest, SchedulerRunsDependenciesFirstAndInParallel) {
  auto g = make_graph({rec("a", {}), rec("b", {}), rec("c", {"a", "b"})});
  ASSERT_TRUE(g);
  Scheduler s(*g, {});
  std::atomic<int> now{0}, peak{0};
  std::mutex mu;
  std::vector<std::string> finished;
  auto res = s.run(2, [&](size_t n, size_t slot) {
    EXPECT_LT(slot, 2u);
    int v = ++now;
    int p = peak.load();
    while (v > p && !peak.compare_exchange_weak(p, v)) {}
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    --now;
    std::lock_guard lk(mu);
    if (s.graph().nodes[n].name == "c") {
      EXPECT_EQ(finished.size(), 2u);
    }
    finished.push_back(s.graph().nodes[n].name);
    return Outcome{true, "", "slot" + std::to_string(slot), {}};
  }, nullptr);
  EXPECT_EQ(peak.load(), 2);
  EXPECT_EQ(finished.back(), "c");
  auto [path, secs] = critical_path(s.graph(), res);
  ASSERT_EQ(path.size(), 2u);
  EXPECT_EQ(s.graph().nodes[path.back()].name, "c");
  EXPECT_GT(secs, 0.09);
}

TEST(GraphTest, UpToDateNodesAreNotRun) {
  auto g = make_graph({rec("a", {}), rec("b", {"a"})});
  ASSERT_TRUE(g);
  Scheduler s(*g, {{idx(*g, "a"), "same recipe"}});
  std::vector<std::string> ran;
  auto res = s.run(1, [&](size_t n, size_t) {
    ran.push_back(s.graph().nodes[n].name);
    return Outcome{true, "", "", {}};
  }, nullptr);
  EXPECT_EQ(ran, std::vector<std::string>{"b"});
  EXPECT_EQ(res[idx(*g, "a")].state, State::kUpToDate);
  EXPECT_EQ(res[idx(*g, "a")].detail, "same recipe");
}

TEST(GraphTest, VirtualNeedWaitsForItsProviderToBeBuilt) {
  // "app" needs so:libz.so.1, which only the built "zlib" package provides; "other" is unrelated.
  auto g = make_graph({rec("app", {"so:libz.so.1"}), rec("zlib", {}), rec("other", {})});
  ASSERT_TRUE(g);
  EXPECT_EQ(g->held[idx(*g, "app")], std::vector<std::string>{"so:libz.so.1"});
  Scheduler s(*g, {});
  std::mutex mu;
  std::vector<std::string> ran;
  auto res = s.run(3, [&](size_t n, size_t) {
    std::string name = s.graph().nodes[n].name;
    if (name == "zlib") std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::lock_guard lk(mu);
    ran.push_back(name);
    Outcome o{true, "", "", {}};
    if (name == "zlib") o.provides = {"so:libz.so.1=1.3"};
    return o;
  }, nullptr);
  ASSERT_EQ(ran.size(), 3u);
  EXPECT_EQ(ran.back(), "app");
  EXPECT_EQ(names(s.graph(), s.graph().deps[idx(*g, "app")]), std::vector<std::string>{"zlib"});
  EXPECT_EQ(res[idx(*g, "app")].state, State::kBuilt);
}

TEST(GraphTest, UnprovidedVirtualNeedIsReleasedAtTheEnd) {
  auto g = make_graph({rec("app", {"so:libc.so.6"}), rec("lib", {})});
  ASSERT_TRUE(g);
  Scheduler s(*g, {});
  std::vector<std::string> ran;
  s.run(1, [&](size_t n, size_t) {
    ran.push_back(s.graph().nodes[n].name);
    return Outcome{true, "", "", {}};
  }, nullptr);
  EXPECT_EQ(ran, (std::vector<std::string>{"lib", "app"}));
}

}  // namespace
}  // namespace melange::graph
