// Users and groups of an image (apko `accounts:`) in etc/passwd, etc/group, etc/shadow.
//
//   etc/passwd  name:x:uid:gid:Account created by apko:home:shell   (always written, even empty)
//   etc/group   name:x:gid:member1,member2                          (only when groups are set)
//   etc/shadow  name:!:::::::                                       (only when users are set)
// Entries already in the files (from packages such as a baselayout) are kept in order; a
// configured user or group with the same name replaces its line. Defaults: gid = uid,
// shell /bin/sh, home /home/<name>. Missing home directories are created 0700 and owned by
// the user (missing parents 0755 root:root).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.hpp"
#include "config/image_config.hpp"
#include "rootfs/tree.hpp"

namespace apko {

base::Status write_accounts(rootfs::Tree& tree, const config::Accounts& accounts);

// The uid of `user` in the tree's etc/passwd, if listed.
std::optional<uint32_t> lookup_uid(const rootfs::Tree& tree, std::string_view user);

// OCI config `User`: run-as with a user name replaced by its uid when etc/passwd lists it
// ("nonroot" -> "65532"; "nonroot:nonroot" -> "65532:nonroot"); numeric values unchanged.
std::string resolve_run_as(const rootfs::Tree& tree, std::string_view run_as);

}  // namespace apko
