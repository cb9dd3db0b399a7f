// Internal: the 512-byte ustar header layout shared by the tar writer and reader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace archive::tarfmt {

inline constexpr size_t kBlock = 512;

struct Field {
  size_t off, len;
};
inline constexpr Field kName{0, 100}, kMode{100, 8}, kUid{108, 8}, kGid{116, 8}, kSize{124, 12},
    kMtime{136, 12}, kChksum{148, 8}, kTypeflag{156, 1}, kLinkname{157, 100}, kMagic{257, 6},
    kVersion{263, 2}, kUname{265, 32}, kGname{297, 32}, kDevmajor{329, 8}, kDevminor{337, 8},
    kPrefix{345, 155};

// Sum of the header bytes with the checksum field counted as spaces.
inline uint32_t header_checksum(const unsigned char* b) {
  uint32_t sum = 0;
  for (size_t i = 0; i < kBlock; ++i)
    sum += (i >= kChksum.off && i < kChksum.off + kChksum.len) ? uint32_t(' ') : b[i];
  return sum;
}

inline size_t padding(uint64_t size) { return size_t((kBlock - size % kBlock) % kBlock); }

}  // namespace archive::tarfmt
