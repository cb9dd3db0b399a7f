#include "melange/update_cache.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/fs.hpp"
#include "base/hash.hpp"
#include "config/build_config.hpp"

namespace melange {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class UpdateCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = base::TempDir::create("update-cache-test-");
    ASSERT_TRUE(d);
    dir_.emplace(std::move(*d));
    src_ = dir_->path() / "srv/foo-1.2.tar.gz";
    fs::create_directories(src_.parent_path());
    ASSERT_TRUE(base::write_file_atomic(src_, "pretend tarball"));
  }
  // A config fetching <srv>/foo-${{package.version}}.tar.gz with the given `with:` lines.
  base::Result<CompiledBuild> compiled(const std::string& with) {
    std::string yaml = "package:\n  name: foo\n  version: \"1.2\"\n  epoch: 0\npipeline:\n  - uses: fetch\n    with:\n      uri: " +
                       (dir_->path() / "srv").string() + "/foo-${{package.version}}.tar.gz\n" + with;
    auto cfg = config::parse_build_config(yaml, "foo.yaml");
    if (!cfg) return tl::unexpected(cfg.error());
    return compile(*cfg, CompileOptions{});
  }
  std::optional<base::TempDir> dir_;
  fs::path src_;
};

TEST_F(UpdateCacheTest, WritesOneEntryPerExpectedChecksum) {
  const std::string s256 = base::sha256_hex("pretend tarball"), s512 = base::sha512_hex("pretend tarball");
  auto b = compiled("      expected-sha256: " + s256 + "\n      expected-sha512: " + s512 + "\n");
  ASSERT_TRUE(b) << b.error().message;
  fs::path cache = dir_->path() / "cache";  // created on demand
  fetch::Client client;
  auto r = update_cache(*b, cache, client);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_TRUE((*r)[0].downloaded);
  EXPECT_EQ((*r)[0].uri, src_.string());
  EXPECT_EQ(*base::read_file(cache / ("sha256:" + s256)), "pretend tarball");
  EXPECT_EQ(*base::read_file(cache / ("sha512:" + s512)), "pretend tarball");

  // Already there: nothing is fetched (the source may be gone).
  fs::remove(src_);
  auto again = update_cache(*b, cache, client);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_FALSE((*again)[0].downloaded);
  EXPECT_EQ((*again)[0].entries.size(), 2u);
}

TEST_F(UpdateCacheTest, MismatchIsAnErrorNamingTheStep) {
  const std::string wrong(64, 'a');
  auto b = compiled("      expected-sha256: " + wrong + "\n");
  ASSERT_TRUE(b) << b.error().message;
  fetch::Client client;
  auto r = update_cache(*b, dir_->path() / "cache", client);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, base::ErrorCode::kSignature);
  EXPECT_THAT(r.error().message, HasSubstr("foo.yaml:6: fetch " + src_.string() + ": sha256 mismatch: downloaded " +
                                           base::sha256_hex("pretend tarball") + ", expected-sha256 is " + wrong));
  EXPECT_FALSE(fs::exists(dir_->path() / "cache" / ("sha256:" + wrong)));
}

TEST_F(UpdateCacheTest, WithoutChecksumNothingIsCached) {
  auto b = compiled("      expected-none: true\n");
  ASSERT_TRUE(b) << b.error().message;
  fetch::Client client;
  auto r = update_cache(*b, dir_->path() / "cache", client);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE((*r)[0].skipped);
  EXPECT_FALSE(fs::exists(dir_->path() / "cache"));
}

TEST_F(UpdateCacheTest, MissingSourceAndBadChecksumText) {
  fs::remove(src_);
  auto b = compiled("      expected-sha256: " + std::string(64, 'b') + "\n");
  ASSERT_TRUE(b);
  fetch::Client client;
  auto r = update_cache(*b, dir_->path() / "cache", client);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, base::ErrorCode::kNotFound);
  EXPECT_THAT(r.error().message, HasSubstr("foo.yaml:6: fetch "));

  // (The fetch pipeline may already refuse such a value when compiling; update_cache checks too.)
  auto bad = compiled("      expected-sha256: " + std::string(64, 'c') + "\n");
  ASSERT_TRUE(bad);
  bad->sources.at(0).sha256 = "XYZ";
  auto e = update_cache(*bad, dir_->path() / "cache", client);
  ASSERT_FALSE(e);
  EXPECT_THAT(e.error().message, HasSubstr("expected-sha256 \"XYZ\" is not 64 lowercase hex digits"));
}

}  // namespace
}  // namespace melange
