// Both YAML configs: every input goes through the melange recipe and the apko image config parsers.
#include <cstdint>
#include <string_view>

#include "config/build_config.hpp"
#include "config/image_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view yaml(reinterpret_cast<const char*>(data), size);
  (void)config::parse_build_config(yaml, "fuzz.yaml");
  (void)config::parse_image_config(yaml, "fuzz.yaml");
  return 0;
}
