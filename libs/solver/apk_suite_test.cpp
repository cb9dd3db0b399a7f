// apk-tools' solver test suite, data-driven: tests/solver/apk-tools/{repositories,cases}.txt
// (format in tests/solver/apk-tools/README.md). One test per case that has an apko
// counterpart; it agrees with apk-tools or says why apko differs on purpose. Cases without a
// counterpart say why in the data and are counted, not run.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "apk/dependency.hpp"
#include "solver/solver.hpp"
#include "solver/suite_data.hpp"

namespace solver {
namespace {

using testing::SuiteCase;
using testing::SuiteData;

const SuiteData& data() {
  static const SuiteData d = testing::load_suite(std::string(MA_SOURCE_DIR) + "/tests/solver/apk-tools");
  return d;
}

const SuiteData& extra() {
  static const SuiteData d = testing::load_suite(std::string(MA_SOURCE_DIR) + "/tests/solver/apk-tools-extra");
  return d;
}

// Cases with an apko counterpart. The others (installed-system operations: fix, upgrade of
// what is installed, virtual packages, self-upgrade) are not tests that could pass or fail;
// they are listed with their reason in the data and counted by EveryDifferenceHasAReason.
std::vector<std::string> case_names(const SuiteData& d) {
  std::vector<std::string> out;
  for (const auto& c : d.cases)
    if (c.not_modelled.empty()) out.push_back(c.name);
  return out;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& i) {
  std::string n = i.param;
  std::replace(n.begin(), n.end(), '-', '_');
  return n;
}

class ApkToolsSuite : public ::testing::TestWithParam<std::string> {};
class ApkToolsExtra : public ::testing::TestWithParam<std::string> {};

TEST_P(ApkToolsExtra, Case) {
  const SuiteCase& c = *extra().find(GetParam());
  auto outcome = testing::run_case(extra(), c);
  ASSERT_TRUE(outcome.setup_error.empty()) << outcome.setup_error;
  EXPECT_TRUE(outcome.ok) << c.name << ": " << outcome.detail;
}

INSTANTIATE_TEST_SUITE_P(Cases, ApkToolsExtra, ::testing::ValuesIn(case_names(extra())), test_name);

TEST_P(ApkToolsSuite, Case) {
  const SuiteCase& c = *data().find(GetParam());
  auto outcome = testing::run_case(data(), c);
  ASSERT_TRUE(outcome.setup_error.empty()) << outcome.setup_error;
  EXPECT_TRUE(outcome.ok) << c.name << ": " << outcome.detail;
}

INSTANTIATE_TEST_SUITE_P(Cases, ApkToolsSuite, ::testing::ValuesIn(case_names(data())), test_name);

// The data files are consistent: every case says what it mirrors, every difference from
// apk-tools' answer has a reason (on purpose, or a known gap), and the counts are printed.
void check_data(const SuiteData& d, const char* label, size_t min_cases) {
  ASSERT_TRUE(d.error.empty()) << d.error;
  size_t modelled = 0, agree = 0, differ = 0, gaps = 0, skipped = 0;
  for (const SuiteCase& c : d.cases) {
    EXPECT_FALSE(c.mirrors.empty()) << c.name;
    if (!c.not_modelled.empty()) {
      ++skipped;
      continue;
    }
    ++modelled;
    const bool same = testing::expect_matches_apk(c);
    if (same) {
      ++agree;
      EXPECT_TRUE(c.differs.empty() && c.known_gap.empty()) << c.name << ": says it differs but expects apk-tools' answer";
    } else {
      c.known_gap.empty() ? ++differ : ++gaps;
      EXPECT_NE(c.differs.empty(), c.known_gap.empty())
          << c.name << ": expects another answer than apk-tools without one reason (differs or known-gap)";
    }
  }
  std::printf("[%s] %zu cases: %zu modelled (%zu as apk-tools, %zu differ on purpose, %zu known gaps), %zu not modelled\n",
              label, d.cases.size(), modelled, agree, differ, gaps, skipped);
  EXPECT_GE(d.cases.size(), min_cases);
}

TEST(ApkToolsSuiteData, EveryDifferenceHasAReason) { check_data(data(), "apk-tools suite", 93); }

TEST(ApkToolsExtraData, EveryDifferenceHasAReason) { check_data(extra(), "apk-tools extra", 14); }

}  // namespace
}  // namespace solver
