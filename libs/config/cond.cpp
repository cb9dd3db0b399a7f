#include "config/cond.hpp"

namespace config {

namespace {

class Parser {
 public:
  Parser(std::string_view expr, const VarLookup& lookup) : s_(expr), lookup_(lookup) {}

  base::Result<bool> parse_all() {
    TRY_ASSIGN(bool v, parse_expr());
    skip_space();
    if (pos_ < s_.size()) return error("unexpected \"" + std::string(s_.substr(pos_, 8)) + "\"");
    return v;
  }

 private:
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool eat(std::string_view tok) {
    skip_space();
    if (s_.substr(pos_, tok.size()) != tok) return false;
    pos_ += tok.size();
    return true;
  }
  tl::unexpected<base::Error> error(const std::string& what) const {
    std::string shown(s_);
    for (char& c : shown)
      if (c == '\n') c = ' ';
    return tl::unexpected(base::Error{base::ErrorCode::kInvalidInput,
                                      "invalid condition \"" + shown + "\": " + what + " at offset " + std::to_string(pos_),
                                      {}});
  }

  base::Result<bool> parse_expr() {
    TRY_ASSIGN(bool acc, parse_atom());
    for (;;) {
      bool is_and = false;
      if (eat("&&")) {
        is_and = true;
      } else if (!eat("||")) {
        return acc;
      }
      TRY_ASSIGN(bool rhs, parse_atom());
      acc = is_and ? (acc && rhs) : (acc || rhs);
    }
  }

  base::Result<bool> parse_atom() {
    if (depth_ > 64) return error("too deeply nested");
    if (eat("(")) {
      ++depth_;
      TRY_ASSIGN(bool v, parse_expr());
      --depth_;
      if (!eat(")")) return error("expected \")\"");
      return v;
    }
    TRY_ASSIGN(std::string lhs, parse_value());
    bool equal;
    if (eat("==")) {
      equal = true;
    } else if (eat("!=")) {
      equal = false;
    } else {
      skip_space();
      return error(pos_ >= s_.size() ? "expected \"==\" or \"!=\" but the condition ended" : "expected \"==\" or \"!=\"");
    }
    TRY_ASSIGN(std::string rhs, parse_value());
    return equal ? lhs == rhs : lhs != rhs;
  }

  base::Result<std::string> parse_value() {
    skip_space();
    if (pos_ >= s_.size()) return error("expected a value but the condition ended");
    char q = s_[pos_];
    if (q == '\'' || q == '"') return parse_quoted(q);
    if (s_.substr(pos_, 3) == "${{") {
      size_t close = s_.find("}}", pos_ + 3);
      if (close == std::string_view::npos) return error("unterminated variable reference");
      std::string_view ref = s_.substr(pos_, close + 2 - pos_);
      auto v = substitute(ref, lookup_);
      if (!v) return error(v.error().message);
      pos_ = close + 2;
      return *v;
    }
    return error("expected a quoted string or ${{variable}}");
  }

  base::Result<std::string> parse_quoted(char q) {
    size_t start = pos_++;
    std::string out;
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == q) return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) break;
      char e = s_[pos_++];
      switch (e) {
        case '\\': out += '\\'; break;
        case '\'': out += '\''; break;
        case '"': out += '"'; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        default:
          --pos_;
          return error(std::string("unknown escape \"\\") + e + "\"");
      }
    }
    pos_ = start;
    return error("unterminated string");
  }

  std::string_view s_;
  const VarLookup& lookup_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

base::Result<bool> evaluate_condition(std::string_view expr, const VarLookup& lookup) {
  return Parser(expr, lookup).parse_all();
}

base::Result<bool> evaluate_condition(std::string_view expr, const std::map<std::string, std::string>& vars) {
  VarLookup lookup = [&vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  return evaluate_condition(expr, lookup);
}

}  // namespace config
