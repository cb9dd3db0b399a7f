// /etc/apko.json: the configuration an image was built from, recorded inside the image as the
// original apko records it. Tools read it back (base-image detection of Chainguard/Wolfi
// images, compliance checks that compare accounts.users with /etc/passwd).
//
// The recorded configuration is the *locked* one for the image's architecture:
//   contents.repositories = sorted set of repositories + --repository-append,
//   contents.build_repositories = sorted set of build_repositories + --build-repository-append,
//   contents.keyring = sorted set of keyring + --keyring-append,
//   contents.packages = every installed package as "name=version", byte-sorted,
//   archs = [the image's OCI architecture], vcs-url = the probed or given URL,
//   users' homedir defaulted to /home/<name>, accounts.run-as resolved to the uid when a user of
//   that name is in etc/passwd.
// The bytes follow Go's encoding/json of apko's ImageConfiguration with a trailing newline:
// fields in struct order, empty ones left out (omitempty) except the struct-valued contents,
// entrypoint and accounts, which are always present; maps sorted by key; <, >, & and U+2028/9
// escaped as \u003c-style sequences. The file is mode 0444.
// Unlike the original, no URL the image records keeps its credentials (user:pass@ is dropped
// from repositories and keyring here and in etc/apk/repositories): the original writes them
// into the image (apko#1169); HTTP_AUTH gives them to a build without recording them.
#pragma once

#include <string>
#include <vector>

#include "apk/installed_db.hpp"
#include "apko/options.hpp"
#include "apko/plan.hpp"
#include "config/image_config.hpp"
#include "rootfs/tree.hpp"

namespace apko {

// The locked configuration of plan.archs[arch_index] after `installed` was installed into `tree`
// (its etc/passwd, with the configured users over it, resolves run-as).
config::ImageConfig locked_config(const Plan& plan, size_t arch_index, const std::vector<apk::InstalledPackage>& installed,
                                  const BuildOptions& opts, const rootfs::Tree& tree);

// `urls` with the userinfo of each removed (fetch::redact), as an image may record them.
std::vector<std::string> without_credentials(std::vector<std::string> urls);

// The file's bytes for a (locked) configuration.
std::string apko_json(const config::ImageConfig& locked);

// Writes etc/apko.json (0444, root) into the tree.
base::Status write_apko_json(rootfs::Tree& tree, const std::string& bytes);

}  // namespace apko
