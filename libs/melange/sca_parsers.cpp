// Text parsers used by SCA: SONAME versions, shebang lines, pkg-config files.
#include <cctype>
#include <map>
#include <set>

#include "base/strings.hpp"
#include "melange/sca.hpp"

namespace melange {
namespace {

std::vector<std::string_view> fields(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\v' || s[i] == '\f')) ++i;
    size_t j = i;
    while (j < s.size() && !(s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\v' || s[j] == '\f')) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string_view base_name(std::string_view p) {
  auto slash = p.rfind('/');
  return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

// Expands ${name} references from `vars` (unknown names expand to nothing).
std::string expand(std::string_view s, const std::map<std::string, std::string>& vars, int depth = 0) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '$' && i + 1 < s.size() && s[i + 1] == '$') {
      out += '$';
      ++i;
    } else if (s[i] == '$' && i + 1 < s.size() && s[i + 1] == '{') {
      size_t close = s.find('}', i + 2);
      if (close == std::string_view::npos) {
        out += s.substr(i);
        break;
      }
      auto it = vars.find(std::string(s.substr(i + 2, close - i - 2)));
      if (it != vars.end() && depth < 16) out += expand(it->second, vars, depth + 1);
      i = close;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool is_op_char(char c) { return c == '<' || c == '>' || c == '=' || c == '!'; }

// Module names of a Requires value: "glib-2.0 >= 2.50, zlib" -> glib-2.0, zlib.
void parse_requires(std::string_view value, std::vector<std::string>& out) {
  std::string v(value);
  for (char& c : v)
    if (c == ',') c = ' ';
  auto toks = fields(v);
  for (size_t i = 0; i < toks.size(); ++i) {
    std::string_view t = toks[i];
    if (is_op_char(t.front())) {  // " >= 1.0": skip the operator and its version
      if (t.find_first_not_of("<>=!") == std::string_view::npos) ++i;
      continue;
    }
    size_t op = 0;
    while (op < t.size() && !is_op_char(t[op])) ++op;
    out.emplace_back(t.substr(0, op));
    if (op < t.size() && t.find_first_not_of("<>=!", op) == std::string_view::npos) ++i;  // "foo>=" "1.0"
  }
}

}  // namespace

std::string soname_version(std::string_view soname) {
  size_t p = soname.find(".so.");
  if (p == std::string_view::npos) return "0";
  std::string_view ver = soname.substr(p + 4);
  // melange splits on every ".so." and takes the second piece.
  if (size_t q = ver.find(".so."); q != std::string_view::npos) ver = ver.substr(0, q);
  for (char c : ver)
    if (c != '.' && (c < '0' || c > '9')) return "0";
  return std::string(ver);
}

base::Result<std::optional<std::string>> shebang_command(std::string_view head) {
  static const std::set<std::string_view> kIgnored = {"python3", "python", "sh", "awk", "luajit"};
  head = head.substr(0, 80);
  if (head.size() < 2 || head.substr(0, 2) != "#!") return std::optional<std::string>{};
  std::string_view line = head.substr(2);
  if (size_t nl = line.find('\n'); nl != std::string_view::npos) line = line.substr(0, nl);
  auto toks = fields(line);
  if (toks.empty()) return std::optional<std::string>{};
  std::string_view bin = toks[0];
  if (bin == "/usr/bin/env") {
    if (toks.size() == 1) return base::fail(base::ErrorCode::kInvalidInput, "a shebang of only '/usr/bin/env'");
    if (toks.size() == 2) {
      bin = toks[1];
    } else if (toks[1] == "-S" && toks[2].front() != '-') {
      bin = toks[2];
    } else {
      return base::fail(base::ErrorCode::kInvalidInput,
                        "a shebang of '/usr/bin/env' with several arguments: " + std::string(line));
    }
  }
  std::string_view name = base_name(bin);
  if (name.empty() || kIgnored.count(name)) return std::optional<std::string>{};
  return std::optional<std::string>(std::string(name));
}

PkgConfigFile parse_pkgconfig(std::string_view text) {
  PkgConfigFile pc;
  std::map<std::string, std::string> vars;
  for (std::string_view raw : base::split(text, '\n')) {
    if (size_t hash = raw.find('#'); hash != std::string_view::npos) raw = raw.substr(0, hash);
    std::string_view line = base::trim(raw);
    if (line.empty()) continue;
    size_t i = 0;
    while (i < line.size() && (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '_' || line[i] == '.' ||
                               line[i] == '-'))
      ++i;
    if (i == 0 || i == line.size()) continue;
    std::string key(line.substr(0, i));
    std::string_view rest = base::trim(line.substr(i));
    if (rest.empty()) continue;
    if (rest.front() == '=') {
      vars[key] = expand(base::trim(rest.substr(1)), vars);
    } else if (rest.front() == ':') {
      std::string value = expand(base::trim(rest.substr(1)), vars);
      if (key == "Version") pc.version = std::string(base::trim(value));
      else if (key == "Requires" || key == "Requires.private" || key == "Requires.internal")
        parse_requires(value, pc.requires_);
    }
  }
  return pc;
}

}  // namespace melange
