// Checking a package against its index checksum while it downloads.
//
// An index names each package by `C:Q1<base64 SHA-1>` of its control gzip member (the
// member after the optional signature member). ChecksumStream watches the bytes of an .apk
// as they arrive, finds the gzip member boundaries with a streaming inflate of the first two
// members (a few KB), and decides as soon as the control member is complete: a download that
// is not the package the index names (a wrong or tampered file, an error page served as 200,
// an endless stream) is stopped after its first members instead of after its last byte.
// The full checks (signatures, datahash of the data member) still run on the whole package
// afterwards (Package::parse); this only moves the checksum decision forward.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/error.hpp"

namespace apk {

class ChecksumStream {
 public:
  // `expected`: the index's "Q1..." checksum (other forms are not checked here);
  // `origin` names the package in errors.
  ChecksumStream(std::string expected, std::string origin);
  ~ChecksumStream();
  ChecksumStream(ChecksumStream&&) noexcept;
  ChecksumStream& operator=(ChecksumStream&&) noexcept;

  // Starts over (a retried download sends the body again).
  void restart();
  // The next bytes of the package. Fails, with the same message Package::parse gives, once
  // the bytes cannot be the indexed package; succeeds otherwise (also before it can tell).
  base::Status feed(std::string_view chunk);
  // True once the control member has been seen and matched.
  bool verified() const;

 private:
  struct State;
  std::string expected_;
  std::string origin_;
  std::unique_ptr<State> state_;
};

}  // namespace apk
