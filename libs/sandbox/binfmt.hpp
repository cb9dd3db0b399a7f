// Running another architecture's binaries through binfmt_misc (qemu-user), for building
// foreign-architecture packages in the bubblewrap and docker runners.
//
// A handler is usable inside a sandbox only with the F ("fix binary") flag: the kernel opens
// the interpreter when the handler is registered, so it need not exist in the build root.
// Debian's qemu-user-static registers such handlers (qemu-aarch64, qemu-arm, ...).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "base/error.hpp"

namespace sandbox {

struct BinfmtEntry {
  bool enabled = false;
  std::string interpreter, flags;
};

// Parses a /proc/sys/fs/binfmt_misc/<name> file.
BinfmtEntry parse_binfmt_entry(std::string_view text);

// qemu-user's name for an apk architecture ("aarch64" -> "aarch64", "armv7" -> "arm",
// "x86" -> "i386", "ppc64le" -> "ppc64le", "riscv64" -> "riscv64", "s390x" -> "s390x").
std::string qemu_user_name(std::string_view apk_arch);

// OK when `runner` can run `apk_arch` binaries on this host: the host's own architecture, or
// (bubblewrap and docker) an enabled qemu-<name> handler with the F flag under binfmt_dir.
// Errors are one line with a hint (install qemu-user-static, mount binfmt_misc, use F).
base::Status check_foreign_arch(std::string_view apk_arch, std::string_view host_apk_arch, std::string_view runner,
                                const std::filesystem::path& binfmt_dir = "/proc/sys/fs/binfmt_misc");

}  // namespace sandbox
