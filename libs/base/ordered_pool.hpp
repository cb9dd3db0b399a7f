// Work on items 0..n-1 by a few threads, results taken back strictly in order, with at most
// `window` results computed ahead of the consumer (bounded memory: apko prepares packages -
// fetch, verify, inflate - on workers while its installer places the previous ones in order).
//
// Workers claim the lowest unclaimed index whenever fewer than `window` results wait, run
// fn(i) outside the lock and store the result; next() blocks until result `taken` is there.
// fn must not throw; a failure is part of T (a base::Result). The destructor stops claiming,
// lets running calls finish and joins: leaving early (an error, an interruption) is safe.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace base {

template <class T>
class OrderedPool {
 public:
  OrderedPool(size_t n, unsigned workers, size_t window, std::function<T(size_t)> fn)
      : fn_(std::move(fn)), slots_(n), window_(std::max<size_t>(window, 1)) {
    const size_t count = std::min<size_t>(std::max(workers, 1u), std::max<size_t>(n, 1));
    for (size_t w = 0; w < count; ++w) threads_.emplace_back([this] { work(); });
  }
  OrderedPool(const OrderedPool&) = delete;
  OrderedPool& operator=(const OrderedPool&) = delete;
  ~OrderedPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

  size_t size() const { return slots_.size(); }
  // Result i, for i = 0, 1, ... in turn; call at most size() times.
  T next() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return slots_[taken_].has_value(); });
    T out = std::move(*slots_[taken_]);
    slots_[taken_].reset();
    ++taken_;
    lock.unlock();
    cv_.notify_all();
    return out;
  }

 private:
  void work() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stop_ || claimed_ >= slots_.size() || claimed_ < taken_ + window_; });
      if (stop_ || claimed_ >= slots_.size()) return;
      const size_t i = claimed_++;
      lock.unlock();
      T r = fn_(i);
      lock.lock();
      slots_[i].emplace(std::move(r));
      cv_.notify_all();
    }
  }

  std::function<T(size_t)> fn_;
  std::vector<std::optional<T>> slots_;
  size_t window_;
  size_t claimed_ = 0, taken_ = 0;
  bool stop_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::thread> threads_;
};

}  // namespace base
