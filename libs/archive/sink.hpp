// Byte sinks: where the tar writer and the gzip layer put their output.
//
// A Sink takes bytes in order and reports failure as a base::Status. StringSink keeps
// them in memory, FdSink writes them to a file descriptor, HashSink digests and counts
// them while forwarding to another sink (or dropping them), e.g. to compute an OCI
// diff_id over the uncompressed layer while it is being gzipped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.hpp"
#include "base/hash.hpp"

namespace archive {

class Sink {
 public:
  virtual ~Sink() = default;
  virtual base::Status write(std::string_view data) = 0;
};

class StringSink : public Sink {
 public:
  std::string data;
  base::Status write(std::string_view d) override;
};

enum class FdOwnership { kBorrow, kOwn };

// Writes everything to `fd`, retrying short writes and EINTR. With kOwn the
// descriptor is closed on destruction. `name` appears in error messages.
class FdSink : public Sink {
 public:
  explicit FdSink(int fd, FdOwnership own = FdOwnership::kBorrow, std::string name = {});
  ~FdSink() override;
  FdSink(const FdSink&) = delete;
  FdSink& operator=(const FdSink&) = delete;
  base::Status write(std::string_view data) override;
  int fd() const { return fd_; }

 private:
  int fd_;
  FdOwnership own_;
  std::string name_;
};

// Hashes and counts every byte, then forwards it to `next` when given.
class HashSink : public Sink {
 public:
  explicit HashSink(base::HashAlgo algo, Sink* next = nullptr);
  base::Status write(std::string_view data) override;
  // Raw digest of everything written so far; after the first call no more writes
  // are hashed (they are still forwarded and counted).
  const std::string& digest();
  uint64_t bytes() const { return bytes_; }

 private:
  base::Hasher hasher_;
  Sink* next_;
  uint64_t bytes_ = 0;
  std::optional<std::string> digest_;
};

}  // namespace archive
