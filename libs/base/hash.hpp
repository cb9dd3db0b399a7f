// Message digests (OpenSSL EVP) and the encodings apk and OCI use for them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace base {

enum class HashAlgo { kSha1, kSha256, kSha512 };

// Incremental digest. Not copyable; cheap to move.
class Hasher {
 public:
  explicit Hasher(HashAlgo algo);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;

  void update(std::string_view data);
  void update(const void* data, size_t size) { update(std::string_view(static_cast<const char*>(data), size)); }
  // Raw digest bytes; the hasher must not be used afterwards.
  std::string finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string digest(HashAlgo algo, std::string_view data);  // raw bytes
std::string sha1_hex(std::string_view data);
std::string sha256_hex(std::string_view data);
std::string sha512_hex(std::string_view data);

std::string to_hex(std::string_view raw);
std::string base64_encode(std::string_view raw);
// Returns false on characters outside the base64 alphabet.
bool base64_decode(std::string_view text, std::string* out);

}  // namespace base
