// Building the trusted keyring from the sources a config lists (apko `keyring:`,
// melange `environment.contents.keyring`, `-k/--keyring-append`).
//
// A source is a local path (file, or a directory whose files are all keys), a file://
// URL or an http(s) URL. Mirrors are applied first. A key is named after the basename
// of the ORIGINAL source, so a signature entry `.SIGN.RSA256.wolfi-signing.rsa.pub`
// still finds the key when a mirror serves it as /srv/keys/wolfi.pem; when the mirror's
// file has another name (a local repository signed by its own key replacing a remote
// one), the key is also added under that name. Downloaded keys
// are stored in the cache (keys/...); offline, remote keys come from the cache only.
// Every error names the source (credentials redacted).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "apk/keyring.hpp"
#include "base/error.hpp"
#include "repo/options.hpp"

namespace repo {

base::Result<apk::Keyring> load_keyring(const std::vector<std::string>& sources, const Options& opts);

// Adds one source to `keyring` (what load_keyring does for each).
base::Status add_key_source(apk::Keyring& keyring, std::string_view source, const Options& opts);

// The key name for a source: the last path segment of the URL or path, without any
// query or fragment ("https://h/os/wolfi-signing.rsa.pub?x=1" -> "wolfi-signing.rsa.pub").
std::string key_name_for_source(std::string_view source);

}  // namespace repo
