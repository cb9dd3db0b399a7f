// Strict readers over yaml-cpp nodes, in the style of Go's yaml.v3 with KnownFields(true):
// unknown keys, duplicate keys and wrong value types are errors. Every error is one line,
// "<file>:<line>: <problem>", with 1-based line numbers taken from yaml-cpp marks.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "base/error.hpp"

namespace config {

// A YAML mapping of strings to strings that keeps document order (environment, with, vars...).
using OrderedMap = std::vector<std::pair<std::string, std::string>>;

// Value for `key`, or nullptr.
const std::string* map_find(const OrderedMap& map, std::string_view key);
// Replaces the value of `key` or appends the pair.
void map_set(OrderedMap& map, std::string_view key, std::string value);

// 1-based line of a node (0 if yaml-cpp has no mark for it).
int line_of(const YAML::Node& node);
// "<file>:<line>: <message>" as an ErrorCode::kInvalidInput error.
base::Error yaml_error(std::string_view file, int line, std::string_view message);
base::Error yaml_error(std::string_view file, const YAML::Node& node, std::string_view message);

// Parses a whole document. A syntax error becomes "<file>:<line>: <yaml-cpp message>".
// An empty document yields a Null node.
base::Result<YAML::Node> parse_yaml(std::string_view text, std::string_view file);

// Integer text as yaml.v3 resolves it: decimal, 0x hex, 0o or leading-0 octal, 0b binary.
bool parse_yaml_int(std::string_view text, long long* out);

// Scalar conversions. `what` names the value in messages, e.g. "uid" -> `"uid" must be an integer`.
// Strings accept any scalar (numbers and booleans keep their source text); null reads as "".
base::Result<std::string> read_string(const YAML::Node& node, std::string_view file, std::string_view what);
base::Result<long long> read_int(const YAML::Node& node, std::string_view file, std::string_view what);
base::Result<bool> read_bool(const YAML::Node& node, std::string_view file, std::string_view what);
// A sequence of scalars; null reads as an empty list.
base::Result<std::vector<std::string>> read_string_list(const YAML::Node& node, std::string_view file,
                                                       std::string_view what);
// A mapping of scalar keys to scalar values; null reads as empty. Duplicate keys are errors.
base::Result<OrderedMap> read_string_map(const YAML::Node& node, std::string_view file, std::string_view what);
// A sequence of any nodes; null reads as empty. Returns the item nodes in order.
base::Result<std::vector<YAML::Node>> read_list(const YAML::Node& node, std::string_view file, std::string_view what);

// Converts a subtree to JSON: plain scalars that read as integers, floats, booleans or null
// become those types, everything else a string; mappings keep their key order.
nlohmann::ordered_json yaml_to_json(const YAML::Node& node);

// The reverse, block style with 2-space indents and a final newline: multi-line strings as
// literal blocks, strings a YAML reader would take for a number, boolean or null ("4.11",
// "yes", "~", "0x1f") double-quoted so they read back as strings; keys in the JSON's order.
std::string json_to_yaml(const nlohmann::ordered_json& j);

// A mapping read against a fixed key set. open() rejects non-mappings, duplicate keys and
// keys outside `allowed` (`unknown key "<key>" in <context>`). A null node is an empty mapping.
// With `ignored` set, keys outside `allowed` are skipped instead (yaml.v3 without
// KnownFields, as melange decodes pipeline definition files) and each is appended to it as
// `<file>:<line>: "<key>" in <context>`.
class MapReader {
 public:
  static base::Result<MapReader> open(const YAML::Node& node, std::string_view file, std::string context,
                                      std::initializer_list<std::string_view> allowed,
                                      std::vector<std::string>* ignored = nullptr);

  bool has(std::string_view key) const;
  // The value node; an undefined Node when absent.
  YAML::Node get(std::string_view key) const;
  // Line of the mapping itself.
  int line() const { return line_; }
  const std::string& file() const { return file_; }
  const std::string& context() const { return context_; }

  // Typed reads: absent keys leave *out untouched and succeed.
  base::Status read(std::string_view key, std::string* out) const;
  base::Status read(std::string_view key, long long* out) const;
  base::Status read(std::string_view key, std::optional<long long>* out) const;
  base::Status read(std::string_view key, bool* out) const;
  base::Status read(std::string_view key, std::vector<std::string>* out) const;
  base::Status read(std::string_view key, OrderedMap* out) const;
  // Reads an unsigned 32-bit id (uid/gid).
  base::Status read_u32(std::string_view key, std::optional<uint32_t>* out) const;
  // Fails with `missing required key "<key>" in <context>` when absent.
  base::Status require(std::string_view key) const;

 private:
  MapReader() = default;
  std::string file_, context_;
  int line_ = 0;
  struct Entry {
    std::string key;
    int key_line = 0;
    YAML::Node value;
  };
  const Entry* find(std::string_view key) const;
  std::vector<Entry> entries_;
};

}  // namespace config
