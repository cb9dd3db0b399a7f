// Every real apko and melange YAML file in the shared fixtures must load.
#include <filesystem>
#include <algorithm>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/fs.hpp"
#include "config/build_config.hpp"
#include "config/image_config.hpp"

namespace config {
namespace {

namespace fs = std::filesystem;

fs::path fixtures() { return fs::path(MA_SHARED_DIR) / "fixtures"; }

#define REQUIRE_FIXTURES()                                                              \
  if (!fs::is_directory(fixtures())) GTEST_SKIP() << "no shared fixtures at " << fixtures()

std::vector<fs::path> yaml_files(const fs::path& dir, bool recursive, std::string_view suffix = ".yaml") {
  std::vector<fs::path> out;
  auto add = [&](const fs::directory_entry& e) {
    std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      out.push_back(e.path());
  };
  if (recursive) {
    for (const auto& e : fs::recursive_directory_iterator(dir)) add(e);
  } else {
    for (const auto& e : fs::directory_iterator(dir)) add(e);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool is_melange(const fs::path& p) {
  std::string n = p.filename().string();
  return n.find("melange") != std::string::npos;
}

TEST(Fixtures, EveryApkoConfigLoads) {
  REQUIRE_FIXTURES();
  // include.yaml and overlay.yaml say `include: examples/alpine-base.yaml` (relative to apko's
  // repository root): provide that through an include path, as `--include-paths` would.
  auto tmp = base::TempDir::create("cfgfix-");
  ASSERT_TRUE(tmp);
  fs::create_directory_symlink(fixtures() / "apko-examples", tmp->path() / "examples");
  LoadOptions opts;
  opts.include_paths.push_back(tmp->path());

  std::vector<fs::path> files = yaml_files(fixtures() / "apko-examples", true);
  for (const auto& p : yaml_files(fixtures() / "apko-cli-testdata", false))
    if (!is_melange(p)) files.push_back(p);
  ASSERT_GE(files.size(), 25u);
  for (const auto& f : files) {
    auto c = load_image_config(f, opts);
    EXPECT_TRUE(c) << f << ": " << (c ? "" : c.error().message);
    if (c) {
      EXPECT_FALSE(to_yaml(*c).empty());
    }
  }
}

TEST(Fixtures, OverlayIncludesAlpineBase) {
  REQUIRE_FIXTURES();
  auto tmp = base::TempDir::create("cfgfix-");
  ASSERT_TRUE(tmp);
  fs::create_directory_symlink(fixtures() / "apko-examples", tmp->path() / "examples");
  LoadOptions opts;
  opts.include_paths.push_back(tmp->path());
  auto c = load_image_config(fixtures() / "apko-examples" / "overlay.yaml", opts);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->contents.packages, (std::vector<std::string>{"alpine-base", "nano"}));
  EXPECT_EQ(c->cmd, "/bin/sh -l");
  EXPECT_EQ(c->archs, (std::vector<std::string>{"amd64", "arm64"}));
  EXPECT_EQ(c->contents.repositories.at(0), "https://dl-cdn.alpinelinux.org/alpine/v3.22/main");
}

TEST(Fixtures, ChecksumMatchesApkoLockFile) {
  REQUIRE_FIXTURES();
  const fs::path dir = fixtures() / "apko-cli-testdata";
  auto lock_text = base::read_file(dir / "apko.lock.json");
  ASSERT_TRUE(lock_text);
  auto lock = nlohmann::json::parse(*lock_text);
  auto c = load_image_config(dir / "apko.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->checksum, lock["config"]["checksum"].get<std::string>());
  EXPECT_EQ(c->contents.packages, (std::vector<std::string>{"replayout"}));
}

TEST(Fixtures, RealApkoDetails) {
  REQUIRE_FIXTURES();
  auto c = load_image_config(fixtures() / "apko-examples" / "nginx.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->entrypoint.type, "service-bundle");
  EXPECT_EQ(c->paths.at(0).permissions, 0755u);
  EXPECT_EQ(c->paths.at(1).type, PathType::kHardlink);
  auto l = load_image_config(fixtures() / "apko-cli-testdata" / "layering.yaml");
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l->layering->strategy, "origin");
  EXPECT_EQ(l->layering->budget, 2);
  auto e = load_image_config(fixtures() / "apko-cli-testdata" / "empty-layering.yaml");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_TRUE(e->layering.has_value());
}

TEST(Fixtures, EveryMelangeConfigParses) {
  REQUIRE_FIXTURES();
  std::vector<fs::path> files = yaml_files(fixtures() / "melange-examples", true);
  for (const auto& p : yaml_files(fixtures() / "apko-cli-testdata", false))
    if (is_melange(p)) files.push_back(p);
  files.push_back(fixtures() / "apko-apk-testdata" / "replaces" / "melange.yaml");
  ASSERT_GE(files.size(), 35u);
  for (const auto& f : files) {
    auto c = load_build_config(f);
    EXPECT_TRUE(c) << f << ": " << (c ? "" : c.error().message);
    if (c) {
      EXPECT_FALSE(to_json(*c)["package"]["name"].get<std::string>().empty());
    }
  }
}

TEST(Fixtures, RealMelangeDetails) {
  REQUIRE_FIXTURES();
  auto c = load_build_config(fixtures() / "melange-examples" / "options.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->package.name, "curl");
  ASSERT_EQ(c->options.size(), 1u);
  EXPECT_EQ(c->options[0].first, "rustls");
  EXPECT_EQ(c->options[0].second.packages_add.at(0), "rustls-ffi");
  EXPECT_EQ(c->subpackages.at(2).dependencies.provider_priority, "5");
  auto v = load_build_config(fixtures() / "melange-examples" / "var-transforms.yaml");
  ASSERT_TRUE(v) << v.error().message;
  std::map<std::string, std::string> vars = {{"package.version", v->package.version}};
  ASSERT_TRUE(apply_var_transforms(v->var_transforms, vars));
  EXPECT_EQ(vars["vars.mangled-package-version"], "1.2.3+4");
}

}  // namespace
}  // namespace config
