#include "apk/package_info.hpp"

namespace apk {

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> out;
  for_each_word(text, [&](std::string_view w) { out.emplace_back(w); });
  return out;
}

void append_words(std::string& out, const std::vector<std::string>& list) {
  for (size_t i = 0; i < list.size(); ++i) {
    if (i) out += ' ';
    out += list[i];
  }
}

}  // namespace apk
