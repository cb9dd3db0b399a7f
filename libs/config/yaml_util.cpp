#include "config/yaml_util.hpp"

#include <cctype>
#include <cerrno>
#include <cstdlib>

#include "base/strings.hpp"

namespace config {

const std::string* map_find(const OrderedMap& map, std::string_view key) {
  for (const auto& [k, v] : map)
    if (k == key) return &v;
  return nullptr;
}

void map_set(OrderedMap& map, std::string_view key, std::string value) {
  for (auto& [k, v] : map) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  map.emplace_back(std::string(key), std::move(value));
}

int line_of(const YAML::Node& node) {
  if (!node.IsDefined()) return 0;
  YAML::Mark m = node.Mark();
  return m.is_null() ? 0 : m.line + 1;
}

base::Error yaml_error(std::string_view file, int line, std::string_view message) {
  std::string where(file);
  if (line > 0) where += ":" + std::to_string(line);
  return base::Error{base::ErrorCode::kInvalidInput, where + ": " + std::string(message), {}};
}

base::Error yaml_error(std::string_view file, const YAML::Node& node, std::string_view message) {
  return yaml_error(file, line_of(node), message);
}

static std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

base::Result<YAML::Node> parse_yaml(std::string_view text, std::string_view file) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    return tl::unexpected(yaml_error(file, line, "invalid YAML: " + one_line(e.msg)));
  }
}

static std::string quoted(std::string_view what) { return "\"" + std::string(what) + "\""; }

base::Result<std::string> read_string(const YAML::Node& node, std::string_view file, std::string_view what) {
  if (!node.IsDefined() || node.IsNull()) return std::string();
  if (!node.IsScalar()) return tl::unexpected(yaml_error(file, node, quoted(what) + " must be a string"));
  return node.Scalar();
}

// Integer text as yaml.v3 resolves it: decimal, 0x hex, 0o or leading-0 octal, 0b binary.
bool parse_yaml_int(std::string_view s, long long* out) {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
    base = 8;
    s.remove_prefix(2);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
    base = 2;
    s.remove_prefix(2);
  } else if (s.size() > 1 && s[0] == '0') {
    base = 8;
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  for (char c : s) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : 99;
    if (d >= base) return false;
  }
  errno = 0;
  std::string digits(s);
  char* end = nullptr;
  long long v = std::strtoll(digits.c_str(), &end, base);
  if (errno != 0 || *end != '\0') return false;
  *out = neg ? -v : v;
  return true;
}

base::Result<long long> read_int(const YAML::Node& node, std::string_view file, std::string_view what) {
  long long v = 0;
  if (!node.IsDefined() || !node.IsScalar() || !parse_yaml_int(node.Scalar(), &v))
    return tl::unexpected(yaml_error(file, node, quoted(what) + " must be an integer"));
  return v;
}

base::Result<bool> read_bool(const YAML::Node& node, std::string_view file, std::string_view what) {
  if (node.IsDefined() && node.IsScalar()) {
    const std::string& s = node.Scalar();
    for (const char* t : {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"})
      if (s == t) return true;
    for (const char* f : {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"})
      if (s == f) return false;
  }
  return tl::unexpected(yaml_error(file, node, quoted(what) + " must be a boolean"));
}

base::Result<std::vector<YAML::Node>> read_list(const YAML::Node& node, std::string_view file,
                                                std::string_view what) {
  std::vector<YAML::Node> out;
  if (!node.IsDefined() || node.IsNull()) return out;
  if (!node.IsSequence()) return tl::unexpected(yaml_error(file, node, quoted(what) + " must be a list"));
  for (const auto& item : node) out.push_back(item);
  return out;
}

base::Result<std::vector<std::string>> read_string_list(const YAML::Node& node, std::string_view file,
                                                       std::string_view what) {
  std::vector<std::string> out;
  if (!node.IsDefined() || node.IsNull()) return out;
  if (!node.IsSequence())
    return tl::unexpected(yaml_error(file, node, quoted(what) + " must be a list of strings"));
  for (const auto& item : node) {
    if (item.IsNull()) {
      out.emplace_back();
      continue;
    }
    if (!item.IsScalar())
      return tl::unexpected(yaml_error(file, item, "items of " + quoted(what) + " must be strings"));
    out.push_back(item.Scalar());
  }
  return out;
}

base::Result<OrderedMap> read_string_map(const YAML::Node& node, std::string_view file, std::string_view what) {
  OrderedMap out;
  if (!node.IsDefined() || node.IsNull()) return out;
  if (!node.IsMap()) return tl::unexpected(yaml_error(file, node, quoted(what) + " must be a mapping"));
  for (const auto& kv : node) {
    if (!kv.first.IsScalar())
      return tl::unexpected(yaml_error(file, kv.first, "keys of " + quoted(what) + " must be strings"));
    const std::string& key = kv.first.Scalar();
    if (map_find(out, key))
      return tl::unexpected(yaml_error(file, kv.first, "duplicate key \"" + key + "\" in " + std::string(what)));
    if (kv.second.IsNull()) {
      out.emplace_back(key, std::string());
      continue;
    }
    if (!kv.second.IsScalar())
      return tl::unexpected(
          yaml_error(file, kv.second, "value of \"" + key + "\" in " + std::string(what) + " must be a string"));
    out.emplace_back(key, kv.second.Scalar());
  }
  return out;
}

nlohmann::ordered_json yaml_to_json(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return nullptr;
  if (node.IsSequence()) {
    auto arr = nlohmann::ordered_json::array();
    for (const auto& item : node) arr.push_back(yaml_to_json(item));
    return arr;
  }
  if (node.IsMap()) {
    auto obj = nlohmann::ordered_json::object();
    for (const auto& kv : node) obj[kv.first.Scalar()] = yaml_to_json(kv.second);
    return obj;
  }
  const std::string& s = node.Scalar();
  if (node.Tag() == "?") {  // plain scalar: resolve like YAML 1.2 core schema
    long long i = 0;
    if (parse_yaml_int(s, &i)) return i;
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end && *end == '\0' && s.find_first_not_of("0123456789.eE+-") == std::string::npos) return d;
  }
  return s;
}

base::Result<MapReader> MapReader::open(const YAML::Node& node, std::string_view file, std::string context,
                                        std::initializer_list<std::string_view> allowed,
                                        std::vector<std::string>* ignored) {
  MapReader r;
  r.file_ = std::string(file);
  r.context_ = std::move(context);
  r.line_ = line_of(node);
  if (!node.IsDefined() || node.IsNull()) return r;
  if (!node.IsMap()) return tl::unexpected(yaml_error(file, node, r.context_ + " must be a mapping"));
  for (const auto& kv : node) {
    if (!kv.first.IsScalar())
      return tl::unexpected(yaml_error(file, kv.first, "keys of " + r.context_ + " must be strings"));
    std::string key = kv.first.Scalar();
    bool known = false;
    for (auto a : allowed) known = known || a == key;
    if (r.find(key))
      return tl::unexpected(yaml_error(file, kv.first, "duplicate key \"" + key + "\" in " + r.context_));
    if (!known && !ignored)
      return tl::unexpected(yaml_error(file, kv.first, "unknown key \"" + key + "\" in " + r.context_));
    if (!known) {
      ignored->push_back(std::string(file) + ":" + std::to_string(line_of(kv.first)) + ": \"" + key + "\" in " +
                         r.context_);
      continue;
    }
    r.entries_.push_back(Entry{std::move(key), line_of(kv.first), kv.second});
  }
  return r;
}

const MapReader::Entry* MapReader::find(std::string_view key) const {
  for (const auto& e : entries_)
    if (e.key == key) return &e;
  return nullptr;
}

bool MapReader::has(std::string_view key) const { return find(key) != nullptr; }

YAML::Node MapReader::get(std::string_view key) const {
  const Entry* e = find(key);
  return e ? e->value : YAML::Node(YAML::NodeType::Undefined);
}

// Shared body of the typed reads: absent keys succeed and leave *out untouched.
template <class T, class F>
static base::Status read_into(const MapReader& r, std::string_view key, T* out, F reader) {
  if (!r.has(key)) return base::ok();
  auto v = reader(r.get(key), r.file(), key);
  if (!v) return tl::unexpected(v.error());
  *out = std::move(*v);
  return base::ok();
}

base::Status MapReader::read(std::string_view key, std::string* out) const {
  return read_into(*this, key, out, read_string);
}
base::Status MapReader::read(std::string_view key, long long* out) const {
  return read_into(*this, key, out, read_int);
}
base::Status MapReader::read(std::string_view key, std::optional<long long>* out) const {
  if (!has(key) || get(key).IsNull()) return base::ok();
  TRY_ASSIGN(long long v, read_int(get(key), file_, key));
  *out = v;
  return base::ok();
}
base::Status MapReader::read(std::string_view key, bool* out) const {
  if (!has(key) || get(key).IsNull()) return base::ok();
  return read_into(*this, key, out, read_bool);
}
base::Status MapReader::read(std::string_view key, std::vector<std::string>* out) const {
  return read_into(*this, key, out, read_string_list);
}
base::Status MapReader::read(std::string_view key, OrderedMap* out) const {
  return read_into(*this, key, out, read_string_map);
}

base::Status MapReader::read_u32(std::string_view key, std::optional<uint32_t>* out) const {
  if (!has(key) || get(key).IsNull()) return base::ok();
  TRY_ASSIGN(long long v, read_int(get(key), file_, key));
  if (v < 0 || v > 0xffffffffLL)
    return tl::unexpected(yaml_error(file_, get(key), "\"" + std::string(key) + "\" is out of range"));
  *out = static_cast<uint32_t>(v);
  return base::ok();
}

base::Status MapReader::require(std::string_view key) const {
  if (has(key)) return base::ok();
  return tl::unexpected(yaml_error(file_, line_, "missing required key \"" + std::string(key) + "\" in " + context_));
}

namespace {

bool reads_as_non_string(const std::string& s) {
  long long i = 0;
  if (s.empty() || parse_yaml_int(s, &i)) return true;
  static const char* const kWords[] = {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
                                       ".inf", "-.inf", "+.inf", ".nan"};
  std::string lower;
  for (char c : s) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (const char* w : kWords)
    if (lower == w) return true;
  if (s.find_first_not_of("0123456789.eE+-_") != std::string::npos) return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end && *end == '\0';
}

void emit_yaml(YAML::Emitter& out, const nlohmann::ordered_json& j) {
  if (j.is_object()) {
    out << YAML::BeginMap;
    for (auto it = j.begin(); it != j.end(); ++it) {
      out << YAML::Key << it.key() << YAML::Value;
      emit_yaml(out, it.value());
    }
    out << YAML::EndMap;
  } else if (j.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& item : j) emit_yaml(out, item);
    out << YAML::EndSeq;
  } else if (j.is_string()) {
    const auto& text = j.get_ref<const std::string&>();
    if (text.find('\n') != std::string::npos) out << YAML::Literal << text;
    else if (reads_as_non_string(text)) out << YAML::DoubleQuoted << text;
    else out << text;
  } else if (j.is_boolean()) {
    out << j.get<bool>();
  } else if (j.is_number_unsigned()) {
    out << j.get<unsigned long long>();
  } else if (j.is_number_integer()) {
    out << j.get<long long>();
  } else if (j.is_null()) {
    out << YAML::Null;
  } else {
    out << j.dump();
  }
}

}  // namespace

std::string json_to_yaml(const nlohmann::ordered_json& j) {
  if (j.is_object() && j.empty()) return "{}\n";
  YAML::Emitter out;
  out.SetIndent(2);
  emit_yaml(out, j);
  return std::string(out.c_str()) + "\n";
}

}  // namespace config
