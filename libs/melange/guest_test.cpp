#include "melange/guest.hpp"

#include <gtest/gtest.h>

#include <thread>

#include <sys/stat.h>
#include <unistd.h>

#include "melange/runner_glue.hpp"

namespace melange {
namespace {

namespace fs = std::filesystem;

TEST(Guest, RunnerConfigMountsAndSettings) {
  auto tmp = base::TempDir::create("melange-guest-test-");
  ASSERT_TRUE(tmp);
  Environment env;
  env.run_uid = 1000;
  env.run_gid = 1001;
  StartSpec s;
  s.workspace = tmp->path() / "ws";
  s.cache_dir = tmp->path() / "no-such-cache";
  s.environment = {{"FOO", "bar"}};
  s.cap_add = {"NET_ADMIN"};
  s.cap_drop = {"CHOWN"};
  s.timeout = std::chrono::seconds(7);

  auto rc = runner_config(tmp->path() / "root", env, s);
  EXPECT_EQ(rc.rootfs, tmp->path() / "root");
  ASSERT_EQ(rc.mounts.size(), 1u);  // a missing cache dir is not mounted; no network, no resolv.conf
  EXPECT_EQ(rc.mounts[0].source, s.workspace);
  EXPECT_EQ(rc.mounts[0].target, "/home/build");
  EXPECT_FALSE(rc.mounts[0].read_only);
  EXPECT_EQ(rc.env.at("FOO"), "bar");
  EXPECT_EQ(rc.env.at("PATH"), std::string(kDefaultPath));
  EXPECT_EQ(rc.uid, 1000u);
  EXPECT_EQ(rc.gid, 1001u);
  EXPECT_EQ(rc.cap_add, (std::vector<std::string>{"NET_ADMIN"}));
  EXPECT_EQ(rc.cap_drop, (std::vector<std::string>{"CHOWN"}));
  EXPECT_FALSE(rc.network);
  EXPECT_EQ(rc.timeout.count(), 7);

  fs::create_directories(s.cache_dir);
  s.network = true;
  rc = runner_config(tmp->path() / "root", env, s);
  ASSERT_GE(rc.mounts.size(), 2u);
  EXPECT_EQ(rc.mounts[1].target, "/var/cache/melange");
  EXPECT_TRUE(rc.mounts[1].source.is_absolute());
  EXPECT_TRUE(rc.network);
  if (fs::exists("/etc/resolv.conf")) {
    ASSERT_EQ(rc.mounts.size(), 3u);
    EXPECT_EQ(rc.mounts[2].target, "/etc/resolv.conf");
    EXPECT_TRUE(rc.mounts[2].read_only);
  }
}

TEST(Guest, ResourcesForVmRunners) {
  StartSpec ss;
  config::Resources r;
  r.cpu = "1";
  r.memory = "1536Mi";
  ASSERT_TRUE(apply_resources(r, ss));
  EXPECT_EQ(ss.cpus, 1u);
  EXPECT_EQ(ss.memory_mb, 1536u);
  r.memory = "2Gi";
  ASSERT_TRUE(apply_resources(r, ss));
  EXPECT_EQ(ss.memory_mb, 2048u);
  r.cpu = "4096";
  ASSERT_TRUE(apply_resources(r, ss));
  EXPECT_LE(ss.cpus, std::max(1u, std::thread::hardware_concurrency()));
  r.memory = "lots";
  auto bad = apply_resources(r, ss);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "resources.memory 'lots' is not a quantity like 8Gi or 512Mi");
  r.memory.clear();
  r.cpu = "two";
  EXPECT_FALSE(apply_resources(r, ss));
}

TEST(Guest, GiveToUserIsRecursiveAndSkipsRoot) {
  auto tmp = base::TempDir::create("melange-guest-test-");
  ASSERT_TRUE(tmp);
  fs::create_directories(tmp->path() / "a" / "b");
  ASSERT_TRUE(base::write_file_atomic(tmp->path() / "a" / "b" / "f", "x"));
  struct stat before{};
  ASSERT_EQ(::stat((tmp->path() / "a/b/f").c_str(), &before), 0);
  give_to_user(tmp->path(), 0, 0);  // root: nothing changes
  struct stat after{};
  ASSERT_EQ(::stat((tmp->path() / "a/b/f").c_str(), &after), 0);
  EXPECT_EQ(after.st_uid, before.st_uid);
  if (::geteuid() != 0) GTEST_SKIP() << "chown to another user needs root";
  give_to_user(tmp->path(), 4242, 4343);
  for (const char* rel : {"", "a", "a/b", "a/b/f"}) {
    struct stat st{};
    ASSERT_EQ(::stat((tmp->path() / rel).c_str(), &st), 0) << rel;
    EXPECT_EQ(st.st_uid, 4242u) << rel;
    EXPECT_EQ(st.st_gid, 4343u) << rel;
  }
}

TEST(Guest, UnknownRunnerFailsBeforeAnythingIsInstalled) {
  config::ImageConfig cfg;  // no repositories: would fail later with another message
  GuestSpec spec;
  spec.what = "demo";
  spec.runner = "no-such-runner";
  auto g = Guest::create(cfg, apk::parse_arch("x86_64").value(), spec);
  ASSERT_FALSE(g);
  EXPECT_NE(g.error().message.find("no-such-runner"), std::string::npos) << g.error().message;
  EXPECT_EQ(g.error().message.find("no repositories"), std::string::npos) << g.error().message;
}

}  // namespace
}  // namespace melange
