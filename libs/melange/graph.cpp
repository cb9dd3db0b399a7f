// The build graph and its scheduler (see graph.hpp).
#include "melange/graph.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "base/interrupt.hpp"

namespace melange::graph {

std::string dependency_name(std::string_view dep) {
  while (!dep.empty() && (dep.front() == ' ' || dep.front() == '\t')) dep.remove_prefix(1);
  if (dep.empty() || dep.front() == '!') return {};
  size_t end = dep.find_first_of("<>=~@ \t");
  return std::string(dep.substr(0, end));
}

bool is_virtual(std::string_view name) {
  return name.rfind("so:", 0) == 0 || name.rfind("cmd:", 0) == 0 || name.rfind("pc:", 0) == 0;
}

const char* state_name(State s) {
  switch (s) {
    case State::kQueued: return "queued";
    case State::kHeld: return "held";
    case State::kRunning: return "building";
    case State::kBuilt: return "built";
    case State::kUpToDate: return "up to date";
    case State::kFailed: return "FAILED";
    case State::kSkipped: return "skipped";
  }
  return "?";
}

namespace {

std::string node_label(const Recipe& r) { return r.name + " (" + r.file.string() + ")"; }

// A cycle through the dependency edges, as node indexes (first repeated at the end), if any.
std::vector<size_t> find_cycle(const std::vector<std::vector<size_t>>& deps) {
  const size_t n = deps.size();
  std::vector<int> color(n, 0);  // 0 new, 1 on the stack, 2 done
  std::vector<size_t> stack;
  std::vector<size_t> cycle;
  std::function<bool(size_t)> visit = [&](size_t v) -> bool {
    color[v] = 1;
    stack.push_back(v);
    for (size_t d : deps[v]) {
      if (color[d] == 1) {
        auto it = std::find(stack.begin(), stack.end(), d);
        cycle.assign(it, stack.end());
        cycle.push_back(d);
        return true;
      }
      if (color[d] == 0 && visit(d)) return true;
    }
    stack.pop_back();
    color[v] = 2;
    return false;
  };
  for (size_t v = 0; v < n; ++v)
    if (color[v] == 0 && visit(v)) return cycle;
  return {};
}

bool finished(State s) {
  return s == State::kBuilt || s == State::kUpToDate || s == State::kFailed || s == State::kSkipped;
}

}  // namespace

base::Result<Graph> make_graph(std::vector<Recipe> recipes) {
  std::sort(recipes.begin(), recipes.end(), [](const Recipe& a, const Recipe& b) { return a.name < b.name; });
  for (size_t i = 1; i < recipes.size(); ++i)
    if (recipes[i].name == recipes[i - 1].name)
      return base::fail(base::ErrorCode::kInvalidInput, recipes[i].file.string() + ": package " + recipes[i].name +
                                                            " is also built by " + recipes[i - 1].file.string());
  Graph g;
  g.nodes = std::move(recipes);
  const size_t n = g.nodes.size();
  // Provider of each name: a node's own package names first, then provides: in name order.
  std::map<std::string, size_t> provider;
  for (size_t i = 0; i < n; ++i) provider.emplace(g.nodes[i].name, i);
  for (size_t i = 0; i < n; ++i)
    for (const auto& p : g.nodes[i].provides) provider.emplace(dependency_name(p), i);
  g.deps.resize(n);
  g.held.resize(n);
  g.why.resize(n);
  for (size_t i = 0; i < n; ++i) {
    std::set<size_t> deps;
    std::set<std::string> held;
    for (const auto& need : g.nodes[i].needs) {
      std::string name = dependency_name(need);
      if (name.empty()) continue;
      auto it = provider.find(name);
      if (it != provider.end()) {
        if (it->second != i && deps.insert(it->second).second) g.why[i].emplace_back(name, it->second);
      } else if (is_virtual(name)) {
        held.insert(name);
      }
    }
    g.deps[i].assign(deps.begin(), deps.end());
    g.held[i].assign(held.begin(), held.end());
  }
  if (auto cycle = find_cycle(g.deps); !cycle.empty()) {
    // The cycle as "a needs b needs c needs a", dependencies in the direction they point.
    std::string text;
    for (size_t k = 0; k < cycle.size(); ++k) {
      if (k) text += " -> ";
      text += k + 1 == cycle.size() ? g.nodes[cycle[k]].name : node_label(g.nodes[cycle[k]]);
    }
    return base::fail(base::ErrorCode::kInvalidInput, "dependency cycle: " + text,
                      "'a -> b' means a needs what b provides; break the cycle in one of these recipes");
  }
  return g;
}

std::vector<bool> dependents_of(const Graph& g, size_t n) {
  const size_t size = g.nodes.size();
  std::vector<std::vector<size_t>> rev(size);
  for (size_t i = 0; i < size; ++i)
    for (size_t d : g.deps[i]) rev[d].push_back(i);
  std::vector<bool> seen(size, false);
  std::vector<size_t> todo{n};
  while (!todo.empty()) {
    size_t v = todo.back();
    todo.pop_back();
    for (size_t r : rev[v])
      if (!seen[r]) {
        seen[r] = true;
        todo.push_back(r);
      }
  }
  return seen;
}

std::vector<size_t> topo_order(const Graph& g) {
  const size_t n = g.nodes.size();
  std::vector<size_t> missing(n);
  std::vector<std::vector<size_t>> rev(n);
  for (size_t i = 0; i < n; ++i) {
    missing[i] = g.deps[i].size();
    for (size_t d : g.deps[i]) rev[d].push_back(i);
  }
  // Height: the longest chain of dependents above a node (0 for nothing). Ready nodes: not
  // held before held, then the highest first (long chains start early, which shortens the
  // whole build), then by name (= index: nodes are sorted by name).
  std::vector<size_t> height(n, 0);
  std::function<size_t(size_t)> up = [&](size_t i) -> size_t {
    if (height[i] > 0) return height[i] - 1;
    size_t h = 0;
    for (size_t r : rev[i]) h = std::max(h, up(r) + 1);
    height[i] = h + 1;
    return h;
  };
  for (size_t i = 0; i < n; ++i) up(i);
  auto key = [&](size_t i) { return std::make_tuple(!g.held[i].empty(), n - height[i], i); };
  std::set<std::tuple<bool, size_t, size_t>> ready;
  for (size_t i = 0; i < n; ++i)
    if (missing[i] == 0) ready.insert(key(i));
  std::vector<size_t> order;
  while (!ready.empty()) {
    size_t v = std::get<2>(*ready.begin());
    ready.erase(ready.begin());
    order.push_back(v);
    for (size_t r : rev[v])
      if (--missing[r] == 0) ready.insert(key(r));
  }
  return order;  // make_graph() refused cycles: every node is here
}

Scheduler::Scheduler(Graph g, std::map<size_t, std::string> up_to_date)
    : g_(std::move(g)), up_to_date_(std::move(up_to_date)) {}

std::vector<NodeResult> Scheduler::run(unsigned jobs, const Executor& exec, const Observer& observe) {
  const size_t n = g_.nodes.size();
  std::vector<NodeResult> res(n);
  std::vector<std::vector<std::string>> unresolved = g_.held;
  std::vector<std::vector<bool>> dependents(n);
  for (size_t i = 0; i < n; ++i)
    if (!unresolved[i].empty()) dependents[i] = dependents_of(g_, i);
  std::vector<size_t> order = topo_order(g_);
  std::mutex mu;
  std::condition_variable cv;
  size_t running = 0;
  const auto now = std::chrono::steady_clock::now();
  for (const auto& [i, why] : up_to_date_) {
    if (i >= n) continue;
    res[i].state = State::kUpToDate;
    res[i].detail = why;
    res[i].start = res[i].end = now;
    unresolved[i].clear();
  }
  auto set_state = [&](size_t i, State s, std::string detail) {
    res[i].state = s;
    res[i].detail = std::move(detail);
    if (observe) observe(i, res[i]);
  };
  // Settles every waiting node: skips those with a failed dependency, marks the runnable ones
  // (returns the first runnable one in order, or n).
  auto settle = [&]() -> size_t {
    bool changed = true;
    size_t first = n;
    while (changed) {
      changed = false;
      first = n;
      for (size_t i : order) {
        State s = res[i].state;
        if (s != State::kQueued && s != State::kHeld) continue;
        if (base::interrupted()) {
          auto t = std::chrono::steady_clock::now();
          res[i].start = res[i].end = t;
          set_state(i, State::kSkipped, "interrupted");
          changed = true;
          continue;
        }
        bool all_done = true;
        std::optional<size_t> bad;
        for (size_t d : g_.deps[i]) {
          State ds = res[d].state;
          if (ds == State::kFailed || ds == State::kSkipped) bad = d;
          else if (ds != State::kBuilt && ds != State::kUpToDate) all_done = false;
        }
        if (bad) {
          // Name the failed package itself, also through skipped ones.
          std::string root = res[*bad].state == State::kFailed ? g_.nodes[*bad].name : res[*bad].detail;
          if (res[*bad].state == State::kSkipped && root.rfind("depends on failed ", 0) == 0) root = root.substr(18);
          auto t = std::chrono::steady_clock::now();
          res[i].start = res[i].end = t;
          set_state(i, State::kSkipped, "depends on failed " + root);
          changed = true;
          continue;
        }
        if (!all_done) continue;
        if (!unresolved[i].empty()) {
          // Held until no possible provider of its virtual needs is left unfinished.
          bool waiting = false;
          for (size_t m = 0; m < n && !waiting; ++m)
            if (m != i && unresolved[m].empty() && !dependents[i][m] && !finished(res[m].state)) waiting = true;
          if (waiting) {
            if (s != State::kHeld) set_state(i, State::kHeld, "waits for a provider of " + unresolved[i].front());
            continue;
          }
        }
        if (first == n) first = i;
      }
    }
    return first;
  };
  auto worker = [&](size_t slot) {
    std::unique_lock lk(mu);
    for (;;) {
      size_t i = settle();
      if (i == n) {
        if (running == 0) {
          // Nothing runs and nothing can start: finished (or stuck, which would be a bug).
          for (size_t k : order)
            if (!finished(res[k].state) && res[k].state != State::kRunning) {
              res[k].start = res[k].end = std::chrono::steady_clock::now();
              set_state(k, State::kFailed, "could not be scheduled");
            }
          cv.notify_all();
          return;
        }
        cv.wait(lk);
        continue;
      }
      res[i].start = std::chrono::steady_clock::now();
      set_state(i, State::kRunning, "");
      ++running;
      lk.unlock();
      Outcome out;
      try {
        out = exec(i, slot);
      } catch (const std::exception& e) {
        out.ok = false;
        out.error = e.what();
      }
      lk.lock();
      --running;
      res[i].end = std::chrono::steady_clock::now();
      res[i].where = out.where;
      if (out.ok) {
        // Resolve held nodes' virtual needs this node's packages provide.
        std::set<std::string> provided;
        for (const auto& p : out.provides) provided.insert(dependency_name(p));
        for (size_t k = 0; k < n; ++k) {
          auto& u = unresolved[k];
          if (u.empty() || k == i) continue;
          bool edge = false;
          for (auto it = u.begin(); it != u.end();) {
            if (provided.count(*it)) {
              g_.why[k].emplace_back(*it, i);
              it = u.erase(it);
              edge = true;
            } else {
              ++it;
            }
          }
          if (edge && std::find(g_.deps[k].begin(), g_.deps[k].end(), i) == g_.deps[k].end()) g_.deps[k].push_back(i);
        }
        set_state(i, State::kBuilt, "");
      } else {
        set_state(i, State::kFailed, out.error);
      }
      cv.notify_all();
    }
  };
  if (jobs == 0) jobs = 1;
  std::vector<std::thread> threads;
  for (unsigned s = 0; s < jobs; ++s) threads.emplace_back(worker, size_t(s));
  for (auto& t : threads) t.join();
  return res;
}

std::pair<std::vector<size_t>, double> critical_path(const Graph& g, const std::vector<NodeResult>& results) {
  const size_t n = g.nodes.size();
  std::vector<double> best(n, -1);
  std::vector<size_t> next(n, n);
  auto counts = [&](size_t i) { return results[i].state == State::kBuilt || results[i].state == State::kFailed; };
  std::function<double(size_t)> cost = [&](size_t i) -> double {
    if (best[i] >= 0) return best[i];
    double own = counts(i) ? results[i].seconds() : 0;
    double tail = 0;
    for (size_t d : g.deps[i]) {
      double c = cost(d);
      if (c > tail || (next[i] == n && c > 0)) {
        tail = c;
        next[i] = d;
      }
    }
    if (tail == 0) next[i] = n;
    best[i] = own + tail;
    return best[i];
  };
  size_t top = n;
  double total = 0;
  for (size_t i = 0; i < n; ++i)
    if (counts(i) && cost(i) > total) {
      total = cost(i);
      top = i;
    }
  std::vector<size_t> path;
  for (size_t v = top; v != n; v = next[v])
    if (counts(v)) path.push_back(v);
  std::reverse(path.begin(), path.end());
  return {path, total};
}

}  // namespace melange::graph
