#include "apk/keyring.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <cstring>
#include <string>
#include <vector>

#include "base/fs.hpp"
#include "testutil/testutil.hpp"

namespace apk {
namespace {

namespace fs = std::filesystem;

const fs::path kData = testutil::test_data_dir();

using testutil::run_capture;

// End offsets of the gzip members of `file`, found by python's zlib (independent of our code).
std::vector<size_t> member_ends(const fs::path& file) {
  std::string out = run_capture(
      "python3 -c \"import sys,zlib\n"
      "d=open(sys.argv[1],'rb').read();p=0\n"
      "while p<len(d):\n"
      " o=zlib.decompressobj(31);o.decompress(d[p:]);p=len(d)-len(o.unused_data);print(p)\" '" +
      file.string() + "'");
  std::vector<size_t> ends;
  size_t pos = 0;
  while (pos < out.size()) {
    size_t nl = out.find('\n', pos);
    if (nl == std::string::npos) nl = out.size();
    ends.push_back(std::stoul(out.substr(pos, nl - pos)));
    pos = nl + 1;
  }
  return ends;
}

struct SignatureEntry {
  std::string name;
  std::string data;
};

// The first tar entry of a gzip member: decompressed with gzip(1), the one ustar header
// read by hand (the project's tar reader is not a dependency of this test).
SignatureEntry signature_entry(std::string_view member, const fs::path& tmp) {
  EXPECT_TRUE(base::write_file_atomic(tmp / "member0.gz", member));
  std::string tar = run_capture("gzip -dc '" + (tmp / "member0.gz").string() + "'");
  if (tar.size() < 512) return {};
  SignatureEntry e;
  e.name = std::string(tar.data(), strnlen(tar.data(), 100));
  size_t size = std::stoul(std::string(tar.data() + 124, 12), nullptr, 8);
  e.data = tar.substr(512, size);
  return e;
}

enum class Expect { kVerifies, kFails };

// Verifies the first signature of an apk or APKINDEX the way apk does: key by name from
// the keyring, signed bytes = the member right after (apk: control; index: the rest).
void check_signed_file(const Keyring& keyring, const fs::path& rel, std::string_view want_key, Expect expect,
                       bool index = false) {
  SCOPED_TRACE(rel.string());
  auto tmp = base::TempDir::create();
  ASSERT_TRUE(tmp);
  fs::path file = kData / rel;
  auto bytes = base::read_file(file);
  ASSERT_TRUE(bytes) << bytes.error().message;
  std::vector<size_t> ends = member_ends(file);
  ASSERT_GE(ends.size(), index ? 2u : 3u);
  ASSERT_EQ(ends.back(), bytes->size());
  size_t sig_end = ends[0];
  SignatureEntry e = signature_entry(std::string_view(*bytes).substr(0, sig_end), tmp->path());
  auto parsed = parse_signature_entry_name(e.name);
  ASSERT_TRUE(parsed) << e.name;
  EXPECT_EQ(parsed->key_name, want_key);
  const PublicKey* key = keyring.find(parsed->key_name);
  ASSERT_NE(key, nullptr) << parsed->key_name;
  // apk: the control member only; index: everything after the signature.
  std::string signed_bytes = bytes->substr(sig_end, (index ? bytes->size() : ends[1]) - sig_end);
  EXPECT_EQ(key->verify(parsed->algo, signed_bytes, e.data), expect == Expect::kVerifies);
}

TEST(KeyringFixtures, AlpineKeysAndRealSignatures) {
  Keyring k;
  ASSERT_TRUE(k.add_dir(kData / "keys/alpine"));
  EXPECT_EQ(k.size(), 19u);
  const std::string key = "alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub";
  ASSERT_NE(k.find(key), nullptr);
  EXPECT_EQ(k.find(key)->bits(), 4096);
  EXPECT_EQ(k.find("alpine-devel@lists.alpinelinux.org-4a6a0840.rsa.pub")->bits(), 2048);
  // Its three gzip members (signature, control, data): [(0,666),(666,2229),(2229,11012)].
  EXPECT_EQ(member_ends(kData / "apko-apk-testdata/alpine-317/alpine-baselayout-3.2.0-r23.apk"),
            (std::vector<size_t>{666, 2229, 11012}));
  check_signed_file(k, "apko-apk-testdata/alpine-317/alpine-baselayout-3.2.0-r23.apk", key, Expect::kVerifies);
  check_signed_file(k, "apko-apk-testdata/alpine-317/APKINDEX.tar.gz", key, Expect::kVerifies, true);
}

TEST(KeyringFixtures, WolfiSignaturesIncludingTamperedPackages) {
  Keyring k;
  ASSERT_TRUE(k.add_dir(kData / "keys/wolfi"));
  ASSERT_TRUE(k.add_dir(kData / "keys/chainguard"));
  EXPECT_EQ(k.size(), 4u);
  const std::string key = "wolfi-signing.rsa.pub";
  for (const char* ok : {"kubeflow-pipelines-2.1.3-r7.apk", "libcap-2.69-r0.apk", "ruby3.2-base64-0.2.0-r2.apk",
                         "test.apk"})
    check_signed_file(k, fs::path("wolfi-apks") / ok, key, Expect::kVerifies);
  for (const char* bad : {"aws-c-s3-0.4.9-r0.apk", "neon-4604-r0.apk"})
    check_signed_file(k, fs::path("wolfi-apks") / bad, key, Expect::kFails);
}

TEST(KeyringFixtures, MelangeSignedTestRepos) {
  Keyring k;
  ASSERT_TRUE(k.add_file(kData / "apko-cli-testdata/melange.rsa.pub"));
  ASSERT_TRUE(k.add_file(kData / "apko-cli-testdata/private_packages/private_pkg_key.rsa.pub"));
  // The same key again under the same name is fine.
  ASSERT_TRUE(k.add_file(kData / "apko-cli-testdata/packages/melange.rsa.pub"));
  EXPECT_EQ(k.names(), (std::vector<std::string>{"melange.rsa.pub", "private_pkg_key.rsa.pub"}));
  // RSA256 (SHA-256) packages and index.
  check_signed_file(k, "apko-cli-testdata/packages/x86_64/custom-ca-certs-1-1.0.0-r0.apk", "melange.rsa.pub",
                    Expect::kVerifies);
  check_signed_file(k, "apko-cli-testdata/packages/aarch64/replayout-1.0.0-r0.apk", "melange.rsa.pub",
                    Expect::kVerifies);
  check_signed_file(k, "apko-cli-testdata/packages/x86_64/APKINDEX.tar.gz", "melange.rsa.pub", Expect::kVerifies,
                    true);
  // RSA (SHA-1) ones.
  check_signed_file(k, "apko-cli-testdata/private_packages/packages/x86_64/package-x-1.0.0-r0.apk",
                    "private_pkg_key.rsa.pub", Expect::kVerifies);
  check_signed_file(k, "apko-cli-testdata/private_packages/packages/aarch64/APKINDEX.tar.gz",
                    "private_pkg_key.rsa.pub", Expect::kVerifies, true);
  // hello-wolfi is signed "melange.rsa.pub" by some other key: must not verify.
  check_signed_file(k, "apko-apk-testdata/hello-wolfi-2.12.1-r0.apk", "melange.rsa.pub", Expect::kFails);
}

TEST(Keyring, NamesFindAndConflicts) {
  auto a = generate_rsa_key(2048);
  auto b = generate_rsa_key(2048);
  ASSERT_TRUE(a && b);
  Keyring k;
  EXPECT_TRUE(k.empty());
  ASSERT_TRUE(k.add_pem("zeta.rsa.pub", a->public_pem));
  ASSERT_TRUE(k.add_pem("alpha.rsa.pub", b->public_pem));
  EXPECT_TRUE(k.add_pem("zeta.rsa.pub", a->public_pem));  // identical: accepted
  auto clash = k.add_pem("zeta.rsa.pub", b->public_pem);
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, base::ErrorCode::kConflict);
  EXPECT_EQ(k.names(), (std::vector<std::string>{"alpha.rsa.pub", "zeta.rsa.pub"}));
  EXPECT_EQ(k.find("zeta.rsa.pub")->pem(), a->public_pem);
  EXPECT_EQ(k.find("zeta.rsa"), nullptr);
  EXPECT_FALSE(k.add_pem("", a->public_pem));
  EXPECT_FALSE(k.add_pem("a/b.pub", a->public_pem));
  // A key found by signature name signs and verifies end to end.
  auto priv = PrivateKey::from_pem(a->private_pem, "zeta.rsa");
  ASSERT_TRUE(priv);
  auto sig = priv->sign(SignatureAlgo::kRsaSha256, "ctl");
  ASSERT_TRUE(sig);
  auto parsed = parse_signature_entry_name(signature_entry_name(SignatureAlgo::kRsaSha256, public_key_name_for("zeta.rsa")));
  ASSERT_TRUE(parsed);
  ASSERT_NE(k.find(parsed->key_name), nullptr);
  EXPECT_TRUE(k.find(parsed->key_name)->verify(parsed->algo, "ctl", *sig));
}

TEST(Keyring, AddDirNamesTheBadFile) {
  auto a = generate_rsa_key(2048);
  ASSERT_TRUE(a);
  auto dir = base::TempDir::create();
  ASSERT_TRUE(dir);
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "good.rsa.pub", a->public_pem));
  fs::create_directory(dir->path() / "subdir");  // directories are skipped
  Keyring ok;
  ASSERT_TRUE(ok.add_dir(dir->path()));
  EXPECT_EQ(ok.names(), (std::vector<std::string>{"good.rsa.pub"}));

  ASSERT_TRUE(base::write_file_atomic(dir->path() / "junk.rsa.pub", "not a key\n"));
  Keyring bad;
  auto st = bad.add_dir(dir->path());
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find((dir->path() / "junk.rsa.pub").string()), std::string::npos)
      << st.error().message;
  EXPECT_EQ(st.error().message.find('\n'), std::string::npos);

  auto missing = bad.add_dir(dir->path() / "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, base::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace apk
