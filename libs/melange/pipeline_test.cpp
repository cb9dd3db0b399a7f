#include "melange/pipeline.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "base/fs.hpp"
#include "melange/embed.hpp"

namespace melange {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

TEST(Pipeline, BuiltinsAreSortedAndParse) {
  auto all = builtin_pipelines();
  ASSERT_GE(all.size(), 28u);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].name, all[i].name);
  for (const auto& p : all) {
    auto def = config::parse_pipeline_def(p.text, std::string(p.name) + ".yaml");
    EXPECT_TRUE(def) << p.name << ": " << def.error().message;
    EXPECT_EQ(find_builtin_pipeline(p.name), &p);
  }
}

TEST(Pipeline, IssueListIsComplete) {
  for (const char* name :
       {"fetch", "git-checkout", "patch", "git-am", "strip", "autoconf/configure", "autoconf/make",
        "autoconf/make-install", "cmake/configure", "cmake/build", "cmake/install", "meson/configure", "meson/compile",
        "meson/install", "go/build", "go/install", "cargo/build", "python/build-wheel", "python/install", "split/dev",
        "split/static", "split/manpages", "split/infodir", "split/locales", "split/alldocs", "split/debug",
        "split/bin", "split/lib"})
    EXPECT_NE(find_builtin_pipeline(name), nullptr) << name;
  EXPECT_EQ(find_builtin_pipeline("nope"), nullptr);
}

TEST(Pipeline, NamesThatEscapeAreRefused) {
  for (const char* bad : {"/etc/passwd", "../fetch", "a/../../b", "a//b", "", "./fetch", "fetch/", "a\\b", "x y"}) {
    auto r = validate_pipeline_name(bad);
    EXPECT_FALSE(r) << bad;
  }
  EXPECT_TRUE(validate_pipeline_name("autoconf/configure"));
  EXPECT_TRUE(validate_pipeline_name("my_pipe-1.2"));
  auto r = find_pipeline("../../etc/passwd", {});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("\"../../etc/passwd\""), std::string::npos) << r.error().message;
}

TEST(Pipeline, PipelineDirWinsOverBuiltin) {
  auto tmp = base::TempDir::create("ma-pipe-").value();
  write(tmp.path() / "fetch.yaml", "name: mine\npipeline:\n  - runs: echo mine\n");
  auto src = find_pipeline("fetch", {tmp.path()});
  ASSERT_TRUE(src) << src.error().message;
  EXPECT_EQ(src->origin, (tmp.path() / "fetch.yaml").string());
  auto def = load_pipeline("fetch", {tmp.path()});
  ASSERT_TRUE(def);
  EXPECT_EQ(def->name, "mine");
  // Without the dir the built-in is used.
  auto builtin = find_pipeline("fetch", {});
  ASSERT_TRUE(builtin);
  EXPECT_EQ(builtin->origin, "<builtin>/fetch.yaml");
}

TEST(Pipeline, SymlinkOutOfPipelineDirIsRefused) {
  auto tmp = base::TempDir::create("ma-pipe-").value();
  fs::create_directories(tmp.path() / "dir");
  write(tmp.path() / "outside.yaml", "name: outside\n");
  fs::create_symlink(tmp.path() / "outside.yaml", tmp.path() / "dir" / "evil.yaml");
  auto r = find_pipeline("evil", {tmp.path() / "dir"});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("outside its pipeline dir"), std::string::npos) << r.error().message;
}

TEST(Pipeline, UnknownPipelineNamesSearchPath) {
  auto r = find_pipeline("does/not-exist", {"/nonexistent-dir"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, base::ErrorCode::kNotFound);
  EXPECT_NE(r.error().message.find("unknown pipeline \"does/not-exist\""), std::string::npos);
  EXPECT_NE(r.error().message.find("/nonexistent-dir"), std::string::npos);
}

}  // namespace
}  // namespace melange
