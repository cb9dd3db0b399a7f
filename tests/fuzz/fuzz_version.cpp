// apk versions: input "A\nB". compare is antisymmetric and reflexive on anything.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "apk/version.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  std::string_view a = in.substr(0, nl), b = nl == std::string_view::npos ? in : in.substr(nl + 1);
  (void)apk::version_is_valid(a);
  int ab = apk::version_compare(a, b), ba = apk::version_compare(b, a);
  if ((ab < 0) != (ba > 0) || (ab == 0) != (ba == 0)) std::abort();
  if (apk::version_compare(a, a) != 0) std::abort();
  return 0;
}
