// solve() and solve_multi(): world parsing against the universe, bounded restarts, the
// multi-architecture version rule, and the install order of the result.
#include <map>

#include "apk/version.hpp"
#include "solver/order.hpp"
#include "solver/solver.hpp"
#include "solver/state.hpp"

namespace solver {

namespace {

using detail::Ban;
using detail::Dep;
using detail::Why;

// A failed attempt may exclude its latest free choice and try again, this many times.
#ifndef MA_SOLVER_MAX_ATTEMPTS
#define MA_SOLVER_MAX_ATTEMPTS 32
#endif
constexpr int kMaxAttempts = MA_SOLVER_MAX_ATTEMPTS;

// The world against one universe. Entries nothing provides, or asking for a repository tag
// no repository has, become problems (reported with whatever else fails) and are left out.
std::vector<Dep> world_deps(const Universe& u, const std::vector<apk::Dependency>& world,
                            std::vector<detail::Problem>& problems) {
  std::vector<Dep> out;
  out.reserve(world.size());
  for (const apk::Dependency& w : world) {
    Dep d = u.make_dep(w);
    if (d.tag == kNone) {
      problems.push_back({true, d.text + ": no repository is tagged @" + w.tag, {"world: needs " + d.text}});
      continue;
    }
    if (d.name == kNone && !d.conflict) {
      problems.push_back({true, w.name + ": no package provides it", {"world: needs " + d.text}});
      continue;
    }
    out.push_back(std::move(d));
  }
  return out;
}

// Runs attempts depth-first over sets of excluded choices: when an attempt fails, each of
// the (up to 3) latest choices involved in the failure is excluded in turn. The total
// number of attempts is bounded, so a hopeless world fails fast. The error names every
// problem of the first attempt (the one without exclusions), after `problems`.
base::Result<std::vector<PkgId>> solve_ids(const Universe& u, const std::vector<Dep>& world,
                                           const std::vector<Ban>& initial, std::vector<detail::Problem> problems) {
  std::optional<std::vector<detail::Problem>> first;
  std::vector<std::vector<Ban>> todo{initial};
  for (int attempt = 0; attempt < kMaxAttempts && !todo.empty(); ++attempt) {
    std::vector<Ban> bans = std::move(todo.back());
    todo.pop_back();
    detail::State state(u, world, bans);
    auto failure = state.run();
    if (!failure) {
      if (problems.empty()) return state.selection();
      first.reset();  // the rest solves: the missing world entries are the whole story
      break;
    }
    if (!first) first = failure->problems;
    for (auto it = failure->culprits.rbegin(); it != failure->culprits.rend(); ++it) {
      std::vector<Ban> next = bans;
      next.push_back(Ban{*it, Why::kBanned});
      todo.push_back(std::move(next));
    }
  }
  if (first) problems.insert(problems.end(), first->begin(), first->end());
  return tl::unexpected(detail::to_error(problems));
}

std::string arch_of(const Universe& u, size_t index) {
  for (size_t i = 0; i < u.size(); ++i)
    if (!u.package(i).arch.empty() && u.package(i).arch != "noarch") return u.package(i).arch;
  return "architecture #" + std::to_string(index);
}

// Bans, in each universe, the packages whose name exists in another universe but not at
// their version there.
std::vector<std::vector<Ban>> missing_elsewhere(const std::vector<const Universe*>& us) {
  std::vector<std::vector<Ban>> bans(us.size());
  for (size_t i = 0; i < us.size(); ++i) {
    for (PkgId p = 0; p < us[i]->size(); ++p) {
      const auto& info = us[i]->package(p);
      for (size_t j = 0; j < us.size(); ++j) {
        if (j == i) continue;
        const NameId n = us[j]->find_name(info.name);
        if (n == kNone) continue;
        bool has_name = false, has_version = false;
        for (const auto& pr : us[j]->name(n).providers) {
          if (pr.provide != kNone) continue;
          has_name = true;
          if (us[j]->package(pr.pkg).version == info.version) has_version = true;
        }
        if (has_name && !has_version) {
          bans[i].push_back(Ban{p, Why::kMultiArch});
          break;
        }
      }
    }
  }
  return bans;
}

}  // namespace

base::Result<Solution> solve(const Universe& u, const std::vector<apk::Dependency>& world) {
  std::vector<detail::Problem> problems;
  auto deps = world_deps(u, world, problems);
  TRY_ASSIGN(auto ids, solve_ids(u, deps, {}, std::move(problems)));
  return Solution{install_order(u, ids)};
}

base::Result<std::vector<Solution>> solve_multi(const std::vector<const Universe*>& us,
                                                const std::vector<apk::Dependency>& world) {
  std::vector<std::vector<Dep>> deps;
  std::vector<std::vector<detail::Problem>> missing(us.size());
  for (size_t i = 0; i < us.size(); ++i) deps.push_back(world_deps(*us[i], world, missing[i]));
  std::vector<std::vector<Ban>> bans = missing_elsewhere(us);
  constexpr int kMaxRounds = 8;
  std::vector<std::vector<PkgId>> ids(us.size());
  for (int round = 0; round < kMaxRounds; ++round) {
    for (size_t i = 0; i < us.size(); ++i) {
      auto r = solve_ids(*us[i], deps[i], bans[i], missing[i]);
      if (!r) return tl::unexpected(r.error().context(arch_of(*us[i], i)));
      ids[i] = std::move(*r);
    }
    // Names selected at different versions: drop every version above the lowest one.
    std::map<std::string, std::string> lowest;
    for (size_t i = 0; i < us.size(); ++i) {
      for (PkgId p : ids[i]) {
        const auto& info = us[i]->package(p);
        auto [it, inserted] = lowest.try_emplace(info.name, info.version);
        if (!inserted && apk::version_compare(info.version, it->second) < 0) it->second = info.version;
      }
    }
    bool agreed = true;
    for (size_t i = 0; i < us.size(); ++i) {
      for (PkgId p : ids[i]) {
        const auto& info = us[i]->package(p);
        if (info.version != lowest[info.name]) {
          bans[i].push_back(Ban{p, Why::kMultiArch});
          agreed = false;
        }
      }
    }
    if (agreed) {
      std::vector<Solution> out;
      for (size_t i = 0; i < us.size(); ++i) out.push_back(Solution{install_order(*us[i], ids[i])});
      return out;
    }
  }
  return base::fail(base::ErrorCode::kConflict,
                    "cannot find package versions that every architecture has in common after " +
                        std::to_string(kMaxRounds) + " rounds");
}

}  // namespace solver
