#include "archive/gzip_parallel.hpp"

#include <cstdlib>

#include <gtest/gtest.h>

#include "archive/gzip.hpp"
#include "base/fs.hpp"

namespace archive {
namespace {

std::string random_bytes(size_t n, uint32_t seed = 7) {
  std::string s;
  uint32_t x = seed;
  while (s.size() < n) {
    x = x * 1664525u + 1013904223u;
    if ((x >> 29) == 0) s += char(x >> 8);
    else s.append("layer-data-" + std::to_string((x >> 20) & 63) + " ");
  }
  s.resize(n);
  return s;
}

TEST(GzipParallel, SameBytesForAnyThreadCount) {
  std::string data = random_bytes(600000);
  for (size_t block : {size_t(1000), size_t(40000), size_t(1 << 17)}) {
    std::string one = gzip_parallel(data, 6, block, 1);
    EXPECT_EQ(gzip_parallel(data, 6, block, 2), one) << block;
    EXPECT_EQ(gzip_parallel(data, 6, block, 4), one) << block;
    auto back = gunzip(one);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, data);
  }
}

TEST(GzipParallel, HostGzipDecompresses) {
  std::string data = random_bytes(300000);
  std::string gz = gzip_parallel(data, 9, 65536, 2);
  EXPECT_EQ(gz.substr(0, 10), gzip_header(9));
  auto dir = base::TempDir::create("ma-gzp-");
  ASSERT_TRUE(dir);
  auto in = dir->path() / "in.gz", out = dir->path() / "out";
  ASSERT_TRUE(base::write_file_atomic(in, gz));
  ASSERT_EQ(std::system(("gzip -t " + in.string() + " && gzip -dc < " + in.string() + " > " + out.string()).c_str()), 0);
  EXPECT_EQ(*base::read_file(out), data);
  // One member, even though it was made from many blocks.
  auto m = find_gzip_members(gz);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->size(), 1u);
}

TEST(GzipParallel, EmptyAndTinyInputs) {
  for (size_t n : {0, 1, 100}) {
    std::string data = random_bytes(n);
    std::string gz = gzip_parallel(data, 6, 16, 3);
    auto back = gunzip(gz);
    ASSERT_TRUE(back) << n;
    EXPECT_EQ(*back, data);
    StringSink s;
    GzipSink g(s, 6, 16, 3);
    ASSERT_TRUE(g.write(data));
    ASSERT_TRUE(g.finish());
    EXPECT_EQ(s.data, gz) << n;
  }
}

TEST(GzipSink, RandomChunksGiveTheSameBytes) {
  std::string data = random_bytes(1000000);
  for (unsigned threads : {1u, 2u, 4u}) {
    for (size_t block : {size_t(5000), size_t(100000)}) {
      std::string want = gzip_parallel(data, 6, block, 1);
      StringSink s;
      GzipSink g(s, 6, block, threads);
      uint32_t x = threads * 31 + uint32_t(block);
      size_t off = 0;
      while (off < data.size()) {
        x = x * 1103515245u + 12345u;
        size_t n = std::min<size_t>(data.size() - off, (x >> 8) % (3 * block));
        ASSERT_TRUE(g.write(std::string_view(data).substr(off, n)));
        off += n;
      }
      ASSERT_TRUE(g.finish());
      EXPECT_EQ(g.bytes_in(), data.size());
      EXPECT_TRUE(s.data == want) << "threads " << threads << " block " << block;
      EXPECT_FALSE(g.write("more"));
    }
  }
}

TEST(GzipSink, ExactBlockMultipleAndOneBigWrite) {
  std::string data = random_bytes(4 * 8192);
  std::string want = gzip_parallel(data, 6, 8192, 2);
  StringSink a;
  GzipSink ga(a, 6, 8192, 2);
  ASSERT_TRUE(ga.write(data));
  ASSERT_TRUE(ga.finish());
  EXPECT_EQ(a.data, want);
  StringSink b;
  GzipSink gb(b, 6, 8192, 2);
  for (size_t off = 0; off < data.size(); off += 8192) ASSERT_TRUE(gb.write(std::string_view(data).substr(off, 8192)));
  ASSERT_TRUE(gb.finish());
  EXPECT_EQ(b.data, want);
}

// kPerBlock: one member per block, same bytes for any thread count and any write sizes, read
// back by GNU gzip and Python's gzip module (independent readers) as one stream.
TEST(GzipParallel, MemberPerBlock) {
  const std::string data = random_bytes(700000);
  const size_t block = 1 << 17;
  std::string gz = gzip_parallel(data, 6, block, 1, GzipMembers::kPerBlock);
  EXPECT_EQ(gzip_parallel(data, 6, block, 3, GzipMembers::kPerBlock), gz);
  auto m = find_gzip_members(gz);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->size(), (data.size() + block - 1) / block);
  for (unsigned threads : {1u, 2u, 4u}) {
    StringSink s;
    GzipSink g(s, 6, block, threads, GzipMembers::kPerBlock);
    uint32_t x = threads;
    for (size_t off = 0; off < data.size();) {
      x = x * 1103515245u + 12345u;
      size_t n = std::min<size_t>(data.size() - off, (x >> 8) % (3 * block));
      ASSERT_TRUE(g.write(std::string_view(data).substr(off, n)));
      off += n;
    }
    ASSERT_TRUE(g.finish());
    EXPECT_TRUE(s.data == gz) << "threads " << threads;
  }
  auto dir = base::TempDir::create("ma-gzp-");
  ASSERT_TRUE(dir);
  auto in = dir->path() / "in.gz", out = dir->path() / "out", py = dir->path() / "py";
  ASSERT_TRUE(base::write_file_atomic(in, gz));
  ASSERT_EQ(std::system(("gzip -t " + in.string() + " && gzip -dc < " + in.string() + " > " + out.string()).c_str()), 0);
  EXPECT_EQ(*base::read_file(out), data);
  ASSERT_EQ(std::system(("python3 -c 'import gzip,sys; sys.stdout.buffer.write(gzip.open(sys.argv[1]).read())' " +
                         in.string() + " > " + py.string()).c_str()), 0);
  EXPECT_EQ(*base::read_file(py), data);
  for (size_t n : {0, 1}) {  // an empty stream is still one (empty) member
    StringSink s;
    GzipSink g(s, 6, 16, 2, GzipMembers::kPerBlock);
    ASSERT_TRUE(g.write(random_bytes(n)));
    ASSERT_TRUE(g.finish());
    EXPECT_EQ(s.data, gzip_parallel(random_bytes(n), 6, 16, 2, GzipMembers::kPerBlock));
    EXPECT_EQ(find_gzip_members(s.data)->size(), 1u);
    EXPECT_EQ(*gunzip(s.data), random_bytes(n));
  }
}

// The pipelined kPerBlock sink cuts at every block from the stream's start, the last block
// (even when full) compressed by finish(): the batched form's bytes for any write pattern.
TEST(GzipSink, PipelinedBlocksAtExactMultiples) {
  const size_t block = 4096;
  const std::string data = random_bytes(3 * block);
  const std::string want = gzip_parallel(data, 6, block, 1, GzipMembers::kPerBlock);
  for (size_t piece : {size_t(1), block - 1, block, block + 1, 3 * block}) {
    StringSink s;
    GzipSink g(s, 6, block, 2, GzipMembers::kPerBlock);
    for (size_t off = 0; off < data.size(); off += piece) ASSERT_TRUE(g.write(std::string_view(data).substr(off, piece)));
    ASSERT_TRUE(g.finish());
    EXPECT_TRUE(s.data == want) << "writes of " << piece;
    EXPECT_EQ(g.bytes_in(), data.size());
  }
}

}  // namespace
}  // namespace archive
