// The same checks against every runner backend, on a busybox build root:
// bubblewrap directly, docker through a private podman API service.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "base/fs.hpp"
#include "sandbox/podman_service.hpp"
#include "sandbox/runner.hpp"
#include "sandbox/test_rootfs.hpp"

namespace sandbox {
namespace {

namespace fs = std::filesystem;

class StopPodman : public ::testing::Environment {
 public:
  void TearDown() override { testing::PodmanService::stop_shared(); }
};
const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new StopPodman);

struct RunCaptured {
  std::vector<std::string> out, err;
  OutputFn fn() {
    return [this](std::string_view l, bool is_err) { (is_err ? err : out).emplace_back(l); };
  }
};

class RunnerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (testing::static_busybox().empty()) {
      GTEST_SKIP() << "no static busybox on this host (apt-get install busybox-static)";
    }
    if (GetParam() == "docker") {
      auto& svc = testing::PodmanService::shared();
      if (!svc.error().empty()) {
        GTEST_SKIP() << "podman API service unavailable: " << svc.error();
      }
      ::setenv("DOCKER_HOST", svc.docker_host().c_str(), 1);
    }
    if (GetParam() == "qemu" || GetParam() == "lima")
      ::setenv("MA_GUEST_INIT", MA_BINARY_DIR "/apps/guest-init/ma-guest-init", 1);
    auto r = make_runner(GetParam());
    ASSERT_TRUE(r) << r.error().to_string();
    runner_ = std::move(*r);
    if (GetParam() == "lima") {
      auto d = base::TempDir::create("ma-sandbox-lima-");
      ASSERT_TRUE(d);
      lima_dir_.emplace(std::move(*d));
      testing::use_fake_limactl(lima_dir_->path());
    }
    auto avail = runner_->check_available();
    if (GetParam() == "bubblewrap" && !avail) {
      GTEST_SKIP() << "bubblewrap unusable here: " << avail.error().to_string();
    }
    ASSERT_TRUE(avail) << avail.error().to_string();
    auto dir = base::TempDir::create("ma-sandbox-test-");
    ASSERT_TRUE(dir);
    dir_.emplace(std::move(*dir));
    ASSERT_TRUE(testing::make_busybox_rootfs(rootfs()));
    fs::create_directories(workspace());
    cfg_.rootfs = rootfs();
    cfg_.mounts = {{workspace(), "/home/build", false}};
    cfg_.env = {{"PATH", "/bin"}, {"FOO", "bar"}};
  }
  void TearDown() override {
    if (runner_) {
      EXPECT_TRUE(runner_->stop());
    }
  }
  fs::path rootfs() const { return dir_->path() / "rootfs"; }
  fs::path workspace() const { return dir_->path() / "workspace"; }
  void start() {
    auto st = runner_->start(cfg_);
    ASSERT_TRUE(st) << st.error().to_string();
  }
  base::Result<ExecResult> sh(const std::string& script, RunCaptured& c, const std::map<std::string, std::string>& env = {}) {
    return runner_->exec({"/bin/sh", "-c", script}, env, "", c.fn());
  }

  std::optional<base::TempDir> lima_dir_;  // the fake limactl's state (outlives the runner)
  std::optional<base::TempDir> dir_;
  std::unique_ptr<Runner> runner_;
  RunnerConfig cfg_;
};

TEST_P(RunnerTest, RunsWithEnvWorkdirAndUser) {
  start();
  RunCaptured c;
  auto r = sh("echo hello; id -u; pwd; echo $FOO; echo $EXTRA", c, {{"EXTRA", "x y"}});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(c.out, (std::vector<std::string>{"hello", "0", "/home/build", "bar", "x y"}));
  EXPECT_TRUE(c.err.empty());
  RunCaptured c2;
  auto r2 = runner_->exec({"pwd"}, {}, "/tmp", c2.fn());
  ASSERT_TRUE(r2) << r2.error().to_string();
  EXPECT_EQ(c2.out, (std::vector<std::string>{"/tmp"}));
}

TEST_P(RunnerTest, RunsAsConfiguredUid) {
  cfg_.uid = 1000;
  cfg_.gid = 1000;
  fs::permissions(workspace(), fs::perms::all);
  start();
  RunCaptured c;
  auto r = sh("id -u; id -g; touch /home/build/mine", c);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(c.out, (std::vector<std::string>{"1000", "1000"}));
  EXPECT_EQ(r->exit_code, 0) << (c.err.empty() ? "" : c.err[0]);
}

TEST_P(RunnerTest, PropagatesExitCodeAndStderr) {
  start();
  RunCaptured c;
  auto r = sh("echo oops >&2; exit 3", c);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(c.err, (std::vector<std::string>{"oops"}));
  EXPECT_TRUE(c.out.empty());
}

// The --interactive path: the command shares this process's stdio (here not a terminal, so
// the shell reads its commands from stdin like any sh). bubblewrap and lima attach; docker and qemu say they cannot.
TEST_P(RunnerTest, ExecInteractiveInheritsStdio) {
  start();
  auto r = runner_->exec_interactive({"/bin/sh", "-c", "echo $FOO$EXTRA > /home/build/inter.txt; pwd >> /home/build/inter.txt; exit 5"},
                                     {{"EXTRA", "+x"}}, "/tmp");
  if (GetParam() != "bubblewrap" && GetParam() != "lima") {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, base::ErrorCode::kUnsupported);
    EXPECT_NE(r.error().message.find("cannot attach a terminal"), std::string::npos) << r.error().message;
    return;
  }
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->exit_code, 5);
  auto data = base::read_file(workspace() / "inter.txt");
  ASSERT_TRUE(data) << data.error().to_string();
  EXPECT_EQ(*data, "bar+x\n/tmp\n");
}

TEST_P(RunnerTest, WorkspaceWritesReachTheHostAndHostIsHidden) {
  start();
  RunCaptured c;
  auto r = sh("echo built > /home/build/out.txt; for p in /work /usr/lib/x86_64-linux-gnu " MA_SOURCE_DIR
              "; do test -e $p && echo present $p || echo absent; done", c);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(c.out, (std::vector<std::string>{"absent", "absent", "absent"}));
  if (GetParam() == "qemu") {  // the workspace is a copy: it comes back by retrieve()
    auto st = runner_->retrieve("/home/build", workspace());
    ASSERT_TRUE(st) << st.error().to_string();
  }
  auto data = base::read_file(workspace() / "out.txt");
  ASSERT_TRUE(data) << data.error().to_string();
  EXPECT_EQ(*data, "built\n");
}

TEST_P(RunnerTest, DefaultCapabilitiesAndNoNetwork) {
  start();
  RunCaptured c;
  auto r = sh("grep CapEff /proc/self/status; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '", c);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(c.out.size(), 2u) << "expected CapEff and only the lo interface";
  unsigned long long caps = std::strtoull(c.out[0].substr(c.out[0].find(':') + 1).c_str(), nullptr, 16);
  EXPECT_TRUE(caps & (1ull << 0)) << "CAP_CHOWN missing: " << c.out[0];
  EXPECT_TRUE(caps & (1ull << 27)) << "CAP_MKNOD missing: " << c.out[0];
  EXPECT_FALSE(caps & (1ull << 21)) << "CAP_SYS_ADMIN granted: " << c.out[0];
  EXPECT_EQ(c.out[1], "lo");
}

TEST_P(RunnerTest, LargeOutputOnBothStreams) {
  start();
  size_t out_lines = 0, err_lines = 0;
  auto r = runner_->exec({"/bin/sh", "-c", "yes e | head -n 600000 >&2 & yes o | head -n 600000; wait"}, {}, "",
                         [&](std::string_view l, bool is_err) { ++(is_err ? err_lines : out_lines); (void)l; });
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(out_lines, 600000u);
  EXPECT_EQ(err_lines, 600000u);
}

TEST_P(RunnerTest, TimeoutKillsTheCommand) {
  cfg_.timeout = std::chrono::seconds{2};
  start();
  RunCaptured c;
  auto t0 = std::chrono::steady_clock::now();
  auto r = sh("echo started; sleep 60; echo finished", c);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("timed out"), std::string::npos) << r.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds{15});
  EXPECT_EQ(c.out, (std::vector<std::string>{"started"}));
  RunCaptured after;  // the runner is still usable
  auto r2 = sh("echo again", after);
  ASSERT_TRUE(r2) << r2.error().to_string();
  EXPECT_EQ(after.out, (std::vector<std::string>{"again"}));
}

TEST_P(RunnerTest, RetrieveCopiesAGuestDirectory) {
  start();
  RunCaptured c;
  auto r = sh("mkdir -p /tmp/res/sub && echo a > /tmp/res/sub/a.txt && echo w > /home/build/w.txt", c);
  ASSERT_TRUE(r && r->exit_code == 0);
  auto dest = dir_->path() / "retrieved";
  auto st = runner_->retrieve("/tmp/res", dest);
  ASSERT_TRUE(st) << st.error().to_string();
  auto a = base::read_file(dest / "sub/a.txt");
  ASSERT_TRUE(a) << a.error().to_string();
  EXPECT_EQ(*a, "a\n");
  auto ws = runner_->retrieve("/home/build", dest / "ws");
  ASSERT_TRUE(ws) << ws.error().to_string();
  EXPECT_TRUE(fs::exists(dest / "ws/w.txt"));
}

// qemu boots a VM per test (about 10 s each under TCG): opt-in with MA_TEST_QEMU=1 (the e2e
// test melange_qemu covers it by default).
std::vector<std::string> backends() {
  std::vector<std::string> b = {"bubblewrap", "docker", "lima"};  // lima: the fake limactl (tests/tools)
  const char* q = std::getenv("MA_TEST_QEMU");
  if (q && std::string(q) == "1") b.push_back("qemu");
  return b;
}

INSTANTIATE_TEST_SUITE_P(Backends, RunnerTest, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace sandbox
