#include "repo/keyring_loader.hpp"

#include <gtest/gtest.h>

#include "base/fs.hpp"
#include "repo/test_repo.hpp"

namespace repo {
namespace {

namespace fs = std::filesystem;
using testing::test_key;

class KeyringLoader : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = base::TempDir::create("ma-repo-keys-");
    ASSERT_TRUE(d);
    dir_ = std::make_unique<base::TempDir>(std::move(*d));
  }
  fs::path write(const std::string& rel, const std::string& content) {
    fs::path p = dir_->path() / rel;
    fs::create_directories(p.parent_path());
    EXPECT_TRUE(base::write_file_atomic(p, content));
    return p;
  }
  std::unique_ptr<base::TempDir> dir_;
};

TEST_F(KeyringLoader, KeyNames) {
  EXPECT_EQ(key_name_for_source("https://packages.wolfi.dev/os/wolfi-signing.rsa.pub"), "wolfi-signing.rsa.pub");
  EXPECT_EQ(key_name_for_source("https://h/k.rsa.pub?token=1#x"), "k.rsa.pub");
  EXPECT_EQ(key_name_for_source("/etc/apk/keys/melange.rsa.pub"), "melange.rsa.pub");
  EXPECT_EQ(key_name_for_source("melange.rsa.pub"), "melange.rsa.pub");
}

TEST_F(KeyringLoader, LocalFilesAndDirectories) {
  fs::path a = write("a/melange.rsa.pub", test_key(0).public_pem);
  write("dir/one.rsa.pub", test_key(0).public_pem);
  write("dir/two.rsa.pub", test_key(1).public_pem);
  auto k = load_keyring({a.string(), "file://" + (dir_->path() / "dir").string()}, Options{});
  ASSERT_TRUE(k) << k.error().message;
  EXPECT_EQ(k->names(), (std::vector<std::string>{"melange.rsa.pub", "one.rsa.pub", "two.rsa.pub"}));
}

TEST_F(KeyringLoader, MirroredKeyKeepsOriginalName) {
  fs::path local = write("srv/keys/some-other-name.pem", test_key(1).public_pem);
  Options o;
  o.mirrors = Mirrors::parse({"https://packages.example.invalid/os=/nonexistent",
                              "https://packages.example.invalid/os/wolfi-signing.rsa.pub=" + local.string()})
                  .value();
  auto k = load_keyring({"https://packages.example.invalid/os/wolfi-signing.rsa.pub"}, o);
  ASSERT_TRUE(k) << k.error().message;
  // Known under the original name, and under the mirror file's own name.
  ASSERT_EQ(k->names(), (std::vector<std::string>{"some-other-name.pem", "wolfi-signing.rsa.pub"}));
  EXPECT_EQ(k->find("wolfi-signing.rsa.pub")->pem(), apk::PublicKey::from_pem(test_key(1).public_pem, "k")->pem());
  EXPECT_EQ(k->find("some-other-name.pem")->pem(), k->find("wolfi-signing.rsa.pub")->pem());
}

TEST_F(KeyringLoader, ErrorsNameTheSource) {
  auto missing = load_keyring({(dir_->path() / "nope.rsa.pub").string()}, Options{});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("nope.rsa.pub"), std::string::npos) << missing.error().message;
  EXPECT_EQ(missing.error().message.find('\n'), std::string::npos);

  fs::path junk = write("junk.rsa.pub", "not a key\n");
  auto bad = load_keyring({junk.string()}, Options{});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find(junk.string()), std::string::npos) << bad.error().message;

  Options off;
  off.offline = true;
  off.cache_dir = dir_->path() / "cache";
  auto remote = load_keyring({"https://user:hunter2@keys.example.invalid/k.rsa.pub"}, off);
  ASSERT_FALSE(remote);
  EXPECT_NE(remote.error().message.find("https://keys.example.invalid/k.rsa.pub"), std::string::npos)
      << remote.error().message;
  EXPECT_NE(remote.error().message.find("offline"), std::string::npos);
  EXPECT_EQ(remote.error().message.find("hunter2"), std::string::npos);

  auto scheme = load_keyring({"ftp://h/k.rsa.pub"}, Options{});
  ASSERT_FALSE(scheme);
  EXPECT_EQ(scheme.error().code, base::ErrorCode::kUnsupported);
}

TEST_F(KeyringLoader, SameNameDifferentKeysConflict) {
  fs::path a = write("a/k.rsa.pub", test_key(0).public_pem);
  fs::path b = write("b/k.rsa.pub", test_key(1).public_pem);
  auto k = load_keyring({a.string(), b.string()}, Options{});
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().code, base::ErrorCode::kConflict);
  EXPECT_NE(k.error().message.find(b.string()), std::string::npos) << k.error().message;
}

}  // namespace
}  // namespace repo
