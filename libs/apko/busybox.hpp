// Busybox applet symlinks, made at image build time because package scripts never run.
//
// When the image has busybox at usr/bin/busybox, bin/busybox or sbin/busybox, every applet
// path without a real file becomes an absolute symlink to it. The applet paths come from
// etc/busybox-paths.d/* (one path per line, as Wolfi's busybox ships them) when that
// directory exists, else from a built-in table of the default install locations of
// busybox 1.36 applets (written for this project). Existing entries are never replaced.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "rootfs/tree.hpp"

namespace apko {

// "bin/ls", "usr/bin/awk", ...: the built-in table.
const std::vector<std::string>& builtin_busybox_applets();

// Returns how many links were created (0 when there is no busybox).
base::Result<size_t> add_busybox_links(rootfs::Tree& tree);

}  // namespace apko
