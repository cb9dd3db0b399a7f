// Reading and verifying an apk v2 package (.apk file).
//
// Layout: two or three gzip members back to back: [signature] control data.
//  - signature: a tar (no end blocks) of `.SIGN.RSA.<key>` / `.SIGN.RSA256.<key>`
//    entries, each an RSA PKCS#1 v1.5 signature over the compressed control member;
//  - control: a tar (no end blocks) with .PKGINFO, scriptlets and .melange.yaml;
//  - data: the files, each regular file with a PAX record APK-TOOLS.checksum.SHA1.
// The index checksum (`C:Q1...`) is base64(sha1(compressed control member)) and the
// .PKGINFO `datahash` is hex sha256(compressed data member).
//
// Package::parse() rejects a package that fails any check it is asked to make:
// signature (against a keyring), index checksum, datahash; for_each_entry() checks
// every file's SHA1 while it walks the data. The original apko checked only the
// control hash (GHSA-fpg8-7664-jc5q); here the data member is always bound to the
// control member through datahash.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "apk/keyring.hpp"
#include "apk/package_info.hpp"
#include "apk/signing.hpp"
#include "archive/tar_entry.hpp"
#include "base/error.hpp"

namespace apk {

struct PackageSignature {
  SignatureAlgo algo;
  std::string key_name;
  std::string signature;
};

enum class SignaturePolicy {
  kRequire,  // a valid signature by a key in the keyring is required
  kIgnore,   // signatures are read but not checked (melange index, --ignore-signatures)
};

struct PackageReadOptions {
  const Keyring* keyring = nullptr;  // required with kRequire
  SignaturePolicy signature = SignaturePolicy::kRequire;
  std::string expected_checksum;     // "Q1..." from an index or lock file; empty = no check
  size_t max_control_size = 10u << 20;
  // false: the data member's sha256 is not checked against .PKGINFO's datahash (`apk index`
  // does not check it either: the index's C: checksum binds the control member, which holds
  // the datahash, and installers check the data then).
  bool verify_datahash = true;
};

// A control-member file other than .PKGINFO (scriptlets, .melange.yaml, ...).
struct ControlFile {
  std::string name;
  std::string content;
  uint32_t mode = 0644;
};

class Package {
 public:
  // `origin` names the package in errors (its path or URL).
  static base::Result<Package> parse(std::string bytes, std::string origin, const PackageReadOptions& opts);
  static base::Result<Package> load(const std::filesystem::path& path, const PackageReadOptions& opts);

  // Metadata from .PKGINFO, with checksum (Q1...) and package_size (file size) filled.
  const PackageInfo& info() const { return info_; }
  const std::vector<PackageSignature>& signatures() const { return signatures_; }
  const std::vector<ControlFile>& control_files() const { return control_files_; }
  const std::string& pkginfo_text() const { return pkginfo_text_; }
  std::string_view control_member() const;
  std::string_view data_member() const;
  std::string_view bytes() const { return bytes_; }
  const std::string& origin() const { return origin_; }
  // Key name of the signature that verified, or empty when none was checked.
  const std::string& trusted_by() const { return trusted_by_; }

  using EntryFn = std::function<base::Status(const archive::TarEntry&, std::string_view data)>;
  // Inflates the data member and calls `fn` for every entry in order, after checking the
  // entry's APK-TOOLS.checksum.SHA1 (files: sha1 of content; symlinks: of the target).
  base::Status for_each_entry(const EntryFn& fn, size_t max_data_size = size_t(16) << 30) const;

 private:
  std::string bytes_;
  std::string origin_;
  size_t control_offset_ = 0, control_length_ = 0, data_offset_ = 0, data_length_ = 0;
  PackageInfo info_;
  std::string pkginfo_text_;
  std::vector<PackageSignature> signatures_;
  std::vector<ControlFile> control_files_;
  std::string trusted_by_;
};

// Checks a data entry against its APK-TOOLS.checksum.SHA1 record (files: their content;
// symlinks: their target) and returns the raw SHA1 of those bytes, computed whether or not
// the entry carries the record; empty for other entry types. kSignature on mismatch.
base::Result<std::string> verify_entry_checksum(const archive::TarEntry& e, std::string_view data);

// "Q1" + base64(sha1(bytes)): the index checksum of a compressed control member.
std::string q1_checksum(std::string_view control_member);

// Reads the signature entries of a signature member (gzip of a tar). Unsupported
// kinds (.SIGN.DSA.*) are skipped.
base::Result<std::vector<PackageSignature>> read_signature_member(std::string_view gz, std::string_view origin);

// Checks `signed_bytes` against the signatures with the keyring. Returns the key name
// that verified. Error (kSignature) names the keys tried when none verifies.
base::Result<std::string> verify_signatures(const std::vector<PackageSignature>& sigs, std::string_view signed_bytes,
                                            const Keyring& keyring, std::string_view origin);

}  // namespace apk
