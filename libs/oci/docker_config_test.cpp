#include "oci/docker_config.hpp"

#include <sys/stat.h>

#include <cstdlib>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/fs.hpp"

namespace oci {
namespace {

class DockerConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = base::TempDir::create("oci-dockercfg-");
    ASSERT_TRUE(d);
    dir_.emplace(std::move(*d));
    const char* old = std::getenv("DOCKER_CONFIG");
    if (old) old_ = old;
    setenv("DOCKER_CONFIG", (dir_->path() / "cfg").c_str(), 1);
  }
  void TearDown() override {
    if (old_) setenv("DOCKER_CONFIG", old_->c_str(), 1); else unsetenv("DOCKER_CONFIG");
  }
  std::optional<base::TempDir> dir_;
  std::optional<std::string> old_;
};

TEST_F(DockerConfigTest, MissingConfigMeansNoCredentials) {
  auto c = find_credentials("ghcr.io");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->empty());
}

TEST_F(DockerConfigTest, LoginWritesConfigReadBack) {
  ASSERT_TRUE(docker_login("127.0.0.1:5000", "alice", "s3cr:et"));
  ASSERT_TRUE(docker_login("docker.io", "bob", "pw"));
  auto path = docker_config_path();
  EXPECT_EQ(path, dir_->path() / "cfg" / "config.json");
  struct stat st{};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto j = nlohmann::json::parse(*base::read_file(path));
  // The format docker itself writes: base64("user:password"); checked with python's base64.
  EXPECT_EQ(j["auths"]["127.0.0.1:5000"]["auth"], "YWxpY2U6czNjcjpldA==");
  EXPECT_TRUE(j["auths"].contains("https://index.docker.io/v1/"));
  auto c = find_credentials("127.0.0.1:5000");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->username, "alice");
  EXPECT_EQ(c->password, "s3cr:et");
  c = find_credentials("index.docker.io");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->username, "bob");
  // Re-login replaces, other entries stay.
  ASSERT_TRUE(docker_login("127.0.0.1:5000", "carol", "x"));
  EXPECT_EQ(find_credentials("127.0.0.1:5000")->username, "carol");
  EXPECT_EQ(find_credentials("docker.io")->username, "bob");
}

TEST_F(DockerConfigTest, KeepsUnknownKeysAndReadsUsernamePassword) {
  std::filesystem::create_directories(dir_->path() / "cfg");
  ASSERT_TRUE(base::write_file_atomic(docker_config_path(),
      R"({"credsStore":"desktop","auths":{"https://reg.example.com/v2/":{"username":"u","password":"p"}}})"));
  auto c = find_credentials("reg.example.com");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->username, "u");
  EXPECT_EQ(c->password, "p");
  ASSERT_TRUE(docker_login("other.example.com", "v", "w"));
  auto j = nlohmann::json::parse(*base::read_file(docker_config_path()));
  EXPECT_EQ(j["credsStore"], "desktop");
  EXPECT_EQ(j["auths"].size(), 2u);
}

TEST_F(DockerConfigTest, BrokenConfigIsAnError) {
  std::filesystem::create_directories(dir_->path() / "cfg");
  ASSERT_TRUE(base::write_file_atomic(docker_config_path(), "{not json"));
  auto c = find_credentials("reg.example.com");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("config.json"), std::string::npos);
}

}  // namespace
}  // namespace oci
