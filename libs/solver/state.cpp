#include "solver/state.hpp"

#include <algorithm>

#include "apk/version.hpp"

namespace solver::detail {

namespace {

// Orders provided versions. A provide without a version is not comparable with anything
// (apk-tools: neither lower nor higher), so the next rules decide.
int compare_provided(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return 0;
  return apk::version_compare(a, b);
}

}  // namespace

State::State(const Universe& u, const std::vector<Dep>& world, const std::vector<Ban>& bans)
    : u_(u),
      world_(world),
      bans_(bans),
      ps_(u.size()),
      ns_(u.name_count()),
      origin_version_(u.origin_count()) {}

// ---- predicates -------------------------------------------------------------------

bool State::matches(const Provider& p, const Dep& d) const {
  if (!d.versioned()) return true;
  std::string_view v = u_.provided_version(p);
  return !v.empty() && apk::version_match(v, d.op, d.version);
}

bool State::resolved(NameId n) const {
  const NameState& s = ns_[n];
  return s.locked != kNone || s.unversioned != kNone;
}

bool State::selection_satisfies(const Dep& d) const {
  const NameState& s = ns_[d.name];
  if (s.locked != kNone && matches(s.locked_by, d)) return true;
  return !d.versioned() && s.unversioned != kNone;
}

PkgId State::selection_violates(const Dep& d, PkgId except) const {
  const NameState& s = ns_[d.name];
  if (s.locked != kNone && s.locked != except && matches(s.locked_by, d)) return s.locked;
  if (!d.versioned() && s.unversioned != kNone && s.unversioned != except) return s.unversioned;
  return kNone;
}

bool State::satisfiable(const Dep& d, PkgId except) const {
  if (d.conflict) return selection_violates(d, except) == kNone;
  const NameState& s = ns_[d.name];
  if (s.locked != kNone) return matches(s.locked_by, d);
  if (s.unversioned != kNone) return !d.versioned();
  for (const Provider& p : u_.name(d.name).providers)
    if (!ps_[p.pkg].excluded && matches(p, d)) return true;
  return false;
}

bool State::tag_ok(PkgId p) const { return (u_.pkg(p).tags & ps_[p].pins) != 0; }

bool State::preferred_tag(PkgId p) const {
  if (ps_[p].world_pinned) return ps_[p].world_pref;
  return (u_.pkg(p).tags & 1) != 0;
}

bool State::viable(const Provider& p, NameId n) const {
  const PkgState& s = ps_[p.pkg];
  if (!s.seen || s.excluded || s.selected || !tag_ok(p.pkg)) return false;
  const NameState& st = ns_[n];
  const Pkg& pkg = u_.pkg(p.pkg);
  if (st.requirers == 0 && (!s.iif_triggered || pkg.name != n)) return false;
  for (const Constraint& c : st.constraints)
    if (!c.dep->conflict && !matches(p, *c.dep)) return false;
  return true;
}

bool State::candidate(const Provider& p, NameId n) const {
  // apk-tools: a virtual provider is only auto-selected with a provider_priority or when
  // its own package is required anyway (even when it is the only provider).
  return viable(p, n) && auto_selectable(p);
}

bool State::auto_selectable(const Provider& p) const {
  const Pkg& pkg = u_.pkg(p.pkg);
  return !u_.provided_version(p).empty() || pkg.provider_priority != 0 || ns_[pkg.name].requirers > 0;
}

void State::candidates(NameId n, std::vector<Provider>& out, size_t limit) const {
  out.clear();
  for (const Provider& p : u_.name(n).providers) {
    if (!candidate(p, n)) continue;
    out.push_back(p);
    if (out.size() >= limit) return;
  }
}

bool State::better(const Provider& a, const Provider& b) const {
  const PkgId pa = a.pkg, pb = b.pkg;
  if (preferred_tag(pa) != preferred_tag(pb)) return preferred_tag(pa);
  const Pkg& A = u_.pkg(pa);
  const Pkg& B = u_.pkg(pb);
  const std::string& va = u_.package(pa).version;
  const std::string& vb = u_.package(pb).version;
  // Origin affinity, between versions of one package only: keep a subpackage at the
  // version its origin was selected at (never overrides the choice between providers).
  if (A.name == B.name) {
    const bool oa = !origin_version_[A.origin].empty() && origin_version_[A.origin] == va;
    const bool ob = !origin_version_[B.origin].empty() && origin_version_[B.origin] == vb;
    if (oa != ob) return oa;
  }
  if (int c = compare_provided(u_.provided_version(a), u_.provided_version(b))) return c > 0;
  if (A.name == B.name)
    if (int c = apk::version_compare(va, vb)) return c > 0;
  if (A.provider_priority != B.provider_priority) return A.provider_priority > B.provider_priority;
  const int ra = u_.repository(A.repo).priority, rb = u_.repository(B.repo).priority;
  if (ra != rb) return ra > rb;
  if (A.repo != B.repo) return A.repo < B.repo;
  return pa < pb;  // apk-tools: the one met first in the repositories' indexes
}

// ---- bookkeeping --------------------------------------------------------------------

State::Key State::key(NameId n, bool required) const {
  (void)required;
  // apk-tools: names that can be picked for first, the names asked for in the world (apk add
  // flags them) before the others, then discovery order.
  return {u_.name(n).virtual_class() == 2 ? 1 : 0, ns_[n].in_world ? 0 : 1, -static_cast<int64_t>(ns_[n].order), n};
}

void State::file(NameId n) {
  NameState& s = ns_[n];
  if (s.failed) return;
  const bool required = s.requirers > 0;
  if (s.in_set && s.set_required == required) return;
  if (s.in_set) unresolved_.erase(key(n, s.set_required));
  unresolved_.insert(key(n, required));
  s.in_set = true;
  s.set_required = required;
}

void State::unfile(NameId n) {
  NameState& s = ns_[n];
  if (!s.in_set) return;
  unresolved_.erase(key(n, s.set_required));
  s.in_set = false;
}

void State::changed(NameId n) {
  for (PkgId q : u_.name(n).rdepends) {
    const PkgState& s = ps_[q];
    if (s.seen && !s.excluded && !s.selected) recheck_.emplace_back(q, n);
  }
  NameState& s = ns_[n];
  if (s.requirers > 0 && !s.forced_queued && !resolved(n)) {
    s.forced_queued = true;
    forced_.push_back(n);
  }
}

void State::exclude(PkgId p, Why why, NameId name, PkgId other, Requirer by) {
  PkgState& s = ps_[p];
  if (s.excluded || s.selected) return;
  s.excluded = true;
  s.why = why;
  s.why_name = name;
  s.why_pkg = other;
  s.why_by = by;
  // Once a name is locked, excluding its other providers changes nothing for it.
  const Pkg& pkg = u_.pkg(p);
  if (ns_[pkg.name].locked == kNone) changed(pkg.name);
  for (const Pkg::Provide& pr : pkg.provides)
    if (ns_[pr.name].locked == kNone) changed(pr.name);
}

// Re-checks the dependencies of `p` on `only` (all of them for kNone).
void State::recheck(PkgId p, NameId only) {
  const PkgState& s = ps_[p];
  if (s.excluded || s.selected) return;
  for (const Dep& d : u_.pkg(p).depends) {
    if (only != kNone && d.name != only) continue;
    if (!satisfiable(d, p)) {
      exclude(p, Why::kDepUnsatisfiable, d.name, kNone, Requirer{p, &d});
      return;
    }
  }
}

void State::drain() {
  while (!recheck_.empty()) {
    auto [p, n] = recheck_.front();
    recheck_.pop_front();
    recheck(p, n);
  }
}

void State::check_install_if(PkgId q) {
  PkgState& s = ps_[q];
  const Pkg& pkg = u_.pkg(q);
  // The package's own name must have been discovered (apk-tools decides install_if packages
  // under their names; one only reached as a provider of another name is never brought in).
  if (!s.seen || !ns_[pkg.name].seen || s.excluded || s.selected || s.iif_triggered || pkg.install_if.empty()) return;
  uint64_t pins = 0;
  for (const Dep& d : pkg.install_if) {
    if (d.conflict) {
      if (selection_violates(d, q) != kNone) return;
      continue;
    }
    if (!selection_satisfies(d)) return;
    const NameState& st = ns_[d.name];
    pins |= ps_[st.locked != kNone ? st.locked : st.unversioned].pins;
  }
  s.iif_triggered = true;
  s.pins |= pins;
  ns_[pkg.name].iif_wanted = true;
  if (!resolved(pkg.name)) file(pkg.name);
}

// ---- discovery ----------------------------------------------------------------------

// Depth-first from `root`, numbering every name when it is finished (NameState::order), as
// apk-tools does: a name is finished after the dependencies of its providers (met for the
// first time), then the names whose install_if mentions its providers' names, then the
// names its providers provide (met for the first time) and the install_if names of those.
// Unresolved names are decided highest number first, so a name comes before the names it
// leads to, and an install_if companion before the dependencies of what triggered it.
// Iterative: chains can be thousands deep.
void State::discover(NameId root) {
  struct Frame {
    NameId n;
    int phase = 0;  // 0: dependencies of new providers; 1: own-name install_if; 2: provides;
                    // 3: install_if of a provided name
    size_t prov = 0, item = 0, sub = 0;
    NameId provided = kNone;
  };
  if (ns_[root].seen) return;
  std::vector<Frame> stack{Frame{root}};
  ns_[root].seen = true;
  // Pushes a frame for `m` if it was not seen; the caller must not use its Frame& after true.
  auto enter = [&](NameId m) {
    if (ns_[m].seen) return false;
    ns_[m].seen = true;
    stack.push_back(Frame{m});
    return true;
  };
  while (!stack.empty()) {
    Frame& f = stack.back();
    const auto& provs = u_.name(f.n).providers;
    bool pushed = false;
    while (!pushed && f.phase == 0 && f.prov < provs.size()) {
      const PkgId p = provs[f.prov].pkg;
      if (f.item == 0) {
        if (ps_[p].seen) {
          ++f.prov;
          continue;
        }
        ps_[p].seen = true;
      }
      const auto& deps = u_.pkg(p).depends;
      if (f.item < deps.size()) {
        pushed = enter(deps[f.item++].name);
        continue;
      }
      f.item = 0;
      ++f.prov;
    }
    if (pushed) continue;
    if (f.phase == 0) {
      f.phase = 1;
      f.prov = f.item = 0;
    }
    while (!pushed && f.prov < provs.size()) {
      const Pkg& pkg = u_.pkg(provs[f.prov].pkg);
      if (f.phase == 1) {
        const auto& iif = u_.name(pkg.name).rinstall_if_names;
        if (f.item < iif.size()) {
          pushed = enter(iif[f.item++]);
          continue;
        }
        f.phase = 2;
        f.item = 0;
      }
      if (f.phase == 2) {
        if (f.item < pkg.provides.size()) {
          const NameId m = pkg.provides[f.item++].name;
          if (ns_[m].seen) continue;
          f.provided = m;
          f.phase = 3;
          f.sub = 0;
          pushed = enter(m);
          continue;
        }
        f.phase = 1;
        f.item = 0;
        ++f.prov;
        continue;
      }
      const auto& iif = u_.name(f.provided).rinstall_if_names;  // phase 3
      if (f.sub < iif.size()) {
        pushed = enter(iif[f.sub++]);
        continue;
      }
      f.phase = 2;
    }
    if (pushed) continue;
    ns_[f.n].order = ++order_counter_;
    stack.pop_back();
  }
}

// ---- search -------------------------------------------------------------------------

// A required name whose one remaining provider may not be picked for it (a provide without a
// version and without provider_priority) can still be satisfied when that package is selected
// for another name. Whatever happens, the name needs that package, so its dependencies are
// applied now, as apk-tools applies the dependencies of a name's only option before choosing;
// they may select it through a name it provides with a version.
void State::imply_only_provider(NameId n) {
  PkgId only = kNone;
  for (const Provider& p : u_.name(n).providers) {
    if (!viable(p, n)) continue;
    if (only != kNone && only != p.pkg) return;  // several: nothing is implied
    only = p.pkg;
  }
  if (only == kNone || ps_[only].implied) return;
  ps_[only].implied = true;
  for (const Dep& d : u_.pkg(only).depends) apply(d, Requirer{only, &d});
}

// Records a problem and goes on, so that one error names every problem; the culprits of
// the first failure drive the next attempt.
void State::fail(Failure f) {
  constexpr size_t kMaxProblems = 8;
  if (!failure_) {
    failure_ = std::move(f);
    return;
  }
  for (Problem& p : f.problems) {
    if (failure_->problems.size() >= kMaxProblems) break;
    bool known = false;
    for (const Problem& q : failure_->problems) known = known || q.head == p.head;
    if (!known) failure_->problems.push_back(std::move(p));
  }
}

void State::apply(const Dep& d, Requirer by) {
  NameState& s = ns_[d.name];
  s.requirements.push_back({by, &d});
  bool known = false;
  for (const Constraint& c : s.constraints) {
    if (c.dep->conflict == d.conflict && c.dep->op == d.op && c.dep->version == d.version) {
      known = true;
      break;
    }
  }
  if (!known) s.constraints.push_back({by, &d});
  const auto& providers = u_.name(d.name).providers;

  if (d.conflict) {
    if (PkgId other = selection_violates(d, by.pkg); other != kNone) return fail(conflict_selected(d, by, other));
    for (const Provider& p : providers)
      if (p.pkg != by.pkg && matches(p, d)) exclude(p.pkg, Why::kConflict, d.name, kNone, by);
    return;
  }

  if (s.requirers++ == 0) s.first = by;
  if (s.locked != kNone) {
    if (!matches(s.locked_by, d)) return fail(conflict_locked(d, by));
  } else if (s.unversioned != kNone) {
    if (d.versioned()) return fail(conflict_locked(d, by));
  } else {
    file(d.name);
    if (!s.forced_queued) {
      s.forced_queued = true;
      forced_.push_back(d.name);
    }
  }

  const bool world = by.pkg == kNone;
  const uint64_t pins = world ? (d.tag < 64 ? uint64_t{1} << d.tag : 0) : ps_[by.pkg].pins;
  if (!d.versioned() && !world) {
    // Unversioned constraints exclude nothing; only new pins need spreading.
    if ((pins & ~s.pins_spread) == 0) return;
    s.pins_spread |= pins;
  }
  for (const Provider& p : providers) {
    if (p.pkg == by.pkg) continue;
    PkgState& ps = ps_[p.pkg];
    if (matches(p, d)) {
      ps.pins |= pins;
      if (world) {
        ps.world_pinned = true;
        ps.world_pref = ps.world_pref || (d.tag < 64 && ((u_.pkg(p.pkg).tags >> d.tag) & 1));
      }
    } else {
      // Includes providers without a version: one of them would keep every versioned
      // provider out (apk-tools disqualifies every provider that does not satisfy it).
      exclude(p.pkg, Why::kConstraint, d.name, kNone, by);
    }
  }
  return;
}

void State::select(PkgId p, NameId for_name, bool had_choice) {
  PkgState& s = ps_[p];
  s.selected = true;
  s.had_choice = had_choice;
  s.order = static_cast<uint32_t>(selected_.size());
  s.selected_for = for_name;
  selected_.push_back(p);
  const Pkg& pkg = u_.pkg(p);
  std::string& ov = origin_version_[pkg.origin];
  if (ov.empty()) ov = u_.package(p).version;

  // apk-tools' rule: a name has one provider, except that several packages may provide it
  // without a version; a versioned and an unversioned provider of one name exclude each other.
  auto assign = [&](NameId m, Provider prov, bool versioned) {
    NameState& st = ns_[m];
    const PkgId holder = st.locked != kNone ? st.locked : versioned ? st.unversioned : kNone;
    if (holder != kNone && holder != p) return fail(both_provide(m, p, holder));
    if (versioned) {
      st.locked = p;
      st.locked_by = prov;
    } else if (st.unversioned == kNone) {
      st.unversioned = p;
    }
    for (const Provider& q : u_.name(m).providers)
      if (q.pkg != p && (versioned || !u_.provided_version(q).empty())) exclude(q.pkg, Why::kNameTaken, m, p, {});
    unfile(m);
    changed(m);
    for (PkgId q : u_.name(m).rinstall_if) check_install_if(q);
  };
  assign(pkg.name, Provider{p, kNone}, true);
  for (uint32_t i = 0; i < pkg.provides.size(); ++i)
    assign(pkg.provides[i].name, Provider{p, i}, !pkg.provides[i].version.empty());
  for (const Dep& d : pkg.depends) apply(d, Requirer{p, &d});
}

void State::resolve(NameId n) {
  unfile(n);
  if (resolved(n) || ns_[n].failed) return;
  std::vector<Provider> c;
  candidates(n, c, SIZE_MAX);
  if (c.empty()) {
    if (ns_[n].requirers == 0) return;  // install_if with nothing eligible
    ns_[n].failed = true;
    return fail(no_candidate(n));
  }
  Provider best = c[0];
  for (size_t i = 1; i < c.size(); ++i)
    if (better(c[i], best)) best = c[i];
  if (ns_[n].requirers == 0) {
    // An install_if package does not rescue a required name it provides without a version
    // when nothing else may be picked for it: apk-tools decides such a name (and fails it)
    // before the install_if package.
    std::vector<Provider> other;
    for (const Pkg::Provide& pr : u_.pkg(best.pkg).provides) {
      if (!pr.version.empty() || ns_[pr.name].requirers == 0 || resolved(pr.name)) continue;
      candidates(pr.name, other, 1);
      if (!other.empty()) continue;
      ns_[pr.name].failed = true;
      return fail(no_candidate(pr.name));
    }
  }
  select(best.pkg, n, c.size() > 1);
}

std::optional<Failure> State::run() {
  for (const Ban& b : bans_) {
    ps_[b.pkg].excluded = true;
    ps_[b.pkg].why = b.why;
  }
  for (PkgId p = 0; p < ps_.size(); ++p) {
    if (u_.pkg(p).self_conflict.empty() || ps_[p].excluded) continue;
    ps_[p].excluded = true;
    ps_[p].why = Why::kSelfConflict;
  }
  std::vector<const Dep*> world;
  for (const Dep& d : world_) {
    if (d.name == kNone) continue;  // callers report unknown names before solving
    world.push_back(&d);
    ns_[d.name].in_world = true;
  }
  std::stable_sort(world.begin(), world.end(), [&](const Dep* a, const Dep* b) {
    return u_.name(a->name).text < u_.name(b->name).text;
  });
  for (const Dep* d : world) discover(d->name);
  for (PkgId p = 0; p < ps_.size(); ++p) {
    if (ps_[p].seen && !ps_[p].excluded) recheck_.emplace_back(p, kNone);
  }
  drain();
  for (const Dep* d : world) apply(*d, Requirer{kNone, d});

  std::vector<Provider> c;
  for (;;) {
    drain();
    if (!forced_.empty()) {
      const NameId n = forced_.front();
      forced_.pop_front();
      ns_[n].forced_queued = false;
      if (ns_[n].requirers == 0 || resolved(n) || ns_[n].failed) continue;
      // One viable provider (counting those that may not be picked on their own, as
      // apk-tools counts options) decides the name now; several wait for their turn.
      c.clear();
      for (const Provider& p : u_.name(n).providers) {
        if (!viable(p, n)) continue;
        c.push_back(p);
        if (c.size() > 1) break;
      }
      if (c.size() != 1) continue;
      if (!auto_selectable(c[0])) {
        imply_only_provider(n);
        continue;
      }
      unfile(n);
      select(c[0].pkg, n, false);
      continue;
    }
    if (unresolved_.empty()) break;
    resolve(std::get<3>(*unresolved_.begin()));
  }
  return std::move(failure_);
}

}  // namespace solver::detail
