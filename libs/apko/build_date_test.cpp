#include "apko/build_date.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace apko {
namespace {

// Independent oracle: GNU date.
int64_t date_epoch(const std::string& text) {
  std::string cmd = "date -u -d '" + text + "' +%s";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  long long v = -1;
  if (!p || std::fscanf(p.get(), "%lld", &v) != 1) return -1;
  return v;
}

TEST(BuildDate, ParseMatchesGnuDate) {
  for (const char* t : {"1970-01-01T00:00:00Z", "2024-02-29T23:59:59Z", "2000-03-01T12:00:00+02:00",
                        "1999-12-31T23:00:00-05:30", "2038-01-19T03:14:08Z", "2106-02-07T06:28:16Z"}) {
    auto r = parse_rfc3339(t);
    ASSERT_TRUE(r) << t << ": " << r.error().message;
    int64_t want = date_epoch(t);
    if (want < 0) GTEST_SKIP() << "GNU date not available";
    EXPECT_EQ(*r, want) << t;
  }
  EXPECT_EQ(*parse_rfc3339("2023-05-06"), date_epoch("2023-05-06T00:00:00Z"));
  EXPECT_EQ(*parse_rfc3339("2023-05-06T01:02:03.999Z"), date_epoch("2023-05-06T01:02:03Z"));
}

TEST(BuildDate, FormatRoundTrips) {
  for (int64_t e : {int64_t(0), int64_t(951782400), int64_t(1709251199), int64_t(4102444800), int64_t(12345678)}) {
    std::string s = format_rfc3339(e);
    EXPECT_EQ(*parse_rfc3339(s), e) << s;
    if (int64_t want = date_epoch(s); want >= 0) {
      EXPECT_EQ(want, e) << s;
    }
  }
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(1709251199), "2024-02-29T23:59:59Z");
}

TEST(BuildDate, RejectsGarbage) {
  for (const char* t : {"", "yesterday", "2024-13-01T00:00:00Z", "2024-01-01T00:00:00", "2024-01-01T00:00Z",
                        "2024-01-01T00:00:00+0200", "2024-01-01T00:00:00Zjunk"}) {
    auto r = parse_rfc3339(t);
    EXPECT_FALSE(r) << t;
    if (!r) {
      EXPECT_NE(r.error().message.find("RFC 3339"), std::string::npos);
    }
  }
}

TEST(BuildDate, Precedence) {
  EXPECT_EQ(build_epoch({std::optional<int64_t>(5), std::optional<int64_t>(7), 9}), 5);
  EXPECT_EQ(build_epoch({std::nullopt, std::optional<int64_t>(7), 9}), 7);
  EXPECT_EQ(build_epoch({std::nullopt, std::nullopt, 9}), 9);
}

TEST(BuildDate, SourceDateEpochEnv) {
  setenv("SOURCE_DATE_EPOCH", "1234", 1);
  EXPECT_EQ(**source_date_epoch_from_env(), 1234);
  setenv("SOURCE_DATE_EPOCH", "12x", 1);
  EXPECT_FALSE(source_date_epoch_from_env());
  setenv("SOURCE_DATE_EPOCH", "", 1);
  EXPECT_FALSE(source_date_epoch_from_env()->has_value());
  unsetenv("SOURCE_DATE_EPOCH");
  EXPECT_FALSE(source_date_epoch_from_env()->has_value());
}

}  // namespace
}  // namespace apko
