// Test helpers: build PackageInfo records and small universes quickly.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "apk/dependency.hpp"
#include "solver/solver.hpp"

namespace solver::testing {

// P("foo", "1.0-r0").dep("bar>=2").provides("so:libfoo.so.1=1").prio(10)
struct P {
  apk::PackageInfo info;
  P(std::string name, std::string version) {
    info.name = std::move(name);
    info.version = std::move(version);
    info.arch = "x86_64";
  }
  P& dep(std::string d) { info.depends.push_back(std::move(d)); return *this; }
  P& provides(std::string p) { info.provides.push_back(std::move(p)); return *this; }
  P& iif(std::string c) { info.install_if.push_back(std::move(c)); return *this; }
  P& prio(int64_t v) { info.provider_priority = v; return *this; }
  P& origin(std::string o) { info.origin = std::move(o); return *this; }
  P& arch(std::string a) { info.arch = std::move(a); return *this; }
};

struct TestUniverse {
  Universe u;
  size_t main = u.add_repository(Repository{});

  TestUniverse& add(const P& p) { return add(p, main); }
  TestUniverse& add(const P& p, size_t repo) {
    auto r = u.add(p.info, repo);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return *this;
  }
};

inline std::vector<apk::Dependency> world(const std::vector<std::string>& items) {
  std::vector<apk::Dependency> out;
  for (const std::string& s : items) {
    auto d = apk::parse_dependency(s);
    EXPECT_TRUE(d.has_value()) << s;
    if (d) out.push_back(*d);
  }
  return out;
}

// "name-version" of each package, in solution order.
inline std::vector<std::string> nevrs(const Universe& u, const Solution& s) {
  std::vector<std::string> out;
  for (size_t id : s.packages) out.push_back(u.package(id).nevr());
  return out;
}

// Solves and returns the sorted "name-version" list, or {"ERROR: message"}.
inline std::vector<std::string> solved(const Universe& u, const std::vector<std::string>& w) {
  auto r = solve(u, world(w));
  if (!r) return {"ERROR: " + r.error().message};
  auto out = nevrs(u, *r);
  std::sort(out.begin(), out.end());
  return out;
}

inline std::string error_of(const Universe& u, const std::vector<std::string>& w) {
  auto r = solve(u, world(w));
  return r ? std::string("(solved)") : r.error().message;
}

}  // namespace solver::testing
