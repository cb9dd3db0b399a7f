#include "sandbox/runner.hpp"

#include <gtest/gtest.h>

#include "base/fs.hpp"

namespace sandbox {
namespace {

TEST(MakeRunner, KnownNames) {
  auto b = make_runner("bubblewrap");
  ASSERT_TRUE(b);
  EXPECT_EQ((*b)->name(), "bubblewrap");
  auto d = make_runner("docker");
  ASSERT_TRUE(d);
  EXPECT_EQ((*d)->name(), "docker");
}

TEST(MakeRunner, Qemu) {
  auto q = make_runner("qemu");
  ASSERT_TRUE(q);
  EXPECT_EQ((*q)->name(), "qemu");
}

TEST(MakeRunner, Lima) {
  auto l = make_runner("lima");
  ASSERT_TRUE(l);
  EXPECT_EQ((*l)->name(), "lima");
}

TEST(MakeRunner, UnknownNameIsUsageError) {
  auto r = make_runner("kubernetes");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, base::ErrorCode::kUsage);
  EXPECT_EQ(r.error().message, "unknown runner 'kubernetes'");
  EXPECT_NE(r.error().hint.find("bubblewrap"), std::string::npos);
}

TEST(EffectiveCaps, DefaultsPlusAddMinusDrop) {
  RunnerConfig cfg;
  auto caps = effective_caps(cfg);
  EXPECT_EQ(caps.size(), 14u);
  EXPECT_NE(std::find(caps.begin(), caps.end(), "CHOWN"), caps.end());
  cfg.cap_add = {"cap_sys_ptrace", "NET_ADMIN"};
  cfg.cap_drop = {"CAP_NET_RAW", "mknod"};
  caps = effective_caps(cfg);
  EXPECT_EQ(caps.size(), 14u);
  EXPECT_NE(std::find(caps.begin(), caps.end(), "SYS_PTRACE"), caps.end());
  EXPECT_NE(std::find(caps.begin(), caps.end(), "NET_ADMIN"), caps.end());
  EXPECT_EQ(std::find(caps.begin(), caps.end(), "NET_RAW"), caps.end());
  EXPECT_EQ(std::find(caps.begin(), caps.end(), "MKNOD"), caps.end());
  cfg.cap_drop = {"ALL"};
  EXPECT_EQ(effective_caps(cfg), (std::vector<std::string>{"NET_ADMIN", "SYS_PTRACE"}));
}

TEST(MergedEnv, ExtraOverrides) {
  RunnerConfig cfg;
  cfg.env = {{"A", "1"}, {"B", "2"}};
  auto env = merged_env(cfg, {{"B", "3"}, {"C", "4"}});
  EXPECT_EQ(env, (std::map<std::string, std::string>{{"A", "1"}, {"B", "3"}, {"C", "4"}}));
}

TEST(ValidateConfig, RejectsBadConfigs) {
  auto dir = base::TempDir::create();
  ASSERT_TRUE(dir);
  RunnerConfig cfg;
  cfg.rootfs = dir->path() / "missing";
  auto r = validate_config(cfg);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("missing: build root is not a directory"), std::string::npos);
  cfg.rootfs = dir->path();
  EXPECT_TRUE(validate_config(cfg));
  cfg.mounts = {{dir->path() / "nope", "/x"}};
  r = validate_config(cfg);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, base::ErrorCode::kNotFound);
  cfg.mounts = {{dir->path(), "relative"}};
  EXPECT_FALSE(validate_config(cfg));
  cfg.mounts.clear();
  cfg.work_dir = "home/build";
  EXPECT_FALSE(validate_config(cfg));
}

TEST(Runner, ExecBeforeStartIsAnError) {
  for (const char* n : {"bubblewrap", "docker"}) {
    auto r = make_runner(n);
    ASSERT_TRUE(r);
    auto e = (*r)->exec({"true"}, {}, "", {});
    ASSERT_FALSE(e);
    EXPECT_NE(e.error().message.find("before start"), std::string::npos);
  }
}

}  // namespace
}  // namespace sandbox
