// apko `paths:` mutations applied to the assembled tree, in config order.
//
//   directory    mkdir -p `path` (missing parents 0755), then mode/owner
//   empty-file   create or truncate `path`
//   hardlink     `path` becomes a hard link to the file `source`
//   symlink      `path` becomes a symlink to `source` (owner set on the link itself)
//   permissions  chmod/chown an existing `path`
// `permissions` is the mode; 0 means the type's default (0755 directories, 0644 files,
// 0777 symlinks) except for type `permissions`, where it is applied as given. Ownership
// changes only when uid or gid is set (the other defaults to 0). `recursive` applies the
// mode/owner to everything below `path` as well, never following symlinks.
// Every lookup goes through rootfs::Tree, which resolves symlinks inside the root like a
// chroot: no mutation can touch anything outside the image.
#pragma once

#include <vector>

#include "base/error.hpp"
#include "config/image_config.hpp"
#include "rootfs/tree.hpp"

namespace apko {

// Errors name the mutation: "paths[2] (symlink /usr/bin/x): ...".
base::Status apply_path_mutations(rootfs::Tree& tree, const std::vector<config::PathMutation>& paths);

}  // namespace apko
