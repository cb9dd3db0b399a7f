#include "melange/script_inputs.hpp"

#include <optional>
#include <vector>

#include <spdlog/spdlog.h>

#include "base/shlex.hpp"
#include "base/strings.hpp"
#include "melange/shell_paste.hpp"

namespace melange {

namespace {

enum class Ctx { kWords, kDouble, kSingle };

struct Frame {
  Ctx ctx;
  char closer;  // ')' for $( and (, '`' for backticks, 0 for the script itself and quotes
};

struct HereDoc {
  std::string delimiter;
  bool strip_tabs = false;
  bool quoted = false;
};

bool is_blank(char c) { return c == ' ' || c == '\t'; }

class Renderer {
 public:
  Renderer(std::string_view text, const VarMap& inputs) : t_(text), inputs_(inputs) {}

  base::Result<std::string> run() {
    stack_.push_back({Ctx::kWords, 0});
    while (i_ < t_.size()) {
      if (t_.compare(i_, 3, "${{") == 0) {
        TRY(reference(stack_.back().ctx));
        continue;
      }
      char c = t_[i_];
      Frame& f = stack_.back();
      if (f.ctx == Ctx::kSingle) {
        if (c == '\'') stack_.pop_back();
        put(c);
      } else if (f.ctx == Ctx::kDouble) {
        double_char(c);
      } else {
        TRY(word_char(c));
      }
    }
    return out_;
  }

 private:
  void put(char c) {
    out_ += c;
    ++i_;
  }

  void double_char(char c) {
    if (c == '"') {
      stack_.pop_back();
      put(c);
    } else if (c == '\\' && i_ + 1 < t_.size()) {
      out_.append(t_.substr(i_, 2));
      i_ += 2;
    } else if (c == '$' && i_ + 1 < t_.size() && t_[i_ + 1] == '(') {
      out_ += "$(";
      i_ += 2;
      stack_.push_back({Ctx::kWords, ')'});
    } else if (c == '`') {
      stack_.push_back({Ctx::kWords, '`'});
      put(c);
    } else {
      put(c);
    }
  }

  base::Status word_char(char c) {
    Frame& f = stack_.back();
    bool word_start = out_.empty() || is_blank(out_.back()) || out_.back() == '\n' || out_.back() == ';' ||
                      out_.back() == '(' || out_.back() == '|' || out_.back() == '&';
    if (c == '\'') {
      stack_.push_back({Ctx::kSingle, 0});
      put(c);
    } else if (c == '"') {
      stack_.push_back({Ctx::kDouble, 0});
      put(c);
    } else if (c == '\\' && i_ + 1 < t_.size()) {
      out_.append(t_.substr(i_, 2));
      i_ += 2;
    } else if (c == '#' && word_start) {
      size_t end = t_.find('\n', i_);
      if (end == std::string_view::npos) end = t_.size();
      out_.append(t_.substr(i_, end - i_));
      i_ = end;
    } else if (c == '(') {
      stack_.push_back({Ctx::kWords, ')'});
      put(c);
    } else if (c == ')' && f.closer == ')') {
      stack_.pop_back();
      put(c);
    } else if (c == '`') {
      if (f.closer == '`') stack_.pop_back();
      else stack_.push_back({Ctx::kWords, '`'});
      put(c);
    } else if (c == '<' && t_.compare(i_, 2, "<<") == 0 && t_.compare(i_, 3, "<<<") != 0) {
      here_doc_operator();
    } else if (c == '\n') {
      put(c);
      if (!pending_.empty()) TRY(here_doc_bodies());
    } else {
      put(c);
    }
    return base::ok();
  }

  // `<<`, optional `-`, blanks, then the delimiter word (quoted in any way = no expansion).
  void here_doc_operator() {
    out_ += "<<";
    i_ += 2;
    HereDoc h;
    if (i_ < t_.size() && t_[i_] == '-') {
      h.strip_tabs = true;
      put('-');
    }
    while (i_ < t_.size() && is_blank(t_[i_])) put(t_[i_]);
    while (i_ < t_.size() && !is_blank(t_[i_]) && t_[i_] != '\n' && t_[i_] != ';' && t_[i_] != '|' &&
           t_[i_] != '&' && t_[i_] != '<' && t_[i_] != '>' && t_[i_] != ')') {
      char c = t_[i_];
      if (c == '\'' || c == '"') {
        h.quoted = true;
        size_t end = t_.find(c, i_ + 1);
        if (end == std::string_view::npos) end = t_.size() - 1;
        h.delimiter.append(t_.substr(i_ + 1, end - i_ - 1));
        out_.append(t_.substr(i_, end + 1 - i_));
        i_ = end + 1;
      } else if (c == '\\' && i_ + 1 < t_.size()) {
        h.quoted = true;
        h.delimiter += t_[i_ + 1];
        out_.append(t_.substr(i_, 2));
        i_ += 2;
      } else {
        h.delimiter += c;
        put(c);
      }
    }
    if (!h.delimiter.empty()) pending_.push_back(std::move(h));
  }

  // The bodies of the here-documents opened on the line that just ended, in order.
  base::Status here_doc_bodies() {
    std::vector<HereDoc> docs = std::move(pending_);
    pending_.clear();
    for (const HereDoc& h : docs) {
      while (i_ < t_.size()) {
        size_t end = t_.find('\n', i_);
        size_t stop = end == std::string_view::npos ? t_.size() : end + 1;
        std::string_view line = t_.substr(i_, (end == std::string_view::npos ? t_.size() : end) - i_);
        std::string_view bare = line;
        if (h.strip_tabs) while (!bare.empty() && bare.front() == '\t') bare.remove_prefix(1);
        if (bare == h.delimiter) {
          out_.append(t_.substr(i_, stop - i_));
          i_ = stop;
          break;
        }
        while (i_ < stop) {
          if (t_.compare(i_, 3, "${{") == 0 && i_ + 3 <= stop) {
            TRY(reference(Ctx::kDouble, &h));
          } else {
            put(t_[i_]);
          }
        }
      }
    }
    return base::ok();
  }

  // A "${{ name }}" at i_. Inputs are rendered for `ctx`, or for the body of here-document `doc`;
  // anything else is copied.
  base::Status reference(Ctx ctx, const HereDoc* doc = nullptr) {
    size_t end = t_.find("}}", i_ + 3);
    if (end == std::string_view::npos) {  // malformed: config::substitute reports it
      out_.append(t_.substr(i_, 3));
      i_ += 3;
      return base::ok();
    }
    std::string_view whole = t_.substr(i_, end + 2 - i_);
    std::string name(base::trim(t_.substr(i_ + 3, end - i_ - 3)));
    i_ = end + 2;
    auto it = inputs_.find(name);
    if (!name.starts_with("inputs.") || it == inputs_.end()) {
      out_.append(whole);
      return base::ok();
    }
    const std::string& value = it->second;
    std::string input = name.substr(7);
    if (doc) {
      // Only a line equal to the delimiter could end the document early and run the rest as
      // script (tabs count when the operator was <<-, stripped or not).
      for (std::string_view line : base::split(value, '\n')) {
        while (!line.empty() && line.front() == '\t') line.remove_prefix(1);
        if (line == doc->delimiter)
          return base::fail(base::ErrorCode::kInvalidInput, "input \"" + input + "\" holds the line \"" +
                                                                doc->delimiter + "\" that ends the here-document it is used in");
      }
      if (doc->quoted) {
        out_ += value;  // literal text, as melange pastes it
      } else {
        auto pasted = paste_in_here_document(value);
        if (!pasted) as_data(input, "here-document");
        out_ += pasted ? *pasted : "${" + input_env_name(input) + "}";
      }
    } else if (ctx == Ctx::kDouble) {
      auto pasted = paste_in_double_quotes(value);
      if (!pasted) as_data(input, "double quotes");
      out_ += pasted ? *pasted : "${" + input_env_name(input) + "}";
    } else if (ctx == Ctx::kSingle) {
      for (char c : value) out_ += c == '\'' ? std::string("'\\''") : std::string(1, c);
    } else if (auto pasted = paste_words(value)) {
      out_ += *pasted;
    } else {
      as_data(input, "word list");
      auto words = base::shlex_split(value, "input \"" + input + "\"", true);
      if (!words) return tl::unexpected(std::move(words).error());
      for (size_t w = 0; w < words->size(); ++w) out_ += (w ? " " : "") + shell_quote((*words)[w]);
    }
    return base::ok();
  }

  // melange would have run part of this value as shell code; here it is data.
  static void as_data(const std::string& input, const char* place) {
    spdlog::debug("input \"{}\" would leave its {} if pasted: passed as data", input, place);
  }

  std::string_view t_;
  const VarMap& inputs_;
  size_t i_ = 0;
  std::string out_;
  std::vector<Frame> stack_;
  std::vector<HereDoc> pending_;
};

}  // namespace

base::Result<std::string> render_script_inputs(std::string_view runs, const VarMap& inputs) {
  return Renderer(runs, inputs).run();
}

}  // namespace melange
