// The set of trusted public keys, named the way apk names them.
//
// apk finds the key for a `.SIGN.RSA256.<name>` entry by file name: the keyring is
// /etc/apk/keys (or --keyring-append files), and `<name>` must equal a key's file
// name exactly, e.g. "melange.rsa.pub" or
// "alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub".
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "apk/signing.hpp"
#include "base/error.hpp"

namespace apk {

class Keyring {
 public:
  // Adds one PEM public key file under its file name.
  base::Status add_file(const std::filesystem::path& path);
  // Adds every regular file (symlinks followed) in `dir`; a file that is not a
  // public key is an error naming that file.
  base::Status add_dir(const std::filesystem::path& dir);
  // Adds a key from memory under `name`. The same name with a different key is a
  // kConflict error; the same name with the same key is accepted once.
  base::Status add_pem(std::string name, std::string_view pem);

  const PublicKey* find(std::string_view name) const;
  std::vector<std::string> names() const;  // sorted
  bool empty() const { return keys_.empty(); }
  size_t size() const { return keys_.size(); }

 private:
  base::Status add(std::string name, std::string_view pem, std::string_view origin);
  std::map<std::string, PublicKey, std::less<>> keys_;
};

}  // namespace apk
