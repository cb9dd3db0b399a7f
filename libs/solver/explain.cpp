// Error messages of the solver: one block naming every problem, each with the requirements
// behind it and the chain that led to each ("world -> a-3 -> b-1: needs d<2.0"), e.g.
//
//   cannot install the requested packages:
//     d: no version satisfies every requirement (chosen: d-2.0; available: d-2.0, d-1.5, d-1.0)
//       world: needs d>1.5
//       world -> a-3 -> b-1: needs d<2.0
//
// When the package that would satisfy a requirement is ruled out because one of its own
// dependencies cannot be met, the explanation follows that dependency (a bounded number of
// steps) and names the requirement at the bottom, with the chain through the packages
// that would have needed it.
#include <algorithm>

#include "apk/version.hpp"
#include "solver/state.hpp"

namespace solver::detail {

namespace {

constexpr int kMaxDepth = 8;       // dependencies followed to find the bottom of a problem
constexpr size_t kMaxLines = 12;   // requirement lines per problem
constexpr size_t kMaxPath = 8;     // packages shown per chain
constexpr size_t kMaxAvailable = 6;
constexpr size_t kMaxExplained = 3;  // providers of a failed name explained, best first

Failure one(Problem p, std::vector<PkgId> culprits) { return Failure{{std::move(p)}, std::move(culprits)}; }
Failure many(std::vector<Problem> p, std::vector<PkgId> culprits) { return Failure{std::move(p), std::move(culprits)}; }

}  // namespace

base::Error to_error(const std::vector<Problem>& problems) {
  bool all_missing = !problems.empty();
  std::string msg = "cannot install the requested packages:";
  for (const Problem& p : problems) {
    all_missing = all_missing && p.not_found;
    msg += "\n  " + p.head;
    for (size_t i = 0; i < p.lines.size(); ++i) {
      if (i == kMaxLines) {
        msg += "\n    ... and " + std::to_string(p.lines.size() - kMaxLines) + " more";
        break;
      }
      msg += "\n    " + p.lines[i];
    }
  }
  // Lines come from index fields, which end at a line break: the block is printed as is.
  return base::Error{all_missing ? base::ErrorCode::kNotFound : base::ErrorCode::kConflict, std::move(msg), {},
                     /*block=*/true};
}

std::string State::pkg_text(PkgId p) const { return u_.package(p).nevr(); }

// "world", or "world -> a-3 -> b-1" for a requirement of the selected b-1: each package
// after the one whose requirement selected it first; "install_if" starts the chain of a
// package that install_if brought in.
std::string State::path(Requirer by) const {
  std::vector<std::string> parts;
  PkgId p = by.pkg;
  for (int guard = 0; guard < 256; ++guard) {
    if (p == kNone) {
      parts.push_back("world");
      break;
    }
    parts.push_back(pkg_text(p));
    const PkgState& s = ps_[p];
    if (s.selected_for == kNone) break;
    const NameState& st = ns_[s.selected_for];
    if (st.requirers == 0) {
      parts.push_back("install_if");
      break;
    }
    p = st.first.pkg;
  }
  std::reverse(parts.begin(), parts.end());
  if (parts.size() > kMaxPath) {
    std::vector<std::string> kept(parts.begin(), parts.begin() + 2);
    kept.push_back("...");
    kept.insert(kept.end(), parts.end() - static_cast<long>(kMaxPath - 3), parts.end());
    parts = std::move(kept);
  }
  std::string out;
  for (const auto& s : parts) out += (out.empty() ? "" : " -> ") + s;
  return out;
}

std::string State::line(const Need& n) const {
  return n.path + (n.dep->conflict ? ": conflicts with " : ": needs ") + n.dep->text;
}

std::vector<State::Need> State::needs_on(NameId n, bool conflicts) const {
  std::vector<Need> out;
  for (const Constraint& c : ns_[n].requirements) {
    if (c.dep->conflict != conflicts) continue;
    Need need{path(c.by), c.dep};
    bool dup = false;
    for (const Need& o : out) dup = dup || (o.path == need.path && o.dep->text == need.dep->text);
    if (!dup) out.push_back(std::move(need));
  }
  return out;
}

// "d-2.0, d-1.5, d-1.0" or "libfoo-1 (so:foo.so.1=1.0), ...": the providers of a name,
// highest provided version first.
std::string State::available(NameId n) const {
  std::vector<std::pair<std::string, std::string>> items;  // (provided version, text)
  for (const Provider& p : u_.name(n).providers) {
    std::string text = pkg_text(p.pkg);
    if (p.provide != kNone) {
      const auto& pr = u_.pkg(p.pkg).provides[p.provide];
      text += " (" + u_.name(pr.name).text + (pr.version.empty() ? "" : "=" + pr.version) + ")";
    }
    items.emplace_back(std::string(u_.provided_version(p)), std::move(text));
  }
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
    if (a.first.empty() || b.first.empty()) return !a.first.empty() && b.first.empty();
    return apk::version_compare(a.first, b.first) > 0;
  });
  std::string out;
  size_t shown = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    bool dup = false;
    for (size_t k = 0; k < i; ++k) dup = dup || items[k].second == items[i].second;
    if (dup) continue;
    if (shown == kMaxAvailable) {
      out += ", ...";
      break;
    }
    out += (out.empty() ? "" : ", ") + items[i].second;
    ++shown;
  }
  return out;
}

// Why nothing can be installed for name `n`: its requirements (recorded ones and `extra`,
// requirements of packages that would have been installed) and the reason at the bottom.
std::vector<Problem> State::explain_name(NameId n, const std::vector<Need>& extra, int depth) const {
  const std::string& name = u_.name(n).text;
  std::vector<Need> needs = needs_on(n, false);
  needs.insert(needs.end(), extra.begin(), extra.end());
  const std::vector<Need> conflicts = needs_on(n, true);
  Problem pr;
  auto add_lines = [&](const std::vector<Need>& v) {
    for (const Need& x : v) pr.lines.push_back(line(x));
  };
  const auto& provs = u_.name(n).providers;
  if (provs.empty()) {
    pr.not_found = true;
    pr.head = name + ": no package provides it";
    add_lines(needs);
    return {pr};
  }

  // Decided already: a requirement does not fit the package chosen for the name.
  const NameState& s = ns_[n];
  const PkgId holder = s.locked != kNone ? s.locked : s.unversioned;
  if (holder != kNone) {
    pr.head = name + ": no package satisfies every requirement (chosen: " + pkg_text(holder) +
              "; available: " + available(n) + ")";
    if (ps_[holder].selected_for != n && ps_[holder].selected_for != kNone) pr.lines.push_back(why_chosen(holder));
    add_lines(needs);
    add_lines(conflicts);
    return {pr};
  }

  // A requirement no provider satisfies, or no provider satisfying them all.
  auto fits = [&](const Provider& p, const Need& x) { return matches(p, *x.dep); };
  std::vector<bool> alone(needs.size(), false);
  bool any_alone = false;
  for (size_t i = 0; i < needs.size(); ++i) {
    alone[i] = std::none_of(provs.begin(), provs.end(), [&](const Provider& p) { return fits(p, needs[i]); });
    any_alone = any_alone || alone[i];
  }
  if (any_alone) {
    std::string which;
    for (size_t i = 0; i < needs.size(); ++i)
      if (alone[i] && which.find(needs[i].dep->text) == std::string::npos)
        which += (which.empty() ? "" : ", ") + needs[i].dep->text;
    pr.head = name + ": no package satisfies " + which;
    for (size_t i = 0; i < needs.size(); ++i)
      pr.lines.push_back(line(needs[i]) + (alone[i] ? ", repository has " + available(n) : ""));
    return {pr};
  }
  auto fits_all = [&](const Provider& p) {
    return std::all_of(needs.begin(), needs.end(), [&](const Need& x) { return fits(p, x); });
  };
  if (std::none_of(provs.begin(), provs.end(), fits_all)) {
    pr.head = name + ": no version satisfies every requirement (available: " + available(n) + ")";
    add_lines(needs);
    return {pr};
  }

  // Providers fit, but none can be picked.
  std::vector<const Provider*> fitting;
  const Provider* best_untagged = nullptr;  // eligible except for its repository tag
  std::vector<std::string> virtuals;
  for (const Provider& p : provs) {
    if (!fits_all(p)) continue;
    const PkgState& ps = ps_[p.pkg];
    if (!ps.excluded && !ps.selected && !tag_ok(p.pkg) && (!best_untagged || better(p, *best_untagged)))
      best_untagged = &p;
    if (!ps.excluded && !ps.selected && tag_ok(p.pkg) && !auto_selectable(p)) virtuals.push_back(pkg_text(p.pkg));
    fitting.push_back(&p);
  }
  if (!virtuals.empty()) {
    std::string list;
    for (size_t k = 0; k < virtuals.size(); ++k) list += (k ? ", " : "") + virtuals[k];
    pr.head = name + ": provided by " + list + " without a version and without a provider_priority; add " +
              (virtuals.size() == 1 ? "it" : "one of them") + " to the packages";
    add_lines(needs);
    return {pr};
  }
  if (best_untagged) {
    uint64_t tags = u_.pkg(best_untagged->pkg).tags & ~uint64_t{1};
    uint32_t bit = 0;
    while (tags && !((tags >> bit) & 1)) ++bit;
    const std::string& tag = u_.tag_name(bit);
    pr.head = name + ": " + pkg_text(best_untagged->pkg) + " is only in the repository tagged @" + tag +
              "; ask for \"" + u_.package(best_untagged->pkg).name + "@" + tag + "\"";
    add_lines(needs);
    return {pr};
  }
  if (fitting.empty()) {
    pr.head = name + ": no provider can be installed";
    add_lines(needs);
    return {pr};
  }
  // The best few (at the top) or the best one (deeper) of them, each followed to the bottom
  // of its problem; problems with the same headline are one, with all their requirements.
  std::stable_sort(fitting.begin(), fitting.end(), [&](const Provider* x, const Provider* y) { return better(*x, *y); });
  std::vector<Problem> out;
  const size_t count = depth == 0 ? std::min<size_t>(fitting.size(), kMaxExplained) : 1;
  for (size_t i = 0; i < count; ++i) {
    for (Problem& q : explain_provider(n, needs, fitting[i]->pkg, depth)) {
      auto same = std::find_if(out.begin(), out.end(), [&](const Problem& o) { return o.head == q.head; });
      if (same == out.end()) {
        out.push_back(std::move(q));
        continue;
      }
      for (auto& l : q.lines)
        if (std::find(same->lines.begin(), same->lines.end(), l) == same->lines.end()) same->lines.push_back(std::move(l));
    }
  }
  return out;
}

// "world -> app-2: needs so:foo.so.1 (chosen: libfoo-1)": the requirement that selected a
// package.
std::string State::why_chosen(PkgId q) const {
  const PkgState& s = ps_[q];
  if (s.selected_for == kNone) return pkg_text(q);
  const NameState& st = ns_[s.selected_for];
  if (st.requirers == 0 || !st.first.dep) return path(Requirer{q, nullptr});
  return line(Need{path(st.first), st.first.dep}) + " (chosen: " + pkg_text(q) + ")";
}

// Why package `b`, which fits every requirement on `n`, cannot be installed.
std::vector<Problem> State::explain_provider(NameId n, const std::vector<Need>& needs, PkgId b, int depth) const {
  const std::string& name = u_.name(n).text;
  Problem pr;
  auto add_lines = [&](const std::vector<Need>& v) {
    for (const Need& x : v) pr.lines.push_back(line(x));
  };
  const PkgState& bs = ps_[b];
  const std::string me = pkg_text(b);
  switch (bs.why) {
    case Why::kConflict:
      pr.head = name + ": " + me + " is excluded by a conflict";
      add_lines(needs);
      pr.lines.push_back(line(Need{path(bs.why_by), bs.why_by.dep}));
      return {pr};
    case Why::kConstraint: {
      std::string given;
      for (const Provider& q : u_.name(bs.why_name).providers)
        if (q.pkg == b) given = std::string(u_.provided_version(q));
      const std::string& other = u_.name(bs.why_name).text;
      pr.head = name + ": " + me +
                (other == u_.package(b).name
                     ? " does not satisfy " + bs.why_by.dep->text
                     : " provides " + other + (given.empty() ? "" : "=" + given) + ", which does not satisfy " +
                           bs.why_by.dep->text);
      add_lines(needs);
      pr.lines.push_back(line(Need{path(bs.why_by), bs.why_by.dep}));
      return {pr};
    }
    case Why::kNameTaken: {
      const std::string& m = u_.name(bs.why_name).text;
      const bool own = u_.package(b).name == m && u_.package(bs.why_pkg).name == m;
      pr.head = name + ": " + me + " cannot be installed beside " + pkg_text(bs.why_pkg) + " (both " +
                (own ? "are " : "provide ") + m + ")";
      add_lines(needs);
      pr.lines.push_back(why_chosen(bs.why_pkg));
      return {pr};
    }
    case Why::kDepUnsatisfiable: {
      const Dep& d = *bs.why_by.dep;
      const std::string base = needs.empty() ? "world" : needs.front().path;
      const Need child{base + " -> " + me, &d};
      if (d.conflict) {
        const PkgId v = selection_violates(d, b);
        pr.head = u_.name(d.name).text + ": " + me + " conflicts with " + d.text +
                  (v == kNone ? "" : ", but " + pkg_text(v) + " is chosen");
        if (v != kNone) pr.lines.push_back(why_chosen(v));
        pr.lines.push_back(line(child));
        return {pr};
      }
      if (depth < kMaxDepth) return explain_name(d.name, {child}, depth + 1);
      pr.head = name + ": " + me + " needs " + d.text + ", which cannot be satisfied";
      add_lines(needs);
      return {pr};
    }
    case Why::kSelfConflict:
      pr.head = name + ": " + me + " cannot be installed: " + u_.pkg(b).self_conflict;
      break;
    case Why::kBanned:
      pr.head = name + ": " + me + " was ruled out by an earlier attempt";
      break;
    case Why::kMultiArch:
      pr.head = name + ": " + me + " does not exist at that version for every architecture";
      break;
    case Why::kNone:
      pr.head = name + ": " + me + " cannot be installed";
      break;
  }
  add_lines(needs);
  return {pr};
}

// The free choices behind a failure, latest first. A package selected without a choice
// was forced by the constraints on its name, so the packages that imposed them are
// followed instead (a bounded walk).
std::vector<PkgId> State::pick_culprits(std::vector<PkgId> involved) const {
  std::vector<PkgId> out;
  std::vector<char> visited(ps_.size(), 0);
  for (size_t i = 0; i < involved.size() && i < 256; ++i) {
    const PkgId p = involved[i];
    if (p == kNone || visited[p] || !ps_[p].selected) continue;
    visited[p] = 1;
    if (ps_[p].had_choice) {
      out.push_back(p);
      continue;
    }
    if (ps_[p].selected_for == kNone) continue;
    const NameState& st = ns_[ps_[p].selected_for];
    involved.push_back(st.first.pkg);
    for (const Constraint& c : st.constraints) involved.push_back(c.by.pkg);
  }
  std::sort(out.begin(), out.end(), [&](PkgId a, PkgId b) { return ps_[a].order > ps_[b].order; });
  if (out.size() > 3) out.resize(3);
  return out;
}

Failure State::conflict_locked(const Dep& d, Requirer by) const {
  const NameState& s = ns_[d.name];
  const PkgId l = s.locked != kNone ? s.locked : s.unversioned;
  std::vector<PkgId> involved{l, by.pkg};
  for (const Constraint& c : s.constraints) involved.push_back(c.by.pkg);
  return many(explain_name(d.name, {}, 0), pick_culprits(involved));
}

Failure State::conflict_selected(const Dep& d, Requirer by, PkgId other) const {
  Problem pr;
  const std::string& name = u_.name(d.name).text;
  pr.head = name + ": " + pkg_text(other) + " is chosen, but " + (by.pkg == kNone ? "the world" : pkg_text(by.pkg)) +
            " conflicts with " + d.text;
  if (ps_[other].selected_for != d.name) pr.lines.push_back(why_chosen(other));
  for (const Need& x : needs_on(d.name, false)) pr.lines.push_back(line(x));
  pr.lines.push_back(line(Need{path(by), &d}));
  return one(std::move(pr), pick_culprits({other, by.pkg}));
}

Failure State::both_provide(NameId m, PkgId p, PkgId holder) const {
  const std::string& name = u_.name(m).text;
  auto what = [&](PkgId q) {
    if (u_.pkg(q).name == m) return std::string();
    for (const auto& pr : u_.pkg(q).provides)
      if (pr.name == m) return ", which provides " + name + (pr.version.empty() ? "" : "=" + pr.version);
    return std::string();
  };
  Problem pr;
  pr.head = name + ": " + pkg_text(p) + " and " + pkg_text(holder) + " both provide it; only one can be installed";
  pr.lines.push_back(why_chosen(p) + what(p));
  pr.lines.push_back(why_chosen(holder) + what(holder));
  return one(std::move(pr), pick_culprits({p, holder}));
}

Failure State::no_candidate(NameId n) const {
  const NameState& s = ns_[n];
  std::vector<PkgId> involved;
  for (const Constraint& c : s.constraints)
    if (!c.dep->conflict) involved.push_back(c.by.pkg);
  // The packages behind the exclusion of the best provider that fits every constraint.
  const Provider* best = nullptr;
  for (const Provider& p : u_.name(n).providers) {
    bool ok = true;
    for (const Constraint& c : s.constraints) ok = ok && (c.dep->conflict || matches(p, *c.dep));
    if (ok && (!best || better(p, *best))) best = &p;
  }
  if (best) {
    const PkgState& bs = ps_[best->pkg];
    involved.push_back(bs.why_pkg);
    involved.push_back(bs.why_by.pkg);
    if (bs.why == Why::kDepUnsatisfiable && bs.why_by.dep) {
      const NameState& ds = ns_[bs.why_by.dep->name];
      involved.push_back(ds.locked != kNone ? ds.locked : ds.unversioned);
      if (bs.why_by.dep->conflict) involved.push_back(selection_violates(*bs.why_by.dep, kNone));
    }
  }
  return many(explain_name(n, {}, 0), pick_culprits(involved));
}

}  // namespace solver::detail
