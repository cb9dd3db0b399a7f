// Test helper: a tiny build root made of the host's static busybox (busybox-static package):
// /bin/busybox plus one symlink per applet, /etc/passwd with root and build (1000), and the
// dev proc sys tmp home/build directories (0755) that the runners expect to exist.
#pragma once

#include <filesystem>

#include "base/error.hpp"

namespace sandbox::testing {

// Empty when the host has no static busybox (the caller should GTEST_SKIP).
std::filesystem::path static_busybox();
base::Status make_busybox_rootfs(const std::filesystem::path& root);

// Puts tests/tools/fake_limactl.py first in PATH as `limactl` (a link in dir/bin) with its
// state in dir/lima (LIMA_HOME), for this process and its children.
void use_fake_limactl(const std::filesystem::path& dir);

}  // namespace sandbox::testing
