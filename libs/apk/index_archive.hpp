// APKINDEX.tar.gz: reading (with signature verification), writing, signing.
//
// Layout of a signed index: gzip member 1 = a tar (no end blocks) of `.SIGN.RSA*.<key>`
// entries, each signing ALL the bytes after member 1; then one gzip member holding a
// tar with DESCRIPTION and APKINDEX (with end blocks). `apk index` writes the unsigned
// form; signing prepends a signature member. An index whose signature lives inside the
// same gzip member as the data (an old layout) has no separately signed bytes: it reads
// as unsigned.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "apk/index_text.hpp"
#include "apk/package.hpp"
#include "apk/package_writer.hpp"
#include "base/error.hpp"

namespace apk {

struct IndexArchive {
  IndexText index;
  std::string description;
  std::vector<PackageSignature> signatures;
  std::string trusted_by;  // key that verified, when checked
};

struct IndexReadOptions {
  const Keyring* keyring = nullptr;
  SignaturePolicy signature = SignaturePolicy::kRequire;
  size_t max_decompressed = size_t(300) << 20;
};

base::Result<IndexArchive> read_index_archive(std::string_view bytes, std::string_view origin,
                                              const IndexReadOptions& opts);

// The unsigned-or-signed archive for `packages` (written in the given order).
base::Result<std::string> write_index_archive(const std::vector<PackageInfo>& packages, std::string_view description,
                                              const SigningKey* key, int64_t mtime);
// The same from an APKINDEX text already written (write_index_text, append_index_fields).
base::Result<std::string> write_index_archive_text(std::string_view apkindex, std::string_view description,
                                                   const SigningKey* key, int64_t mtime);

// Signs an existing archive. An already-signed archive is an error unless `force`,
// which replaces its signatures.
base::Result<std::string> sign_index_archive(std::string_view bytes, std::string_view origin, const SigningKey& key,
                                             bool force);

}  // namespace apk
