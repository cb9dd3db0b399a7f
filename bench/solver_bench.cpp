// Solver benchmark: a synthetic 100,000-package universe (25,000 names x 4 versions) with
// deep dependency chains, versioned so: provides, versioned constraints and virtual
// cmd: names with many providers; a world of 50 packages pulls in about 2,000.
//
// Shape: names are cut into segments of 40; each package depends on 2 later names of its
// segment (chains up to 40 deep), on one "base" name (200 shared names that chain among
// themselves, 200 deep), on one so: name and, sometimes, on a cmd: virtual that 6
// packages provide with different provider_priority values.
//
// Usage: solver_bench [runs]   (default 5; prints universe build time and solve times)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "solver/solver.hpp"

namespace {

struct Lcg {
  uint64_t s = 0x9e3779b97f4a7c15ull;
  uint32_t next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(s >> 33);
  }
  uint32_t below(uint32_t n) { return next() % n; }
};

constexpr int kNames = 25000, kVersions = 4, kSegment = 40, kBase = 200, kVirtuals = 500;

std::string lib(int i) { return "lib" + std::to_string(i); }

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 5;
  Lcg rng;
  auto t0 = std::chrono::steady_clock::now();
  solver::Universe u;
  const size_t repo = u.add_repository(solver::Repository{});
  for (int i = 0; i < kNames; ++i) {
    const bool base = i < kBase;
    const int seg_end = base ? kBase : kBase + ((i - kBase) / kSegment + 1) * kSegment;
    for (int v = 1; v <= kVersions; ++v) {
      apk::PackageInfo p;
      p.name = lib(i);
      p.version = std::to_string(v) + ".0-r0";
      p.arch = "x86_64";
      p.origin = p.name;
      p.provides.push_back("so:" + lib(i) + ".so.1=" + std::to_string(v) + ".0");
      for (int k = 0; k < 2 && i + 1 < seg_end; ++k) {
        const int j = i + 1 + static_cast<int>(rng.below(std::min(8, seg_end - i - 1)));
        p.depends.push_back(k == 0 ? lib(j) + ">=" + std::to_string(1 + rng.below(2)) + ".0"
                                   : "so:" + lib(j) + ".so.1");
      }
      if (!base) p.depends.push_back(lib(rng.below(kBase)));
      if (rng.below(4) == 0) p.depends.push_back("cmd:tool" + std::to_string(rng.below(kVirtuals)));
      if (i >= kNames - kVirtuals * 6 / 1) {  // the last 3,000 names also provide cmd: virtuals
        const int k = (kNames - 1 - i) % kVirtuals;
        p.provides.push_back("cmd:tool" + std::to_string(k));
        p.provider_priority = (i * 7 + v) % 100 + 1;
      }
      auto r = u.add(p, repo);
      if (!r) {
        std::fprintf(stderr, "solver_bench: %s\n", r.error().message.c_str());
        return 1;
      }
    }
  }
  const double build_ms = ms_since(t0);

  std::vector<apk::Dependency> world;
  for (int k = 0; k < 50; ++k) {
    apk::Dependency d;
    d.name = lib(kBase + k * (kNames - kBase) / 50 / kSegment * kSegment);
    world.push_back(d);
  }
  std::vector<double> times;
  size_t count = 0;
  for (int r = 0; r < runs; ++r) {
    auto t = std::chrono::steady_clock::now();
    auto s = solver::solve(u, world);
    times.push_back(ms_since(t));
    if (!s) {
      std::fprintf(stderr, "solver_bench: %s\n", s.error().message.c_str());
      return 1;
    }
    count = s->packages.size();
  }
  std::sort(times.begin(), times.end());
  std::printf("universe: %zu packages, %zu names, built in %.1f ms\n", u.size(), u.name_count(), build_ms);
  std::printf("solve: world of %zu -> %zu packages; median %.2f ms, min %.2f ms, max %.2f ms (%d runs)\n",
              world.size(), count, times[times.size() / 2], times.front(), times.back(), runs);
  return 0;
}
