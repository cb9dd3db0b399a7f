#include "apk/version.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <new>
#include <sstream>
#include <string>

#include "testutil/testutil.hpp"

// Counts heap allocations so a test can prove version_compare() makes none. This is
// the only replacement of operator new in ma_apk_tests; it just forwards to malloc.
namespace {
std::atomic<long> g_allocations{0};
}
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
// The nothrow form too (std::stable_sort's buffer): its memory comes back through the
// replaced delete above, so it must come from malloc as well.
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n ? n : 1);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace apk {
namespace {

char sign_char(int r) { return r < 0 ? '<' : r > 0 ? '>' : '='; }

// apk-tools' own table: each row "A OP B [# comment]" means `apk version -t A B`
// prints OP. The table is only one-directional, so the reverse must hold too.
TEST(VersionTable, EveryRowOfApkToolsVersionData) {
  const std::filesystem::path path = testutil::test_data_dir() / "apk-tools/version.data";
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::string line;
  int rows = 0, line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream fields(line);
    std::string a, op, b;
    if (!(fields >> a)) continue;  // blank line
    ASSERT_TRUE(fields >> op >> b) << "line " << line_no << ": malformed row";
    ASSERT_TRUE(op == "<" || op == ">" || op == "=") << "line " << line_no << ": op " << op;
    ++rows;
    const char want = op[0];
    const char want_rev = want == '<' ? '>' : want == '>' ? '<' : '=';
    EXPECT_EQ(sign_char(version_compare(a, b)), want) << "line " << line_no << ": " << a << ' '
                                                      << op << ' ' << b;
    EXPECT_EQ(sign_char(version_compare(b, a)), want_rev)
        << "line " << line_no << " reversed: " << b << " vs " << a;
  }
  EXPECT_EQ(rows, 733);
}

TEST(VersionCompare, Basics) {
  EXPECT_LT(version_compare("1.0", "1.1"), 0);
  EXPECT_GT(version_compare("1.10", "1.9"), 0);
  EXPECT_EQ(version_compare("1.2.3-r0", "1.2.3-r0"), 0);
  EXPECT_LT(version_compare("1.2.3-r0", "1.2.3-r1"), 0);
  EXPECT_LT(version_compare("1.2.3", "1.2.3-r0"), 0);  // a revision sorts after none
  EXPECT_LT(version_compare("1.2_rc1", "1.2"), 0);
  EXPECT_LT(version_compare("1.2_alpha", "1.2_beta"), 0);
  EXPECT_LT(version_compare("1.2_beta", "1.2_pre"), 0);
  EXPECT_LT(version_compare("1.2_pre", "1.2_rc"), 0);
  EXPECT_GT(version_compare("1.2_p1", "1.2"), 0);
  EXPECT_LT(version_compare("1.2_cvs", "1.2_svn"), 0);
  EXPECT_LT(version_compare("1.2_git", "1.2_hg"), 0);
  EXPECT_LT(version_compare("1.2_hg", "1.2_p"), 0);
  EXPECT_GT(version_compare("1.2a", "1.2"), 0);
  EXPECT_LT(version_compare("1.2a", "1.2b"), 0);
  EXPECT_LT(version_compare("1.2", "1.2.0"), 0);
  EXPECT_LT(version_compare("1.02", "1.2"), 0);    // leading zero ranks first
  EXPECT_LT(version_compare("1.002", "1.02"), 0);
  // 14-digit snapshot numbers do not overflow.
  EXPECT_LT(version_compare("1_pre20191002222144", "1_pre20210530193627"), 0);
}

TEST(VersionCompare, DoesNotAllocate) {
  {
    const long start = g_allocations.load();
    std::string probe(100, 'x');  // beyond small-string storage: must be counted
    ASSERT_GT(g_allocations.load(), start) << "allocation counter is not hooked in";
  }
  const long before = g_allocations.load();
  int sum = 0;
  for (int i = 0; i < 1000; ++i) {
    sum += version_compare("1.2.3_rc1-r4", "1.2.3_p2-r0");
    sum += version_match("1.2.3-r1", kOpFuzzy | kOpEqual, "1.2") ? 1 : 0;
    sum += version_is_valid("0.1.0_alpha_pre2") ? 1 : 0;
  }
  EXPECT_EQ(g_allocations.load(), before);
  EXPECT_EQ(sum, 1000);  // -1 + 1 + 1 per round
}

TEST(VersionCompare, InvalidVersionsCompareLikeApkTools) {
  EXPECT_LT(version_compare("1.0", "1.0bc"), 0);
  EXPECT_GT(version_compare("23_foo", "4_beta"), 0);
  EXPECT_LT(version_compare("1.0_foo", "1.0"), 0);  // unknown suffix ranks like pre-release
}

TEST(VersionValid, AcceptsGrammar) {
  for (const char* v : {"1", "1.2.3", "1.2.3a", "1.2_alpha", "1.2_alpha2_p3", "1.2.3-r10",
                        "0.1.0_alpha_pre2", "2.01.01_alpha10", "1.2a3", "20230101",
                        "6.5_p20250503-r0", "1.0.0_pre20191002222144-r0"}) {
    EXPECT_TRUE(version_is_valid(v)) << v;
  }
}

TEST(VersionValid, RejectsOthers) {
  for (const char* v : {"", "1.0bc", "23_foo", "1.2-3", "1.2-r1.1", "1.2_rc1-r1a", "1.2a.3",
                        "1.2_alpha.1", "1.2 ", "1.A", "1.2_rc-r1_p", "1.123456789012345678"}) {
    EXPECT_FALSE(version_is_valid(v)) << v;
  }
}

// apk-tools 2.x's grammar is looser than its comment suggests; these pass its check too.
TEST(VersionValid, ApkTools2Quirks) {
  for (const char* v : {"1..2", "1.2.", "1.2-r", "x", "1.2-r1-r2"}) {
    EXPECT_TRUE(version_is_valid(v)) << v;
  }
}

TEST(VersionMatch, Operators) {
  EXPECT_TRUE(version_match("1.2", kOpLess, "1.3"));
  EXPECT_FALSE(version_match("1.3", kOpLess, "1.3"));
  EXPECT_TRUE(version_match("1.3", kOpLess | kOpEqual, "1.3"));
  EXPECT_TRUE(version_match("1.3-r0", kOpEqual, "1.3-r0"));
  EXPECT_FALSE(version_match("1.3-r1", kOpEqual, "1.3-r0"));
  EXPECT_TRUE(version_match("1.4", kOpGreater | kOpEqual, "1.3"));
  EXPECT_FALSE(version_match("1.3", kOpGreater, "1.3"));
  EXPECT_TRUE(version_match("0.0.1", kOpAny, "9"));
}

TEST(VersionMatch, FuzzyIsComponentPrefix) {
  const uint8_t fuzzy = kOpFuzzy | kOpEqual;
  EXPECT_TRUE(version_match("1.2.3", fuzzy, "1.2"));
  EXPECT_TRUE(version_match("1.2", fuzzy, "1.2"));
  EXPECT_TRUE(version_match("1.2-r4", fuzzy, "1.2"));
  EXPECT_TRUE(version_match("1.2_rc1", fuzzy, "1.2"));
  EXPECT_TRUE(version_match("1.2.3-r1", kOpFuzzy, "1.2.3"));  // bare fuzzy implies equal
  EXPECT_FALSE(version_match("1.20", fuzzy, "1.2"));
  EXPECT_FALSE(version_match("1.3", fuzzy, "1.2"));
  EXPECT_FALSE(version_match("1.2", fuzzy, "1.2.3"));
  EXPECT_FALSE(version_match("1.1.9", fuzzy, "1.2"));
  // "<~" / ">~": strictly below/above, or inside the fuzzy range.
  EXPECT_TRUE(version_match("1.2.9", kOpGreater | fuzzy, "1.2"));
  EXPECT_TRUE(version_match("1.3", kOpGreater | fuzzy, "1.2"));
  EXPECT_FALSE(version_match("1.1", kOpGreater | fuzzy, "1.2"));
  EXPECT_TRUE(version_match("1.2.9", kOpLess | fuzzy, "1.2"));
  EXPECT_FALSE(version_match("1.3", kOpLess | fuzzy, "1.2"));
}

TEST(VersionOp, Spelling) {
  EXPECT_EQ(op_to_string(kOpLess), "<");
  EXPECT_EQ(op_to_string(kOpLess | kOpEqual), "<=");
  EXPECT_EQ(op_to_string(kOpEqual), "=");
  EXPECT_EQ(op_to_string(kOpGreater | kOpEqual), ">=");
  EXPECT_EQ(op_to_string(kOpGreater), ">");
  EXPECT_EQ(op_to_string(kOpFuzzy | kOpEqual), "~");
  EXPECT_EQ(op_to_string(kOpAny), "");
  for (const char* s : {"<", "<=", "=", ">=", ">", "~", "<~", ">~"}) {
    EXPECT_EQ(op_to_string(op_from_string(s)), s) << s;
  }
  EXPECT_EQ(op_from_string("=~"), kOpFuzzy | kOpEqual);
  EXPECT_EQ(op_from_string("=="), kOpEqual);
  EXPECT_EQ(op_from_string("><"), 0);
  EXPECT_EQ(op_from_string(""), 0);
  EXPECT_EQ(op_from_string("=!"), 0);
}

}  // namespace
}  // namespace apk
