// .PKGINFO: whatever parses must write back to text that parses to the same package.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "apk/pkginfo.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto info = apk::parse_pkginfo(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!info) return 0;
  auto again = apk::parse_pkginfo(apk::write_pkginfo(*info));
  if (!again || again->name != info->name || again->version != info->version) std::abort();
  return 0;
}
