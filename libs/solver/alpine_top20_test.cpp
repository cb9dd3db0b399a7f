// The same install sets as apk-tools for 20 common requests on the real Alpine v3.17
// aarch64 index (tests/solver/alpine-317/top20.txt says how the answers were obtained), and
// for 10 more chosen for install_if and virtual providers (more.txt).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "apk/index_text.hpp"
#include "solver/solver.hpp"
#include "solver/test_util.hpp"
#include "testutil/testutil.hpp"

namespace solver {
namespace {

struct Request {
  std::vector<std::string> world, expect;
};

std::vector<Request> load_requests(const std::string& file, std::string* error) {
  const std::string path = std::string(MA_SOURCE_DIR) + "/tests/solver/alpine-317/" + file;
  std::ifstream in(path);
  if (!in) *error = path + ": cannot read";
  std::vector<Request> out;
  std::vector<std::string>* cont = nullptr;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string key;
    if (line[0] != ' ') {
      words >> key;
      if (key == "world") {
        out.emplace_back();
        cont = &out.back().world;
      } else if (key == "expect" && !out.empty()) {
        cont = &out.back().expect;
      } else {
        *error = path + ": unexpected line: " + line;
        return {};
      }
    }
    if (!cont) continue;
    for (std::string w; words >> w;) cont->push_back(w);
  }
  return out;
}

class AlpineTop20 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto index_path = testutil::test_data_dir() / "apko-apk-testdata/alpine-317/APKINDEX.tar.gz";
    int status = 0;
    std::string text =
        testutil::run_capture("tar -xzOf " + testutil::shell_quote(index_path.string()) + " APKINDEX", &status);
    auto index = apk::IndexText::parse(text);
    if (status != 0 || !index) return;
    universe_ = new Universe();
    size_t repo = universe_->add_repository(Repository{"", 0, "alpine-317"});
    for (const auto& e : index->entries()) (void)universe_->add(e.to_info(), repo);
  }
  static void TearDownTestSuite() {
    delete universe_;
    universe_ = nullptr;
  }

  // Solves every request of `file` and compares the install sets with apk-tools'.
  static void check(const std::string& file, size_t expected_requests) {
    ASSERT_NE(universe_, nullptr) << "cannot read the Alpine 3.17 index from tests/data";
    std::string error;
    auto requests = load_requests(file, &error);
    ASSERT_TRUE(error.empty()) << error;
    ASSERT_EQ(requests.size(), expected_requests);
    const Universe& u = *universe_;
    size_t same = 0;
    for (const auto& r : requests) {
      std::string w;
      for (const auto& x : r.world) w += (w.empty() ? "" : " ") + x;
      auto s = solve(u, testing::world(r.world));
      ASSERT_TRUE(s) << w << ": " << s.error().message;
      auto got = testing::nevrs(u, *s);
      std::sort(got.begin(), got.end());
      auto want = r.expect;
      std::sort(want.begin(), want.end());
      std::vector<std::string> missing, extra;
      std::set_difference(want.begin(), want.end(), got.begin(), got.end(), std::back_inserter(missing));
      std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(extra));
      std::string m, x;
      for (const auto& p : missing) m += " " + p;
      for (const auto& p : extra) x += " " + p;
      EXPECT_TRUE(missing.empty() && extra.empty())
          << "world {" << w << "}: apk-tools installs but we do not:" << m << "; we install but apk-tools does not:" << x;
      same += missing.empty() && extra.empty();
      std::printf("[alpine-3.17 %s] %-60s %3zu packages, %s\n", file.c_str(), w.c_str(), got.size(),
                  missing.empty() && extra.empty() ? "as apk-tools" : "DIFFERS");
    }
    std::printf("[alpine-3.17 %s] %zu of %zu requests give apk-tools' install set\n", file.c_str(), same,
                requests.size());
  }

  static Universe* universe_;
};
Universe* AlpineTop20::universe_ = nullptr;

TEST_F(AlpineTop20, SameInstallSetsAsApkTools) { check("top20.txt", 20); }

TEST_F(AlpineTop20, InstallIfAndVirtualsAsApkTools) { check("more.txt", 10); }

}  // namespace
}  // namespace solver
