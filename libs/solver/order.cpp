#include "solver/order.hpp"

#include <algorithm>
#include <queue>
#include <unordered_map>

#include "apk/version.hpp"

namespace solver {

namespace {

struct ByName {
  const Universe* u;
  bool operator()(PkgId a, PkgId b) const {  // "greater", for a min-heap
    const auto& A = u->package(a);
    const auto& B = u->package(b);
    if (int c = A.name.compare(B.name)) return c > 0;
    if (int c = apk::version_compare(A.version, B.version)) return c > 0;
    return a > b;
  }
};

bool satisfies(const Universe& u, const detail::Provider& p, const detail::Dep& d) {
  if (!d.versioned()) return true;
  std::string_view v = u.provided_version(p);
  return !v.empty() && apk::version_match(v, d.op, d.version);
}

}  // namespace

std::vector<size_t> install_order(const Universe& u, const std::vector<PkgId>& selected) {
  const size_t n = selected.size();
  std::unordered_map<PkgId, size_t> index;
  std::unordered_map<NameId, std::vector<detail::Provider>> by_name;  // selected providers
  for (size_t i = 0; i < n; ++i) {
    const PkgId p = selected[i];
    index[p] = i;
    const auto& pkg = u.pkg(p);
    by_name[pkg.name].push_back({p, kNone});
    for (uint32_t k = 0; k < pkg.provides.size(); ++k) by_name[pkg.provides[k].name].push_back({p, k});
  }

  std::vector<std::vector<size_t>> dependents(n);
  std::vector<size_t> unmet(n, 0);
  auto link = [&](size_t to, const detail::Dep& d) {
    if (d.conflict) return;
    auto it = by_name.find(d.name);
    if (it == by_name.end()) return;
    for (const detail::Provider& p : it->second) {
      if (!satisfies(u, p, d)) continue;
      const size_t from = index[p.pkg];
      if (from != to) {
        dependents[from].push_back(to);
        ++unmet[to];
      }
      return;
    }
  };
  for (size_t i = 0; i < n; ++i) {
    for (const detail::Dep& d : u.pkg(selected[i]).depends) link(i, d);
    for (const detail::Dep& d : u.pkg(selected[i]).install_if) link(i, d);
  }

  ByName cmp{&u};
  std::priority_queue<PkgId, std::vector<PkgId>, ByName> ready(cmp);
  std::vector<bool> done(n, false);
  for (size_t i = 0; i < n; ++i)
    if (unmet[i] == 0) ready.push(selected[i]);

  std::vector<size_t> out;
  out.reserve(n);
  while (out.size() < n) {
    if (ready.empty()) {
      // A cycle: release the package with the fewest unmet dependencies, lowest name.
      size_t pick = n;
      for (size_t i = 0; i < n; ++i) {
        if (done[i]) continue;
        if (pick == n || unmet[i] < unmet[pick] ||
            (unmet[i] == unmet[pick] && cmp(selected[pick], selected[i])))
          pick = i;
      }
      unmet[pick] = 0;
      ready.push(selected[pick]);
    }
    const PkgId p = ready.top();
    ready.pop();
    const size_t i = index[p];
    if (done[i]) continue;
    done[i] = true;
    out.push_back(p);
    for (size_t j : dependents[i]) {
      if (done[j] || unmet[j] == 0) continue;
      if (--unmet[j] == 0) ready.push(selected[j]);
    }
  }
  return out;
}

}  // namespace solver
