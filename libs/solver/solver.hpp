// The dependency solver used by apko (image contents) and melange (build environments).
//
// Given a Universe and the world (the requested constraints: "busybox", "hello@local",
// "py3-numpy<2.0", "!foo"), choose one package per required name the way apk-tools does:
//   - every required name is satisfied by exactly one selected provider; constraints from
//     several dependents on one name are intersected; a versioned provide
//     ("so:libc.so.6=6", "py3-numpy=1.26") is treated like a package name: only one
//     provider of it is installed; several packages may provide a name without a version
//     ("cmd:sh"), which satisfies unversioned dependencies only, but never beside a
//     versioned provider or the package of that name (apk-tools' rule);
//   - among candidates: preferred pinning, then (our fix for apko#2208, between versions
//     of one package) the version its origin was already selected at, then the highest
//     version for the requested name, the highest own version when the names are equal,
//     the highest provider_priority, the repository with the higher priority / lower index,
//     and the package met first in the indexes (apk-tools' provider order);
//   - a provider without a version (an unversioned provide) is only picked on its own when
//     it has a provider_priority or its own package is required anyway, even when it is
//     the only provider (apk-tools' rule);
//   - "!name" excludes providers and fails if something requires them; a package that
//     provides its own name, provides one name twice (once with a version) or conflicts
//     with a name it provides is never installed (apk-tools refuses it);
//   - packages are identified by their checksum: one package can be served by several
//     repositories (and tags);
//   - packages of a tagged repository are only eligible when asked for as "name@tag" or as
//     dependencies (transitively) of such;
//   - install_if packages are added when all their conditions are met (to a fixpoint).
// Names are decided in apk-tools' order (the world's names first, then a depth-first
// discovery from the world, the name finished last first; an install_if companion before the
// dependencies of what triggered it), a name with a single option at once (when that option
// may not be picked for it, its dependencies apply anyway, as apk-tools does), with forward
// checking (a package whose dependency became unsatisfiable is excluded at once), so solving
// is near-linear in the part of the graph reachable from the world. When a greedy choice turns out wrong, the
// solve restarts with that choice excluded, a bounded number of times (apk-tools does not:
// it reports the error).
#pragma once

#include <cstddef>
#include <vector>

#include "apk/dependency.hpp"
#include "base/error.hpp"
#include "solver/universe.hpp"

namespace solver {

struct Solution {
  // Package ids in install order: dependencies before dependents, ties broken by name.
  std::vector<size_t> packages;
};

// Errors (kConflict; kNotFound when every problem is a name nothing provides) are one block
// naming every problem and, under each, every requirement behind it with the chain of
// packages that led there:
//   cannot install the requested packages:
//     d: no package satisfies every requirement (chosen: d-2.0; available: d-2.0, d-1.5, d-1.0)
//       world: needs d>1.5
//       world -> a-3 -> b-1: needs d<2.0
//     nonexistent: no package provides it
//       world: needs nonexistent
base::Result<Solution> solve(const Universe& u, const std::vector<apk::Dependency>& world);

// Solves every universe (one per architecture) so that a name+version is only used if it
// exists in each universe that has that name at all, and every name selected in several
// architectures gets the same version there (apko's multi-arch lock rule).
base::Result<std::vector<Solution>> solve_multi(const std::vector<const Universe*>& us,
                                                const std::vector<apk::Dependency>& world);

}  // namespace solver
