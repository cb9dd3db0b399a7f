#include "apko/apko_json.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "apko/build.hpp"
#include "apko/test_fixture.hpp"
#include "config/image_config.hpp"
#include "testutil/testutil.hpp"

namespace apko {
namespace {

// Expected bytes written by hand from Go's encoding/json rules for apko's ImageConfiguration
// (struct field order, omitempty, sorted map keys, HTML escaping, trailing newline).
TEST(ApkoJson, GoEncodingOfALockedConfig) {
  auto c = config::parse_image_config(R"(
contents:
  repositories: [https://packages.wolfi.dev/os]
  keyring: [https://packages.wolfi.dev/os/wolfi-signing.rsa.pub]
  packages: [ignored]
entrypoint:
  command: /usr/bin/app --greeting "a<b>&c"
environment:
  ZED: last
  ALPHA: first
accounts:
  run-as: app
  users:
    - username: app
      uid: 1000
      gid: 0
  groups:
    - groupname: app
      gid: 1000
paths:
  - path: /data
    type: directory
    uid: 0
    permissions: 0o755
annotations:
  b: "2"
  a: "1"
)",
                                      "t.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  c->contents.packages = {"app=1.0-r0", "glibc=2.40-r1"};
  c->archs = {"amd64"};
  EXPECT_EQ(apko_json(*c),
            R"({"contents":{"repositories":["https://packages.wolfi.dev/os"],)"
            R"("keyring":["https://packages.wolfi.dev/os/wolfi-signing.rsa.pub"],"packages":["app=1.0-r0","glibc=2.40-r1"]},)"
            R"("entrypoint":{"command":"/usr/bin/app --greeting \"a\u003cb\u003e\u0026c\""},)"
            R"("accounts":{"run-as":"app","users":[{"username":"app","uid":1000,"gid":0}],"groups":[{"groupname":"app","gid":1000}]},)"
            R"("archs":["amd64"],"environment":{"ALPHA":"first","ZED":"last"},)"
            R"("paths":[{"path":"/data","type":"directory","uid":0,"permissions":493}],"annotations":{"a":"1","b":"2"}})"
            "\n");
}

TEST(ApkoJson, EmptyStructsStayAndEmptyFieldsGo) {
  config::ImageConfig c;
  EXPECT_EQ(apko_json(c), "{\"contents\":{},\"entrypoint\":{},\"accounts\":{}}\n");
  c.layering = config::Layering{"origin", 0};
  c.format = "tar";
  EXPECT_EQ(apko_json(c),
            "{\"contents\":{},\"entrypoint\":{},\"accounts\":{},\"layering\":{\"strategy\":\"origin\"},\"format\":\"tar\"}\n");
}

TEST(ApkoJson, LineSeparatorsAreEscaped) {
  config::ImageConfig c;
  c.cmd = "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c\n";
  EXPECT_EQ(apko_json(c), "{\"contents\":{},\"entrypoint\":{},\"cmd\":\"a\\u2028b\\u2029c\\n\",\"accounts\":{}}\n");
}

// A real build: the file is in the layer (read back with GNU tar), mode 0444, and records the
// locked package set of its architecture, the resolved run-as uid and the defaulted homedir.
TEST(ApkoJson, WrittenIntoEveryImage) {
  auto f = testing::make_repo_fixture("accounts:\n  run-as: app\n  users:\n    - username: app\n      uid: 1000\n");
  std::filesystem::create_directories(f.path("blobs"));
  BuildOptions o;
  o.source_date_epoch = 1700000000;
  o.keyring_append = {f.path("test.rsa.pub").string()};
  auto plan = make_plan(f.config, o);
  ASSERT_TRUE(plan) << plan.error().to_string();
  auto r = build_images(*plan, o, "example.com/demo:latest", f.path("blobs"));
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->images.size(), 2u);
  for (const auto& ai : r->images) {
    const std::string layer = testutil::shell_quote(ai.image.layers.at(0).file.string());
    std::string listing = testutil::run_capture("tar -tvzf " + layer + " etc/apko.json");
    EXPECT_EQ(listing.substr(0, 10), "-r--r--r--") << listing;
    std::string text = testutil::run_capture("tar -xzOf " + layer + " etc/apko.json");
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    auto j = nlohmann::json::parse(text);
    EXPECT_EQ(j["contents"]["packages"],
              nlohmann::json::parse(R"(["app=1.0-r0","libbar=3.1-r2","libfoo=2.0-r0"])"));
    EXPECT_EQ(j["contents"]["repositories"], nlohmann::json::array({f.path("repo").string()}));
    // keyring: the config's key and the same key from -k, once.
    EXPECT_EQ(j["contents"]["keyring"], nlohmann::json::array({f.path("test.rsa.pub").string()}));
    EXPECT_EQ(j["archs"], nlohmann::json::array({ai.arch.oci_name()}));
    EXPECT_EQ(j["accounts"]["run-as"], "1000");
    EXPECT_EQ(j["accounts"]["users"][0]["homedir"], "/home/app");
  }
}

TEST(ApkoJson, RecordedUrlsKeepNoCredentials) {
  EXPECT_EQ(without_credentials({"https://alice:s3cret@repo.example/os", "./packages", "https://h/k@1.rsa.pub"}),
            (std::vector<std::string>{"https://repo.example/os", "./packages", "https://h/k@1.rsa.pub"}));
}

}  // namespace
}  // namespace apko
