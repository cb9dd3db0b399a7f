// A whole .apk: member splitting, control tar, .PKGINFO, datahash, data tar and entry checksums.
#include <cstdint>
#include <string>

#include "apk/package.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  apk::PackageReadOptions ro;
  ro.signature = apk::SignaturePolicy::kIgnore;
  auto pkg = apk::Package::parse(std::string(reinterpret_cast<const char*>(data), size), "fuzz.apk", ro);
  if (!pkg) return 0;
  (void)pkg->for_each_entry([](const archive::TarEntry&, std::string_view) { return base::Status{}; },
                            size_t(64) << 20);
  return 0;
}
