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
      }
      return;
    }
  };
  for (size_t i = 0; i < n; ++i) {
    for (const detail::Dep& d : u.pkg(selected[i]).depends) link(i, d);
    for (const detail::Dep& d : u.pkg(selected[i]).install_if) link(i, d);
  }

  // Strongly connected components (iterative Tarjan): a cycle is released as a whole.
  std::vector<size_t> comp(n, SIZE_MAX), low(n), num(n, SIZE_MAX);
  {
    std::vector<size_t> stack, call;
    std::vector<size_t> edge(n, 0);
    std::vector<bool> on(n, false);
    size_t counter = 0, comps = 0;
    for (size_t s = 0; s < n; ++s) {
      if (num[s] != SIZE_MAX) continue;
      call.push_back(s);
      while (!call.empty()) {
        const size_t v = call.back();
        if (num[v] == SIZE_MAX) {
          num[v] = low[v] = counter++;
          stack.push_back(v);
          on[v] = true;
        }
        if (edge[v] < dependents[v].size()) {
          const size_t w = dependents[v][edge[v]++];
          if (num[w] == SIZE_MAX) call.push_back(w);
          else if (on[w]) low[v] = std::min(low[v], num[w]);
          continue;
        }
        call.pop_back();
        if (!call.empty()) low[call.back()] = std::min(low[call.back()], low[v]);
        if (low[v] == num[v]) {
          for (;;) {
            const size_t w = stack.back();
            stack.pop_back();
            on[w] = false;
            comp[w] = comps;
            if (w == v) break;
          }
          ++comps;
        }
      }
    }
  }
  // Kahn's algorithm over the components; the ready component holding the lowest name
  // goes first. Inside a cycle, members whose in-cycle dependencies are installed go
  // first, lowest name first; when none is, the lowest name breaks the cycle.
  size_t comps = 0;
  for (size_t i = 0; i < n; ++i) comps = std::max(comps, comp[i] + 1);
  std::vector<std::vector<size_t>> members(comps);
  for (size_t i = 0; i < n; ++i) members[comp[i]].push_back(i);
  std::vector<size_t> comp_unmet(comps, 0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j : dependents[i])
      if (comp[i] != comp[j]) ++comp_unmet[comp[j]];

  ByName cmp{&u};
  auto lowest = [&](const std::vector<size_t>& list) {
    size_t best = list.front();
    for (size_t i : list)
      if (cmp(selected[best], selected[i])) best = i;
    return best;
  };
  auto comp_greater = [&](size_t a, size_t b) { return cmp(selected[lowest(members[a])], selected[lowest(members[b])]); };
  std::priority_queue<size_t, std::vector<size_t>, decltype(comp_greater)> ready(comp_greater);
  for (size_t c = 0; c < comps; ++c)
    if (comp_unmet[c] == 0) ready.push(c);

  std::vector<size_t> out;
  out.reserve(n);
  while (!ready.empty()) {
    const size_t c = ready.top();
    ready.pop();
    std::vector<size_t> left = members[c];
    while (!left.empty()) {
      std::vector<size_t> free;
      for (size_t i : left) {
        if (left.size() > 64) break;  // a huge cycle: plain name order
        bool ok = true;
        for (size_t k : left)
          if (k != i && std::find(dependents[k].begin(), dependents[k].end(), i) != dependents[k].end()) ok = false;
        if (ok) free.push_back(i);
      }
      const size_t pick = lowest(free.empty() ? left : free);
      left.erase(std::find(left.begin(), left.end(), pick));
      out.push_back(selected[pick]);
    }
    for (size_t i : members[c])
      for (size_t j : dependents[i])
        if (comp[j] != c && --comp_unmet[comp[j]] == 0) ready.push(comp[j]);
  }
  return out;
}

}  // namespace solver
