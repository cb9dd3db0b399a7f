#include "rootfs/spill.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "base/fs.hpp"
#include "rootfs/tree.hpp"

namespace rootfs {
namespace {

TEST(SpillFile, AppendsAndReadsBack) {
  auto tmp = base::TempDir::create("spill-test-").value();
  auto f = SpillFile::create(tmp.path()).value();
  EXPECT_EQ(*f->append("hello "), 0u);
  EXPECT_EQ(*f->append("world"), 6u);
  EXPECT_EQ(f->size(), 11u);
  std::string out(5, '\0');
  ASSERT_TRUE(f->read(6, out.data(), 5));
  EXPECT_EQ(out, "world");
  // Reading past the end is an error, not silence.
  EXPECT_FALSE(f->read(8, out.data(), 5));
  // The file has no name: nothing is left in the directory.
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path()));
}

TEST(SpillFile, ConcurrentAppendsDoNotOverlap) {
  auto f = SpillFile::create().value();
  std::vector<std::thread> ts;
  std::vector<uint64_t> at(8);
  for (int t = 0; t < 8; ++t)
    ts.emplace_back([&, t] { at[t] = *f->append(std::string(1000, char('a' + t))); });
  for (auto& t : ts) t.join();
  for (int t = 0; t < 8; ++t) {
    std::string out(1000, '\0');
    ASSERT_TRUE(f->read(at[t], out.data(), out.size()));
    EXPECT_EQ(out, std::string(1000, char('a' + t)));
  }
}

TEST(SpillFile, UnwritableDirectoryIsAnError) {
  auto f = SpillFile::create("/nonexistent-dir-for-spill");
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().message.find("/nonexistent-dir-for-spill"), std::string::npos);
}

TEST(Content, SpilledReadsChunksAndCompares) {
  auto f = SpillFile::create().value();
  std::string big(3000, 'x');
  for (size_t i = 0; i < big.size(); ++i) big[i] = char('a' + i % 26);
  uint64_t at = *f->append("junk" + big);
  Content c = Content::spilled(f, at + 4, big.size());
  EXPECT_FALSE(c.in_memory());
  EXPECT_FALSE(c.memory_view());
  EXPECT_EQ(c.size(), big.size());
  EXPECT_EQ(*c.read(), big);
  std::string joined;
  size_t pieces = 0;
  ASSERT_TRUE(c.for_each_chunk([&](std::string_view p) {
    joined += p;
    ++pieces;
    return base::ok();
  }, 1024));
  EXPECT_EQ(joined, big);
  EXPECT_EQ(pieces, 3u);
  // Same range: same bytes without reading; equal bytes elsewhere (memory or file): compared.
  EXPECT_TRUE(*c.same_bytes(Content::spilled(f, at + 4, big.size())));
  EXPECT_TRUE(*c.same_bytes(Content::own(big)));
  EXPECT_TRUE(*Content::own(big).same_bytes(c));
  std::string other = big;
  other[2000] = '!';
  EXPECT_FALSE(*c.same_bytes(Content::own(other)));
  EXPECT_FALSE(*c.same_bytes(Content::own("short")));
}

TEST(Tree, ReadFileOfSpilledContent) {
  auto f = SpillFile::create().value();
  uint64_t at = *f->append("ID=test\n");
  Tree t;
  ASSERT_TRUE(t.mkdir_p("etc", {}));
  ASSERT_TRUE(t.write_file("etc/os-release", Content::spilled(f, at, 8), {}));
  EXPECT_EQ(*t.read_file("etc/os-release"), "ID=test\n");
}

}  // namespace
}  // namespace rootfs
