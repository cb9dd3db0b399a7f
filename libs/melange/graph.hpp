// The build graph of several melange recipes, and the scheduler that runs it.
//
// A node is one recipe. It PROVIDES the names of its packages (main and subpackages), their
// `provides:` entries, and the so:/cmd:/pc: names its packages already built in the out dir
// provide (the caller passes those in). It NEEDS its build environment's packages (with each
// step's `needs`) and its packages' runtime dependencies. A need another node provides is an
// edge; a need nobody provides comes from the other repositories, except a virtual one
// (so:, cmd:, pc:) that only exists once a package is built: such a node is HELD until every
// node that could still provide it (one that is neither held itself nor one of its dependents)
// has finished; whatever provides the name by then (the scheduler is told each finished
// node's provides) becomes an edge, else the name is left to the other repositories.
//
// Cycles are one error naming the cycle: "dependency cycle: a (a.yaml) -> b (b.yaml) -> a".
// The order is deterministic: Kahn's algorithm, ready nodes taken by the length of the chain of
// dependents waiting on them (longest first), then by name; the scheduler starts nodes in it.
//
// The Scheduler runs nodes on `jobs` worker threads as soon as their dependencies are done; a
// failed node's dependents (transitively) are skipped, naming the failed dependency; the rest
// go on. Interruption (base::interrupted()) stops starting new nodes.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"

namespace melange::graph {

struct Recipe {
  std::string name;                  // the main package's name (unique in a graph)
  std::filesystem::path file;        // for messages
  std::string version;               // full version (1.2-r3), for messages
  std::vector<std::string> provides; // package names, provides: names, built so:/cmd:/pc: names
  std::vector<std::string> needs;    // dependency strings ("foo>=1", "so:libx.so.1", "!bar" ignored)
};

// The name part of a dependency string ("foo>=1.2" -> "foo", "so:libx.so.1=1" -> "so:libx.so.1");
// empty for a conflict ("!foo").
std::string dependency_name(std::string_view dep);

// True for so:, cmd: and pc: names, which packages provide only once built.
bool is_virtual(std::string_view name);

struct Graph {
  std::vector<Recipe> nodes;
  std::vector<std::vector<size_t>> deps;        // node -> the nodes it needs (sorted, unique)
  std::vector<std::vector<std::string>> held;   // node -> virtual needs nobody provides yet
  // node -> (need, provider) pairs, for the plan.
  std::vector<std::vector<std::pair<std::string, size_t>>> why;
};

// Builds the graph; errors: two recipes with the same package name (naming both files), a name
// two recipes provide is not an error (the first by name wins, as the plan shows), a cycle.
base::Result<Graph> make_graph(std::vector<Recipe> recipes);

// A topological order (dependencies first), ties by longest chain of dependents, then name.
// Held nodes come after every node that is not their dependent.
std::vector<size_t> topo_order(const Graph& g);

// Every node that depends on `n`, directly or not.
std::vector<bool> dependents_of(const Graph& g, size_t n);

enum class State { kQueued, kHeld, kRunning, kBuilt, kUpToDate, kFailed, kSkipped };
const char* state_name(State s);

struct NodeResult {
  State state = State::kQueued;
  std::string detail;   // the failure's message, the failed dependency, why up to date
  std::string where;    // where it ran (engine), for the summary
  std::chrono::steady_clock::time_point start, end;
  double seconds() const { return std::chrono::duration<double>(end - start).count(); }
};

// What running one node gives back.
struct Outcome {
  bool ok = false;
  std::string error;                  // when !ok
  std::string where;                  // where it ran
  std::vector<std::string> provides;  // every provide of the built packages (names)
};

// Runs node `n` on worker `slot` (0..jobs-1); called from worker threads, concurrently.
using Executor = std::function<Outcome(size_t n, size_t slot)>;
// Told of every state change, under the scheduler's lock (keep it short).
using Observer = std::function<void(size_t n, const NodeResult&)>;

class Scheduler {
 public:
  // `done` marks nodes that need no run (up to date), with their detail.
  Scheduler(Graph g, std::map<size_t, std::string> up_to_date);
  std::vector<NodeResult> run(unsigned jobs, const Executor& exec, const Observer& observe);
  const Graph& graph() const { return g_; }

 private:
  Graph g_;
  std::map<size_t, std::string> up_to_date_;
};

// The longest chain of dependencies by duration among `results` (built and failed nodes):
// node indexes, first to last, and its total seconds.
std::pair<std::vector<size_t>, double> critical_path(const Graph& g, const std::vector<NodeResult>& results);

}  // namespace melange::graph
