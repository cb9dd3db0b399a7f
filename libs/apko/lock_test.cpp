#include "apko/lock.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "apko/test_fixture.hpp"
#include "testutil/testutil.hpp"

namespace apko {
namespace {

std::string run_lock(const std::string& cmd) { return testutil::run_capture(cmd); }

TEST(Lock, RoundTripAndRangesCheckedWithPython) {
  auto f = testing::make_repo_fixture();
  auto plan = make_plan(f.config, {});
  ASSERT_TRUE(plan) << plan.error().to_string();
  auto lock = make_lock(*plan, "apko.yaml");
  ASSERT_TRUE(lock) << lock.error().to_string();
  ASSERT_EQ(lock->packages.size(), 6u);
  EXPECT_EQ(lock->repositories.size(), 2u);
  EXPECT_EQ(lock->repositories[0].name, f.path("repo").string() + "/x86_64");
  ASSERT_EQ(lock->keyring.size(), 1u);
  EXPECT_NE(lock->keyring[0].content.find("BEGIN PUBLIC KEY"), std::string::npos);
  // Every range/checksum re-derived by python from the file.
  for (const auto& p : lock->packages) {
    std::string py =
        "python3 -c \"import sys,hashlib,base64\nd=open(sys.argv[1],'rb').read()\n"
        "def s(r,h):\n a,b=r[6:].split('-'); return h+'-'+base64.b64encode(hashlib.new(h,d[int(a):int(b)+1]).digest()).decode()\n"
        "print(s(sys.argv[2],'sha1'), s(sys.argv[3],'sha1'), s(sys.argv[4],'sha256'))\" " +
        p.url + " " + p.signature.range + " " + p.control.range + " " + p.data.range;
    EXPECT_EQ(run_lock(py), p.signature.checksum + " " + p.control.checksum + " " + p.data.checksum + "\n") << p.name;
    EXPECT_EQ("Q1" + p.control.checksum.substr(5), p.checksum);
  }
  std::string json = lock_to_json(*lock);
  auto back = parse_lock(json, "x.lock.json");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(lock_to_json(*back), json);

  // Applying the lock yields the same packages as the solve.
  auto plan2 = make_plan(f.config, {});
  ASSERT_TRUE(plan2);
  ASSERT_TRUE(apply_lock(*plan2, *back, "x.lock.json"));
  for (size_t i = 0; i < plan2->archs.size(); ++i) EXPECT_EQ(plan2->archs[i].packages, plan->archs[i].packages);

  // A locked version not in the solve's choice is still honoured (libfoo 1.0).
  auto pinned = *back;
  for (auto& p : pinned.packages)
    if (p.name == "libfoo") p.version = "1.0-r0";
  auto st = apply_lock(*plan2, pinned, "x.lock.json");
  ASSERT_FALSE(st);  // checksum belongs to 2.0: refused
  EXPECT_NE(st.error().message.find("libfoo-1.0-r0"), std::string::npos);

  auto changed = *back;
  changed.config_checksum = "sha256-other";
  auto st2 = apply_lock(*plan2, changed, "x.lock.json");
  ASSERT_FALSE(st2);
  EXPECT_NE(st2.error().message.find("config checksum"), std::string::npos);
}

// apko's golden lock for its CLI test repository (tests/data/apko-cli-testdata/apko.lock.json).
// The config here is our own, with absolute paths, so config.checksum and the repository and
// keyring names differ from the golden's; every package entry and the key content must match.
TEST(Lock, MatchesApkoGoldenForFixtureRepository) {
  std::filesystem::path td = testutil::test_data_dir() / "apko-cli-testdata";
  auto tmp = base::TempDir::create("apko-lock-").value();
  std::string yaml = "contents:\n  keyring:\n    - " + (td / "melange.rsa.pub").string() + "\n  repositories:\n    - " +
                     (td / "packages").string() + "\n  packages:\n    - replayout\narchs: [x86_64, aarch64]\n";
  ASSERT_TRUE(base::write_file_atomic(tmp.path() / "apko.yaml", yaml));
  auto plan = make_plan(tmp.path() / "apko.yaml", {});
  ASSERT_TRUE(plan) << plan.error().to_string();
  auto lock = make_lock(*plan, "apko.yaml");
  ASSERT_TRUE(lock) << lock.error().to_string();
  auto golden = nlohmann::json::parse(base::read_file(td / "apko.lock.json").value());
  const auto& gp = golden["contents"]["packages"];
  ASSERT_EQ(gp.size(), lock->packages.size());
  for (size_t i = 0; i < gp.size(); ++i) {
    const auto& p = lock->packages[i];
    EXPECT_EQ(gp[i]["name"], p.name);
    EXPECT_EQ(gp[i]["version"], p.version);
    EXPECT_EQ(gp[i]["architecture"], p.architecture);
    EXPECT_EQ(gp[i]["checksum"], p.checksum);
    EXPECT_EQ(gp[i]["signature"]["range"], p.signature.range);
    EXPECT_EQ(gp[i]["signature"]["checksum"], p.signature.checksum);
    EXPECT_EQ(gp[i]["control"]["range"], p.control.range);
    EXPECT_EQ(gp[i]["control"]["checksum"], p.control.checksum);
    EXPECT_EQ(gp[i]["data"]["range"], p.data.range);
    EXPECT_EQ(gp[i]["data"]["checksum"], p.data.checksum);
  }
  EXPECT_EQ(golden["contents"]["keyring"][0]["content"], lock->keyring[0].content);
}

TEST(Lock, ParseErrors) {
  EXPECT_FALSE(parse_lock("nope", "f"));
  EXPECT_FALSE(parse_lock(R"({"version":"v2","contents":{}})", "f"));
  auto r = parse_lock(R"({"version":"v1","contents":{"packages":[{"name":"x"}]}})", "f.json");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("f.json: packages[0]"), std::string::npos);
}

}  // namespace
}  // namespace apko
