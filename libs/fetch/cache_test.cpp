#include "fetch/cache.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "base/fs.hpp"

namespace fetch {
namespace {

namespace fs = std::filesystem;

TEST(Cache, PutFindRoundTrip) {
  auto dir = base::TempDir::create();
  ASSERT_TRUE(dir);
  Cache cache(dir->path() / "cache");
  EXPECT_FALSE(cache.find("sha256/abc"));
  auto p = cache.put("sha256/abc", "payload");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(*p, dir->path() / "cache/sha256/abc");
  auto found = cache.find("sha256/abc");
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, *p);
  EXPECT_EQ(*base::read_file(*found), "payload");
  ASSERT_TRUE(cache.put("sha256/abc", "replaced"));
  EXPECT_EQ(*base::read_file(*found), "replaced");
  // Nothing but the entries is left behind (no temp files).
  size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(cache.dir())) n += e.is_regular_file();
  EXPECT_EQ(n, 1u);
}

TEST(Cache, RejectsEscapingKeys) {
  auto dir = base::TempDir::create();
  ASSERT_TRUE(dir);
  Cache cache(dir->path() / "c");
  for (const char* bad : {"", "/etc/passwd", "../x", "a/../../x", "a//b", "a/./b", "a/"}) {
    auto r = cache.put(bad, "x");
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, base::ErrorCode::kInvalidInput);
    }
    EXPECT_FALSE(cache.find(bad)) << bad;
  }
  EXPECT_FALSE(fs::exists(dir->path() / "x"));
}

TEST(Cache, FailedPutLeavesNothing) {
  auto dir = base::TempDir::create();
  ASSERT_TRUE(dir);
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "blocker", "i am a file"));
  Cache cache(dir->path() / "blocker");  // the cache dir is a regular file
  auto r = cache.put("k", "data");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
  EXPECT_EQ(*base::read_file(dir->path() / "blocker"), "i am a file");
}

// Readers running alongside writers see either no entry or one complete value.
TEST(Cache, ConcurrentWritersNeverExposePartialEntries) {
  auto dir = base::TempDir::create();
  ASSERT_TRUE(dir);
  Cache cache(dir->path());
  const std::string a(1 << 20, 'a'), b(1 << 20, 'b');
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0}, seen{0};
  std::thread reader([&] {
    while (!stop) {
      if (auto p = cache.find("blob")) {
        auto data = base::read_file(*p);
        if (data && *data != a && *data != b) ++bad;
        ++seen;
      }
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w)
    writers.emplace_back([&, w] {
      for (int i = 0; i < 20; ++i) EXPECT_TRUE(cache.put("blob", w ? b : a));
    });
  for (auto& t : writers) t.join();
  stop = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(seen.load(), 0);
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir->path())) n += e.is_regular_file();
  EXPECT_EQ(n, 1u);
}

TEST(Cache, UsageAndRemove) {
  auto dir = base::TempDir::create("ma-cache-clean-");
  ASSERT_TRUE(dir);
  const fs::path c = dir->path() / "cache";
  auto none = Cache::usage(c);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->files, 0u);
  Cache cache(c);
  ASSERT_TRUE(cache.put("sha256/aa", "12345"));
  ASSERT_TRUE(cache.put("repo/x86_64/APKINDEX.tar.gz", "abc"));
  fs::create_symlink("/etc/passwd", c / "link");  // not followed, not counted
  auto u = Cache::usage(c);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->files, 2u);
  EXPECT_EQ(u->bytes, 8u);
  auto removed = Cache::remove(c);
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(removed->bytes, 8u);
  EXPECT_FALSE(fs::exists(c));
  EXPECT_TRUE(fs::exists("/etc/passwd"));
  ASSERT_TRUE(base::write_file_atomic(dir->path() / "file", "x"));
  EXPECT_FALSE(Cache::usage(dir->path() / "file"));  // not a directory
  EXPECT_FALSE(Cache::remove("/"));
  EXPECT_FALSE(Cache::remove("/tmp/.."));
}

}  // namespace
}  // namespace fetch
