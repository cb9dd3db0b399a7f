#include "apko/build.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "apko/test_fixture.hpp"
#include "testutil/testutil.hpp"

namespace apko {
namespace {

std::string run(const std::string& cmd) { return testutil::run_capture(cmd); }

BuildResult build_fixture(const testing::RepoFixture& f, const std::filesystem::path& blobs, BuildOptions o = {}) {
  auto plan = make_plan(f.config, o);
  EXPECT_TRUE(plan) << plan.error().to_string();
  auto r = build_images(*plan, o, "example.com/demo:latest", blobs);
  EXPECT_TRUE(r) << r.error().to_string();
  return std::move(*r);
}

TEST(Build, TwoArchImagesCheckedWithHostTools) {
  auto f = testing::make_repo_fixture(
      "entrypoint:\n  command: /usr/bin/app\naccounts:\n  run-as: app\n  users:\n    - username: app\n      uid: 1000\n"
      "annotations:\n  org.example.x: y\n");
  std::filesystem::create_directories(f.path("blobs"));
  BuildOptions o;
  o.source_date_epoch = 1700000000;
  BuildResult r = build_fixture(f, f.path("blobs"), o);
  ASSERT_EQ(r.images.size(), 2u);
  EXPECT_EQ(r.images[0].arch.apk, "x86_64");
  EXPECT_EQ(r.images[1].arch.apk, "aarch64");
  for (const auto& ai : r.images) {
    std::vector<std::string> names;
    for (const auto& p : ai.installed) names.push_back(p.info.name + "-" + p.info.version);
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"app-1.0-r0", "libbar-3.1-r2", "libfoo-2.0-r0"}));
    ASSERT_EQ(ai.image.layers.size(), 1u);
    const auto& l = ai.image.layers[0];
    // Independent digests: sha256sum of the file and of its gunzipped bytes.
    EXPECT_EQ("sha256:" + run("sha256sum < " + l.file.string() + " | cut -d' ' -f1").substr(0, 64), l.digest);
    EXPECT_EQ("sha256:" + run("gzip -dc < " + l.file.string() + " | sha256sum | cut -d' ' -f1").substr(0, 64),
              l.diff_id);
    std::string listing = run("tar -tzvf " + l.file.string());
    for (const char* want : {"usr/share/app/payload", "usr/lib/apk/db/installed", "etc/passwd", "etc/apk/world",
                             "home/app", "dev/null"})
      EXPECT_NE(listing.find(want), std::string::npos) << want << "\n" << listing;
    auto cfg = nlohmann::json::parse(ai.image.config_json);
    EXPECT_EQ(cfg["created"], "2023-11-14T22:13:20Z");
    EXPECT_EQ(cfg["config"]["User"], "1000");
    EXPECT_EQ(cfg["config"]["Entrypoint"], nlohmann::json::array({"/usr/bin/app"}));
    EXPECT_EQ(cfg["config"]["Labels"]["org.example.x"], "y");
  }
  auto idx = nlohmann::json::parse(r.index.json);
  ASSERT_EQ(idx["manifests"].size(), 2u);
  EXPECT_EQ(idx["annotations"]["org.opencontainers.image.created"], "2023-11-14T22:13:20Z");
  // SBOMs: one per arch plus the index; every installed package listed.
  ASSERT_EQ(r.sboms.size(), 3u);
  EXPECT_EQ(r.sboms[0].first, "sbom-x86_64.spdx.json");
  EXPECT_EQ(r.sboms[2].first, "sbom-index.spdx.json");
  for (const char* p : {"\"app\"", "\"libfoo\"", "\"libbar\""}) EXPECT_NE(r.sboms[0].second.find(p), std::string::npos);
  // Writing: a docker tarball that python's tarfile reads, holding manifest.json.
  ASSERT_TRUE(write_output(r, f.path("out.tar"), "example.com/demo:latest"));
  std::string members = run("python3 -c \"import tarfile,sys; print('\\n'.join(tarfile.open(sys.argv[1]).getnames()))\" " +
                            f.path("out.tar").string());
  EXPECT_NE(members.find("manifest.json"), std::string::npos);
  EXPECT_NE(members.find("index.json"), std::string::npos);
}

TEST(Build, DeterministicAcrossDirectoriesAndThreads) {
  auto f = testing::make_repo_fixture();
  std::filesystem::create_directories(f.path("b1"));
  std::filesystem::create_directories(f.path("b2"));
  BuildOptions o1, o2;
  o2.threads = 1;
  BuildResult a = build_fixture(f, f.path("b1"), o1);
  BuildResult b = build_fixture(f, f.path("b2"), o2);
  EXPECT_EQ(a.index.digest, b.index.digest);
  for (size_t i = 0; i < a.images.size(); ++i) {
    EXPECT_EQ(a.images[i].image.manifest_digest, b.images[i].image.manifest_digest);
    EXPECT_EQ(run("cmp " + a.images[i].image.layers[0].file.string() + " " + b.images[i].image.layers[0].file.string() +
                  " && echo same"),
              "same\n");
  }
  EXPECT_EQ(a.sboms, b.sboms);
  // No SOURCE_DATE_EPOCH: the newest package builddate.
  EXPECT_EQ(a.epoch, a.images[0].epoch);
}

// The fixture's config plus `extra` as <name>.yaml, built into <name>/.
BuildResult build_variant(const testing::RepoFixture& f, const std::string& name, const std::string& extra,
                          BuildOptions o = {}) {
  std::filesystem::path cfg = f.path(name + ".yaml");
  EXPECT_TRUE(base::write_file_atomic(cfg, base::read_file(f.config).value() + extra));
  std::filesystem::create_directories(f.path(name));
  o.source_date_epoch = 1700000000;
  auto plan = make_plan(cfg, o);
  EXPECT_TRUE(plan) << plan.error().to_string();
  auto r = build_images(*plan, o, "example.com/demo:latest", f.path(name));
  EXPECT_TRUE(r) << r.error().to_string();
  return std::move(*r);
}

TEST(Build, OriginLayeringSplitsByPackageAndUnpacksToTheSameTree) {
  auto f = testing::make_repo_fixture();
  BuildResult single = build_variant(f, "single", "");
  BuildResult layered = build_variant(f, "layered", "layering:\n  strategy: origin\n  budget: 2\n");
  ASSERT_EQ(layered.images.size(), 2u);
  for (size_t i = 0; i < layered.images.size(); ++i) {
    const auto& img = layered.images[i].image;
    // app (largest), then libbar+libfoo merged by the budget, then the top layer.
    ASSERT_EQ(img.layers.size(), 3u);
    auto cfg = nlohmann::json::parse(img.config_json);
    auto man = nlohmann::json::parse(img.manifest_json);
    ASSERT_EQ(cfg["rootfs"]["diff_ids"].size(), 3u);
    ASSERT_EQ(cfg["history"].size(), 3u);
    ASSERT_EQ(man["layers"].size(), 3u);
    std::string cmd = "python3 " + testutil::shell_quote(MA_SOURCE_DIR "/tests/tools/layer_check.py") + " " +
                      single.images[i].image.layers[0].file.string();
    for (size_t k = 0; k < 3; ++k) {
      const auto& l = img.layers[k];
      EXPECT_EQ(cfg["rootfs"]["diff_ids"][k], l.diff_id);
      EXPECT_EQ(man["layers"][k]["digest"], l.digest);
      EXPECT_EQ(cfg["history"][k]["created_by"], "apko");
      EXPECT_EQ(cfg["history"][k]["created"], "2023-11-14T22:13:20Z");
      EXPECT_FALSE(cfg["history"][k].contains("comment")) << "apko drops the single-layer comment";
      EXPECT_EQ("sha256:" + run("sha256sum < " + l.file.string() + " | cut -d' ' -f1").substr(0, 64), l.digest);
      EXPECT_EQ("sha256:" + run("gzip -dc < " + l.file.string() + " | sha256sum | cut -d' ' -f1").substr(0, 64),
                l.diff_id);
      cmd += " " + l.file.string();
    }
    EXPECT_EQ(run(cmd + " 2>&1"), "OK 3 layers\n");
    auto listing = [&](size_t k) { return run("tar -tzf " + img.layers[k].file.string()); };
    auto db = [&](size_t k) { return run("tar -xzOf " + img.layers[k].file.string() + " usr/lib/apk/db/installed"); };
    EXPECT_NE(listing(0).find("usr/share/app/payload"), std::string::npos);
    EXPECT_EQ(listing(0).find("etc/passwd"), std::string::npos);
    EXPECT_NE(listing(1).find("usr/share/libfoo/payload"), std::string::npos);
    EXPECT_NE(listing(1).find("usr/share/libbar/payload"), std::string::npos);
    EXPECT_NE(listing(2).find("etc/apk/world"), std::string::npos);
    EXPECT_EQ(listing(2).find("payload"), std::string::npos);
    EXPECT_NE(db(0).find("P:app\n"), std::string::npos);
    EXPECT_EQ(db(0).find("P:libfoo\n"), std::string::npos);
    EXPECT_EQ(db(1).find("P:app\n"), std::string::npos);
    EXPECT_LT(db(1).find("P:libbar\n"), db(1).find("P:libfoo\n"));
    for (const char* p : {"P:app\n", "P:libbar\n", "P:libfoo\n"}) EXPECT_NE(db(2).find(p), std::string::npos);
  }
  // The single-layer image keeps apko's single-layer comment.
  auto scfg = nlohmann::json::parse(single.images[0].image.config_json);
  ASSERT_EQ(scfg["history"].size(), 1u);
  EXPECT_EQ(scfg["history"][0]["comment"], "This is an apko single-layer image");
  // Same inputs, same digests (another directory, one thread).
  BuildOptions one;
  one.threads = 1;
  BuildResult again = build_variant(f, "again", "layering:\n  strategy: origin\n  budget: 2\n", one);
  EXPECT_EQ(again.index.digest, layered.index.digest);
  // A budget large enough: one layer per origin plus the top one.
  BuildResult wide = build_variant(f, "wide", "layering: {strategy: origin, budget: 10}\n");
  EXPECT_EQ(wide.images[0].image.layers.size(), 4u);
  BuildResult zero = build_variant(f, "zero", "layering: {strategy: origin}\n");
  EXPECT_EQ(zero.images[0].image.layers.size(), 2u);
}

TEST(Build, EmptyLayeringIsOneLayerAndBudgetNeedsAStrategy) {
  auto f = testing::make_repo_fixture();
  BuildResult empty = build_variant(f, "empty", "layering: {}\n");
  EXPECT_EQ(empty.images[0].image.layers.size(), 1u);
  std::string cfg = base::read_file(f.config).value() + "layering: {budget: 3}\n";
  ASSERT_TRUE(base::write_file_atomic(f.path("bad.yaml"), cfg));
  std::filesystem::create_directories(f.path("bad"));
  auto plan = make_plan(f.path("bad.yaml"), {});
  ASSERT_TRUE(plan) << plan.error().to_string();
  auto r = build_images(*plan, {}, "x", f.path("bad"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("unrecognized strategy"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
}

TEST(Build, ErrorsAreOneLine) {
  auto f = testing::make_repo_fixture();
  BuildOptions o;
  o.package_append = {"does-not-exist"};
  auto plan = make_plan(f.config, o);
  ASSERT_FALSE(plan);
  // A resolution error is the solver's one block: a headline, each problem and its chains.
  EXPECT_NE(plan.error().message.find("cannot install the requested packages:\n"
                                      "  does-not-exist: no package provides it\n"
                                      "    world: needs does-not-exist"),
            std::string::npos)
      << plan.error().message;
  BuildOptions bad_arch;
  bad_arch.archs = {"sparc"};
  EXPECT_FALSE(make_plan(f.config, bad_arch));
}

TEST(Build, OsRelease) {
  auto kv = parse_os_release("NAME=\"Wolfi\"\nID=wolfi\n# c\nVERSION_ID='20230201'\nJUNK\n");
  EXPECT_EQ(kv["NAME"], "Wolfi");
  EXPECT_EQ(kv["ID"], "wolfi");
  EXPECT_EQ(kv["VERSION_ID"], "20230201");
}

}  // namespace
}  // namespace apko
