// Solves real worlds against the Alpine v3.17 aarch64 index (5,004 packages) and checks
// that every result is self-consistent.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "apk/index_text.hpp"
#include "apk/version.hpp"
#include "solver/solver.hpp"
#include "solver/test_util.hpp"
#include "testutil/testutil.hpp"

namespace solver {
namespace {

std::string read_index_text(const std::string& path) {
  std::string cmd = "tar -xzOf '" + path + "' APKINDEX 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  if (!pipe) return out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe.get())) > 0) out.append(buf, n);
  return out;
}

class Alpine317 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string path = (testutil::test_data_dir() / "apko-apk-testdata/alpine-317/APKINDEX.tar.gz").string();
    auto index = apk::IndexText::parse(read_index_text(path));
    if (!index || index->size() == 0) {
      load_error_ = path + ": " + (index ? std::string("no entries") : index.error().to_string());
      return;
    }
    universe_ = new Universe();
    size_t repo = universe_->add_repository(Repository{"", 0, "https://dl-cdn.alpinelinux.org/alpine/v3.17/main"});
    for (const auto& e : index->entries()) {
      auto r = universe_->add(e.to_info(), repo);
      if (!r) ADD_FAILURE() << r.error().message;
    }
  }
  static void TearDownTestSuite() {
    delete universe_;
    universe_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(universe_, nullptr) << "Alpine 3.17 APKINDEX: " << load_error_;
  }

  // Every positive dependency of every selected package is met by exactly one selected
  // versioned provider (or, for unversioned ones, at least one provider), no name is
  // installed twice, and each package comes after the packages it depends on unless they
  // form a cycle.
  static void check_consistent(const Universe& u, const Solution& s) {
    std::map<std::string, std::vector<std::pair<size_t, std::string>>> provided;  // name -> (id, version)
    std::map<std::string, size_t> position;
    for (size_t i = 0; i < s.packages.size(); ++i) {
      const auto& info = u.package(s.packages[i]);
      EXPECT_TRUE(position.emplace(info.name, i).second) << "installed twice: " << info.name;
      provided[info.name].push_back({s.packages[i], info.version});
      for (const std::string& p : info.provides) {
        apk::Provide pr = apk::parse_provide(p);
        provided[pr.name].push_back({s.packages[i], pr.version});
      }
    }
    for (const auto& [name, list] : provided) {
      size_t versioned = 0;
      for (const auto& [id, v] : list) versioned += !v.empty();
      EXPECT_LE(versioned, 1u) << "two providers of " << name;
    }
    for (size_t id : s.packages) {
      const auto& info = u.package(id);
      for (const std::string& text : info.depends) {
        auto d = apk::parse_dependency(text);
        ASSERT_TRUE(d);
        auto it = provided.find(d->name);
        if (d->conflict) {
          if (it == provided.end()) continue;
          for (const auto& [pid, v] : it->second)
            if (pid != id && (d->op == apk::kOpAny || (!v.empty() && d->matches_version(v))))
              ADD_FAILURE() << info.nevr() << " conflicts with installed " << u.package(pid).nevr();
          continue;
        }
        ASSERT_NE(it, provided.end()) << info.nevr() << " depends on missing " << text;
        size_t ok = 0;
        for (const auto& [pid, v] : it->second)
          ok += d->op == apk::kOpAny || (!v.empty() && d->matches_version(v));
        EXPECT_GE(ok, 1u) << info.nevr() << ": unsatisfied " << text;
      }
    }
  }

  static Universe* universe_;
  static std::string load_error_;
};
Universe* Alpine317::universe_ = nullptr;
std::string Alpine317::load_error_ = "not read";

TEST_F(Alpine317, SolvesCommonWorldsConsistently) {
  const std::vector<std::vector<std::string>> worlds = {
      {"alpine-base"}, {"busybox"}, {"openssl"}, {"python3"}, {"gcc"},
      {"alpine-base", "python3", "gcc", "openssl", "curl", "git", "bash", "openssh"}};
  for (const auto& w : worlds) {
    auto start = std::chrono::steady_clock::now();
    auto r = solve(*universe_, testing::world(w));
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(r) << w[0] << ": " << r.error().message;
    check_consistent(*universe_, *r);
    EXPECT_LT(ms, 2000.0) << w[0];
    std::printf("[alpine-3.17] %-12s -> %3zu packages in %.2f ms\n", w[0].c_str(), r->packages.size(), ms);
  }
}

TEST_F(Alpine317, KnownAnswers) {
  auto r = solve(*universe_, testing::world({"alpine-base"}));
  ASSERT_TRUE(r) << r.error().message;
  std::vector<std::string> names;
  for (size_t id : r->packages) names.push_back(universe_->package(id).name);
  std::string joined;
  for (const auto& n : names) joined += " " + n;
  std::printf("[alpine-3.17] alpine-base order:%s\n", joined.c_str());
  auto has = [&](const char* n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  // /bin/sh comes from busybox-binsh (provider_priority 100 in Alpine), musl provides libc.
  EXPECT_TRUE(has("busybox-binsh"));
  EXPECT_TRUE(has("musl"));
  EXPECT_TRUE(has("alpine-baselayout"));
  EXPECT_FALSE(has("dash-binsh"));
  // ifupdown-any: ifupdown-ng has the highest provider_priority (900).
  EXPECT_TRUE(has("ifupdown-ng"));
  EXPECT_FALSE(has("busybox-ifupdown"));
  // musl is installed before everything that links against it.
  auto pos = [&](const char* n) { return std::find(names.begin(), names.end(), n) - names.begin(); };
  EXPECT_LT(pos("musl"), pos("busybox"));
  EXPECT_EQ(names.back(), "alpine-base");
}

TEST_F(Alpine317, PinnedOlderVersionIsRespected) {
  auto newest = solve(*universe_, testing::world({"busybox"}));
  ASSERT_TRUE(newest);
  const std::string v = universe_->package(newest->packages.back()).version;
  auto r = solve(*universe_, testing::world({"busybox<" + v}));
  // Alpine's index holds one version per package: a lower pin cannot be met.
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("needs busybox<" + v + ", repository has busybox-" + v), std::string::npos)
      << r.error().message;
}

}  // namespace
}  // namespace solver
