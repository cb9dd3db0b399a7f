#include "archive/gzip_parallel.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <zlib.h>

#include "archive/gzip.hpp"

namespace archive {

namespace {

constexpr size_t kWindow = 32 * 1024;

struct Block {
  std::string_view in, dict;
  bool final = false;
  std::string out;
  uint32_t crc = 0;
};

void deflate_block(Block* b, int level, GzipMembers members) {
  if (members == GzipMembers::kPerBlock) {  // a whole member; empty input only for empty streams
    b->out = gzip_compress(b->in, level);
    return;
  }
  z_stream z{};
  deflateInit2(&z, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  if (!b->dict.empty())
    deflateSetDictionary(&z, reinterpret_cast<const Bytef*>(b->dict.data()), uInt(b->dict.size()));
  b->out.resize(deflateBound(&z, b->in.size()) + 64);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(b->in.data()));
  z.avail_in = uInt(b->in.size());
  size_t used = 0;
  int flush = b->final ? Z_FINISH : Z_SYNC_FLUSH;
  while (true) {
    z.next_out = reinterpret_cast<Bytef*>(b->out.data() + used);
    z.avail_out = uInt(b->out.size() - used);
    int rc = deflate(&z, flush);
    used = b->out.size() - z.avail_out;
    bool done = b->final ? rc == Z_STREAM_END : (z.avail_in == 0 && z.avail_out != 0);
    if (done) break;
    b->out.resize(b->out.size() * 2);
  }
  deflateEnd(&z);
  b->out.resize(used);
  b->crc = uint32_t(crc32_z(0, reinterpret_cast<const Bytef*>(b->in.data()), b->in.size()));
}

unsigned resolve_threads(unsigned t) {
  if (t == 0) t = std::thread::hardware_concurrency();
  return std::max(1u, t);
}

// Compresses `data` (preceded by `dict` in the stream) block by block on `threads`.
std::vector<Block> deflate_blocks(std::string_view dict, std::string_view data, size_t block_size, int level,
                                  bool final, unsigned threads, GzipMembers members) {
  std::vector<Block> blocks;
  for (size_t off = 0;; off += block_size) {
    Block b;
    b.in = data.substr(off, std::min(block_size, data.size() - off));
    blocks.push_back(b);
    if (off + block_size >= data.size()) break;
  }
  blocks.back().final = final;
  // Each block's dictionary is the 32 KiB of stream input before it, which may reach
  // back into `dict` (input of earlier calls); only then is a joined copy needed.
  std::vector<std::string> joined(blocks.size());
  for (size_t i = 0; i < blocks.size() && members == GzipMembers::kOne; ++i) {
    size_t off = i * block_size;
    if (off >= kWindow) {
      blocks[i].dict = data.substr(off - kWindow, kWindow);
    } else {
      size_t from_prev = std::min(kWindow - off, dict.size());
      if (off == 0) {
        blocks[i].dict = dict.substr(dict.size() - from_prev);
      } else {
        joined[i] = std::string(dict.substr(dict.size() - from_prev)) + std::string(data.substr(0, off));
        blocks[i].dict = joined[i];
      }
    }
  }
  unsigned n = std::min<size_t>(resolve_threads(threads), blocks.size());
  if (n <= 1) {
    for (auto& b : blocks) deflate_block(&b, level, members);
  } else {
    std::atomic<size_t> next{0};
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < n; ++t)
      pool.emplace_back([&] {
        for (size_t i; (i = next.fetch_add(1)) < blocks.size();) deflate_block(&blocks[i], level, members);
      });
    for (auto& th : pool) th.join();
  }
  return blocks;
}

void append_le32(std::string* s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s->push_back(char((v >> (8 * i)) & 0xff));
}

}  // namespace

std::string gzip_parallel(std::string_view data, int level, size_t block_size, unsigned threads,
                          GzipMembers members) {
  level = std::clamp(level, 1, 9);
  block_size = std::max<size_t>(block_size, 1);
  auto blocks = deflate_blocks({}, data, block_size, level, true, threads, members);
  if (members == GzipMembers::kPerBlock) {
    std::string out;
    for (const auto& b : blocks) out += b.out;
    return out;
  }
  std::string out = gzip_header(level);
  uint32_t crc = 0;
  size_t total = out.size() + 8;
  for (const auto& b : blocks) total += b.out.size();
  out.reserve(total);
  for (const auto& b : blocks) {
    out += b.out;
    crc = uint32_t(crc32_combine(crc, b.crc, z_off_t(b.in.size())));
  }
  append_le32(&out, crc);
  append_le32(&out, uint32_t(data.size()));
  return out;
}

// kPerBlock blocks compressed by long-lived workers, results taken in submission order.
struct GzipSink::Pipeline {
  struct Job {
    std::string in, out;
    bool claimed = false, done = false;
  };
  Pipeline(int level, unsigned threads) : max_inflight(2 * size_t(threads)) {
    for (unsigned t = 0; t < threads; ++t)
      workers.emplace_back([this, level] {
        std::unique_lock<std::mutex> lock(mu);
        while (true) {
          Job* job = nullptr;
          cv.wait(lock, [&] {
            if (stop) return true;
            for (auto& j : jobs)
              if (!j->claimed) {
                job = j.get();
                return true;
              }
            return false;
          });
          if (!job) return;
          job->claimed = true;
          lock.unlock();
          std::string out = gzip_compress(job->in, level);
          lock.lock();
          job->out = std::move(out);
          job->in.clear();
          job->in.shrink_to_fit();
          job->done = true;
          cv.notify_all();
        }
      });
  }
  ~Pipeline() {
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
    }
    cv.notify_all();
    for (auto& w : workers) w.join();
  }
  // Writes finished blocks at the front, in order; waits until at most `keep` are in flight.
  base::Status drain(Sink& out, size_t keep) {
    std::unique_lock<std::mutex> lock(mu);
    while (!jobs.empty()) {
      if (!jobs.front()->done) {
        if (jobs.size() <= keep) break;
        cv.wait(lock, [&] { return jobs.front()->done; });
      }
      std::unique_ptr<Job> j = std::move(jobs.front());
      jobs.pop_front();
      lock.unlock();
      TRY(out.write(j->out));
      lock.lock();
    }
    return base::ok();
  }
  void submit(std::string block) {
    auto j = std::make_unique<Job>();
    j->in = std::move(block);
    {
      std::lock_guard<std::mutex> lock(mu);
      jobs.push_back(std::move(j));
    }
    cv.notify_all();
  }

  size_t max_inflight;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::unique_ptr<Job>> jobs;
  bool stop = false;
  std::vector<std::thread> workers;
};

GzipSink::GzipSink(Sink& out, int level, size_t block_size, unsigned threads, GzipMembers members)
    : out_(out),
      level_(std::clamp(level, 1, 9)),
      block_size_(std::max<size_t>(block_size, 1)),
      threads_(resolve_threads(threads)),
      members_(members) {
  if (members_ == GzipMembers::kPerBlock && threads_ > 1) pipe_ = std::make_unique<Pipeline>(level_, threads_);
}

GzipSink::~GzipSink() = default;

base::Status GzipSink::pipe_block(std::string block) {
  TRY(pipe_->drain(out_, pipe_->max_inflight - 1));
  pipe_->submit(std::move(block));
  return base::ok();
}

base::Status GzipSink::flush_batch(std::string_view batch, bool final) {
  if (members_ == GzipMembers::kPerBlock) {
    // Empty batches happen only for an empty stream's finish(): it still needs one member.
    if (batch.empty() && (!final || header_done_)) return base::ok();
    header_done_ = true;
    std::string joined;
    for (const auto& b : deflate_blocks({}, batch, block_size_, level_, final, threads_, members_)) joined += b.out;
    return out_.write(joined);
  }
  if (!header_done_) {
    TRY(out_.write(gzip_header(level_)));
    header_done_ = true;
  }
  auto blocks = deflate_blocks(dict_, batch, block_size_, level_, final, threads_, members_);
  std::string joined;
  for (const auto& b : blocks) {
    joined += b.out;
    crc_ = uint32_t(crc32_combine(crc_, b.crc, z_off_t(b.in.size())));
  }
  if (batch.size() >= kWindow) {
    dict_.assign(batch.substr(batch.size() - kWindow));
  } else {
    dict_ += batch;
    if (dict_.size() > kWindow) dict_.erase(0, dict_.size() - kWindow);
  }
  return out_.write(joined);
}

base::Status GzipSink::write(std::string_view data) {
  if (finished_) return base::fail(base::ErrorCode::kInternal, "gzip stream: write after finish()");
  total_in_ += data.size();
  if (pipe_) {
    // Blocks at every block_size_ from the start of the stream, as the batched form cuts them;
    // the last one (even when full) waits for finish().
    while (!data.empty()) {
      if (buffer_.size() == block_size_) {
        std::string full;
        full.reserve(block_size_);
        std::swap(full, buffer_);
        TRY(pipe_block(std::move(full)));
      }
      if (buffer_.capacity() < block_size_) buffer_.reserve(block_size_);
      size_t take = std::min(block_size_ - buffer_.size(), data.size());
      buffer_.append(data.substr(0, take));
      data.remove_prefix(take);
    }
    return base::ok();
  }
  size_t batch = block_size_ * threads_;
  // Keep at least one byte buffered so that the final block is always compressed by finish().
  if (buffer_.empty()) {
    size_t full = data.size() > batch ? (data.size() - 1) / batch * batch : 0;
    if (full) {
      TRY(flush_batch(data.substr(0, full), false));
      data.remove_prefix(full);
    }
    buffer_.assign(data);
    return base::ok();
  }
  buffer_.append(data);
  if (buffer_.size() > batch) {
    size_t full = (buffer_.size() - 1) / batch * batch;
    TRY(flush_batch(std::string_view(buffer_).substr(0, full), false));
    buffer_.erase(0, full);
  }
  return base::ok();
}

base::Status GzipSink::finish() {
  if (finished_) return base::fail(base::ErrorCode::kInternal, "gzip stream finished twice");
  finished_ = true;
  if (pipe_) {
    if (!buffer_.empty() || total_in_ == 0) TRY(pipe_block(std::move(buffer_)));
    header_done_ = true;
    buffer_.clear();
    return pipe_->drain(out_, 0);
  }
  TRY(flush_batch(buffer_, true));
  buffer_.clear();
  if (members_ == GzipMembers::kPerBlock) return base::ok();
  std::string trailer;
  append_le32(&trailer, crc_);
  append_le32(&trailer, uint32_t(total_in_));
  return out_.write(trailer);
}

}  // namespace archive
