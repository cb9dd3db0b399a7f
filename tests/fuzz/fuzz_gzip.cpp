// gzip member discovery and inflation; what inflates must survive a compress/inflate round trip.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "archive/gzip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view gz(reinterpret_cast<const char*>(data), size);
  (void)archive::find_gzip_members(gz);
  auto out = archive::gunzip(gz, size_t(16) << 20);
  if (out && out->size() < (1u << 20)) {
    auto back = archive::gunzip(archive::gzip_compress(*out, 1));
    if (!back || *back != *out) std::abort();
  }
  return 0;
}
