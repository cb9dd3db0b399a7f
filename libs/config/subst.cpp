#include "config/subst.hpp"

#include <regex>

namespace config {

static bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}
static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

base::Result<VarReference> parse_reference(std::string_view text, size_t start) {
  size_t p = start + 3;
  while (p < text.size() && is_space(text[p])) ++p;
  size_t name_begin = p;
  while (p < text.size() && is_name_char(text[p])) ++p;
  std::string_view name = text.substr(name_begin, p - name_begin);
  while (p < text.size() && is_space(text[p])) ++p;
  if (name.empty() || text.substr(p, 2) != "}}") {
    std::string shown(text.substr(start, std::min<size_t>(p - start + 2, 40)));
    for (char& c : shown)
      if (c == '\n') c = ' ';
    return base::fail(base::ErrorCode::kInvalidInput,
                      "unterminated variable reference \"" + shown + "\"" +
                          (name.empty() ? std::string() : " (variable " + std::string(name) + ")"));
  }
  return VarReference{name, p + 2};
}

enum class Undefined { kError, kKeep };

static base::Result<std::string> run(std::string_view text, const VarLookup& lookup, Undefined undefined) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = text.find("${{", i);
    if (start == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, start - i));
    TRY_ASSIGN(VarReference ref, parse_reference(text, start));
    auto value = lookup(ref.name);
    if (value) {
      out += *value;
    } else if (undefined == Undefined::kKeep) {
      out.append(text.substr(start, ref.end - start));
    } else {
      return base::fail(base::ErrorCode::kInvalidInput, "undefined variable \"" + std::string(ref.name) + "\"",
                        "define it under vars: or check the spelling");
    }
    i = ref.end;
  }
  return out;
}

std::string substitute_lenient(std::string_view text, const VarLookup& lookup) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = text.find("${{", i);
    if (start == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, start - i));
    auto ref = parse_reference(text, start);
    std::optional<std::string> value = ref ? lookup(ref->name) : std::nullopt;
    if (!value) {  // not a reference, or an unknown name: verbatim
      out.append("${{");
      i = start + 3;
      continue;
    }
    out += *value;
    i = ref->end;
  }
  return out;
}

static VarLookup map_lookup(const std::map<std::string, std::string>& vars) {
  return [&vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

base::Result<std::string> substitute(std::string_view text, const std::map<std::string, std::string>& vars) {
  return run(text, map_lookup(vars), Undefined::kError);
}

base::Result<std::string> substitute(std::string_view text, const VarLookup& lookup) {
  return run(text, lookup, Undefined::kError);
}

base::Result<std::string> substitute_known(std::string_view text, const std::map<std::string, std::string>& vars) {
  return run(text, map_lookup(vars), Undefined::kKeep);
}

namespace {

struct ConvertedRegex {
  std::string pattern;
  bool icase = false;
  std::vector<std::string> group_names;  // index i-1 names group i ("" if unnamed)
};

// RE2 -> ECMAScript for the constructs that differ; counts capture groups to map names.
ConvertedRegex convert_re2(std::string_view re) {
  ConvertedRegex out;
  if (re.substr(0, 4) == "(?i)") {
    out.icase = true;
    re.remove_prefix(4);
  }
  bool in_class = false;
  for (size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (c == '\\' && i + 1 < re.size()) {
      char n = re[i + 1];
      if (!in_class && n == 'A') {
        out.pattern += "^";
      } else if (!in_class && n == 'z') {
        out.pattern += "$";
      } else {
        out.pattern += c;
        out.pattern += n;
      }
      ++i;
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out.pattern += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out.pattern += c;
      if (i + 1 < re.size() && re[i + 1] == '^') out.pattern += re[++i];
      if (i + 1 < re.size() && re[i + 1] == ']') out.pattern += re[++i];
      continue;
    }
    if (c == '(') {
      if (re.substr(i, 4) == "(?P<" || (re.substr(i, 3) == "(?<" && re.substr(i, 4) != "(?<=" && re.substr(i, 4) != "(?<!")) {
        size_t name_start = i + (re[i + 2] == 'P' ? 4 : 3);
        size_t close = re.find('>', name_start);
        if (close != std::string_view::npos) {
          out.group_names.emplace_back(re.substr(name_start, close - name_start));
          out.pattern += '(';
          i = close;
          continue;
        }
      }
      if (i + 1 >= re.size() || re[i + 1] != '?') out.group_names.emplace_back();
    }
    out.pattern += c;
  }
  return out;
}

bool is_word(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

// Go's Regexp.Expand template language.
void expand(std::string& dst, std::string_view tmpl, const std::cmatch& m, const ConvertedRegex& re) {
  for (size_t i = 0; i < tmpl.size(); ++i) {
    char c = tmpl[i];
    if (c != '$' || i + 1 >= tmpl.size()) {
      dst += c;
      continue;
    }
    if (tmpl[i + 1] == '$') {
      dst += '$';
      ++i;
      continue;
    }
    std::string_view name;
    size_t next = 0;
    if (tmpl[i + 1] == '{') {
      size_t close = tmpl.find('}', i + 2);
      if (close == std::string_view::npos) {
        dst += c;
        continue;
      }
      name = tmpl.substr(i + 2, close - i - 2);
      next = close;
      bool ok = !name.empty();
      for (char nc : name) ok = ok && is_word(nc);
      if (!ok) {
        dst += c;
        continue;
      }
    } else {
      size_t j = i + 1;
      while (j < tmpl.size() && is_word(tmpl[j])) ++j;
      if (j == i + 1) {
        dst += c;
        continue;
      }
      name = tmpl.substr(i + 1, j - i - 1);
      next = j - 1;
    }
    i = next;
    size_t index = 0;
    bool numeric = name.find_first_not_of("0123456789") == std::string_view::npos;
    if (numeric) {
      index = name.size() > 9 ? m.size() : std::stoul(std::string(name));
    } else {
      index = m.size();
      for (size_t g = 0; g < re.group_names.size(); ++g)
        if (re.group_names[g] == name) {
          index = g + 1;
          break;
        }
    }
    if (index < m.size() && m[index].matched) dst.append(m[index].first, m[index].second);
  }
}

}  // namespace

base::Result<std::string> regex_replace_all(std::string_view input, std::string_view pattern,
                                            std::string_view replacement) {
  ConvertedRegex conv = convert_re2(pattern);
  std::regex re;
  try {
    auto flags = std::regex::ECMAScript;
    if (conv.icase) flags |= std::regex::icase;
    re.assign(conv.pattern, flags);
  } catch (const std::regex_error& e) {
    return base::fail(base::ErrorCode::kInvalidInput, "invalid regular expression \"" + std::string(pattern) + "\": " + e.what());
  }
  std::string out;
  const char* begin = input.data();
  const char* end = begin + input.size();
  const size_t n = input.size();
  size_t pos = 0;
  bool have_last = false;
  size_t last_end = 0;
  std::cmatch m;
  while (pos <= n) {
    auto flags = pos == 0 ? std::regex_constants::match_default : std::regex_constants::match_prev_avail;
    if (!std::regex_search(begin + pos, end, m, re, flags)) break;
    size_t ms = static_cast<size_t>(m[0].first - begin);
    size_t me = static_cast<size_t>(m[0].second - begin);
    if (ms == me && have_last && ms == last_end) {  // Go ignores empty matches abutting the previous one
      if (ms >= n) break;
      out.append(begin + pos, ms + 1 - pos);
      pos = ms + 1;
      continue;
    }
    out.append(begin + pos, ms - pos);
    expand(out, replacement, m, conv);
    have_last = true;
    last_end = me;
    if (me == ms) {
      if (me >= n) {
        pos = n;
        break;
      }
      out += begin[me];
      pos = me + 1;
    } else {
      pos = me;
    }
  }
  if (pos < n) out.append(begin + pos, n - pos);
  return out;
}

base::Status apply_var_transforms(const std::vector<VarTransform>& transforms,
                                  std::map<std::string, std::string>& vars) {
  for (const auto& t : transforms) {
    auto from = substitute(t.from, vars);
    if (!from) return tl::unexpected(from.error().context("var-transforms to \"" + t.to + "\""));
    auto replaced = regex_replace_all(*from, t.match, t.replace);
    if (!replaced) return tl::unexpected(replaced.error().context("var-transforms to \"" + t.to + "\""));
    vars["vars." + t.to] = std::move(*replaced);
  }
  return base::ok();
}

}  // namespace config
