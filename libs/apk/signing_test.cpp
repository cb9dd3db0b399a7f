#include "apk/signing.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "base/fs.hpp"
#include "testutil/testutil.hpp"

namespace apk {
namespace {

namespace fs = std::filesystem;

// One 2048-bit key for the whole suite (generation is slow under sanitizers).
const KeyPair& suite_key() {
  static const KeyPair pair = [] {
    auto r = generate_rsa_key(2048);
    if (!r) {
      ADD_FAILURE() << r.error().message;
      return KeyPair{};
    }
    return *r;
  }();
  return pair;
}

int run(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }

void write(const fs::path& p, std::string_view data) { ASSERT_TRUE(base::write_file_atomic(p, data)); }

TEST(Signing, GeneratedKeyHasMelangeFormats) {
  const KeyPair& k = suite_key();
  EXPECT_EQ(k.private_pem.rfind("-----BEGIN RSA PRIVATE KEY-----\n", 0), 0u);
  EXPECT_NE(k.private_pem.find("-----END RSA PRIVATE KEY-----"), std::string::npos);
  EXPECT_EQ(k.public_pem.rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u);
  // Independent check: openssl parses both and agrees they are one 2048-bit pair.
  auto dir = base::TempDir::create();
  ASSERT_TRUE(dir);
  write(dir->path() / "k.rsa", k.private_pem);
  write(dir->path() / "k.rsa.pub", k.public_pem);
  EXPECT_EQ(run("openssl rsa -check -noout -in " + (dir->path() / "k.rsa").string()), 0);
  std::string derived = (dir->path() / "derived.pub").string();
  ASSERT_EQ(run("openssl pkey -in " + (dir->path() / "k.rsa").string() + " -pubout -out " + derived), 0);
  auto d = base::read_file(derived);
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, k.public_pem);
}

TEST(Signing, SmallKeysAreRefused) {
  auto r = generate_rsa_key(1024);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, base::ErrorCode::kInvalidInput);
  EXPECT_NE(r.error().message.find("2048"), std::string::npos) << r.error().message;
}

TEST(Signing, SignVerifyBothAlgorithmsAndTamper) {
  auto priv = PrivateKey::from_pem(suite_key().private_pem, "test.rsa");
  ASSERT_TRUE(priv) << priv.error().message;
  EXPECT_EQ(priv->bits(), 2048);
  auto pub = PublicKey::from_pem(suite_key().public_pem, "test.rsa.pub");
  ASSERT_TRUE(pub) << pub.error().message;
  const std::string data("control member bytes\x00\x01\x02 with binary", 35);
  for (auto algo : {SignatureAlgo::kRsaSha1, SignatureAlgo::kRsaSha256}) {
    auto sig = priv->sign(algo, data);
    ASSERT_TRUE(sig) << sig.error().message;
    EXPECT_EQ(sig->size(), 256u);
    EXPECT_TRUE(pub->verify(algo, data, *sig));
    std::string bad_data = data;
    bad_data[3] ^= 1;
    EXPECT_FALSE(pub->verify(algo, bad_data, *sig));
    std::string bad_sig = *sig;
    bad_sig[100] ^= 0x40;
    EXPECT_FALSE(pub->verify(algo, data, bad_sig));
    EXPECT_FALSE(pub->verify(algo, data, sig->substr(1)));
    auto other = algo == SignatureAlgo::kRsaSha1 ? SignatureAlgo::kRsaSha256 : SignatureAlgo::kRsaSha1;
    EXPECT_FALSE(pub->verify(other, data, *sig));
  }
  // public_pem() of the private key is the same key.
  auto pp = priv->public_pem();
  ASSERT_TRUE(pp);
  EXPECT_EQ(*pp, suite_key().public_pem);
}

TEST(Signing, WrongKeyDoesNotVerify) {
  auto other = generate_rsa_key(2048);
  ASSERT_TRUE(other);
  auto priv = PrivateKey::from_pem(suite_key().private_pem, "a");
  auto pub = PublicKey::from_pem(other->public_pem, "b");
  ASSERT_TRUE(priv && pub);
  auto sig = priv->sign(SignatureAlgo::kRsaSha256, "x");
  ASSERT_TRUE(sig);
  EXPECT_FALSE(pub->verify(SignatureAlgo::kRsaSha256, "x", *sig));
}

TEST(Signing, OpensslCliAgreesBothWays) {
  auto dir = base::TempDir::create();
  ASSERT_TRUE(dir);
  const fs::path d = dir->path();
  write(d / "k.rsa", suite_key().private_pem);
  write(d / "k.rsa.pub", suite_key().public_pem);
  const std::string data = "signed bytes for the openssl cross-check\n";
  write(d / "data", data);
  write(d / "tampered", data + "x");
  auto priv = PrivateKey::load(d / "k.rsa");
  ASSERT_TRUE(priv) << priv.error().message;
  auto pub = PublicKey::from_pem(suite_key().public_pem, "k.rsa.pub");
  ASSERT_TRUE(pub);
  struct Case {
    SignatureAlgo algo;
    const char* flag;
  };
  for (auto c : {Case{SignatureAlgo::kRsaSha1, "-sha1"}, Case{SignatureAlgo::kRsaSha256, "-sha256"}}) {
    auto sig = priv->sign(c.algo, data);
    ASSERT_TRUE(sig);
    write(d / "sig", *sig);
    std::string verify = std::string("openssl dgst ") + c.flag + " -verify " + (d / "k.rsa.pub").string() +
                         " -signature " + (d / "sig").string() + " ";
    EXPECT_EQ(run(verify + (d / "data").string()), 0) << c.flag;
    EXPECT_NE(run(verify + (d / "tampered").string()), 0) << c.flag;
    // And the other way: openssl signs, we verify.
    ASSERT_EQ(run(std::string("openssl dgst ") + c.flag + " -sign " + (d / "k.rsa").string() + " -out " +
                  (d / "osig").string() + " " + (d / "data").string()),
              0);
    auto osig = base::read_file(d / "osig");
    ASSERT_TRUE(osig);
    EXPECT_TRUE(pub->verify(c.algo, data, *osig)) << c.flag;
    EXPECT_EQ(*osig, *sig) << "PKCS#1 v1.5 is deterministic";
  }
}

TEST(Signing, LoadsPkcs8PrivateKeys) {
  auto dir = base::TempDir::create();
  ASSERT_TRUE(dir);
  write(dir->path() / "k.rsa", suite_key().private_pem);
  std::string p8 = (dir->path() / "k.p8").string();
  ASSERT_EQ(run("openssl pkcs8 -topk8 -nocrypt -in " + (dir->path() / "k.rsa").string() + " -out " + p8), 0);
  auto text = base::read_file(p8);
  ASSERT_TRUE(text);
  ASSERT_NE(text->find("BEGIN PRIVATE KEY"), std::string::npos);
  auto priv = PrivateKey::load(p8);
  ASSERT_TRUE(priv) << priv.error().message;
  auto pp = priv->public_pem();
  ASSERT_TRUE(pp);
  EXPECT_EQ(*pp, suite_key().public_pem);
}

TEST(Signing, PublicKeyAcceptsPkcs1Pem) {
  auto dir = base::TempDir::create();
  ASSERT_TRUE(dir);
  write(dir->path() / "k.pub", suite_key().public_pem);
  std::string p1 = (dir->path() / "k.p1").string();
  ASSERT_EQ(run("openssl rsa -pubin -in " + (dir->path() / "k.pub").string() + " -RSAPublicKey_out -out " + p1), 0);
  auto text = base::read_file(p1);
  ASSERT_TRUE(text);
  ASSERT_NE(text->find("BEGIN RSA PUBLIC KEY"), std::string::npos);
  auto pub = PublicKey::from_pem(*text, "k.p1");
  ASSERT_TRUE(pub) << pub.error().message;
  EXPECT_EQ(pub->pem(), suite_key().public_pem);
}

TEST(Signing, BadKeysGiveOneLineErrorsNamingTheOrigin) {
  auto a = PublicKey::from_pem("hello", "keys/x.rsa.pub");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message.rfind("keys/x.rsa.pub: ", 0), 0u) << a.error().message;
  auto b = PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "y.pub");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().message.rfind("y.pub: ", 0), 0u) << b.error().message;
  EXPECT_EQ(b.error().message.find('\n'), std::string::npos);
  auto c = PublicKey::from_pem(suite_key().private_pem, "z.pub");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("private key"), std::string::npos) << c.error().message;
  auto d = PrivateKey::from_pem(suite_key().public_pem, "k.rsa");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().message.rfind("k.rsa: ", 0), 0u);
  auto e = PrivateKey::load("/nonexistent/melange.rsa");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, base::ErrorCode::kNotFound);
}

TEST(Signing, RefusesNonRsaKeys) {
  auto dir = base::TempDir::create();
  ASSERT_TRUE(dir);
  std::string ec = (dir->path() / "ec.pem").string();
  ASSERT_EQ(run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + ec), 0);
  auto priv = PrivateKey::load(ec);
  ASSERT_FALSE(priv);
  EXPECT_NE(priv.error().message.find("only RSA"), std::string::npos) << priv.error().message;
}

TEST(Signing, MelangeTestKeyFromFixtures) {
  fs::path dir = testutil::test_data_dir() / "apko-cli-testdata";
  auto priv = PrivateKey::load(dir / "melange.rsa");
  ASSERT_TRUE(priv) << priv.error().message;
  EXPECT_EQ(priv->bits(), 4096);
  auto pub_text = base::read_file(dir / "melange.rsa.pub");
  ASSERT_TRUE(pub_text);
  auto pub = PublicKey::from_pem(*pub_text, "melange.rsa.pub");
  ASSERT_TRUE(pub) << pub.error().message;
  auto derived = priv->public_pem();
  ASSERT_TRUE(derived);
  EXPECT_EQ(*derived, pub->pem());
  auto sig = priv->sign(SignatureAlgo::kRsaSha256, "abc");
  ASSERT_TRUE(sig);
  EXPECT_EQ(sig->size(), 512u);
  EXPECT_TRUE(pub->verify(SignatureAlgo::kRsaSha256, "abc", *sig));
}

TEST(SignatureNames, EntryNamesRoundTrip) {
  EXPECT_EQ(signature_entry_name(SignatureAlgo::kRsaSha256, "melange.rsa.pub"), ".SIGN.RSA256.melange.rsa.pub");
  EXPECT_EQ(signature_entry_name(SignatureAlgo::kRsaSha1, "k.rsa.pub"), ".SIGN.RSA.k.rsa.pub");
  auto a = parse_signature_entry_name(".SIGN.RSA256.melange.rsa.pub");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->algo, SignatureAlgo::kRsaSha256);
  EXPECT_EQ(a->key_name, "melange.rsa.pub");
  auto b = parse_signature_entry_name(".SIGN.RSA.alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->algo, SignatureAlgo::kRsaSha1);
  EXPECT_EQ(b->key_name, "alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub");
  // Key names need not end in .rsa.pub (melange#1003, Adelie's .org.pub).
  auto c = parse_signature_entry_name(".SIGN.RSA.MELANGE_KEY.pub");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->key_name, "MELANGE_KEY.pub");
}

TEST(SignatureNames, UnsupportedAndMalformed) {
  EXPECT_FALSE(parse_signature_entry_name(".SIGN.DSA.key.pub"));
  EXPECT_FALSE(parse_signature_entry_name(".SIGN.RSA512.key.pub"));
  EXPECT_FALSE(parse_signature_entry_name(".SIGN.RSA."));
  EXPECT_FALSE(parse_signature_entry_name(".SIGN.RSA"));
  EXPECT_FALSE(parse_signature_entry_name(".PKGINFO"));
  EXPECT_FALSE(parse_signature_entry_name("SIGN.RSA.k.pub"));
  EXPECT_FALSE(parse_signature_entry_name(".SIGN.RSA.a/b.pub"));
  EXPECT_TRUE(is_signature_entry_name(".SIGN.DSA.key.pub"));
  EXPECT_FALSE(is_signature_entry_name(".PKGINFO"));
}

TEST(SignatureNames, PublicKeyNameForPrivateKeyPath) {
  EXPECT_EQ(public_key_name_for("melange.rsa"), "melange.rsa.pub");
  EXPECT_EQ(public_key_name_for("/home/u/keys/local-melange.rsa"), "local-melange.rsa.pub");
}

}  // namespace
}  // namespace apk
