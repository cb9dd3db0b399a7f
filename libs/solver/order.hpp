// Install order of a solved package set: every package after the packages that satisfy
// its dependencies and install_if conditions; among packages that are ready at the same
// time, the lowest name (then version) first. Dependency cycles are broken at the ready-
// most package (fewest unmet dependencies, then lowest name), so the order is total and
// deterministic.
#pragma once

#include <cstddef>
#include <vector>

#include "solver/universe.hpp"

namespace solver {

std::vector<size_t> install_order(const Universe& u, const std::vector<PkgId>& selected);

}  // namespace solver
