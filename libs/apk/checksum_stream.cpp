#include "apk/checksum_stream.hpp"

#include <zlib.h>

#include "apk/package.hpp"
#include "base/hash.hpp"

namespace apk {

using base::ErrorCode;
using base::fail;

namespace {
// A signature or control member larger than this is not a package the index could name.
constexpr uint64_t kMaxHeadMembers = 64u << 20;
constexpr std::string_view kSignPrefix = ".SIGN.";
}  // namespace

struct ChecksumStream::State {
  z_stream z{};
  bool z_ready = false;
  base::Hasher member{base::HashAlgo::kSha1};
  int members_done = 0;  // completed gzip members
  uint64_t seen = 0;     // compressed bytes of the first members seen so far
  bool verified = false;
  bool failed = false;
  std::string head;           // first bytes of the current member's tar stream

  State() { z_ready = inflateInit2(&z, 16 + MAX_WBITS) == Z_OK; }
  ~State() {
    if (z_ready) inflateEnd(&z);
  }
};

ChecksumStream::ChecksumStream(std::string expected, std::string origin)
    : expected_(std::move(expected)), origin_(std::move(origin)), state_(std::make_unique<State>()) {}
ChecksumStream::~ChecksumStream() = default;
ChecksumStream::ChecksumStream(ChecksumStream&&) noexcept = default;
ChecksumStream& ChecksumStream::operator=(ChecksumStream&&) noexcept = default;

void ChecksumStream::restart() { state_ = std::make_unique<State>(); }

bool ChecksumStream::verified() const { return state_->verified; }

base::Status ChecksumStream::feed(std::string_view chunk) {
  State& s = *state_;
  // Only "Q1" (SHA-1) checksums are decided here; a finished decision needs no more bytes.
  if (s.verified || s.failed || expected_.rfind("Q1", 0) != 0) return {};
  if (!s.z_ready) return {};  // out of memory for zlib: leave the decision to Package::parse
  unsigned char sink[16384];
  while (!chunk.empty()) {
    s.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(chunk.data()));
    s.z.avail_in = uInt(std::min<size_t>(chunk.size(), 1u << 30));
    s.z.next_out = sink;
    s.z.avail_out = sizeof sink;
    int rc = inflate(&s.z, Z_NO_FLUSH);
    size_t used = size_t(s.z.next_in - reinterpret_cast<const Bytef*>(chunk.data()));
    s.member.update(chunk.substr(0, used));
    s.seen += used;
    chunk.remove_prefix(used);
    if (size_t made = sizeof sink - s.z.avail_out; s.head.size() < kSignPrefix.size() && made > 0)
      s.head.append(reinterpret_cast<const char*>(sink), std::min(made, kSignPrefix.size() - s.head.size()));
    if (rc == Z_STREAM_END) {
      ++s.members_done;
      std::string checksum = "Q1" + base::base64_encode(s.member.finish());
      if (checksum == expected_) {
        s.verified = true;
        return {};
      }
      // The first member may be the signature (its tar entry is named .SIGN.*); otherwise
      // it was the control member.
      if (s.members_done >= 2 || s.head.rfind(kSignPrefix, 0) != 0) {
        s.failed = true;
        return fail(ErrorCode::kSignature,
                    origin_ + ": checksum " + checksum + " does not match the index (" + expected_ + ")",
                    "the package changed after the index was made; re-index or re-download it");
      }
      s.member = base::Hasher(base::HashAlgo::kSha1);
      s.head.clear();
      inflateReset(&s.z);
      continue;
    }
    if (rc == Z_BUF_ERROR && used == 0 && s.z.avail_out == sizeof sink) break;  // needs more input
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      s.failed = true;
      return fail(ErrorCode::kFormat,
                  origin_ + ": not an apk: gzip: " + std::string(s.z.msg ? s.z.msg : "invalid data"));
    }
    if (s.seen > kMaxHeadMembers) {
      s.failed = true;
      return fail(ErrorCode::kFormat, origin_ + ": no control member in the first " +
                                          std::to_string(kMaxHeadMembers >> 20) + " MiB: not the package the index names");
    }
  }
  return {};
}

}  // namespace apk
