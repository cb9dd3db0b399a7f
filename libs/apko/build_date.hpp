// The build-date epoch ("bde") of an image: the `created` time of its config and SBOMs.
//
// Rule (docs/apko.md): SOURCE_DATE_EPOCH when set (an integer), else --build-date (RFC 3339)
// when given, else the newest builddate of the installed packages (0 without packages).
// The original apko uses max(--build-date, newest builddate); an explicit date wins here so
// that a build can be pinned to a date. File mtimes are never changed: files keep the mtime
// their package gives them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.hpp"

namespace apko {

// "2024-01-02T03:04:05Z", "2024-01-02T03:04:05.123+02:00", "2024-01-02" (midnight UTC).
base::Result<int64_t> parse_rfc3339(std::string_view text);
// UTC, seconds precision: "2024-01-02T03:04:05Z".
std::string format_rfc3339(int64_t epoch);
// SOURCE_DATE_EPOCH's value (nullopt when unset or empty); a non-integer is an error.
base::Result<std::optional<int64_t>> source_date_epoch_from_env();

struct BuildDateInputs {
  std::optional<int64_t> source_date_epoch;
  std::optional<int64_t> build_date;  // parsed --build-date
  int64_t newest_package = 0;
};
int64_t build_epoch(const BuildDateInputs& in);

}  // namespace apko
