#include "apko/plan.hpp"

#include <gtest/gtest.h>

#include "apko/test_fixture.hpp"
#include "config/image_config.hpp"

namespace apko {
namespace {

std::vector<std::string> names(const Plan& plan, size_t arch) {
  std::vector<std::string> out;
  for (size_t id : plan.archs[arch].packages) {
    const auto& p = plan.archs[arch].repos->universe().package(id);
    out.push_back(p.name + "-" + p.version);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Plan, InMemoryConfigPlansLikeTheFile) {
  auto f = testing::make_repo_fixture();
  BuildOptions o;
  o.archs = {"x86_64"};
  o.package_append = {"libbar"};
  auto from_file = make_plan(f.config, o);
  ASSERT_TRUE(from_file) << from_file.error().to_string();
  auto cfg = config::load_image_config(f.config, {});
  ASSERT_TRUE(cfg) << cfg.error().to_string();
  auto in_memory = make_plan(*cfg, o, ConfigSource{"demo environment", "environment."});
  ASSERT_TRUE(in_memory) << in_memory.error().to_string();

  ASSERT_EQ(in_memory->archs.size(), 1u);
  EXPECT_EQ(in_memory->archs[0].arch.apk, "x86_64");
  EXPECT_EQ(in_memory->world, (std::vector<std::string>{"app", "libbar"}));
  EXPECT_EQ(in_memory->world, from_file->world);
  EXPECT_EQ(in_memory->build_repositories, from_file->build_repositories);
  EXPECT_EQ(in_memory->runtime_repositories, from_file->runtime_repositories);
  EXPECT_EQ(in_memory->keyring_sources, from_file->keyring_sources);
  ASSERT_TRUE(in_memory->keyring);
  EXPECT_FALSE(in_memory->keyring->empty());
  EXPECT_EQ(names(*in_memory, 0), (std::vector<std::string>{"app-1.0-r0", "libbar-3.1-r2", "libfoo-2.0-r0"}));
  EXPECT_EQ(names(*in_memory, 0), names(*from_file, 0));
}

TEST(Plan, InMemoryErrorsNameTheSourceAndItsKeys) {
  config::ImageConfig cfg;
  cfg.contents.packages = {"app"};
  auto none = prepare_plan(cfg, {}, ConfigSource{"demo environment", "environment."});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "demo environment: no repositories to install from");
  EXPECT_EQ(none.error().hint, "set environment.contents.repositories or pass --repository-append");

  auto f = testing::make_repo_fixture();
  auto loaded = config::load_image_config(f.config, {});
  ASSERT_TRUE(loaded);
  loaded->contents.keyring.clear();
  auto nokeys = make_plan(*loaded, {}, ConfigSource{"demo environment", "environment."});
  ASSERT_FALSE(nokeys);
  EXPECT_EQ(nokeys.error().message, "demo environment: no keys to verify repositories with");
  EXPECT_NE(nokeys.error().hint.find("environment.contents.keyring"), std::string::npos);

  // The file variant names the file and the keys as written in it.
  auto file_none = prepare_plan(f.path("missing.yaml"), {});
  ASSERT_FALSE(file_none);
  EXPECT_NE(file_none.error().message.find("missing.yaml"), std::string::npos);
}

}  // namespace
}  // namespace apko
