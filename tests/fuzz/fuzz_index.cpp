// APKINDEX: the text parser and the whole archive (gzip members, tar, signature member).
#include <cstdint>
#include <string>

#include "apk/index_archive.hpp"
#include "apk/index_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (auto text = apk::IndexText::parse(bytes)) {
    for (const auto& e : text->entries()) (void)e.to_info();
  }
  apk::IndexReadOptions ro;
  ro.signature = apk::SignaturePolicy::kIgnore;
  ro.max_decompressed = size_t(64) << 20;
  (void)apk::read_index_archive(bytes, "fuzz", ro);
  return 0;
}
