#include "apk/signing.hpp"

#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "base/fs.hpp"

namespace apk {

using base::ErrorCode;
using base::fail;

void detail::PkeyDeleter::operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }

namespace {

// Drains the OpenSSL error queue into one short phrase.
std::string openssl_error() {
  std::string out;
  unsigned long e;
  while ((e = ERR_get_error()) != 0) {
    if (!out.empty()) continue;  // keep the first (root) cause
    const char* reason = ERR_reason_error_string(e);
    out = reason ? reason : "error " + std::to_string(ERR_GET_REASON(e));
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct EncoderDeleter {
  void operator()(OSSL_ENCODER_CTX* c) const { OSSL_ENCODER_CTX_free(c); }
};
struct DecoderDeleter {
  void operator()(OSSL_DECODER_CTX* c) const { OSSL_DECODER_CTX_free(c); }
};

const char* digest_name(SignatureAlgo algo) { return algo == SignatureAlgo::kRsaSha1 ? "SHA1" : "SHA256"; }

// PEM text of `key`; `structure` is "type-specific" (PKCS#1) or "SubjectPublicKeyInfo".
base::Result<std::string> encode_pem(const EVP_PKEY* key, int selection, const char* structure) {
  std::unique_ptr<OSSL_ENCODER_CTX, EncoderDeleter> ctx(
      OSSL_ENCODER_CTX_new_for_pkey(key, selection, "PEM", structure, nullptr));
  if (!ctx || OSSL_ENCODER_CTX_get_num_encoders(ctx.get()) == 0)
    return fail(ErrorCode::kInternal, std::string("no PEM encoder for ") + structure + ": " + openssl_error());
  unsigned char* data = nullptr;
  size_t len = 0;
  if (OSSL_ENCODER_to_data(ctx.get(), &data, &len) != 1)
    return fail(ErrorCode::kInternal, std::string("cannot encode key as ") + structure + ": " + openssl_error());
  std::string out(reinterpret_cast<char*>(data), len);
  OPENSSL_free(data);
  return out;
}

// Never prompts for a passphrase: encrypted keys simply fail to decode.
int no_passphrase(char*, int, int, void*) { return -1; }

// Decodes one RSA key from PEM. `selection` is EVP_PKEY_KEYPAIR or EVP_PKEY_PUBLIC_KEY.
base::Result<EVP_PKEY*> decode_pem(std::string_view pem, int selection, std::string_view origin) {
  const std::string what(origin);
  if (pem.find("-----BEGIN") == std::string_view::npos)
    return fail(ErrorCode::kFormat, what + ": not a PEM key (no -----BEGIN line)");
  if (pem.find("ENCRYPTED") != std::string_view::npos)
    return fail(ErrorCode::kUnsupported, what + ": encrypted keys are not supported",
                "remove the passphrase, e.g. openssl pkey -in KEY -out KEY.plain");
  EVP_PKEY* key = nullptr;
  std::unique_ptr<OSSL_DECODER_CTX, DecoderDeleter> ctx(
      OSSL_DECODER_CTX_new_for_pkey(&key, "PEM", nullptr, nullptr, selection, nullptr, nullptr));
  if (!ctx) return fail(ErrorCode::kInternal, what + ": no PEM decoder: " + openssl_error());
  OSSL_DECODER_CTX_set_pem_password_cb(ctx.get(), no_passphrase, nullptr);
  auto* data = reinterpret_cast<const unsigned char*>(pem.data());
  size_t len = pem.size();
  if (OSSL_DECODER_from_data(ctx.get(), &data, &len) != 1 || key == nullptr) {
    EVP_PKEY_free(key);
    return fail(ErrorCode::kFormat, what + ": cannot decode PEM key: " + openssl_error());
  }
  ERR_clear_error();
  if (!EVP_PKEY_is_a(key, "RSA")) {
    std::string type = EVP_PKEY_get0_type_name(key) ? EVP_PKEY_get0_type_name(key) : "unknown";
    EVP_PKEY_free(key);
    return fail(ErrorCode::kUnsupported, what + ": " + type + " key, only RSA keys are supported");
  }
  return key;
}

}  // namespace

std::string_view signature_algo_tag(SignatureAlgo algo) {
  return algo == SignatureAlgo::kRsaSha1 ? "RSA" : "RSA256";
}

base::Result<KeyPair> generate_rsa_key(int bits) {
  if (bits < kMinRsaBits)
    return fail(ErrorCode::kInvalidInput,
                "RSA key size " + std::to_string(bits) + " bits is too small: at least " +
                    std::to_string(kMinRsaBits) + " bits are required");
  if (bits > 16384)
    return fail(ErrorCode::kInvalidInput, "RSA key size " + std::to_string(bits) + " bits is too large (max 16384)");
  std::unique_ptr<EVP_PKEY, detail::PkeyDeleter> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(bits)));
  if (!key) return fail(ErrorCode::kInternal, "RSA key generation failed: " + openssl_error());
  KeyPair pair;
  TRY_ASSIGN(pair.private_pem, encode_pem(key.get(), EVP_PKEY_KEYPAIR, "type-specific"));
  TRY_ASSIGN(pair.public_pem, encode_pem(key.get(), EVP_PKEY_PUBLIC_KEY, "SubjectPublicKeyInfo"));
  return pair;
}

// ---- PrivateKey -------------------------------------------------------------

base::Result<PrivateKey> PrivateKey::from_pem(std::string_view pem, std::string_view origin) {
  if (pem.find("PRIVATE KEY-----") == std::string_view::npos)
    return fail(ErrorCode::kFormat, std::string(origin) + ": not a PEM private key");
  TRY_ASSIGN(EVP_PKEY * key, decode_pem(pem, EVP_PKEY_KEYPAIR, origin));
  return PrivateKey(key, std::string(origin));
}

base::Result<PrivateKey> PrivateKey::load(const std::filesystem::path& path) {
  TRY_ASSIGN(std::string pem, base::read_file(path));
  return from_pem(pem, path.string());
}

base::Result<std::string> PrivateKey::sign(SignatureAlgo algo, std::string_view data) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (!ctx || EVP_DigestSignInit_ex(ctx.get(), &pctx, digest_name(algo), nullptr, nullptr, key_.get(), nullptr) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
    return fail(ErrorCode::kInternal, origin_ + ": cannot start signing: " + openssl_error());
  auto* in = reinterpret_cast<const unsigned char*>(data.data());
  size_t sig_len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &sig_len, in, data.size()) != 1)
    return fail(ErrorCode::kInternal, origin_ + ": cannot sign: " + openssl_error());
  std::string sig(sig_len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &sig_len, in, data.size()) != 1)
    return fail(ErrorCode::kInternal, origin_ + ": cannot sign: " + openssl_error());
  sig.resize(sig_len);
  return sig;
}

base::Result<std::string> PrivateKey::public_pem() const {
  return base::with_context(encode_pem(key_.get(), EVP_PKEY_PUBLIC_KEY, "SubjectPublicKeyInfo"), origin_);
}

int PrivateKey::bits() const { return EVP_PKEY_get_bits(key_.get()); }

// ---- PublicKey --------------------------------------------------------------

base::Result<PublicKey> PublicKey::from_pem(std::string_view pem, std::string_view origin) {
  if (pem.find("PRIVATE KEY-----") != std::string_view::npos)
    return fail(ErrorCode::kInvalidInput, std::string(origin) + ": is a private key, expected a public key",
                "publish only the .pub half (openssl pkey -in KEY -pubout)");
  TRY_ASSIGN(EVP_PKEY * raw, decode_pem(pem, EVP_PKEY_PUBLIC_KEY, origin));
  std::unique_ptr<EVP_PKEY, detail::PkeyDeleter> key(raw);
  TRY_ASSIGN(std::string canonical,
             base::with_context(encode_pem(key.get(), EVP_PKEY_PUBLIC_KEY, "SubjectPublicKeyInfo"), std::string(origin)));
  return PublicKey(key.release(), std::move(canonical));
}

bool PublicKey::verify(SignatureAlgo algo, std::string_view data, std::string_view signature) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = ctx &&
            EVP_DigestVerifyInit_ex(ctx.get(), &pctx, digest_name(algo), nullptr, nullptr, key_.get(), nullptr) == 1 &&
            EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  ERR_clear_error();  // a failed verification leaves errors behind; they are not ours to report
  return ok;
}

int PublicKey::bits() const { return EVP_PKEY_get_bits(key_.get()); }

// ---- names ------------------------------------------------------------------

namespace {
constexpr std::string_view kSignPrefix = ".SIGN.";
}

std::string signature_entry_name(SignatureAlgo algo, std::string_view key_name) {
  std::string out(kSignPrefix);
  out += signature_algo_tag(algo);
  out += '.';
  out += key_name;
  return out;
}

bool is_signature_entry_name(std::string_view entry) { return entry.starts_with(kSignPrefix); }

std::optional<ParsedSignatureName> parse_signature_entry_name(std::string_view entry) {
  if (!entry.starts_with(kSignPrefix)) return std::nullopt;
  std::string_view rest = entry.substr(kSignPrefix.size());
  size_t dot = rest.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string_view tag = rest.substr(0, dot);
  std::string_view key = rest.substr(dot + 1);
  if (key.empty() || key.find('/') != std::string_view::npos) return std::nullopt;
  if (tag == "RSA") return ParsedSignatureName{SignatureAlgo::kRsaSha1, std::string(key)};
  if (tag == "RSA256") return ParsedSignatureName{SignatureAlgo::kRsaSha256, std::string(key)};
  return std::nullopt;  // DSA, RSA512 and unknown kinds: not verified by apk
}

std::string public_key_name_for(const std::filesystem::path& private_key_path) {
  return private_key_path.filename().string() + ".pub";
}

}  // namespace apk
