// apko's `layering: {strategy: origin, budget: N}`: one image split into several layers
// by the origin of the installed packages, as the original apko does.
//
// Grouping (group_by_origin):
//  1. packages with the same origin (`o:`; an empty origin is a group too) form a group;
//  2. a package that `replaces` another package of the image (by name, version constraint
//     satisfied when given) joins that package's group (groups merge transitively);
//  3. groups are ordered by installed size (sum of `I:`), largest first; equal sizes by
//     their greatest package name, ascending;
//  4. budget: when there are more groups than `budget`, the first max(budget-1, 0) stay and
//     all the others merge into one last group (so budget 0 or 1 gives one package group);
//  5. within a group, packages sorted by name.
// The image then has one layer per group, in that order, plus a final "top" layer: the
// budget counts package layers only, so an image has at most max(budget, 1) + 1 layers.
//
// Placement (assign_layers / layer_filter):
//  - a regular file, symlink or hard link listed in a package's installed-db record goes
//    into its group's layer (even when apko rewrote it later, e.g. etc/passwd);
//  - everything else goes into the top layer: every directory with its tree metadata,
//    files no package lists (etc/apk/*, the full apk db, accounts, os-release, paths:...);
//  - a package layer carries the ancestor directories of its entries (mtime = the entry's,
//    see rootfs::ParentMtime::kEntry) and its own usr/lib/apk/db/installed holding only its
//    packages' records, for scanners; the top layer's full database comes later and wins.
// Unpacked in order, the layers give exactly the single-layer tree.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "apk/installed_db.hpp"
#include "rootfs/layer.hpp"
#include "rootfs/tree.hpp"

namespace apko {

struct LayerGroup {
  std::vector<size_t> packages;  // indices into the installed list, sorted by package name
  uint64_t size = 0;             // sum of the packages' installed sizes
  std::string tiebreaker;        // the greatest package name
};

// Steps 1-5 above. A `replaces` entry that does not parse as a dependency links nothing.
std::vector<LayerGroup> group_by_origin(const std::vector<apk::InstalledPackage>& installed, long long budget);

struct LayerAssignment {
  size_t groups = 0;                                 // package layers; the top layer is index `groups`
  std::map<std::string, size_t, std::less<>> owned;  // canonical tree path -> group index
  std::vector<std::string> partial_dbs;              // per group: its records, apko's db style
  std::vector<std::string> descriptions;             // per layer: "libfoo=2.0-r0 libfoo-dev=2.0-r0", "top"
};

LayerAssignment assign_layers(const rootfs::Tree& tree, const std::vector<apk::InstalledPackage>& installed,
                              const std::vector<LayerGroup>& groups);

// What layer `layer` (0..groups) takes from the tree; valid while `a` lives.
rootfs::LayerFilter layer_filter(const LayerAssignment& a, size_t layer);
// ParentMtime::kEntry for package layers, kTree for the top layer.
rootfs::ParentMtime layer_parent_mtime(const LayerAssignment& a, size_t layer);

inline constexpr const char* kInstalledDbPath = "usr/lib/apk/db/installed";

}  // namespace apko
