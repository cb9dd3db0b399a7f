// Parsing of --build-date.
#include <time.h>

#include "base/strings.hpp"
#include "melange/build.hpp"

namespace melange {

base::Result<long long> parse_rfc3339(std::string_view text) {
  std::string t(base::trim(text));
  if (t.empty()) return 0LL;
  auto bad = [&] {
    return base::fail(base::ErrorCode::kUsage, "--build-date \"" + t + "\" is not an RFC 3339 time",
                      "write it like 2024-01-02T03:04:05Z");
  };
  struct tm tm {};
  const char* end = ::strptime(t.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end) return bad();
  long long secs = static_cast<long long>(::timegm(&tm));
  std::string_view rest(end);
  if (!rest.empty() && rest.front() == '.') {  // fractional seconds are ignored
    rest.remove_prefix(1);
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') rest.remove_prefix(1);
  }
  if (rest == "Z" || rest == "z") return secs;
  if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    long long h = 0, m = 0;
    if (!base::parse_int64(rest.substr(1, 2), &h) || !base::parse_int64(rest.substr(4, 2), &m)) return bad();
    long long off = h * 3600 + m * 60;
    return rest[0] == '+' ? secs - off : secs + off;
  }
  return bad();
}

}  // namespace melange
