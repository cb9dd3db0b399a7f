#include "oci/layout.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "oci/test_util.hpp"

namespace oci {
namespace {

namespace fs = std::filesystem;

TEST(Layout, WritesBlobsIndexAndLayoutFile) {
  auto tmp = base::TempDir::create("oci-layout-test-");
  ASSERT_TRUE(tmp);
  auto img = testing::tiny_image(tmp->path(), "amd64");
  ASSERT_TRUE(img) << img.error().message;
  Index idx = make_index({*img}, {});
  fs::path dir = tmp->path() / "layout";
  ASSERT_TRUE(write_oci_layout(dir, {*img}, idx));

  auto index_json = base::read_file(dir / "index.json");
  ASSERT_TRUE(index_json);
  EXPECT_EQ(*index_json, idx.json);
  EXPECT_EQ(*base::read_file(dir / "oci-layout"), "{\n    \"imageLayoutVersion\": \"1.0.0\"\n}");
  // Every blob is named by the sha256 of its content (checked by sha256sum).
  int blobs = 0;
  for (const auto& e : fs::directory_iterator(dir / "blobs" / "sha256")) {
    EXPECT_EQ(testing::sha256sum(e.path()), "sha256:" + e.path().filename().string());
    ++blobs;
  }
  EXPECT_EQ(blobs, 4);  // config, layer, manifest, index
  EXPECT_TRUE(fs::exists(dir / "blobs/sha256" / img->manifest_digest.substr(7)));
  EXPECT_TRUE(fs::exists(dir / "blobs/sha256" / idx.digest.substr(7)));
  // Writing again into the same directory is fine and changes nothing.
  ASSERT_TRUE(write_oci_layout(dir, {*img}, idx));

  {
    auto r = testing::run("python3 '" MA_SOURCE_DIR "/tests/tools/validate_json.py' " +
                          testing::quote(testing::oci_schemas() + "/image-layout-schema.json") + " " +
                          testing::quote(dir / "oci-layout"));
    EXPECT_EQ(r.exit_code, 0) << r.output;
  }
  if (!testing::have_tool("skopeo")) GTEST_SKIP() << "skopeo not installed";
  auto r = testing::run("skopeo inspect --raw oci:" + dir.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, img->manifest_json);
}

TEST(Layout, ChangedLayerFileIsAnError) {
  auto tmp = base::TempDir::create("oci-layout-test-");
  ASSERT_TRUE(tmp);
  auto img = testing::tiny_image(tmp->path(), "amd64");
  ASSERT_TRUE(img);
  ASSERT_TRUE(base::write_file_atomic(img->layers[0].file, "tampered"));
  auto st = write_oci_layout(tmp->path() / "layout", {*img}, make_index({*img}, {}));
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("does not match"), std::string::npos) << st.error().message;
}

}  // namespace
}  // namespace oci
