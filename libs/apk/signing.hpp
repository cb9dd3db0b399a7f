// RSA signing keys and signatures as apk uses them.
//
// An apk signature is RSA PKCS#1 v1.5 over the SHA-1 (`.SIGN.RSA.<key>`) or SHA-256
// (`.SIGN.RSA256.<key>`) digest of the signed bytes (for a package: the compressed
// control gzip member; for an index: everything after the signature member).
// `<key>` is the file name of the public key, e.g. "melange.rsa.pub"; verifiers look
// the key up by that exact name. Keys are PEM: private keys PKCS#1 ("RSA PRIVATE KEY",
// what `melange keygen` writes) or PKCS#8, public keys PKIX ("PUBLIC KEY").
// This is the only place in the project that signs or verifies (OpenSSL 3 EVP only).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace apk {

enum class SignatureAlgo { kRsaSha1, kRsaSha256 };

// "RSA" / "RSA256": the middle part of the signature entry name.
std::string_view signature_algo_tag(SignatureAlgo algo);

struct KeyPair {
  std::string private_pem;  // PKCS#1 "-----BEGIN RSA PRIVATE KEY-----"
  std::string public_pem;   // PKIX "-----BEGIN PUBLIC KEY-----"
};

inline constexpr int kMinRsaBits = 2048;

// A fresh RSA key; fewer than kMinRsaBits bits is refused (kInvalidInput).
base::Result<KeyPair> generate_rsa_key(int bits = 4096);

namespace detail {
struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const;
};
}  // namespace detail

// An RSA private key. Move-only.
class PrivateKey {
 public:
  // `origin_for_errors` names the key in messages (a path, "<inline>", ...).
  static base::Result<PrivateKey> from_pem(std::string_view pem, std::string_view origin_for_errors);
  static base::Result<PrivateKey> load(const std::filesystem::path& path);

  PrivateKey(PrivateKey&&) noexcept = default;
  PrivateKey& operator=(PrivateKey&&) noexcept = default;

  // RSA PKCS#1 v1.5 signature over SHA1/SHA256(data); raw bytes (key size long).
  base::Result<std::string> sign(SignatureAlgo algo, std::string_view data) const;
  // The PKIX PEM of the public half (what goes into <name>.rsa.pub).
  base::Result<std::string> public_pem() const;
  int bits() const;

 private:
  PrivateKey(EVP_PKEY* key, std::string origin) : key_(key), origin_(std::move(origin)) {}
  std::unique_ptr<EVP_PKEY, detail::PkeyDeleter> key_;
  std::string origin_;
};

// An RSA public key. Move-only.
class PublicKey {
 public:
  // Accepts PKIX "PUBLIC KEY" and PKCS#1 "RSA PUBLIC KEY" PEM.
  static base::Result<PublicKey> from_pem(std::string_view pem, std::string_view origin);

  PublicKey(PublicKey&&) noexcept = default;
  PublicKey& operator=(PublicKey&&) noexcept = default;

  // True only when `signature` is a valid PKCS#1 v1.5 signature of `data`.
  bool verify(SignatureAlgo algo, std::string_view data, std::string_view signature) const;
  int bits() const;
  // The key re-encoded as PKIX PEM (stable for comparing keys).
  const std::string& pem() const { return pem_; }

 private:
  PublicKey(EVP_PKEY* key, std::string pem) : key_(key), pem_(std::move(pem)) {}
  std::unique_ptr<EVP_PKEY, detail::PkeyDeleter> key_;
  std::string pem_;
};

// ".SIGN.RSA256.melange.rsa.pub" for (kRsaSha256, "melange.rsa.pub").
std::string signature_entry_name(SignatureAlgo algo, std::string_view key_name);

struct ParsedSignatureName {
  SignatureAlgo algo;
  std::string key_name;
};
// Parses ".SIGN.RSA.<key>" / ".SIGN.RSA256.<key>". Anything else, including the
// .SIGN.DSA. and .SIGN.RSA512. kinds apk does not verify, gives nullopt.
std::optional<ParsedSignatureName> parse_signature_entry_name(std::string_view entry);
// True for every ".SIGN.*" entry name, supported or not.
bool is_signature_entry_name(std::string_view entry);

// The public key name for a private key file (melange convention: basename + ".pub"):
// "/keys/melange.rsa" -> "melange.rsa.pub".
std::string public_key_name_for(const std::filesystem::path& private_key_path);

}  // namespace apk
