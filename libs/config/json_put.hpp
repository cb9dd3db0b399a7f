// Internal to libs/config: the "omit when empty" JSON writers shared by the image and build
// config serialisers (apko's and melange's JSON leave empty fields out).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/yaml_util.hpp"

namespace config::json_put {

using ojson = nlohmann::ordered_json;

inline void put(ojson& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}
inline void put(ojson& j, const char* key, const std::vector<std::string>& v) {
  if (!v.empty()) j[key] = v;
}
// Keys in the map's own order.
inline void put(ojson& j, const char* key, const OrderedMap& v) {
  if (v.empty()) return;
  ojson m = ojson::object();
  for (const auto& [k, val] : v) m[k] = val;
  j[key] = std::move(m);
}
inline void put(ojson& j, const char* key, ojson v) {
  if (!v.empty()) j[key] = std::move(v);
}

}  // namespace config::json_put
