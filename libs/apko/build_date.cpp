#include "apko/build_date.hpp"

#include <cstdio>
#include <cstdlib>

#include "base/strings.hpp"

namespace apko {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

base::Result<int64_t> parse_rfc3339(std::string_view t) {
  auto bad = [&] {
    return base::fail(base::ErrorCode::kInvalidInput,
                      "build date '" + std::string(t) + "': not an RFC 3339 time such as 2024-01-02T03:04:05Z");
  };
  int y, mo, d, h = 0, mi = 0, s = 0;
  if (!digits(t, 0, 4, &y) || t.size() < 10 || t[4] != '-' || !digits(t, 5, 2, &mo) || t[7] != '-' ||
      !digits(t, 8, 2, &d))
    return bad();
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return bad();
  int64_t offset = 0;
  if (t.size() > 10) {
    if ((t[10] != 'T' && t[10] != 't' && t[10] != ' ') || !digits(t, 11, 2, &h) || t.size() < 19 || t[13] != ':' ||
        !digits(t, 14, 2, &mi) || t[16] != ':' || !digits(t, 17, 2, &s))
      return bad();
    if (h > 23 || mi > 59 || s > 60) return bad();
    size_t p = 19;
    if (p < t.size() && t[p] == '.') {
      ++p;
      size_t start = p;
      while (p < t.size() && t[p] >= '0' && t[p] <= '9') ++p;
      if (p == start) return bad();
    }
    if (p >= t.size()) return bad();
    if (t[p] == 'Z' || t[p] == 'z') {
      if (p + 1 != t.size()) return bad();
    } else if (t[p] == '+' || t[p] == '-') {
      int oh, om;
      if (p + 6 != t.size() || !digits(t, p + 1, 2, &oh) || t[p + 3] != ':' || !digits(t, p + 4, 2, &om)) return bad();
      offset = (oh * 3600 + om * 60) * (t[p] == '+' ? 1 : -1);
    } else {
      return bad();
    }
  }
  return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset;
}

std::string format_rfc3339(int64_t epoch) {
  int64_t days = epoch >= 0 ? epoch / 86400 : (epoch - 86399) / 86400;
  int64_t secs = epoch - days * 86400;
  // civil_from_days
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ", static_cast<long long>(y), m, d,
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  return buf;
}

base::Result<std::optional<int64_t>> source_date_epoch_from_env() {
  const char* v = std::getenv("SOURCE_DATE_EPOCH");
  if (v == nullptr || *v == '\0') return std::optional<int64_t>{};
  long long n = 0;
  if (!base::parse_int64(base::trim(v), &n) || n < 0)
    return base::fail(base::ErrorCode::kInvalidInput,
                      std::string("SOURCE_DATE_EPOCH '") + v + "': not a non-negative integer number of seconds");
  return std::optional<int64_t>{n};
}

int64_t build_epoch(const BuildDateInputs& in) {
  if (in.source_date_epoch) return *in.source_date_epoch;
  if (in.build_date) return *in.build_date;
  return in.newest_package;
}

}  // namespace apko
