#include "base/ordered_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>

namespace {

TEST(OrderedPool, ResultsComeBackInOrder) {
  base::OrderedPool<std::string> pool(50, 4, 3, [](size_t i) {
    // Later items finish first: order must come from the pool, not from timing.
    std::this_thread::sleep_for(std::chrono::microseconds((50 - i) * 20));
    return std::to_string(i);
  });
  for (size_t i = 0; i < 50; ++i) EXPECT_EQ(pool.next(), std::to_string(i));
}

TEST(OrderedPool, NeverMoreThanWindowAhead) {
  std::atomic<size_t> started{0};
  size_t taken = 0;
  std::atomic<size_t> worst{0};
  std::mutex mu;
  {
    base::OrderedPool<int> pool(40, 3, 2, [&](size_t i) {
      started.fetch_add(1);
      std::lock_guard<std::mutex> lock(mu);
      // item i may only start once items before i - window were taken
      size_t ahead = i + 1 - taken;
      size_t w = worst.load();
      if (ahead > w) worst.store(ahead);
      return int(i);
    });
    for (size_t i = 0; i < 40; ++i) {
      int v = pool.next();
      std::lock_guard<std::mutex> lock(mu);
      EXPECT_EQ(v, int(i));
      ++taken;
    }
  }
  EXPECT_EQ(started.load(), 40u);
  // `taken` here lags the pool's own count by at most the item being handed over.
  EXPECT_LE(worst.load(), 3u);
}

TEST(OrderedPool, LeavingEarlyStopsClaiming) {
  std::atomic<size_t> ran{0};
  {
    base::OrderedPool<int> pool(1000, 2, 4, [&](size_t i) {
      ran.fetch_add(1);
      return int(i);
    });
    EXPECT_EQ(pool.next(), 0);
  }
  // one taken, at most `window` more computed ahead of it
  EXPECT_LE(ran.load(), 5u);
}

TEST(OrderedPool, EmptyAndSingle) {
  { base::OrderedPool<int> pool(0, 2, 2, [](size_t) { return 1; }); }
  base::OrderedPool<int> pool(1, 8, 2, [](size_t i) { return int(i) + 7; });
  EXPECT_EQ(pool.next(), 7);
}

}  // namespace
