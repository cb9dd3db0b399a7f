#include "base/shlex.hpp"

#include <algorithm>

namespace base {

base::Result<std::vector<std::string>> shlex_split(std::string_view text, std::string_view what, bool comments) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  enum class Quote { kNone, kSingle, kDouble } q = Quote::kNone;
  auto bad = [&](const char* why) {
    std::string shown(text.substr(0, std::min<size_t>(text.find('\n'), 60)));
    if (shown.size() < text.size()) shown += "...";
    return base::fail(base::ErrorCode::kInvalidInput, std::string(what) + " '" + shown + "': " + why);
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (q == Quote::kSingle) {
      if (c == '\'') q = Quote::kNone; else cur += c;
      continue;
    }
    if (q == Quote::kDouble) {
      if (c == '"') {
        q = Quote::kNone;
      } else if (c == '\\' && i + 1 < text.size() &&
                 (text[i + 1] == '\\' || text[i + 1] == '"' || text[i + 1] == '$' || text[i + 1] == '`' ||
                  text[i + 1] == '\n')) {
        if (text[i + 1] != '\n') cur += text[i + 1];
        ++i;
      } else {
        cur += c;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(cur)), cur.clear(), in_word = false;
      continue;
    }
    if (c == '\\' && i + 1 < text.size() && text[i + 1] == '\n') {  // a line continuation
      ++i;
      continue;
    }
    if (comments && !in_word && c == '#') {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
      continue;
    }
    in_word = true;
    if (c == '\'') {
      q = Quote::kSingle;
    } else if (c == '"') {
      q = Quote::kDouble;
    } else if (c == '\\') {
      if (i + 1 >= text.size()) return bad("trailing backslash");
      if (text[i + 1] != '\n') cur += text[i + 1];
      ++i;
    } else {
      cur += c;
    }
  }
  if (q != Quote::kNone) return bad("unterminated quote");
  if (in_word) words.push_back(std::move(cur));
  return words;
}

}  // namespace base
