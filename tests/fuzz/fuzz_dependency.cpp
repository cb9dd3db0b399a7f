// Dependency and provides strings ("so:libc.so.6>=1", "!foo", "name=1.2-r0", ...).
#include <cstdint>
#include <string_view>

#include "apk/dependency.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)apk::parse_dependency(in);
  (void)apk::parse_dependencies(in);
  (void)apk::parse_provides(in);
  return 0;
}
