#include "repo/key_discovery.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/fs.hpp"
#include "base/hash.hpp"

namespace repo {

namespace {

template <typename T, void (*F)(T*)>
struct Free {
  void operator()(T* p) const { F(p); }
};
using Bn = std::unique_ptr<BIGNUM, Free<BIGNUM, BN_free>>;
using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, Free<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Free<OSSL_PARAM, OSSL_PARAM_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Free<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using Pkey = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY, EVP_PKEY_free>>;
void bio_free(BIO* b) { BIO_free(b); }
using Bio = std::unique_ptr<BIO, Free<BIO, bio_free>>;

// A big-endian unsigned integer from its base64url form (RFC 7518 section 6.3.1).
Bn number(const std::string& b64url) {
  std::string raw;
  if (b64url.empty() || !base::base64_decode(b64url, &raw) || raw.empty()) return nullptr;
  return Bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()), nullptr));
}

// The PEM "PUBLIC KEY" of the RSA key with modulus n and exponent e.
base::Result<std::string> rsa_pem(const std::string& n64, const std::string& e64, const std::string& who) {
  Bn n = number(n64), e = number(e64);
  if (!n || !e) return base::fail(base::ErrorCode::kInvalidInput, who + ": bad RSA \"n\" or \"e\"");
  ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()))
    return base::fail(base::ErrorCode::kInternal, who + ": cannot build the RSA key");
  Params params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0)
    return base::fail(base::ErrorCode::kInvalidInput, who + ": not a valid RSA public key");
  Pkey key(raw);
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key.get()) != 1)
    return base::fail(base::ErrorCode::kInternal, who + ": cannot write the key as PEM");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

bool plain_file_name(const std::string& s) {
  return !s.empty() && s.front() != '.' && s.find('/') == std::string::npos && s.find('\0') == std::string::npos;
}

}  // namespace

base::Result<std::vector<DiscoveredKey>> discover_keys(const std::string& repository, fetch::Client& client) {
  std::vector<DiscoveredKey> out;
  if (repository.rfind("https://", 0) != 0 && repository.rfind("http://", 0) != 0) return out;
  std::string base = repository;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string config_url = base + "/apk-configuration";
  auto config = client.get(config_url);
  if (!config) {
    if (config.error().code == base::ErrorCode::kNotFound) return out;  // no discovery here
    return tl::unexpected(config.error().context("key discovery for " + repository));
  }
  std::string jwks_uri;
  try {
    auto j = nlohmann::json::parse(*config);
    if (!j.is_object() || !j.contains("jwks_uri") || !j["jwks_uri"].is_string())
      return base::fail(base::ErrorCode::kInvalidInput, config_url + ": no \"jwks_uri\" string");
    jwks_uri = j["jwks_uri"].get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    return base::fail(base::ErrorCode::kInvalidInput, config_url + ": not JSON: " + e.what());
  }
  auto set = client.get(jwks_uri);
  if (!set) return tl::unexpected(set.error().context("key discovery for " + repository));
  try {
    auto j = nlohmann::json::parse(*set);
    if (!j.is_object() || !j.contains("keys") || !j["keys"].is_array())
      return base::fail(base::ErrorCode::kInvalidInput, jwks_uri + ": no \"keys\" array");
    for (const auto& k : j["keys"]) {
      const std::string kid = k.is_object() && k.contains("kid") && k["kid"].is_string() ? k["kid"].get<std::string>() : "";
      if (kid.empty()) return base::fail(base::ErrorCode::kInvalidInput, jwks_uri + ": a key without \"kid\"");
      const std::string who = jwks_uri + ": key " + kid;
      if (!plain_file_name(kid)) return base::fail(base::ErrorCode::kInvalidInput, who + ": not a plain file name");
      const std::string kty = k.contains("kty") && k["kty"].is_string() ? k["kty"].get<std::string>() : "";
      if (kty != "RSA")
        return base::fail(base::ErrorCode::kInvalidInput,
                          who + ": key type \"" + kty + "\" is not supported (apk keys are RSA)");
      if (!k.contains("n") || !k["n"].is_string() || !k.contains("e") || !k["e"].is_string())
        return base::fail(base::ErrorCode::kInvalidInput, who + ": no \"n\" and \"e\"");
      TRY_ASSIGN(std::string pem, rsa_pem(k["n"].get<std::string>(), k["e"].get<std::string>(), who));
      out.push_back({kid + ".rsa.pub", std::move(pem)});
    }
  } catch (const nlohmann::json::exception& e) {
    return base::fail(base::ErrorCode::kInvalidInput, jwks_uri + ": not JSON: " + e.what());
  }
  return out;
}

base::Result<std::vector<std::string>> configured_repositories(const std::filesystem::path& root) {
  const auto path = root / "etc/apk/repositories";
  std::ifstream in(path);
  if (!in) return base::fail(base::ErrorCode::kNotFound, path.string() + ": cannot read");
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    auto b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') continue;
    line = line.substr(b, line.find_last_not_of(" \t\r") - b + 1);
    if (line.front() == '@') {  // "@tag url"
      auto space = line.find_first_of(" \t");
      if (space == std::string::npos) continue;
      line = line.substr(line.find_first_not_of(" \t", space));
    }
    out.push_back(line);
  }
  return out;
}

base::Result<std::vector<std::filesystem::path>> install_discovered_keys(const std::filesystem::path& root,
                                                                          fetch::Client& client) {
  TRY_ASSIGN(auto repos, configured_repositories(root));
  std::vector<std::filesystem::path> written;
  const auto dir = root / "etc/apk/keys";
  for (const auto& repo : repos) {
    TRY_ASSIGN(auto keys, discover_keys(repo, client));
    if (keys.empty()) continue;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return base::fail(base::ErrorCode::kIo, dir.string() + ": " + ec.message());
    for (const auto& k : keys) {
      TRY(base::write_file_atomic(dir / k.name, k.pem, 0644));
      written.push_back(dir / k.name);
    }
  }
  return written;
}

}  // namespace repo
