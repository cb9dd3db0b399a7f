// String helpers over std::string_view (no allocation unless the result needs it).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
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
// A duration as Go's time.ParseDuration writes it (melange's --timeout): decimal numbers
// with units ns, us (or µs), ms, s, m, h, in sequence ("1h30m", "1.5h", "90s", "0"); and, as
// this project's earlier flags took, a bare whole number of seconds ("600"). Negative
// durations and anything else: nullopt.
std::optional<std::chrono::nanoseconds> parse_duration(std::string_view s);
// "812 B", "4.0 KB", "93.8 MB", "1.20 GB" (decimal units, for progress lines).
std::string human_bytes(uint64_t n);

}  // namespace base
