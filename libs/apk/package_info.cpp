#include "apk/package_info.hpp"

namespace apk {

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i > start) out.emplace_back(text.substr(start, i - start));
  }
  return out;
}

void append_words(std::string& out, const std::vector<std::string>& list) {
  for (size_t i = 0; i < list.size(); ++i) {
    if (i) out += ' ';
    out += list[i];
  }
}

}  // namespace apk
