// Writing apk v2 packages: deterministic data/control/signature members.
//
// assemble_package() takes the uncompressed data tar (built by DataTarBuilder or by
// the caller with archive::TarWriter), gzips it, records its sha256 as `datahash`,
// writes the control member (.PKGINFO first, then the other control files sorted by
// name; root:root, mode 0644 / scriptlets 0755, mtime = the build epoch, no end
// blocks) and, given a key, prepends a signature member `.SIGN.RSA256.<key name>`
// over the compressed control member. Same inputs, same bytes.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "apk/package.hpp"
#include "apk/package_info.hpp"
#include "apk/signing.hpp"
#include "archive/tar_entry.hpp"
#include "base/error.hpp"

namespace apk {

struct SigningKey {
  const PrivateKey* key = nullptr;
  std::string key_name;  // public key file name, e.g. "melange.rsa.pub"
  SignatureAlgo algo = SignatureAlgo::kRsaSha256;
};

struct AssembledPackage {
  std::string bytes;
  PackageInfo info;  // with datahash, checksum and package_size filled
};

// `info.installed_size` must already be set by the caller (sum of file sizes).
// The data member is gzip level 6 of `data_tar`, the control member gzip level 9.
base::Result<AssembledPackage> assemble_package(PackageInfo info, const std::vector<ControlFile>& control_files,
                                                std::string_view data_tar, int64_t mtime, const SigningKey* key);

// The signature and control members for a data member compressed by the caller: the
// package is `head` followed by `data_gz` (for packages too big to assemble in memory).
struct PackageHead {
  std::string head;
  PackageInfo info;  // with datahash, checksum and package_size filled
};
base::Result<PackageHead> assemble_package_head(PackageInfo info, const std::vector<ControlFile>& control_files,
                                                std::string_view data_gz, int64_t mtime, const SigningKey* key);

// A signature member (gzip of a tar without end blocks) for `signature`.
base::Result<std::string> make_signature_member(const SigningKey& key, std::string_view signature, int64_t mtime);

// Replaces any signature of an existing package with one by `key` (melange sign).
base::Result<std::string> resign_package(std::string_view apk_bytes, std::string_view origin, const SigningKey& key);

// Loads a private key file and derives its public key name (melange convention).
struct LoadedKey {
  PrivateKey key;
  std::string key_name;
  SigningKey signing_key() const { return SigningKey{&key, key_name, SignatureAlgo::kRsaSha256}; }
};
base::Result<LoadedKey> load_signing_key(const std::filesystem::path& path);

}  // namespace apk
