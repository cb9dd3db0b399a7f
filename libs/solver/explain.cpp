// Error messages of the solver: one line naming what could not be installed, why, and
// the chain of requirements that led there ("required by: world -> app -> so:libx.so.1").
#include <algorithm>

#include "apk/version.hpp"
#include "solver/state.hpp"

namespace solver::detail {

namespace {

constexpr int kMaxDepth = 3;

base::Error conflict_error(std::string message) {
  return base::Error{base::ErrorCode::kConflict, std::move(message), {}};
}

}  // namespace

std::string State::pkg_text(PkgId p) const { return u_.package(p).nevr(); }

std::string State::who(Requirer by) const { return by.pkg == kNone ? "world" : pkg_text(by.pkg); }

std::string State::chain(Requirer by) const {
  std::vector<std::string> parts;
  PkgId p = by.pkg;
  for (int guard = 0; p != kNone && guard < 64; ++guard) {
    const PkgState& s = ps_[p];
    const std::string& own = u_.name(u_.pkg(p).name).text;
    if (s.selected_for == kNone || s.selected_for == u_.pkg(p).name) {
      parts.push_back(own);
    } else {
      parts.push_back(u_.name(s.selected_for).text + " (" + own + ")");
    }
    if (s.selected_for == kNone) break;  // not selected: the chain above it is unknown
    const NameState& st = ns_[s.selected_for];
    if (st.requirers == 0) {
      parts.push_back("install_if");
      break;
    }
    p = st.first.pkg;
    if (p == kNone) parts.push_back("world");
  }
  if (by.pkg == kNone) parts.push_back("world");
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (!out.empty()) out += " -> ";
    out += *it;
  }
  return out;
}

std::string State::chain_to(Requirer by, NameId n) const { return chain(by) + " -> " + u_.name(n).text; }

std::string State::root(Requirer by) const {
  Requirer r = by;
  for (int guard = 0; r.pkg != kNone && guard < 64; ++guard) {
    const PkgState& s = ps_[r.pkg];
    if (s.selected_for == kNone || ns_[s.selected_for].requirers == 0) return u_.package(r.pkg).name;
    r = ns_[s.selected_for].first;
  }
  if (r.pkg != kNone) return u_.package(r.pkg).name;
  return r.dep ? r.dep->text : std::string("world");
}

static std::string asks(const std::string& who, const Dep& d) {
  if (who == "world") return "\"" + d.text + "\" is requested";
  return who + (d.conflict ? " conflicts with \"" : " depends on \"") + d.text + "\"";
}

std::string State::why_excluded(PkgId p, int depth) const {
  const PkgState& s = ps_[p];
  const std::string me = pkg_text(p);
  switch (s.why) {
    case Why::kConstraint:
      return me + " does not match \"" + s.why_by.dep->text + "\" (required by: " + chain(s.why_by) + ")";
    case Why::kConflict:
      return me + " is excluded by \"" + s.why_by.dep->text + "\" (required by: " + chain(s.why_by) + ")";
    case Why::kNameTaken:
      return me + " provides \"" + u_.name(s.why_name).text + "\", which the selected " + pkg_text(s.why_pkg) +
             " already provides (required by: " + chain(Requirer{s.why_pkg, nullptr}) + ")";
    case Why::kDepUnsatisfiable:
      if (depth >= kMaxDepth) return me + " depends on \"" + s.why_by.dep->text + "\", which cannot be satisfied";
      return me + " depends on \"" + s.why_by.dep->text +
             "\", which cannot be satisfied: " + why_unsatisfiable(*s.why_by.dep, depth + 1);
    case Why::kBanned:
      return me + " was ruled out by an earlier attempt";
    case Why::kMultiArch:
      return me + " does not exist at that version for every architecture";
    case Why::kSelfConflict:
      return me + " cannot be installed: " + u_.pkg(p).self_conflict;
    case Why::kNone:
      break;
  }
  return me + " is not eligible";
}

std::string State::why_unsatisfiable(const Dep& d, int depth) const {
  const NameState& s = ns_[d.name];
  const auto& provs = u_.name(d.name).providers;
  if (d.conflict) {
    PkgId v = selection_violates(d, kNone);
    return v == kNone ? "it conflicts with the selection" : pkg_text(v) + " is selected";
  }
  if (provs.empty()) return "no package provides \"" + u_.name(d.name).text + "\"";
  if (s.locked != kNone)
    return pkg_text(s.locked) + " is selected (required by: " + chain(Requirer{s.locked, nullptr}) + ")";
  const Provider* best = nullptr;
  std::string highest;
  for (const Provider& p : provs) {
    std::string_view v = u_.provided_version(p);
    if (!v.empty() && (highest.empty() || apk::version_compare(v, highest) > 0)) highest = v;
    if (!matches(p, d)) continue;
    if (!best || better(p, *best)) best = &p;
  }
  if (!best) {
    if (highest.empty()) return u_.name(d.name).text + " is only provided without a version";
    return "the highest available " + u_.name(d.name).text + " is " + highest;
  }
  return why_excluded(best->pkg, depth);
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
  const PkgId l = ns_[d.name].locked != kNone ? ns_[d.name].locked : ns_[d.name].unversioned;
  std::vector<PkgId> involved{l, by.pkg};
  for (const Constraint& c : ns_[d.name].constraints) involved.push_back(c.by.pkg);
  return Failure{conflict_error("cannot install \"" + root(by) + "\": " + asks(who(by), d) + ", but " +
                                pkg_text(l) + " is selected (required by: " + chain(Requirer{l, nullptr}) +
                                "; " + chain_to(by, d.name) + ")"),
                 pick_culprits(involved)};
}

Failure State::conflict_selected(const Dep& d, Requirer by, PkgId other) const {
  return Failure{conflict_error("cannot install \"" + root(by) + "\": " + asks(who(by), d) + ", but " +
                                pkg_text(other) + " is selected (required by: " +
                                chain(Requirer{other, nullptr}) + "; " + chain(by) + ")"),
                 pick_culprits({other, by.pkg})};
}

Failure State::no_candidate(NameId n) const {
  const NameState& s = ns_[n];
  const auto& provs = u_.name(n).providers;
  const std::string& text = u_.name(n).text;
  const std::string required = " (required by: " + chain_to(s.first, n) + ")";
  const std::string head = "cannot install \"" + root(s.first) + "\": ";
  if (provs.empty())
    return Failure{base::Error{base::ErrorCode::kNotFound, "no package provides \"" + text + "\"" + required, {}},
                   {}};

  std::vector<const Constraint*> positive;
  std::vector<PkgId> involved;
  for (const Constraint& c : s.constraints) {
    if (c.dep->conflict) continue;
    positive.push_back(&c);
    involved.push_back(c.by.pkg);
  }
  auto passes = [&](const Provider& p, size_t upto) {
    for (size_t i = 0; i <= upto && i < positive.size(); ++i)
      if (!matches(p, *positive[i]->dep)) return false;
    return true;
  };
  std::vector<std::string> versions;  // available versions, highest first
  for (const Provider& p : provs)
    if (!u_.provided_version(p).empty()) versions.emplace_back(u_.provided_version(p));
  std::sort(versions.begin(), versions.end(),
            [](const std::string& a, const std::string& b) { return apk::version_compare(a, b) > 0; });
  versions.erase(std::unique(versions.begin(), versions.end()), versions.end());

  // 1. The version constraints on the name cannot all be met.
  for (size_t i = 0; i < positive.size(); ++i) {
    if (std::any_of(provs.begin(), provs.end(), [&](const Provider& p) { return passes(p, i); })) continue;
    const Constraint& ci = *positive[i];
    const bool alone = std::any_of(provs.begin(), provs.end(), [&](const Provider& p) { return matches(p, *ci.dep); });
    std::string msg = "cannot install \"" + root(ci.by) + "\": " + asks(who(ci.by), *ci.dep);
    if (!alone) {
      msg += versions.empty() ? ", but " + text + " is only provided without a version"
                              : ", but the highest available " + text + " is " + versions.front();
      msg += " (required by: " + chain_to(ci.by, n) + ")";
    } else {
      size_t j = 0;
      while (j + 1 < i && std::any_of(provs.begin(), provs.end(), [&](const Provider& p) {
               return matches(p, *positive[j]->dep) && matches(p, *ci.dep);
             }))
        ++j;
      const Constraint& cj = *positive[j];
      std::string avail;
      for (size_t k = 0; k < versions.size() && k < 5; ++k) avail += (k ? ", " : "") + versions[k];
      if (versions.size() > 5) avail += ", ...";
      msg += " and " + asks(who(cj.by), *cj.dep) + ", but no " + text + " satisfies both (available: " + avail +
             ") (required by: " + chain_to(cj.by, n) + "; " + chain_to(ci.by, n) + ")";
    }
    return Failure{conflict_error(msg), pick_culprits(involved)};
  }

  // 2. Providers meet the constraints but none is eligible: explain the best of them.
  const Provider* best = nullptr;
  const Provider* best_untagged = nullptr;  // eligible except for its repository tag
  std::vector<std::string> virtuals;
  for (const Provider& p : provs) {
    if (!passes(p, positive.size())) continue;
    const PkgState& ps = ps_[p.pkg];
    if (!ps.excluded && !ps.selected && !tag_ok(p.pkg) && (!best_untagged || better(p, *best_untagged)))
      best_untagged = &p;
    if (!ps.excluded && !ps.selected && tag_ok(p.pkg) && u_.provided_version(p).empty())
      virtuals.push_back(u_.package(p.pkg).name);
    if (!best || better(p, *best)) best = &p;
  }
  if (!virtuals.empty()) {
    std::string list;
    for (size_t k = 0; k < virtuals.size(); ++k) list += (k ? ", " : "") + virtuals[k];
    return Failure{conflict_error(head + "\"" + text + "\" is provided by " + list +
                                  " and none has a provider_priority; add one of them to the packages" + required),
                   {}};
  }
  if (best_untagged) {
    uint64_t tags = u_.pkg(best_untagged->pkg).tags & ~uint64_t{1};
    uint32_t bit = 0;
    while (tags && !((tags >> bit) & 1)) ++bit;
    const std::string& tag = u_.tag_name(bit);
    return Failure{conflict_error(head + pkg_text(best_untagged->pkg) + " is only in the repository tagged @" + tag +
                                  "; ask for \"" + u_.package(best_untagged->pkg).name + "@" + tag + "\"" + required),
                   {}};
  }
  if (!best) return Failure{conflict_error(head + "no provider of \"" + text + "\" is eligible" + required), {}};
  const PkgState& bs = ps_[best->pkg];
  involved.push_back(bs.why_pkg);
  involved.push_back(bs.why_by.pkg);
  if (bs.why == Why::kDepUnsatisfiable && bs.why_by.dep) {
    involved.push_back(ns_[bs.why_by.dep->name].locked);
    if (bs.why_by.dep->conflict) involved.push_back(selection_violates(*bs.why_by.dep, kNone));
  }
  return Failure{conflict_error(head + why_excluded(best->pkg, 0) + required), pick_culprits(involved)};
}

}  // namespace solver::detail
