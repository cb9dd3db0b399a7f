#include "oci/docker_tarball.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "oci/test_util.hpp"

namespace oci {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class DockerTarball : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = base::TempDir::create("oci-tarball-test-");
    ASSERT_TRUE(d);
    dir_.emplace(std::move(*d));
  }
  fs::path dir() const { return dir_->path(); }
  std::optional<base::TempDir> dir_;
};

TEST_F(DockerTarball, Tags) {
  auto amd = testing::tiny_image(dir(), "amd64");
  auto arm = testing::tiny_image(dir(), "arm", "v7");
  ASSERT_TRUE(amd && arm);
  EXPECT_EQ(*docker_tags("golden:latest", {*amd}), std::vector<std::string>{"golden:latest"});
  EXPECT_EQ(*docker_tags("golden", {*amd}), std::vector<std::string>{"golden:latest"});
  EXPECT_EQ(*docker_tags("localhost:5000/a/golden", {*amd, *arm}),
            (std::vector<std::string>{"localhost:5000/a/golden:latest-amd64", "localhost:5000/a/golden:latest-armv7"}));
  EXPECT_FALSE(docker_tags("golden@sha256:" + std::string(64, 'a'), {*amd}));
}

TEST_F(DockerTarball, DeterministicWithFixedEntryOrder) {
  auto amd = testing::tiny_image(dir(), "amd64");
  auto arm = testing::tiny_image(dir(), "arm64");
  ASSERT_TRUE(amd && arm);
  std::vector<Image> imgs{*arm, *amd};
  Index idx = make_index(imgs, {});
  ASSERT_TRUE(write_docker_tarball(dir() / "a.tar", "golden:latest", imgs, idx));
  ASSERT_TRUE(write_docker_tarball(dir() / "b.tar", "golden:latest", imgs, idx));
  EXPECT_EQ(*base::read_file(dir() / "a.tar"), *base::read_file(dir() / "b.tar"));
  auto list = testing::run("tar -tf " + testing::quote(dir() / "a.tar"));
  ASSERT_EQ(list.exit_code, 0) << list.output;
  auto lines = list.output;
  EXPECT_TRUE(lines.starts_with("blobs/\nblobs/sha256/\nblobs/sha256/")) << lines;
  EXPECT_TRUE(lines.ends_with("oci-layout\nindex.json\nmanifest.json\n")) << lines;
  auto manifest = testing::run("tar -xOf " + testing::quote(dir() / "a.tar") + " manifest.json");
  json m = json::parse(manifest.output);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0]["RepoTags"][0], "golden:latest-arm64");
  EXPECT_EQ(m[1]["RepoTags"][0], "golden:latest-amd64");
  EXPECT_EQ(m[1]["Config"], "blobs/sha256/" + amd->config_digest.substr(7));
  EXPECT_EQ(m[1]["Layers"][0], "blobs/sha256/" + amd->layers[0].digest.substr(7));
  // No temp file left behind.
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir())) files += e.path().filename().string().find(".tmp") != std::string::npos;
  EXPECT_EQ(files, 0);
}

TEST_F(DockerTarball, SkopeoReadsBothFormats) {
  if (!testing::have_tool("skopeo")) GTEST_SKIP() << "skopeo not installed";
  auto amd = testing::tiny_image(dir(), "amd64");
  auto arm = testing::tiny_image(dir(), "arm64");
  ASSERT_TRUE(amd && arm);
  // Single image: docker-archive and oci-archive both resolve it.
  fs::path one = dir() / "one.tar";
  ASSERT_TRUE(write_docker_tarball(one, "golden:latest", {*amd}, make_index({*amd}, {})));
  auto r = testing::run("skopeo inspect docker-archive:" + one.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  json d = json::parse(r.output);
  EXPECT_EQ(d["Architecture"], "amd64");
  EXPECT_EQ(d["Layers"][0], amd->layers[0].diff_id);  // docker-archive names layers by diff_id
  EXPECT_EQ(d["RepoTags"].size(), 0u);  // skopeo shows registry tags only
  r = testing::run("skopeo inspect --raw oci-archive:" + one.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, amd->manifest_json);
  r = testing::run("skopeo inspect --config --raw docker-archive:" + one.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, amd->config_json);

  // Multi-arch: each image by its tag in both views.
  fs::path multi = dir() / "multi.tar";
  ASSERT_TRUE(write_docker_tarball(multi, "golden:latest", {*amd, *arm}, make_index({*amd, *arm}, {})));
  r = testing::run("skopeo inspect --raw oci-archive:" + multi.string() + ":latest-arm64");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, arm->manifest_json);
  r = testing::run("skopeo inspect --config --raw docker-archive:" + multi.string() + ":golden:latest-arm64");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, arm->config_json);
}

TEST_F(DockerTarball, UmociUnpacksTheLayout) {
  if (!testing::have_tool("umoci")) GTEST_SKIP() << "umoci not installed";
  auto amd = testing::tiny_image(dir(), "amd64");
  ASSERT_TRUE(amd);
  fs::path tar = dir() / "img.tar";
  ASSERT_TRUE(write_docker_tarball(tar, "golden:v1", {*amd}, make_index({*amd}, {})));
  fs::create_directories(dir() / "layout");
  ASSERT_EQ(testing::run("tar -xf " + testing::quote(tar) + " -C " + testing::quote(dir() / "layout")).exit_code, 0);
  auto r = testing::run("umoci ls --layout " + testing::quote(dir() / "layout"));
  EXPECT_EQ(r.output, "v1\n");
  r = testing::run("umoci unpack --rootless --image " + testing::quote(dir() / "layout") + ":v1 " +
                   testing::quote(dir() / "bundle"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(*base::read_file(dir() / "bundle/rootfs/etc/hello.txt"), "hello from amd64\n");
}

TEST_F(DockerTarball, PodmanLoads) {
  if (!testing::have_tool("podman")) GTEST_SKIP() << "podman not installed";
  auto amd = testing::tiny_image(dir(), "amd64");
  auto arm = testing::tiny_image(dir(), "arm64");
  ASSERT_TRUE(amd && arm);
  fs::path tar = dir() / "multi.tar";
  ASSERT_TRUE(write_docker_tarball(tar, "golden:latest", {*amd, *arm}, make_index({*amd, *arm}, {})));
  // A private store so the test touches no one else's images.
  // (podman load runs no container, so no --ulimit flags are needed here.)
  std::string podman = "podman --root " +
                       testing::quote(dir() / "root") + " --runroot " + testing::quote(dir() / "runroot") +
                       " --storage-driver vfs";
  auto r = testing::run(podman + " load -i " + testing::quote(tar));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("golden:latest-amd64"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("golden:latest-arm64"), std::string::npos) << r.output;
  r = testing::run(podman + " image inspect --format '{{.Id}}' golden:latest-arm64");
  EXPECT_EQ(r.output, arm->config_digest.substr(7) + "\n");
  testing::run(podman + " rmi -a -f");
}

}  // namespace
}  // namespace oci
