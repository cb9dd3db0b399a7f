// `apko dot`: the resolution of one architecture as a Graphviz digraph.
//
//   digraph "apko.yaml" {
//     rankdir=LR;
//     "world" [shape=box];
//     "world" -> "busybox-1.36.1-r0";                 one edge per world entry's provider
//     "busybox-1.36.1-r0" -> "glibc-2.38-r0" [label="so:libc.so.6"];   dependency edges,
//   }                                                  labelled when satisfied by a provide
// Nodes are the installed packages ("name-version"), edges point from a package to the
// installed package satisfying each of its dependencies; sorted, so the text is stable.
#pragma once

#include <string>

#include "apko/plan.hpp"

namespace apko {

std::string resolution_dot(const Plan& plan, size_t arch_index, const std::string& title);

}  // namespace apko
