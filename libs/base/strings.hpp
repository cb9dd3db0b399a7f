// String helpers over std::string_view (no allocation unless the result needs it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace base {

std::vector<std::string_view> split(std::string_view s, char sep);
std::string_view trim(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
bool parse_int64(std::string_view s, long long* out);
// `s` fit for a one-line message: control bytes (line breaks, NUL, escape sequences) and
// backslashes become C escapes (\n, \x1b, \\); everything else, UTF-8 included, is kept.
std::string printable(std::string_view s);
// "812 B", "4.0 KB", "93.8 MB", "1.20 GB" (decimal units, for progress lines).
std::string human_bytes(uint64_t n);

}  // namespace base
