// The tar reader (ustar, GNU long names, PAX records) on raw bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "archive/tar_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view tar(reinterpret_cast<const char*>(data), size);
  archive::TarReader reader(tar);
  archive::TarEntry e;
  std::string_view body;
  while (reader.next(&e, &body)) {
    // Views must stay inside the input.
    if (!body.empty() && (body.data() < tar.data() || body.data() + body.size() > tar.data() + tar.size()))
      std::abort();
  }
  return 0;
}
