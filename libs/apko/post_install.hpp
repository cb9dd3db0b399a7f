// The steps after the packages are installed, in apko's order:
//   1. accounts (etc/passwd, etc/group, etc/shadow, home directories)   accounts.hpp
//      then etc/apko.json, when its bytes are given                     apko_json.hpp
//   2. `paths:` mutations                                               path_mutations.hpp
//   3. contents.runtime_keyring -> etc/apk/keys/<name> (an existing key of that name is an error)
//   4. entrypoint type service-bundle: sv/<name>/run = "#!/bin/execlineb\n<cmd>\n" (0755, dirs 0777)
//   5. busybox applet links                                             busybox.hpp
//   6. warnings: etc/os-release, etc/passwd or etc/group missing (os-release is never invented)
// etc/apk/repositories and etc/apk/keys from the keyring are written by rootfs::Installer::finish.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "config/image_config.hpp"
#include "rootfs/tree.hpp"

namespace apko {

struct PostInstallResult {
  std::vector<std::string> warnings;  // one line each
  size_t busybox_links = 0;
};

// `mtime` is used for the runtime keys (apko uses the build-date epoch for them).
// `apko_json`: the bytes of etc/apko.json (apko_json.hpp), or empty to write none.
base::Result<PostInstallResult> post_install(rootfs::Tree& tree, const config::ImageConfig& cfg, int64_t mtime,
                                             const std::string& apko_json = {});

base::Status add_runtime_keys(rootfs::Tree& tree, const std::vector<config::NamedContent>& keys, int64_t mtime);
base::Status write_service_bundle(rootfs::Tree& tree, const config::OrderedMap& services);

}  // namespace apko
