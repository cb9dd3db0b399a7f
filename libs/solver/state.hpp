// One solve attempt over a Universe: the working state of the solver (see solver.hpp for
// the rules). Internal to libs/solver.
//
// The attempt keeps, per name, the constraints applied so far and the provider selected
// for it, and per package whether it is still eligible. Choices are made one name at a
// time: forced names (one candidate left) first, then required and install_if names in
// apk-tools' discovery order (see discover), names only provided without a version last.
// Every exclusion of a package re-checks only the packages that depend on the names it
// provides (forward checking), so each package is excluded at most once.
#pragma once

#include <deque>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "base/error.hpp"
#include "solver/universe.hpp"

namespace solver::detail {

// Who asked for a dependency: a package's depends entry, or the world (pkg == kNone).
struct Requirer {
  PkgId pkg = kNone;
  const Dep* dep = nullptr;
};

enum class Why : uint8_t {
  kNone,
  kConstraint,  // fails a version constraint on a name it provides
  kConflict,    // matches a "!name" dependency
  kNameTaken,   // a name it provides (with a version) went to another package
  kDepUnsatisfiable,
  kBanned,      // ruled out by an earlier failed attempt
  kMultiArch,   // its version is missing from another architecture
  kSelfConflict,  // it conflicts with itself (Pkg::self_conflict)
};

struct PkgState {
  bool seen = false;
  bool excluded = false;
  bool selected = false;
  bool iif_triggered = false;
  bool world_pinned = false;  // a world dependency matched it: world_pref decides preference
  bool world_pref = false;
  bool had_choice = false;    // selected among several candidates
  bool implied = false;       // its dependencies were applied as the only option of a name
  Why why = Why::kNone;
  NameId why_name = kNone;
  PkgId why_pkg = kNone;
  Requirer why_by;
  uint64_t pins = 1;  // allowed repository tags, bit 0 = untagged
  uint32_t order = kNone;
  NameId selected_for = kNone;
};

struct Constraint {
  Requirer by;
  const Dep* dep;
};

struct NameState {
  bool seen = false;
  bool in_set = false;
  bool set_required = false;  // the key the name is filed under in the unresolved set
  bool forced_queued = false;
  bool iif_wanted = false;
  bool failed = false;  // reported as a problem; not decided again
  bool in_world = false;  // a world entry names it (decided before other names)
  uint32_t order = 0;  // when discovery finished the name (see discover); decided highest first
  uint32_t requirers = 0;
  uint64_t pins_spread = 0;  // pins already passed to providers by unversioned constraints
  PkgId locked = kNone;      // the selected versioned provider
  Provider locked_by{kNone, kNone};
  PkgId unversioned = kNone;  // first selected unversioned provider
  Requirer first;
  std::vector<Constraint> constraints;   // distinct constraints, for matching
  std::vector<Constraint> requirements;  // every requirement, in order, for messages
};

// One reason a solve failed, for the error block: a headline and the requirements behind
// it, each with the chain that led to it ("world -> a-3 -> b-1: needs d<2.0").
struct Problem {
  bool not_found = false;  // a name nothing provides (or a missing repository tag)
  std::string head;
  std::vector<std::string> lines;
};

struct Failure {
  std::vector<Problem> problems;
  std::vector<PkgId> culprits;  // choices worth excluding on a next attempt, latest first
};

// The error of a failed solve: every problem in one block.
base::Error to_error(const std::vector<Problem>& problems);

struct Ban {
  PkgId pkg;
  Why why;
};

class State {
 public:
  State(const Universe& u, const std::vector<Dep>& world, const std::vector<Ban>& bans);
  // Runs the attempt; on success selection() holds the chosen packages. A failure holds
  // every problem met: the attempt goes on past the first one.
  std::optional<Failure> run();
  const std::vector<PkgId>& selection() const { return selected_; }

 private:
  // Search.
  void discover(NameId root);
  void apply(const Dep& d, Requirer by);
  void select(PkgId p, NameId for_name, bool had_choice);
  void resolve(NameId n);
  void imply_only_provider(NameId n);
  void fail(Failure f);
  void exclude(PkgId p, Why why, NameId name, PkgId other, Requirer by);
  void changed(NameId n);
  void recheck(PkgId p, NameId only);
  void check_install_if(PkgId p);
  void drain();
  void file(NameId n);
  void unfile(NameId n);

  // Predicates.
  bool matches(const Provider& p, const Dep& d) const;
  bool resolved(NameId n) const;
  bool selection_satisfies(const Dep& d) const;
  PkgId selection_violates(const Dep& d, PkgId except) const;
  bool satisfiable(const Dep& d, PkgId except) const;
  bool tag_ok(PkgId p) const;
  bool preferred_tag(PkgId p) const;
  bool viable(const Provider& p, NameId n) const;
  bool candidate(const Provider& p, NameId n) const;
  bool auto_selectable(const Provider& p) const;
  bool better(const Provider& a, const Provider& b) const;
  void candidates(NameId n, std::vector<Provider>& out, size_t limit) const;

  // Messages (explain.cpp).
  struct Need {  // a requirement on a name, with the chain that led to it
    std::string path;
    const Dep* dep;
  };
  std::string pkg_text(PkgId p) const;
  std::string path(Requirer by) const;
  std::string line(const Need& n) const;
  std::vector<Need> needs_on(NameId n, bool conflicts) const;
  std::string available(NameId n) const;
  std::vector<Problem> explain_name(NameId n, const std::vector<Need>& extra, int depth) const;
  std::vector<Problem> explain_provider(NameId n, const std::vector<Need>& needs, PkgId b, int depth) const;
  std::string why_chosen(PkgId q) const;
  Failure no_candidate(NameId n) const;
  Failure conflict_locked(const Dep& d, Requirer by) const;
  Failure conflict_selected(const Dep& d, Requirer by, PkgId other) const;
  Failure both_provide(NameId m, PkgId p, PkgId holder) const;
  std::vector<PkgId> pick_culprits(std::vector<PkgId> involved) const;

  const Universe& u_;
  const std::vector<Dep>& world_;
  const std::vector<Ban>& bans_;
  std::vector<PkgState> ps_;
  std::vector<NameState> ns_;
  std::vector<std::string> origin_version_;  // per origin id: version selected ("" none)
  std::vector<PkgId> selected_;
  uint32_t order_counter_ = 0;
  std::deque<std::pair<PkgId, NameId>> recheck_;  // (package, name its deps changed on)
  std::deque<NameId> forced_;
  // (only unversioned providers: those go last; world names first; discovery order, highest first)
  using Key = std::tuple<int, int, int64_t, NameId>;
  std::set<Key> unresolved_;
  std::optional<Failure> failure_;
  Key key(NameId n, bool required) const;
};

}  // namespace solver::detail
