#include "oci/image.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "oci/test_util.hpp"

namespace oci {
namespace {

using nlohmann::json;

class ImageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = base::TempDir::create("oci-image-test-");
    ASSERT_TRUE(d) << d.error().message;
    dir_.emplace(std::move(*d));
  }
  const std::filesystem::path& dir() const { return dir_->path(); }
  std::optional<base::TempDir> dir_;
};

TEST_F(ImageTest, DigestsAreSha256OfExactBytes) {
  auto img = testing::tiny_image(dir(), "amd64");
  ASSERT_TRUE(img) << img.error().message;
  ASSERT_TRUE(base::write_file_atomic(dir() / "config.json", img->config_json));
  ASSERT_TRUE(base::write_file_atomic(dir() / "manifest.json", img->manifest_json));
  EXPECT_EQ(img->config_digest, testing::sha256sum(dir() / "config.json"));
  EXPECT_EQ(img->manifest_digest, testing::sha256sum(dir() / "manifest.json"));
  const Layer& l = img->layers.at(0);
  EXPECT_EQ(l.digest, testing::sha256sum(l.file));
  auto diff = testing::run("gzip -dc " + testing::quote(l.file) + " | sha256sum");
  EXPECT_EQ(l.diff_id, "sha256:" + diff.output.substr(0, 64));
  EXPECT_EQ(l.size, static_cast<int64_t>(std::filesystem::file_size(l.file)));
  auto listing = testing::run("tar -tzvf " + testing::quote(l.file));
  EXPECT_NE(listing.output.find("etc/hello.txt"), std::string::npos) << listing.output;
}

TEST_F(ImageTest, ConfigAndManifestContent) {
  auto layer = testing::tiny_layer(dir() / "l.tar.gz", "x");
  ASSERT_TRUE(layer);
  ImageConfigSpec spec;
  spec.platform = {"arm", "linux", "v7"};
  spec.entrypoint = {"/bin/sh", "-c"};
  spec.working_dir = "/work";
  spec.user = "65532";
  spec.stop_signal = "SIGTERM";
  spec.labels = {{"b", "2"}, {"a", "1"}};
  spec.volumes = {"/z", "/a"};
  auto img = make_image(spec, {*layer}, {{"k", "v"}});
  ASSERT_TRUE(img) << img.error().message;
  json c = json::parse(img->config_json);
  EXPECT_EQ(c["architecture"], "arm");
  EXPECT_EQ(c["variant"], "v7");
  EXPECT_EQ(c["config"]["WorkingDir"], "/work");
  EXPECT_EQ(c["config"]["User"], "65532");
  EXPECT_EQ(c["rootfs"]["diff_ids"][0], layer->diff_id);
  EXPECT_NE(img->config_json.find(R"("Volumes":{"/a":{},"/z":{}})"), std::string::npos) << img->config_json;
  EXPECT_NE(img->config_json.find(R"("Labels":{"a":"1","b":"2"})"), std::string::npos) << img->config_json;
  json m = json::parse(img->manifest_json);
  EXPECT_EQ(m["config"]["digest"], img->config_digest);
  EXPECT_EQ(m["config"]["size"], img->config_json.size());
  EXPECT_EQ(m["layers"][0]["digest"], layer->digest);
  EXPECT_EQ(m["annotations"]["k"], "v");
}

TEST_F(ImageTest, RejectsMismatchedDiffIds) {
  auto layer = testing::tiny_layer(dir() / "l.tar.gz", "x");
  ASSERT_TRUE(layer);
  ImageConfigSpec spec;
  spec.platform.architecture = "amd64";
  spec.diff_ids = {"sha256:" + std::string(64, '0')};
  auto img = make_image(spec, {*layer}, {});
  ASSERT_FALSE(img);
  EXPECT_NE(img.error().message.find("diff_ids"), std::string::npos);
  Layer bad = *layer;
  bad.digest = "sha256:xyz";
  spec.diff_ids.clear();
  EXPECT_FALSE(make_image(spec, {bad}, {}));
}

TEST_F(ImageTest, IndexSortedByPlatformAndDeterministic) {
  auto arm = testing::tiny_image(dir(), "arm64");
  auto amd = testing::tiny_image(dir(), "amd64");
  auto armv7 = testing::tiny_image(dir(), "arm", "v7");
  ASSERT_TRUE(arm && amd && armv7);
  Index a = make_index({*arm, *armv7, *amd}, {{"org.opencontainers.image.created", "x"}});
  Index b = make_index({*amd, *arm, *armv7}, {{"org.opencontainers.image.created", "x"}});
  EXPECT_EQ(a.json, b.json);
  EXPECT_EQ(a.digest, sha256_digest(a.json));
  json j = json::parse(a.json);
  ASSERT_EQ(j["manifests"].size(), 3u);
  EXPECT_EQ(j["manifests"][0]["platform"]["architecture"], "amd64");
  EXPECT_EQ(j["manifests"][1]["platform"]["variant"], "v7");
  EXPECT_EQ(j["manifests"][2]["platform"]["architecture"], "arm64");
  EXPECT_EQ(j["manifests"][0]["digest"], amd->manifest_digest);
  EXPECT_EQ(j["manifests"][0]["size"], amd->manifest_json.size());
  ASSERT_TRUE(base::write_file_atomic(dir() / "index.json", a.json));
  EXPECT_EQ(a.digest, testing::sha256sum(dir() / "index.json"));
}

TEST_F(ImageTest, JsonValidAgainstOciSchemas) {
  auto amd = testing::tiny_image(dir(), "amd64");
  auto armv7 = testing::tiny_image(dir(), "arm", "v7");
  ASSERT_TRUE(amd && armv7);
  Index idx = make_index({*amd, *armv7}, {{"a", "b"}});
  std::string s = testing::oci_schemas();
  auto r = testing::validate_json(s + "/config-schema.json", amd->config_json);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = testing::validate_json(s + "/image-manifest-schema.json", amd->manifest_json);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = testing::validate_json(s + "/image-index-schema.json", idx.json);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // The validator does reject a broken manifest.
  r = testing::validate_json(s + "/image-manifest-schema.json", R"({"schemaVersion":2,"config":{}})");
  EXPECT_EQ(r.exit_code, 1) << r.output;
}

}  // namespace
}  // namespace oci
