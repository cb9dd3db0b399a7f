#include "base/strings.hpp"

#include <cstdio>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace base {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

std::string_view trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r')) --e;
  return s.substr(b, e - b);
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

bool parse_int64(std::string_view s, long long* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s.find_first_not_of("0123456789") == std::string_view::npos) {  // bare seconds
    long long v = 0;
    if (!parse_int64(s, &v) || v > 9223372036LL) return std::nullopt;
    return std::chrono::seconds(v);
  }
  if (s[0] == '+') s.remove_prefix(1);
  struct Unit { std::string_view name; double ns; };
  static constexpr Unit kUnits[] = {{"ns", 1}, {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"\xce\xbcs", 1e3},
                                    {"ms", 1e6}, {"s", 1e9}, {"m", 6e10}, {"h", 3.6e12}};
  double total = 0;
  while (!s.empty()) {
    size_t n = 0;
    while (n < s.size() && (std::isdigit(static_cast<unsigned char>(s[n])) || s[n] == '.')) ++n;
    if (n == 0 || s.substr(0, n) == "." || std::count(s.begin(), s.begin() + ptrdiff_t(n), '.') > 1) return std::nullopt;
    const double value = std::strtod(std::string(s.substr(0, n)).c_str(), nullptr);
    s.remove_prefix(n);
    size_t u = 0;
    while (u < s.size() && !std::isdigit(static_cast<unsigned char>(s[u])) && s[u] != '.') ++u;
    const std::string_view unit = s.substr(0, u);
    s.remove_prefix(u);
    const Unit* found = nullptr;
    for (const Unit& k : kUnits)
      if (k.name == unit) found = &k;
    if (!found) return unit.empty() && value == 0 && s.empty() && total == 0 ? std::optional(std::chrono::nanoseconds(0))
                                                                            : std::nullopt;
    total += value * found->ns;
  }
  if (total > 9.2e18) return std::nullopt;
  return std::chrono::nanoseconds(static_cast<long long>(total + 0.5));
}

std::string printable(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += char(c);
        }
    }
  }
  return out;
}

std::string human_bytes(uint64_t n) {
  char buf[32];
  if (n < 1000) std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
  else if (n < 1000ull * 1000) std::snprintf(buf, sizeof buf, "%.1f KB", double(n) / 1e3);
  else if (n < 1000ull * 1000 * 1000) std::snprintf(buf, sizeof buf, "%.1f MB", double(n) / 1e6);
  else std::snprintf(buf, sizeof buf, "%.2f GB", double(n) / 1e9);
  return buf;
}

}  // namespace base
