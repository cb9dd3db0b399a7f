// The gzip layer: member discovery and decompression (zlib), deterministic compression.
//
// An .apk is 2-3 gzip members back to back (signature, control, data) and its signature
// and checksums cover the compressed bytes of single members, so find_gzip_members()
// reports where each member starts and ends. gunzip() inflates one or several members;
// a single member whose trailer gives its size (every apk data member) is inflated by
// libdeflate in one pass into a buffer of that size, everything else by zlib.
//
// gzip_compress() writes ONE member with a fixed header: MTIME 0, XFL 2 for levels >= 8,
// 4 for levels < 2, else 0, OS 255 (unknown). Same input and level give the same bytes
// (for a given libdeflate build). It uses libdeflate (levels 1-12): in
// bench/gzip_bench.cpp at level 6 it was 2.5x zlib's speed on 200 MB of .so files
// (ratio 0.304 vs 0.307), 2.2x on 64 KiB and 1.3x on 4 KiB streams. The parallel and
// streaming compressors in gzip_parallel.hpp use zlib because they need a preset
// dictionary and sync flushes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"

namespace archive {

struct GzipMember {
  size_t offset;  // first byte of the member (its 1f 8b)
  size_t length;  // compressed bytes including header and trailer
};

// Splits a file of concatenated gzip members. Errors on truncation, corruption or
// trailing bytes that are not a gzip member.
base::Result<std::vector<GzipMember>> find_gzip_members(std::string_view file);
// Only the first `count` members (fewer if the file has fewer); what follows them is not
// read at all (an apk's data member need not be inflated to find its control member).
base::Result<std::vector<GzipMember>> find_gzip_members(std::string_view file, size_t count);

// Inflates one or several members into their concatenated output; errors when the
// output would exceed `max_output` bytes.
base::Result<std::string> gunzip(std::string_view gz, size_t max_output = SIZE_MAX);
// Exactly one member: bytes after it are an error (an apk's data member).
base::Result<std::string> gunzip_member(std::string_view gz, size_t max_output = SIZE_MAX);
// The same into `out`, replacing its content but reusing its memory (a worker inflating
// package after package touches no fresh pages).
base::Status gunzip_member(std::string_view gz, size_t max_output, std::string* out);

// The first member of `file`, inflated (at most max_output bytes), and where it ends: one
// libdeflate pass gives both (an apk's signature and control members are read so, instead of
// inflating each once to find its end and again for its content). Errors as find_gzip_members.
struct InflatedMember {
  size_t length = 0;   // compressed bytes including header and trailer
  std::string output;  // the inflated bytes
};
base::Result<InflatedMember> inflate_first_member(std::string_view file, size_t max_output);

enum class GzipLevel : int { kFast = 1, kDefault = 6, kBest = 9 };

// Deterministic single-member gzip of `data` (level clamped to 1..12).
std::string gzip_compress(std::string_view data, int level = 6);
inline std::string gzip_compress(std::string_view data, GzipLevel level) {
  return gzip_compress(data, static_cast<int>(level));
}

// The same member written into `out` (capacity at least gzip_compress_bound(data.size())),
// for data too big to hold twice in memory (callers map temporary files). Returns its
// length. Bytes identical to gzip_compress().
size_t gzip_compress_bound(size_t size);
base::Result<size_t> gzip_compress_into(std::string_view data, int level, char* out, size_t capacity);

// Same format with zlib's deflate (single thread); kept for comparison and for
// callers that want zlib's exact output.
std::string gzip_compress_zlib(std::string_view data, int level = 6);

// The 10-byte header every compressor here writes.
std::string gzip_header(int level);
// XFL byte for a level (RFC 1952: 2 = best compression, 4 = fastest).
uint8_t gzip_xfl(int level);

}  // namespace archive
