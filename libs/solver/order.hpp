// Install order of a solved package set: every package after the packages that satisfy
// its dependencies and install_if conditions; among packages that are ready at the same
// time, the lowest name (then version) first. A dependency cycle is entered, once all its
// outside dependencies are installed, at its lowest-named package, so the order is total
// and deterministic.
#pragma once

#include <cstddef>
#include <vector>

#include "solver/universe.hpp"

namespace solver {

std::vector<size_t> install_order(const Universe& u, const std::vector<PkgId>& selected);

}  // namespace solver
