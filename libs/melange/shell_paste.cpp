#include "melange/shell_paste.hpp"

namespace melange {

namespace {

// Each skip_* starts at the opening character(s) of a construct, moves `i` just past its end and
// returns false when the value ends first.
class Lexer {
 public:
  explicit Lexer(std::string_view v) : v_(v) {}

  bool at(size_t i, std::string_view s) const { return v_.compare(i, s.size(), s) == 0; }

  bool skip_single(size_t& i) const {
    size_t end = v_.find('\'', i + 1);
    if (end == std::string_view::npos) return false;
    i = end + 1;
    return true;
  }

  bool skip_backtick(size_t& i) const {
    for (++i; i < v_.size(); ++i) {
      if (v_[i] == '\\') {
        ++i;
      } else if (v_[i] == '`') {
        ++i;
        return true;
      }
    }
    return false;
  }

  // Inside "..." (or a here-document body when `dquote_ends` is false) from `i` to the closing
  // quote, which is consumed.
  bool skip_double_body(size_t& i, bool dquote_ends) const {
    while (i < v_.size()) {
      char c = v_[i];
      if (c == '\\') {
        if (i + 1 >= v_.size()) return false;
        i += 2;
      } else if (c == '"' && dquote_ends) {
        ++i;
        return true;
      } else if (!skip_expansion(i)) {
        return false;
      }
    }
    return !dquote_ends;
  }

  // A $(...), ${...} or `...` at `i`, or one plain character.
  bool skip_expansion(size_t& i) const {
    if (at(i, "$(")) return skip_command(i);
    if (at(i, "${")) return skip_brace(i);
    if (v_[i] == '`') return skip_backtick(i);
    ++i;
    return true;
  }

  bool skip_brace(size_t& i) const {
    int depth = 1;
    for (i += 2; i < v_.size();) {
      char c = v_[i];
      if (c == '\\') {
        i += 2;
      } else if (c == '\'') {
        if (!skip_single(i)) return false;
      } else if (c == '"') {
        ++i;
        if (!skip_double_body(i, true)) return false;
      } else if (c == '{') {
        ++depth, ++i;
      } else if (c == '}') {
        ++i;
        if (--depth == 0) return true;
      } else if (!skip_expansion(i)) {
        return false;
      }
    }
    return false;
  }

  bool skip_command(size_t& i) const {
    int depth = 1;
    for (i += 2; i < v_.size();) {
      char c = v_[i];
      if (c == '\\') {
        i += 2;
      } else if (c == '\'') {
        if (!skip_single(i)) return false;
      } else if (c == '"') {
        ++i;
        if (!skip_double_body(i, true)) return false;
      } else if (c == '(') {
        ++depth, ++i;
      } else if (c == ')') {
        ++i;
        if (--depth == 0) return true;
      } else if (!skip_expansion(i)) {
        return false;
      }
    }
    return false;
  }

 private:
  std::string_view v_;
};

std::optional<std::string> paste_quoted_body(std::string_view value, bool dquote_ends) {
  Lexer lx(value);
  size_t i = 0;
  while (i < value.size()) {
    if (value[i] == '"' && dquote_ends) return std::nullopt;
    if (value[i] == '\\') {
      if (i + 1 >= value.size()) return std::nullopt;
      i += 2;
    } else if (!lx.skip_expansion(i)) {
      return std::nullopt;
    }
  }
  return std::string(value);
}

}  // namespace

std::optional<std::string> paste_words(std::string_view v) {
  Lexer lx(v);
  std::string out;
  bool word_start = true;
  size_t i = 0;
  while (i < v.size()) {
    char c = v[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      out += c == '\n' ? ' ' : c;
      ++i;
      word_start = true;
      continue;
    }
    if (c == '\\') {
      if (i + 1 >= v.size()) return std::nullopt;
      if (v[i + 1] != '\n') out.append(v.substr(i, 2));
      i += 2;
      word_start = word_start && v[i - 1] == '\n';
      continue;
    }
    if (c == '#' && word_start) {
      while (i < v.size() && v[i] != '\n') ++i;
      continue;
    }
    if (c == '<' || c == '>') {  // a redirection (also >>, >&, <&, <>, >|): it applies to the command
      out += c;
      ++i;
      if (i < v.size() && (v[i] == '>' || v[i] == '&' || v[i] == '<' || v[i] == '|')) out += v[i++];
      word_start = false;
      continue;
    }
    if (c == ';' || c == '&' || c == '|' || c == '(' || c == ')') return std::nullopt;
    size_t start = i;
    bool ok = true;
    if (c == '\'') {
      ok = lx.skip_single(i);
    } else if (c == '"') {
      ++i;
      ok = lx.skip_double_body(i, true);
    } else {
      ok = lx.skip_expansion(i);
    }
    if (!ok) return std::nullopt;
    out.append(v.substr(start, i - start));
    word_start = false;
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
  return out;
}

std::optional<std::string> paste_in_double_quotes(std::string_view value) {
  if (auto body = paste_quoted_body(value, true)) return body;
  // Quotes of its own that close and reopen the surrounding ones (-X "a=$(cmd)"): pasted when the
  // whole, with the surrounding quotes, is still a word list.
  auto words = paste_words("\"" + std::string(value) + "\"");
  if (!words || words->size() < 2 || words->front() != '"' || words->back() != '"') return std::nullopt;
  return words->substr(1, words->size() - 2);
}

std::optional<std::string> paste_in_here_document(std::string_view value) { return paste_quoted_body(value, false); }

}  // namespace melange
