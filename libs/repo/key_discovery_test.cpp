// Chainguard-style key discovery against a python3 http.server on 127.0.0.1.
#include "repo/key_discovery.hpp"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <fstream>

#include "base/fs.hpp"
#include "base/hash.hpp"
#include "repo/test_repo.hpp"

namespace repo {
namespace {

namespace fs = std::filesystem;
using testing::HttpServer;

std::string b64url(const std::string& raw) {
  std::string s = base::base64_encode(raw);
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

// {"kty":"RSA","kid":KID,"n":..,"e":..} for a PEM public key.
std::string jwk(const std::string& pem, const std::string& kid) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  EXPECT_NE(key, nullptr);
  auto part = [&](const char* name) {
    BIGNUM* bn = nullptr;
    EXPECT_EQ(EVP_PKEY_get_bn_param(key, name, &bn), 1);
    std::string raw(static_cast<size_t>(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(raw.data()));
    BN_free(bn);
    return b64url(raw);
  };
  std::string out = R"({"kty":"RSA","alg":"RS256","use":"sig","kid":")" + kid + R"(","n":")" +
                    part(OSSL_PKEY_PARAM_RSA_N) + R"(","e":")" + part(OSSL_PKEY_PARAM_RSA_E) + R"("})";
  EVP_PKEY_free(key);
  return out;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class KeyDiscovery : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v : {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"})
      ::unsetenv(v);
    auto d = base::TempDir::create("ma-keys-");
    ASSERT_TRUE(d);
    dir_ = std::make_unique<base::TempDir>(std::move(*d));
    fs::create_directories(www() / "os");
    fs::create_directories(www() / "plain");
    server_ = std::make_unique<HttpServer>(www());
    ASSERT_TRUE(server_->running()) << "python3 -m http.server did not start";
    fetch::Options o;
    o.retries = 0;
    o.connect_timeout_s = 5;
    client_ = std::make_unique<fetch::Client>(o);
  }
  fs::path www() const { return dir_->path() / "www"; }
  fs::path root() const { return dir_->path() / "root"; }
  void publish(const std::string& keys_json) {
    ASSERT_TRUE(base::write_file_atomic(www() / "os/apk-configuration",
                                        R"({"jwks_uri":")" + server_->url("/jwks.json") + R"("})"));
    ASSERT_TRUE(base::write_file_atomic(www() / "jwks.json", keys_json));
  }
  std::unique_ptr<base::TempDir> dir_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<fetch::Client> client_;
};

TEST_F(KeyDiscovery, WritesEveryPublishedKey) {
  const auto& k0 = testing::test_key(0);
  const auto& k1 = testing::test_key(1);
  publish(R"({"keys":[)" + jwk(k0.public_pem, "chainguard-1") + "," + jwk(k1.public_pem, "chainguard-2") + "]}");
  fs::create_directories(root() / "etc/apk");
  ASSERT_TRUE(base::write_file_atomic(root() / "etc/apk/repositories",
                                      "# build repositories\n\n" + server_->url("/os") + "/\n" + "@extra " +
                                          server_->url("/plain") + "\n" + (dir_->path() / "local").string() + "\n"));
  auto written = install_discovered_keys(root(), *client_);
  ASSERT_TRUE(written) << written.error().message;
  ASSERT_EQ(written->size(), 2u);
  EXPECT_EQ((*written)[0], root() / "etc/apk/keys/chainguard-1.rsa.pub");
  EXPECT_EQ(read((*written)[0]), k0.public_pem);
  EXPECT_EQ(read((*written)[1]), k1.public_pem);
  struct stat st {};
  ASSERT_EQ(::stat((*written)[0].c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST_F(KeyDiscovery, RepositoriesWithoutDiscoveryHaveNoKeys) {
  // No apk-configuration (404), and a local directory: nothing to do, nothing written.
  auto keys = discover_keys(server_->url("/plain"), *client_);
  ASSERT_TRUE(keys) << keys.error().message;
  EXPECT_TRUE(keys->empty());
  auto local = discover_keys((dir_->path() / "local").string(), *client_);
  ASSERT_TRUE(local);
  EXPECT_TRUE(local->empty());
  auto repos = configured_repositories(root());
  EXPECT_FALSE(repos);  // no etc/apk/repositories: an error naming it
  EXPECT_NE(repos.error().message.find("etc/apk/repositories"), std::string::npos);
}

TEST_F(KeyDiscovery, RefusesBadKeys) {
  const auto& k0 = testing::test_key(0);
  publish(R"({"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]})");
  auto no_kid = discover_keys(server_->url("/os"), *client_);
  ASSERT_FALSE(no_kid);
  EXPECT_NE(no_kid.error().message.find("without \"kid\""), std::string::npos) << no_kid.error().message;
  publish(R"({"keys":[{"kty":"EC","kid":"ec","crv":"P-256","x":"AQAB","y":"AQAB"}]})");
  auto ec = discover_keys(server_->url("/os"), *client_);
  ASSERT_FALSE(ec);
  EXPECT_NE(ec.error().message.find("key type \"EC\" is not supported"), std::string::npos) << ec.error().message;
  publish(R"({"keys":[)" + jwk(k0.public_pem, "../../etc/evil") + "]}");
  auto evil = discover_keys(server_->url("/os"), *client_);
  ASSERT_FALSE(evil);
  EXPECT_NE(evil.error().message.find("not a plain file name"), std::string::npos) << evil.error().message;
  ASSERT_TRUE(base::write_file_atomic(www() / "os/apk-configuration", "{not json"));
  auto bad = discover_keys(server_->url("/os"), *client_);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("apk-configuration: not JSON"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace repo
