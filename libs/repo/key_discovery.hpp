// Chainguard-style key discovery, what apko's install-keys does: a repository that serves
// <repository>/apk-configuration, a JSON object {"jwks_uri": URL}, publishes its signing
// keys at that URL as a JSON Web Key Set. Each RSA key becomes <kid>.rsa.pub, a PEM
// "PUBLIC KEY" (SubjectPublicKeyInfo), the file name apk-tools and apko look keys up by.
//
// As in apko: only http(s) repositories are asked; a 404 for apk-configuration means the
// repository publishes none; any other failure, a key without "kid" or a key that is not RSA
// is an error naming the URL or the key. Unlike apko, a kid that is not a plain file name
// (contains "/", starts with ".") is refused rather than written outside the keys directory.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "fetch/client.hpp"

namespace repo {

struct DiscoveredKey {
  std::string name;  // "<kid>.rsa.pub"
  std::string pem;   // "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n"
};

base::Result<std::vector<DiscoveredKey>> discover_keys(const std::string& repository, fetch::Client& client);

// The repositories of <root>/etc/apk/repositories (comments and blank lines skipped, a
// leading "@tag " removed).
base::Result<std::vector<std::string>> configured_repositories(const std::filesystem::path& root);

// Discovers the keys of every configured repository of `root` and writes them to
// <root>/etc/apk/keys/<name> (directory created 0755, files 0644, replaced atomically).
// Returns the files written, in order.
base::Result<std::vector<std::filesystem::path>> install_discovered_keys(const std::filesystem::path& root,
                                                                          fetch::Client& client);

}  // namespace repo
