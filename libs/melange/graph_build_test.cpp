#include "melange/graph_build.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/fs.hpp"

namespace melange {
namespace {

namespace fs = std::filesystem;

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

TEST(GraphBuildTest, RecipeFilesOfDirectoriesAndFiles) {
  auto tmp = base::TempDir::create("graph-build-test-");
  ASSERT_TRUE(tmp);
  const fs::path d = tmp->path();
  fs::create_directories(d / "r" / "sub");
  for (const char* f : {"r/b.yaml", "r/a.yml", "r/.yam.yaml", "r/notes.txt", "r/sub/c.yaml", "x.yaml"})
    ASSERT_TRUE(base::write_file_atomic(d / f, "package: {}\n", 0644));
  auto files = recipe_files({d / "r", d / "x.yaml"});
  ASSERT_TRUE(files) << files.error().to_string();
  EXPECT_EQ(*files, (std::vector<fs::path>{d / "r/a.yml", d / "r/b.yaml", d / "x.yaml"}));
  auto missing = recipe_files({d / "nope"});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("nope: no such file or directory"), std::string::npos);
  fs::create_directories(d / "none");
  auto none = recipe_files({d / "none"});
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("no *.yaml recipes"), std::string::npos);
}

TEST(GraphBuildTest, ChildArgumentsCarryTheFlags) {
  BuildOptions o;
  o.config_file = "/r/a.yaml";
  o.archs = {"x86_64"};
  o.runner = "docker";
  o.signing_key = "k.rsa";
  o.repository_append = {"/out", "https://x"};
  o.keyring_append = {"k.pub"};
  o.out_dir = "/out";
  o.generate_index = false;
  o.run_tests = false;
  o.remove = false;
  o.timeout = std::chrono::seconds(30);
  o.build_options = {"opt"};
  auto a = build_arguments(o);
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a.front(), "/r/a.yaml");
  for (const char* s : {"--generate-index=false", "--test=false", "--rm=false", "https://x", "k.pub", "opt"})
    EXPECT_TRUE(has(a, s)) << s;
  auto runner = std::find(a.begin(), a.end(), "--runner");
  ASSERT_NE(runner, a.end());
  EXPECT_EQ(*(runner + 1), "docker");
  auto timeout = std::find(a.begin(), a.end(), "--timeout");
  ASSERT_NE(timeout, a.end());
  EXPECT_EQ(*(timeout + 1), "30");
  EXPECT_FALSE(has(build_arguments(BuildOptions{}), "--generate-index=false"));
}

}  // namespace
}  // namespace melange
