#include "apk/package.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include "apk/data_tar.hpp"
#include "archive/sink.hpp"
#include "archive/gzip.hpp"
#include "apk/index_archive.hpp"
#include "apk/package_writer.hpp"
#include "base/fs.hpp"
#include "base/hash.hpp"
#include "testutil/testutil.hpp"

namespace apk {
namespace {

namespace fs = std::filesystem;
using testutil::test_data_dir;
using testutil::run_capture;
using testutil::shell_quote;

// One 2048-bit key for the whole suite (key generation is slow).
const LoadedKey& test_key(const fs::path& dir_for_pub = {}) {
  static LoadedKey* key = [] {
    auto kp = generate_rsa_key(2048);
    EXPECT_TRUE(kp);
    auto pk = PrivateKey::from_pem(kp->private_pem, "test");
    EXPECT_TRUE(pk);
    return new LoadedKey{std::move(*pk), "test.rsa.pub"};
  }();
  (void)dir_for_pub;
  return *key;
}

Keyring test_keyring() {
  Keyring k;
  auto pem = test_key().key.public_pem();
  EXPECT_TRUE(pem);
  EXPECT_TRUE(k.add_pem("test.rsa.pub", *pem));
  return k;
}

TEST(Package, RealAlpinePackageVerifies) {
  Keyring keys;
  ASSERT_TRUE(keys.add_file(test_data_dir() / "keys/alpine/alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub"));
  PackageReadOptions opts{&keys};
  auto pkg = Package::load(test_data_dir() / "apko-apk-testdata/alpine-317/alpine-baselayout-3.2.0-r23.apk", opts);
  ASSERT_TRUE(pkg) << pkg.error().message;
  EXPECT_EQ(pkg->info().name, "alpine-baselayout");
  EXPECT_EQ(pkg->info().version, "3.2.0-r23");
  EXPECT_EQ(pkg->trusted_by(), "alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub");
  EXPECT_EQ(pkg->info().package_size, 11012u);
  int entries = 0, files = 0;
  ASSERT_TRUE(pkg->for_each_entry([&](const archive::TarEntry& e, std::string_view) {
    ++entries;
    files += e.type == archive::EntryType::kFile;
    return base::ok();
  }));
  EXPECT_EQ(entries, 83);
  EXPECT_EQ(files, 11);
}

TEST(Package, ChecksumMatchesRealIndex) {
  // The index melange wrote lists, for each package, the checksum we compute (independent
  // source); every package of apko's test repository, both architectures, verifies.
  Keyring keys;
  ASSERT_TRUE(keys.add_file(test_data_dir() / "apko-cli-testdata/packages/melange.rsa.pub"));
  for (const char* arch : {"x86_64", "aarch64"}) {
    auto dir = test_data_dir() / "apko-cli-testdata/packages" / arch;
    for (const char* name : {"custom-ca-certs-1", "custom-ca-certs-2", "pretend-baselayout", "replayout"}) {
      SCOPED_TRACE(std::string(arch) + "/" + name);
      auto pkg = Package::load(dir / (std::string(name) + "-1.0.0-r0.apk"), PackageReadOptions{&keys});
      ASSERT_TRUE(pkg) << pkg.error().message;
      EXPECT_EQ(pkg->info().arch, arch);
      EXPECT_EQ(pkg->trusted_by(), "melange.rsa.pub");
      std::string idx = run_capture("tar -xzOf " + shell_quote((dir / "APKINDEX.tar.gz").string()) +
                                    " APKINDEX 2>/dev/null | grep -B1 '^P:" + name + "$' | head -1");
      EXPECT_EQ(idx, "C:" + pkg->info().checksum + "\n");
    }
  }
}

TEST(Package, UntrustedAndTamperedAreRejected) {
  Keyring empty, wolfi;
  ASSERT_TRUE(wolfi.add_file(test_data_dir() / "keys/wolfi/wolfi-signing.rsa.pub"));
  auto good = test_data_dir() / "wolfi-apks/libcap-2.69-r0.apk";
  auto r = Package::load(good, PackageReadOptions{&empty});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, base::ErrorCode::kSignature);
  EXPECT_NE(r.error().message.find("UNTRUSTED"), std::string::npos);
  EXPECT_NE(r.error().message.find("libcap-2.69-r0.apk"), std::string::npos);
  EXPECT_TRUE(Package::load(good, PackageReadOptions{&wolfi}));
  for (const char* bad : {"wolfi-apks/aws-c-s3-0.4.9-r0.apk", "wolfi-apks/neon-4604-r0.apk"}) {
    EXPECT_FALSE(Package::load(test_data_dir() / bad, PackageReadOptions{&wolfi})) << bad;
    // Even without signature checks the datahash mismatch is caught.
    PackageReadOptions ignore{nullptr, SignaturePolicy::kIgnore};
    auto p = Package::load(test_data_dir() / bad, ignore);
    ASSERT_FALSE(p) << bad;
    EXPECT_NE(p.error().message.find("datahash"), std::string::npos);
  }
  // A wrong expected index checksum is refused.
  PackageReadOptions wrong{&wolfi, SignaturePolicy::kRequire, "Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA="};
  EXPECT_FALSE(Package::load(good, wrong));
}

class BuiltPackage : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = base::TempDir::create();
    ASSERT_TRUE(d);
    dir_ = std::make_unique<base::TempDir>(std::move(*d));
    root_ = dir_->path() / "root";
    fs::create_directories(root_ / "usr/bin");
    fs::create_directories(root_ / "var/spool/x");
    ASSERT_TRUE(base::write_file_atomic(root_ / "usr/bin/hello", "#!/bin/sh\necho hi\n", 0755));
    ASSERT_TRUE(base::write_file_atomic(root_ / "usr/bin/postdrop", "x", 02755));
    ::chown((root_ / "usr/bin/postdrop").c_str(), 0, 101);  // chown clears setgid: chmod after
    ::chmod((root_ / "usr/bin/postdrop").c_str(), 02755);
    fs::create_symlink("hello", root_ / "usr/bin/hi");
    ::link((root_ / "usr/bin/hello").c_str(), (root_ / "usr/bin/hello2").c_str());
  }

  AssembledPackage build(int64_t mtime = 1700000000) {
    auto data = build_data_tar(root_, DataTarOptions{mtime});
    EXPECT_TRUE(data) << data.error().message;
    PackageInfo info;
    info.name = "hello";
    info.version = "1.0-r0";
    info.arch = "x86_64";
    info.origin = "hello";
    info.description = "test";
    info.license = "MIT";
    info.build_time = mtime;
    info.installed_size = data->installed_size;
    info.depends = {"so:libc.so.6"};
    info.provides = {"cmd:hello=1.0-r0"};
    SigningKey sk = test_key().signing_key();
    sk.key_name = "test.rsa.pub";
    auto pkg = assemble_package(info, {{".post-install", "#!/bin/sh\n", 0755}}, data->tar, mtime, &sk);
    EXPECT_TRUE(pkg) << pkg.error().message;
    return std::move(*pkg);
  }

  std::unique_ptr<base::TempDir> dir_;
  fs::path root_;
};

// melange's path for big packages: the data tar streamed into a file (files read in 1 MiB
// pieces), compressed into a caller's buffer, the head assembled apart from the data member.
// The same bytes as the in-memory path, and a file bigger than a piece comes back whole.
TEST_F(BuiltPackage, StreamedPiecesGiveTheSameBytes) {
  std::string big;
  for (uint64_t i = 0; big.size() < (3u << 20) + 12345; ++i) big += "line " + std::to_string(i * 7919 % 100003) + "\n";
  ASSERT_TRUE(base::write_file_atomic(root_ / "usr/bin/big", big, 0644));
  ASSERT_TRUE(base::write_file_atomic(root_ / "usr/bin/empty", "", 0644));
  const int64_t mtime = 1700000000;
  auto in_memory = build_data_tar(root_, DataTarOptions{mtime});
  ASSERT_TRUE(in_memory) << in_memory.error().message;

  fs::path tar_file = dir_->path() / "data.tar";
  {
    auto f = base::AtomicFile::create(tar_file);
    ASSERT_TRUE(f);
    archive::FdSink sink(f->fd(), archive::FdOwnership::kBorrow, "data.tar");
    auto stats = build_data_tar_to(root_, DataTarOptions{mtime}, sink);
    ASSERT_TRUE(stats) << stats.error().message;
    EXPECT_EQ(stats->installed_size, in_memory->installed_size);
    EXPECT_EQ(stats->entries, in_memory->entries);
    ASSERT_TRUE(f->commit());
  }
  std::string streamed = base::read_file(tar_file).value();
  ASSERT_EQ(streamed, in_memory->tar);

  std::string gz(archive::gzip_compress_bound(streamed.size()), '\0');
  auto n = archive::gzip_compress_into(streamed, 6, gz.data(), gz.size());
  ASSERT_TRUE(n) << n.error().message;
  gz.resize(*n);
  EXPECT_EQ(gz, archive::gzip_compress(streamed, 6));
  EXPECT_FALSE(archive::gzip_compress_into(streamed, 6, gz.data(), 100));  // below the bound: refused

  PackageInfo info;
  info.name = "big";
  info.version = "1.0-r0";
  info.arch = "x86_64";
  info.build_time = mtime;
  info.installed_size = in_memory->installed_size;
  SigningKey sk = test_key().signing_key();
  auto whole = assemble_package(info, {}, in_memory->tar, mtime, &sk);
  ASSERT_TRUE(whole) << whole.error().message;
  auto head = assemble_package_head(info, {}, gz, mtime, &sk);
  ASSERT_TRUE(head) << head.error().message;
  EXPECT_EQ(head->head + gz, whole->bytes);
  EXPECT_EQ(head->info.package_size, whole->bytes.size());
  EXPECT_EQ(head->info.checksum, whole->info.checksum);

  auto keys = test_keyring();
  auto pkg = Package::parse(whole->bytes, "big.apk", PackageReadOptions{&keys});
  ASSERT_TRUE(pkg) << pkg.error().message;
  std::string seen;
  ASSERT_TRUE(pkg->for_each_entry([&](const archive::TarEntry& e, std::string_view data) {
    if (e.name == "usr/bin/big") seen = data;  // its APK-TOOLS.checksum.SHA1 is checked on the way
    return base::ok();
  }));
  EXPECT_EQ(seen, big);
}

TEST_F(BuiltPackage, RoundTripsAndVerifies) {
  AssembledPackage built = build();
  Keyring keys = test_keyring();
  auto pkg = Package::parse(built.bytes, "hello.apk", PackageReadOptions{&keys});
  ASSERT_TRUE(pkg) << pkg.error().message;
  EXPECT_EQ(pkg->info().name, "hello");
  EXPECT_EQ(pkg->info().checksum, built.info.checksum);
  EXPECT_EQ(pkg->info().datahash, base::sha256_hex(pkg->data_member()));
  ASSERT_EQ(pkg->control_files().size(), 1u);
  EXPECT_EQ(pkg->control_files()[0].name, ".post-install");
  EXPECT_EQ(pkg->control_files()[0].mode, 0755u);
  std::vector<std::string> names;
  archive::TarEntry postdrop;
  ASSERT_TRUE(pkg->for_each_entry([&](const archive::TarEntry& e, std::string_view) {
    names.push_back(e.name);
    if (e.name == "usr/bin/postdrop") postdrop = e;
    return base::ok();
  }));
  std::vector<std::string> expect = {"usr", "usr/bin", "usr/bin/hello", "usr/bin/hello2", "usr/bin/hi",
                                     "usr/bin/postdrop", "var", "var/spool", "var/spool/x"};
  EXPECT_EQ(names, expect);
  EXPECT_EQ(postdrop.mode, 02755u);
  EXPECT_EQ(postdrop.gid, 101u);
}

TEST_F(BuiltPackage, HostToolsAcceptIt) {
  AssembledPackage built = build();
  auto file = dir_->path() / "hello-1.0-r0.apk";
  ASSERT_TRUE(base::write_file_atomic(file, built.bytes));
  // GNU tar reads the concatenated members as one archive.
  std::string listing = run_capture("tar -tzvf " + shell_quote(file.string()) + " --ignore-zeros 2>/dev/null");
  EXPECT_NE(listing.find(".SIGN.RSA256.test.rsa.pub"), std::string::npos) << listing;
  EXPECT_NE(listing.find(".PKGINFO"), std::string::npos);
  EXPECT_NE(listing.find("-rwxr-sr-x"), std::string::npos) << "setgid kept";
  EXPECT_NE(listing.find("usr/bin/hello2 link to usr/bin/hello"), std::string::npos) << listing;
  // openssl verifies the signature over the control member independently.
  auto pkg = Package::parse(built.bytes, "x", PackageReadOptions{nullptr, SignaturePolicy::kIgnore});
  ASSERT_TRUE(pkg);
  ASSERT_TRUE(base::write_file_atomic(dir_->path() / "control.gz", pkg->control_member()));
  ASSERT_TRUE(base::write_file_atomic(dir_->path() / "sig", pkg->signatures().at(0).signature));
  ASSERT_TRUE(base::write_file_atomic(dir_->path() / "pub.pem", *test_key().key.public_pem()));
  int rc = testutil::run_quiet("cd " + shell_quote(dir_->path().string()) +
                               " && openssl dgst -sha256 -verify pub.pem -signature sig control.gz");
  EXPECT_EQ(rc, 0);
  // .PKGINFO datahash equals sha256sum of the data member as computed by the host.
  ASSERT_TRUE(base::write_file_atomic(dir_->path() / "data.gz", pkg->data_member()));
  std::string sum = run_capture("sha256sum " + shell_quote((dir_->path() / "data.gz").string()));
  EXPECT_EQ(sum.substr(0, 64), pkg->info().datahash);
}

TEST_F(BuiltPackage, Deterministic) {
  EXPECT_EQ(build().bytes, build().bytes);
  EXPECT_NE(build(1).bytes, build(2).bytes);
}

TEST_F(BuiltPackage, TamperedDataIsRejected) {
  AssembledPackage built = build();
  Keyring keys = test_keyring();
  std::string bad = built.bytes;
  bad[bad.size() - 12] ^= 0x55;  // inside the data member's deflate stream or trailer
  auto r = Package::parse(bad, "bad.apk", PackageReadOptions{&keys});
  ASSERT_FALSE(r);
}

TEST_F(BuiltPackage, ResignReplacesSignature) {
  AssembledPackage built = build();
  auto kp = generate_rsa_key(2048);
  ASSERT_TRUE(kp);
  auto other = PrivateKey::from_pem(kp->private_pem, "other");
  ASSERT_TRUE(other);
  SigningKey sk{&*other, "other.rsa.pub", SignatureAlgo::kRsaSha256};
  auto resigned = resign_package(built.bytes, "hello.apk", sk);
  ASSERT_TRUE(resigned) << resigned.error().message;
  Keyring k;
  ASSERT_TRUE(k.add_pem("other.rsa.pub", kp->public_pem));
  auto pkg = Package::parse(*resigned, "hello.apk", PackageReadOptions{&k});
  ASSERT_TRUE(pkg) << pkg.error().message;
  EXPECT_EQ(pkg->info().checksum, built.info.checksum) << "control member unchanged";
  EXPECT_FALSE(Package::parse(*resigned, "hello.apk", PackageReadOptions{&*std::make_unique<Keyring>(test_keyring())}));
}

TEST(IndexArchive, WriteSignReadTamper) {
  PackageInfo a;
  a.name = "a";
  a.version = "1-r0";
  a.arch = "x86_64";
  a.checksum = "Q1abcdefghijklmnopqrstuvwxyz0=";
  PackageInfo b = a;
  b.name = "b";
  b.depends = {"a>=1"};
  SigningKey sk = test_key().signing_key();
  sk.key_name = "test.rsa.pub";
  auto bytes = write_index_archive({a, b}, "test repo", &sk, 0);
  ASSERT_TRUE(bytes);
  Keyring keys = test_keyring();
  auto idx = read_index_archive(*bytes, "APKINDEX.tar.gz", IndexReadOptions{&keys});
  ASSERT_TRUE(idx) << idx.error().message;
  EXPECT_EQ(idx->description, "test repo");
  ASSERT_EQ(idx->index.size(), 2u);
  EXPECT_EQ(idx->index.entries()[1].to_info(), b);
  std::string bad = *bytes;
  bad[bad.size() - 10] ^= 1;
  EXPECT_FALSE(read_index_archive(bad, "bad", IndexReadOptions{&keys}));
  Keyring empty;
  EXPECT_FALSE(read_index_archive(*bytes, "x", IndexReadOptions{&empty}));

  // Unsigned -> sign -> verifies; signing again needs force.
  auto unsigned_bytes = write_index_archive({a}, "", nullptr, 0);
  ASSERT_TRUE(unsigned_bytes);
  EXPECT_FALSE(read_index_archive(*unsigned_bytes, "u", IndexReadOptions{&keys}));
  auto signed_bytes = sign_index_archive(*unsigned_bytes, "u", sk, false);
  ASSERT_TRUE(signed_bytes);
  EXPECT_TRUE(read_index_archive(*signed_bytes, "s", IndexReadOptions{&keys}));
  EXPECT_FALSE(sign_index_archive(*signed_bytes, "s", sk, false));
  EXPECT_TRUE(sign_index_archive(*signed_bytes, "s", sk, true));
}

TEST(IndexArchive, RealIndexesVerify) {
  struct Case { const char* index; const char* key; size_t entries; };
  for (Case c : {Case{"apko-cli-testdata/packages/x86_64/APKINDEX.tar.gz", "apko-cli-testdata/packages/melange.rsa.pub", 4},
                 Case{"apko-apk-testdata/alpine-317/APKINDEX.tar.gz",
                      "keys/alpine/alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub", 5004}}) {
    Keyring k;
    ASSERT_TRUE(k.add_file(test_data_dir() / c.key));
    auto bytes = base::read_file(test_data_dir() / c.index);
    ASSERT_TRUE(bytes);
    auto idx = read_index_archive(*bytes, c.index, IndexReadOptions{&k});
    ASSERT_TRUE(idx) << idx.error().message;
    EXPECT_EQ(idx->index.size(), c.entries) << c.index;
  }
}

}  // namespace
}  // namespace apk
