#include "melange/text_diff.hpp"

#include <algorithm>

namespace melange {

std::vector<std::string> split_lines_keep(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    out.emplace_back(text.substr(start, end - start));
    start = end;
  }
  return out;
}

namespace {

enum class DiffOp : char { kSame = ' ', kDel = '-', kAdd = '+' };
struct DiffEdit {
  DiffOp op;
  size_t x, y;  // line index in old (kSame, kDel) / new (kSame, kAdd)
};

// The edit script of a longest common subsequence of lines, deletions before additions.
std::vector<DiffEdit> edit_script(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const size_t n = a.size(), m = b.size();
  // lcs[i][j]: LCS length of a[i:] and b[j:]
  std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  std::vector<DiffEdit> out;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      out.push_back({DiffOp::kSame, i++, j++});
    } else if (j == m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.push_back({DiffOp::kDel, i++, j});
    } else {
      out.push_back({DiffOp::kAdd, i, j++});
    }
  }
  return out;
}

std::string line_text(const std::string& l) {
  if (!l.empty() && l.back() == '\n') return l;
  return l + "\n\\ No newline at end of file\n";
}

std::string hunk_range(size_t start, size_t count) {
  // diff -u: 1-based start; an empty range names the line before it.
  size_t s = count == 0 ? start : start + 1;
  return std::to_string(s) + "," + std::to_string(count);
}

}  // namespace

std::string unified_diff(std::string_view old_name, std::string_view old_text, std::string_view new_name,
                         std::string_view new_text, int context) {
  if (old_text == new_text) return {};
  auto a = split_lines_keep(old_text);
  auto b = split_lines_keep(new_text);
  auto edits = edit_script(a, b);
  std::string out = "diff " + std::string(old_name) + " " + std::string(new_name) + "\n";
  out += "--- " + std::string(old_name) + "\n+++ " + std::string(new_name) + "\n";
  const size_t c = context < 0 ? 0 : static_cast<size_t>(context);
  size_t k = 0;
  while (k < edits.size()) {
    // Next change.
    size_t first = k;
    while (first < edits.size() && edits[first].op == DiffOp::kSame) ++first;
    if (first == edits.size()) break;
    size_t begin = first >= c ? first - c : 0;
    if (begin < k) begin = k;
    // Extend the hunk while the gap of unchanged lines to the next change is <= 2*context.
    size_t end = first;
    while (true) {
      while (end < edits.size() && edits[end].op != DiffOp::kSame) ++end;
      size_t same = end;
      while (same < edits.size() && edits[same].op == DiffOp::kSame) ++same;
      if (same < edits.size() && same - end <= 2 * c) {
        end = same;
        continue;
      }
      end = std::min(end + c, same);
      break;
    }
    size_t old_start = edits[begin].x, new_start = edits[begin].y, old_count = 0, new_count = 0;
    std::string body;
    for (size_t e = begin; e < end; ++e) {
      const DiffEdit& ed = edits[e];
      const std::string& text = ed.op == DiffOp::kAdd ? b[ed.y] : a[ed.x];
      body += static_cast<char>(ed.op) + line_text(text);
      if (ed.op != DiffOp::kAdd) ++old_count;
      if (ed.op != DiffOp::kDel) ++new_count;
    }
    out += "@@ -" + hunk_range(old_start, old_count) + " +" + hunk_range(new_start, new_count) + " @@\n" + body;
    k = end;
  }
  return out;
}

}  // namespace melange
